import { scanLogText, type LogFinding } from '@crosscare/logging';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INGEST_APP } from './ingest-process';
import type { LocalApp, LocalAppRecord } from './local-app';
import type { StackPaths } from './paths';
import { PROJECTOR_APPS } from './projector-process';
import { RECORD_API_APP } from './record-api-process';
import { SCHEMA_REGISTRY_APP } from './schema-registry-process';
import { SDE_PUBLISHER_APP } from './sde-publisher-process';
import { SUBSCRIPTIONS_APP } from './subscriptions-process';

/** The services whose logs are checked: every Crosscare app the stack runs (the brokers' logs are Kafka's). */
export const LOGGED_APPS: readonly LocalApp[] = [
  SCHEMA_REGISTRY_APP,
  INGEST_APP,
  ...Object.values(PROJECTOR_APPS),
  RECORD_API_APP,
  SDE_PUBLISHER_APP,
  SUBSCRIPTIONS_APP,
];

export interface LogFileToCheck {
  readonly name: string;
  readonly file: string;
  /** Byte offset of the running process's first line (its run record's logStart); 0 for the whole file. */
  readonly from: number;
}

export interface LogsCheckReport {
  readonly checked: readonly { readonly name: string; readonly file: string; readonly lines: number }[];
  /** Apps with no running process: nothing of theirs is checked. */
  readonly notRunning: readonly string[];
  readonly findings: readonly LogFinding[];
}

/**
 * The log files of the running services, each from where its current process began writing: a log file keeps the
 * lines of earlier runs (the reason a service stopped, or lines from an older build), and only what this build wrote
 * is its to answer for. A run record from before logStart was kept means the whole file.
 */
export function logFilesToCheck(paths: StackPaths, apps: readonly LocalApp[] = LOGGED_APPS) {
  const files: LogFileToCheck[] = [];
  const notRunning: string[] = [];
  for (const app of apps) {
    const record: LocalAppRecord | undefined = app.running(paths);
    if (!record) notRunning.push(app.spec.name);
    else files.push({ name: app.spec.name, file: record.logFile, from: record.logStart ?? 0 });
  }
  return { files, notRunning };
}

/** Scans each file from its offset; findings name the file (relative to `relativeTo`) and its real line numbers. */
export function checkLogFiles(
  files: readonly LogFileToCheck[],
  relativeTo = process.cwd(),
): Pick<LogsCheckReport, 'checked' | 'findings'> {
  const checked: { name: string; file: string; lines: number }[] = [];
  const findings: LogFinding[] = [];
  for (const { name, file, from } of files) {
    const display = path.relative(relativeTo, file) || file;
    if (!fs.existsSync(file)) {
      checked.push({ name, file: display, lines: 0 });
      continue;
    }
    const bytes = fs.readFileSync(file);
    // A file truncated since the process started (by hand) is read whole.
    const start = from <= bytes.length ? from : 0;
    const before = bytes.subarray(0, start);
    let firstLine = 1;
    for (const byte of before) if (byte === 0x0a) firstLine++;
    const text = bytes.subarray(start).toString('utf8');
    const found = scanLogText(display, text, { requireJson: true }, firstLine);
    findings.push(...found);
    checked.push({ name, file: display, lines: text.split('\n').filter((l) => l.length > 0).length });
  }
  return { checked, findings };
}

export function checkStackLogs(paths: StackPaths, apps: readonly LocalApp[] = LOGGED_APPS): LogsCheckReport {
  const { files, notRunning } = logFilesToCheck(paths, apps);
  return { ...checkLogFiles(files), notRunning };
}
