import { describeFinding, scanLogText } from './log-scan';

const json = (message: string) =>
  JSON.stringify({ time: '2026-12-06T12:00:00.000Z', level: 'info', service: 's', message });

describe('scanLogText', () => {
  it('passes clean JSON lines, redacted numbers and all', () => {
    const text = [
      json('listening'),
      json('patient [nhs-number] read'),
      json('offset 1764200000004'),
      '',
    ].join('\n');
    expect(scanLogText('ingest.out', text)).toEqual([]);
  });

  it('finds a planted NHS number, naming file and line, never the number', () => {
    const text = [json('ok'), json('no record for 9990000018'), json('spaced 999 000 0018')].join('\n');
    const findings = scanLogText('ingest.out', text);
    expect(findings).toEqual([
      { file: 'ingest.out', line: 2, problem: expect.stringContaining('NHS number') },
      { file: 'ingest.out', line: 3, problem: expect.stringContaining('NHS number') },
    ]);
    for (const finding of findings) expect(describeFinding(finding)).not.toMatch(/999.?000.?0018/);
    expect(describeFinding(findings[0])).toBe(
      'ingest.out:2: holds an NHS number (999 range, check digit valid)',
    );
  });

  it('finds lines that are not JSON: text logs, stacks written around the logger', () => {
    const text = ['[Nest] 8543  - LOG [NestFactory] Starting', json('ok'), '    at main (main.js:1:1)'].join(
      '\n',
    );
    expect(scanLogText('projector-ccr.out', text, { requireJson: true }, 10)).toEqual([
      { file: 'projector-ccr.out', line: 10, problem: expect.stringContaining('not a JSON') },
      { file: 'projector-ccr.out', line: 12, problem: expect.stringContaining('not a JSON') },
    ]);
  });

  it('finds clinical content: HL7 v2 segments, FHIR resources, codings', () => {
    const findings = scanLogText(
      'f',
      [
        json('bad message MSH|^~\\&|PAS|RQL'),
        json('body {"resourceType":"Condition"}'),
        json('{"coding":[{"system":"http://snomed.info/sct"}]}'),
        json('MSH-10 missing'),
        json('segments MSH|x\rPID|1||9990000018'),
      ].join('\n'),
    );
    expect(findings.map((f) => f.line)).toEqual([1, 2, 3, 3, 5, 5]);
  });

  it('ignores an unfinished last line', () => {
    expect(scanLogText('f', `${json('ok')}\n{"time":"2026`)).toHaveLength(1);
    expect(scanLogText('f', `${json('ok')}\n`)).toEqual([]);
  });
});
