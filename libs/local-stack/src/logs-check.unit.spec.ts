import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkLogFiles } from './logs-check';

const json = (message: string) =>
  JSON.stringify({ time: '2026-12-06T12:00:00.000Z', level: 'info', service: 'crosscare-ingest', message });

describe('checkLogFiles', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-check-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('checks only what the running process wrote, numbering lines as the file does', () => {
    const file = path.join(dir, 'ingest.out');
    // An earlier run's text lines, then this process's JSON, one of them with a planted NHS number.
    const earlier = '[Nest] 1 - LOG [NestFactory] Starting Nest application...\nplain text\n';
    fs.writeFileSync(file, `${earlier}${json('listening')}\n${json('no record for 999 000 0018')}\n`);
    const report = checkLogFiles([{ name: 'ingest', file, from: Buffer.byteLength(earlier) }], dir);
    expect(report.checked).toEqual([{ name: 'ingest', file: 'ingest.out', lines: 2 }]);
    expect(report.findings).toEqual([
      { file: 'ingest.out', line: 4, problem: 'holds an NHS number (999 range, check digit valid)' },
    ]);
  });

  it('reads the whole file for a record without logStart, and finds the text lines', () => {
    const file = path.join(dir, 'projector-ccr.out');
    fs.writeFileSync(file, `text line\n${json('ok')}\n`);
    const report = checkLogFiles([{ name: 'projector-ccr', file, from: 0 }], dir);
    expect(report.findings.map((f) => [f.line, f.problem])).toEqual([
      [1, 'not a JSON log line (written around the logger?)'],
    ]);
  });

  it('passes clean logs, and a file truncated since the process started is read whole', () => {
    const file = path.join(dir, 'record-api.out');
    fs.writeFileSync(file, `${json('a')}\n${json('b [nhs-number]')}\n`);
    expect(checkLogFiles([{ name: 'record-api', file, from: 10_000 }], dir).findings).toEqual([]);
  });
});
