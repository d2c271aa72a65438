import type { CompatibilityLevel } from './compatibility';

/**
 * The compatibility matrix: each row changes one field of `base` and states, per level, whether the registry
 * must accept the change. Shared by the unit tests (checkCompatibility) and the registry's HTTP integration test,
 * so both hold the implementation to the same table.
 */
export type Field = { name: string; type: unknown; default?: unknown; aliases?: string[] };

export const severity = (symbols: string[]) => ({ type: 'enum', name: 'Severity', symbols });

// The schema every matrix row starts from; each row changes one field of it.
export const base: Field[] = [
  { name: 'id', type: 'string' },
  { name: 'dose', type: 'int' },
  { name: 'severity', type: severity(['MILD', 'MODERATE', 'SEVERE']) },
  { name: 'value', type: ['null', 'string'], default: null },
  { name: 'note', type: 'string', default: '' },
  { name: 'route', type: 'string' },
];
export const without = (name: string) => base.filter((f) => f.name !== name);
export const replacing = (name: string, field: Field) => base.map((f) => (f.name === name ? field : f));

export const Y = true;
export const N = false;

// Expected verdicts, from the Avro resolution rules. BACKWARD: new schema reads v1 data; FORWARD: v1 reads
// new data; FULL: both. With a single previous version a transitive level gives the same verdict as its
// plain form, and NONE always passes.
// - A reader field absent from the writer needs a default; writer fields the reader lacks are skipped.
// - A rename with an alias on the new field lets the new reader find the old field, never the reverse.
// - Promotion goes int -> long, never long -> int.
// - An enum reader without a default must know every writer symbol.
// - Every writer union branch must be readable by some reader branch.
// prettier-ignore
export const MATRIX: {
  change: string; before: Field[]; after: Field[]; breaks: string;
  verdicts: Record<CompatibilityLevel, boolean>;
}[] = [
  { change: 'add a field with default', before: base, after: [...base, { name: 'site', type: 'string', default: 'arm' }], breaks: 'site',
    verdicts: { BACKWARD: Y, BACKWARD_TRANSITIVE: Y, FORWARD: Y, FORWARD_TRANSITIVE: Y, FULL: Y, FULL_TRANSITIVE: Y, NONE: Y } },
  { change: 'add a field without default', before: base, after: [...base, { name: 'site', type: 'string' }], breaks: 'site',
    verdicts: { BACKWARD: N, BACKWARD_TRANSITIVE: N, FORWARD: Y, FORWARD_TRANSITIVE: Y, FULL: N, FULL_TRANSITIVE: N, NONE: Y } },
  { change: 'remove a field with default', before: base, after: without('note'), breaks: 'note',
    verdicts: { BACKWARD: Y, BACKWARD_TRANSITIVE: Y, FORWARD: Y, FORWARD_TRANSITIVE: Y, FULL: Y, FULL_TRANSITIVE: Y, NONE: Y } },
  { change: 'remove a field without default', before: base, after: without('route'), breaks: 'route',
    verdicts: { BACKWARD: Y, BACKWARD_TRANSITIVE: Y, FORWARD: N, FORWARD_TRANSITIVE: N, FULL: N, FULL_TRANSITIVE: N, NONE: Y } },
  { change: 'rename a field with an alias on the new field', before: base,
    after: replacing('route', { name: 'administrationRoute', type: 'string', aliases: ['route'] }), breaks: 'route',
    verdicts: { BACKWARD: Y, BACKWARD_TRANSITIVE: Y, FORWARD: N, FORWARD_TRANSITIVE: N, FULL: N, FULL_TRANSITIVE: N, NONE: Y } },
  { change: 'widen int to long', before: base, after: replacing('dose', { name: 'dose', type: 'long' }), breaks: 'dose',
    verdicts: { BACKWARD: Y, BACKWARD_TRANSITIVE: Y, FORWARD: N, FORWARD_TRANSITIVE: N, FULL: N, FULL_TRANSITIVE: N, NONE: Y } },
  { change: 'narrow long to int', before: replacing('dose', { name: 'dose', type: 'long' }), after: base, breaks: 'dose',
    verdicts: { BACKWARD: N, BACKWARD_TRANSITIVE: N, FORWARD: Y, FORWARD_TRANSITIVE: Y, FULL: N, FULL_TRANSITIVE: N, NONE: Y } },
  { change: 'add an enum symbol (enum without default)', before: base,
    after: replacing('severity', { name: 'severity', type: severity(['MILD', 'MODERATE', 'SEVERE', 'FATAL']) }), breaks: 'severity',
    verdicts: { BACKWARD: Y, BACKWARD_TRANSITIVE: Y, FORWARD: N, FORWARD_TRANSITIVE: N, FULL: N, FULL_TRANSITIVE: N, NONE: Y } },
  { change: 'remove an enum symbol', before: base,
    after: replacing('severity', { name: 'severity', type: severity(['MILD', 'MODERATE']) }), breaks: 'severity',
    verdicts: { BACKWARD: N, BACKWARD_TRANSITIVE: N, FORWARD: Y, FORWARD_TRANSITIVE: Y, FULL: N, FULL_TRANSITIVE: N, NONE: Y } },
  { change: 'add a union branch', before: base,
    after: replacing('value', { name: 'value', type: ['null', 'string', 'long'], default: null }), breaks: 'value',
    verdicts: { BACKWARD: Y, BACKWARD_TRANSITIVE: Y, FORWARD: N, FORWARD_TRANSITIVE: N, FULL: N, FULL_TRANSITIVE: N, NONE: Y } },
  { change: 'remove a union branch', before: replacing('value', { name: 'value', type: ['null', 'string', 'long'], default: null }),
    after: base, breaks: 'value',
    verdicts: { BACKWARD: N, BACKWARD_TRANSITIVE: N, FORWARD: Y, FORWARD_TRANSITIVE: Y, FULL: N, FULL_TRANSITIVE: N, NONE: Y } },
];
