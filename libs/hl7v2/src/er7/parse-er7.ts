import { Hl7Message } from '@medplum/core';
import { rejected, mapped, type MappingResult } from '@crosscare/events';

const MLLP_END = String.fromCharCode(0x1c);

/**
 * Parses ER7 text with @medplum/core's Hl7Message, after the checks it does not make: Hl7Message only insists on a
 * leading "MSH", and would otherwise take letters or a line break as delimiters and misread every field.
 * Leading whitespace and framing bytes, and trailing segment separators, are tolerated.
 */
export function parseEr7(er7: string): MappingResult<Hl7Message> {
  // \s covers MLLP's start block (VT); its end block (FS) is trimmed with the trailing segment separators.
  const text = er7.replace(/^[\s\ufeff]+/, '').replace(new RegExp(`[\r\n${MLLP_END}]+$`), '');
  if (!text.startsWith('MSH')) {
    return rejected({
      location: 'MSH',
      code: 'structure',
      message: 'an HL7 v2 message starts with an MSH segment',
    });
  }
  // Text has no control characters but the segment separator (CR), and LF and TAB that some senders leave in:
  // anything else is binary, and nothing of it may be read as fields or echoed in an ACK.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const control = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.exec(text);
  if (control) {
    return rejected({
      location: 'MSH',
      code: 'structure',
      message: `not text: control character 0x${control[0].charCodeAt(0).toString(16).padStart(2, '0')} at character ${control.index}`,
    });
  }
  const delimiters = text.slice(3, 8);
  if (delimiters.length < 5 || new Set(delimiters).size < 5 || /[\sA-Za-z0-9]/.test(delimiters)) {
    return rejected({
      location: 'MSH-2',
      code: 'structure',
      message: 'MSH-1 and MSH-2 must give five distinct delimiters, e.g. MSH|^~\\&',
    });
  }
  return mapped(Hl7Message.parse(text));
}
