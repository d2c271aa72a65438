/**
 * npm run logs:check    the running local stack's service logs hold only JSON lines, no NHS number, no clinical text
 *
 * Reads each running service's log (.crosscare/logs/<service>.out) from where its current process began writing (the
 * run record's logStart), and exits 1 naming file and line of every line that is not one JSON object, holds a
 * valid 999-range NHS number, or holds a marker of clinical content (HL7 v2 segments, FHIR resources, codings). The
 * matched text is never printed. The brokers' logs are Kafka's own and are not checked. The last step of `npm run
 * demo`, so every demo run (CI's included) proves it; see docs/operations.md, "Logs".
 */
import { describeFinding } from '@crosscare/logging';
import { checkStackLogs } from './logs-check';
import { stackPaths } from './paths';

/** Findings printed before the rest are counted: a service logging text writes thousands. */
const MAX_PRINTED = 40;

function main(): number {
  const report = checkStackLogs(stackPaths());
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (report.checked.length === 0) {
    out('logs:check: no Crosscare service is running (npm run stack:up): nothing to check');
    return 1;
  }
  for (const name of report.notRunning) out(`logs:check: ${name} is not running: its log is not checked`);
  const lines = report.checked.reduce((sum, c) => sum + c.lines, 0);
  if (report.findings.length === 0) {
    out(
      `logs:check: ${lines} lines in ${report.checked.length} service logs: every one JSON, ` +
        'no NHS number, no clinical text',
    );
    return 0;
  }
  for (const finding of report.findings.slice(0, MAX_PRINTED)) out(describeFinding(finding));
  if (report.findings.length > MAX_PRINTED) out(`... and ${report.findings.length - MAX_PRINTED} more`);
  const files = new Set(report.findings.map((f) => f.file));
  out(
    `logs:check: ${report.findings.length} finding(s) in ${files.size} of ${report.checked.length} service logs ` +
      `(${lines} lines checked). A service started from an older build writes text: rebuild and restart the stack.`,
  );
  return 1;
}

process.exitCode = main();
