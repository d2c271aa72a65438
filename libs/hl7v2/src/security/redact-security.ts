const SEGMENT_BREAK = /(\r\n|\r|\n)/;

/**
 * The text with MSH-8 (Security, where senders put their credential) blanked in every MSH segment, for anything
 * that may be logged or stored. Works on the raw text rather than through Hl7Message, so it also redacts input
 * that does not parse (a framing byte before MSH, several messages in one string) and keeps everything else
 * exactly as received.
 */
export function redactSecurity(er7: string): string {
  return er7
    .split(SEGMENT_BREAK)
    .map((part) => redactHeader(part))
    .join('');
}

function redactHeader(segment: string): string {
  const start = segment.indexOf('MSH');
  // Only a segment that begins with MSH (after whitespace or MLLP's start block, which trim() removes) is a header.
  if (start === -1 || segment.slice(0, start).trim() !== '') return segment;
  const fieldSeparator = segment.charAt(start + 3);
  if (!fieldSeparator) return segment;
  const fields = segment.slice(start).split(fieldSeparator);
  // fields[0] is MSH and fields[1] MSH-2 (MSH-1 is the separator itself), so MSH-8 is fields[7].
  if (fields.length <= 7 || fields[7] === '') return segment;
  fields[7] = '';
  return segment.slice(0, start) + fields.join(fieldSeparator);
}
