import { AvroNamedSchema, AvroSchema, namespaceOf, shortNameOf } from '../schemas/avro-schema';
import { collectDefinitions } from '../schemas/collect-definitions';
import { ComposedSchema } from '../schemas/load-schema-directory';
import { logicalTypeNote, tsTypeOf } from './ts-type';

/** Names the generated file declares itself, or takes from TypeScript, which a schema type would shadow. */
const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'EventType',
  'RecordChangeEventMap',
  'RecordChangeEvent',
  'Buffer',
  'Record',
]);

const DOC_WIDTH = 100;

function wrap(paragraph: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** A JSDoc comment: one paragraph per non-empty entry, wrapped, since Avro docs are single long strings. */
export function jsDoc(paragraphs: readonly string[], indent = ''): string {
  const lines = paragraphs
    .filter((paragraph) => paragraph.trim() !== '')
    // A doc containing */ would end the comment early.
    .map((paragraph) => wrap(paragraph.replace(/\*\//g, '*\\/'), DOC_WIDTH - indent.length))
    .reduce<string[]>((all, paragraph) => (all.length === 0 ? paragraph : [...all, '', ...paragraph]), []);
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line === '' ? '' : ` ${line}`}`).join('\n')}\n${indent} */\n`;
}

function renderDeclaration(fullName: string, schema: AvroNamedSchema): string {
  const name = shortNameOf(fullName);
  const doc = jsDoc([schema.doc ?? '']);
  switch (schema.type) {
    case 'enum':
      return `${doc}export type ${name} = ${schema.symbols.map((s) => `'${s}'`).join(' | ')};\n`;
    case 'fixed':
      return `${doc}export type ${name} = Buffer;\n`;
    case 'record': {
      const fields = schema.fields.map((field) => {
        const type: AvroSchema = field.type;
        const fieldDoc = jsDoc([field.doc ?? '', logicalTypeNote(type) ?? ''], '  ');
        return `${fieldDoc}  ${field.name}: ${tsTypeOf(type, namespaceOf(fullName))};\n`;
      });
      return `${doc}export interface ${name} {\n${fields.join('')}}\n`;
    }
  }
}

/**
 * A declaration for every named type the composed schemas contain, each once, in the order first met: shared
 * types first, then each event followed by the types it defines inline.
 */
export function renderDeclarations(schemas: readonly ComposedSchema[]): string[] {
  const declared = new Set<string>();
  const declarations: string[] = [];
  for (const composed of schemas) {
    for (const { fullName, schema } of collectDefinitions(composed.schema, composed.file)) {
      if (declared.has(fullName)) continue;
      if (RESERVED_NAMES.has(shortNameOf(fullName))) {
        throw new Error(
          `${composed.file}: type name ${shortNameOf(fullName)} is reserved by the generated code`,
        );
      }
      declared.add(fullName);
      declarations.push(renderDeclaration(fullName, schema));
    }
  }
  return declarations;
}
