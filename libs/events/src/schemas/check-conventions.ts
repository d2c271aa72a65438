import { isUnion, namespaceOf } from './avro-schema';
import { NamedDefinition } from './collect-definitions';
import { SchemaDefinitionError } from './schema-definition-error';

function hasDoc(value: { readonly doc?: string }): boolean {
  return typeof value.doc === 'string' && value.doc.trim() !== '';
}

/**
 * The house rules that Avro itself does not enforce: one namespace per folder of schemas/ (given), a doc on
 * everything a reader of the contract meets, enum defaults (so an older reader survives a new symbol) and optional
 * values written ["null", T] with a null default (so a field can be added or dropped without breaking either side).
 */
export function checkConventions(definitions: readonly NamedDefinition[], namespace: string): void {
  for (const { fullName, schema, file } of definitions) {
    const fail = (reason: string): never => {
      throw new SchemaDefinitionError(file, reason);
    };
    if (namespaceOf(fullName) !== namespace) {
      fail(`${fullName} is in namespace "${namespaceOf(fullName)}"; every type here belongs in ${namespace}`);
    }
    if (!hasDoc(schema)) fail(`${schema.type} ${fullName} has no "doc"`);
    if (schema.type === 'enum' && schema.default === undefined) {
      fail(
        `enum ${fullName} has no "default" symbol, so readers on an older schema would fail on a new symbol`,
      );
    }
    if (schema.type !== 'record') continue;
    for (const field of schema.fields) {
      const where = `${fullName}.${field.name}`;
      if (!hasDoc(field)) fail(`field ${where} has no "doc"`);
      if (!isUnion(field.type) || !field.type.includes('null')) continue;
      if (field.type[0] !== 'null')
        fail(`field ${where}: an optional value is written ["null", T], null first`);
      if (field.default !== null) fail(`field ${where}: an optional value needs "default": null`);
    }
  }
}
