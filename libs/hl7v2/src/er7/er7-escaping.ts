import type { Hl7Context } from '@medplum/core';

// @medplum/core's Hl7Message splits fields and components but leaves HL7 escape sequences (\F\, \S\, \T\, \R\, \E\,
// \Xhh\) in the text, and writes text as given. These two functions fill that gap, using the message's own
// delimiters, so a name like O\S\BRIEN reads O^BRIEN and an error text with a ^ in it cannot break an ACK.

/** The text with HL7 escape sequences replaced by the characters they stand for. */
export function unescapeEr7(text: string, context: Hl7Context): string {
  const escape = context.escapeCharacter;
  if (!escape || !text.includes(escape)) return text;
  const e = escapeRegExp(escape);
  return text.replace(new RegExp(`${e}([^${e}]*)${e}`, 'g'), (sequence, name: string) => {
    switch (name) {
      case 'F':
        return context.fieldSeparator;
      case 'S':
        return context.componentSeparator;
      case 'T':
        return context.subcomponentSeparator;
      case 'R':
        return context.repetitionSeparator;
      case 'E':
        return escape;
      case '.br':
        return '\n';
      case 'H': // start and end of highlighting: formatting only
      case 'N':
        return '';
    }
    if (/^X(?:[0-9A-Fa-f]{2})+$/.test(name)) {
      return (name.slice(1).match(/../g) ?? []).map((hex) => String.fromCharCode(parseInt(hex, 16))).join('');
    }
    return sequence;
  });
}

/** The text with every delimiter escaped, safe to place in one component; line breaks become spaces. */
export function escapeEr7(text: string, context: Hl7Context): string {
  const replacements = new Map<string, string>([
    [context.escapeCharacter, 'E'],
    [context.fieldSeparator, 'F'],
    [context.componentSeparator, 'S'],
    [context.subcomponentSeparator, 'T'],
    [context.repetitionSeparator, 'R'],
  ]);
  let escaped = '';
  for (const character of text.replace(/[\r\n]+/g, ' ')) {
    const name = replacements.get(character);
    escaped += name === undefined ? character : `${context.escapeCharacter}${name}${context.escapeCharacter}`;
  }
  return escaped;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}
