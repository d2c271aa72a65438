import { syntheticNhsNumberColumns } from './redact';

/**
 * The check behind `npm run logs:check`: that what the services wrote holds no NHS number and no clinical text, and
 * that every line is one JSON object (a line written around the logger — a console.log, a crash's stack on stderr —
 * is exactly what could carry either). Findings name the file and line and what is wrong, never the matched text.
 */
export interface LogFinding {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly problem: string;
}

/**
 * Text that appears in clinical content and in no log line Crosscare writes: HL7 v2 segments, FHIR resources,
 * narrative, coded values. Matched case-sensitively; each pattern is a marker of a payload, not a word.
 */
export const CLINICAL_TEXT_MARKERS: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: 'an HL7 v2 segment', pattern: /(^|[\r\n"\\ ]|\\[rn])(MSH|PID|PV1|OBR|OBX|NK1|AL1|DG1|NTE|EVN)\|/ },
  // In a line of JSON, a payload quoted in a string has its quotes escaped: both forms are markers.
  { name: 'a FHIR resource', pattern: /\\?"resourceType\\?"\s*:/ },
  { name: 'coded clinical content', pattern: /\\?"(coding|valueCodeableConcept|valueQuantity)\\?"\s*:/ },
  { name: 'FHIR narrative', pattern: /<div xmlns=\\?"http:\/\/www\.w3\.org\/1999\/xhtml/ },
  { name: 'a SNOMED CT coding', pattern: /snomed\.info\/sct/ },
];

export interface ScanOptions {
  /** Lines that are not a JSON object are findings (true for service logs). */
  readonly requireJson: boolean;
}

/** Scans one file's text (or the part of it to check) and returns every finding, in line order. */
export function scanLogText(
  file: string,
  text: string,
  options: ScanOptions = { requireJson: true },
  firstLineNumber = 1,
): LogFinding[] {
  const findings: LogFinding[] = [];
  const lines = text.split('\n');
  // A file being written may end mid-line; the last line counts only when it is complete.
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((content, index) => {
    const line = firstLineNumber + index;
    if (content.trim() === '') return;
    if (options.requireJson && !isJsonObject(content))
      findings.push({ file, line, problem: 'not a JSON log line (written around the logger?)' });
    if (syntheticNhsNumberColumns(content).length > 0)
      findings.push({ file, line, problem: 'holds an NHS number (999 range, check digit valid)' });
    for (const marker of CLINICAL_TEXT_MARKERS)
      if (marker.pattern.test(content)) findings.push({ file, line, problem: `holds ${marker.name}` });
  });
  return findings;
}

function isJsonObject(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const parsed: unknown = JSON.parse(line);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** One finding as the CLI prints it: `file:line: problem`. */
export function describeFinding(finding: LogFinding): string {
  return `${finding.file}:${finding.line}: ${finding.problem}`;
}
