import {
  evalFhirPathTyped,
  type FhirPathAtom,
  fhirTypeToJsType,
  getDataType,
  isPrimitiveType,
  LRUCache,
  toTypedValue,
  UCUM,
  validationRegexes,
  type InternalSchemaElement,
  type TypedValue,
} from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';

/**
 * The R4 structure checks compiled once per type, from the same definitions the R4 validator reads, into plain
 * functions: the validator interprets the definitions anew for every element of every resource (typed wrappers, path
 * strings, a crawl of every defined element), which was most of ingest's CPU per FHIR event.
 *
 * A compiled check only ever *proves* a resource valid: true means the R4 validator would report no error for it;
 * false means "not proven", and the caller asks the R4 validator itself, which also writes the issues the sender
 * reads. So anything uncommon (primitive extensions `_x`, slices, fixed or pattern values, two values for one choice
 * element, empty or null values) is simply not proven here, and the answer a sender gets is
 * exactly the validator's. The invariants (FHIRPath constraints) are evaluated as the validator evaluates them, by
 * its own FHIRPath engine; the tests compare the two on every fixture and on fuzzed resources.
 */
export function provenValid(resource: Resource): boolean {
  const check = resourceCheck(resource.resourceType);
  if (!check) return false;
  const root = toTypedValue(resource);
  const variables: Record<string, TypedValue> = {
    '%ucum': UCUM_VALUE,
    '%resource': root,
    '%rootResource': root,
  };
  return check.constraintsHold(root, variables) && check.holds(resource, variables);
}

/** As the validator's own cache: the base definitions have a few hundred invariants, each parsed once. */
const FHIR_PATH_CACHE = new LRUCache<FhirPathAtom>(1_000);

const UCUM_VALUE = toTypedValue(UCUM);

/** Invariants the R4 validator does not evaluate (see its `skippedConstraintKeys`); skipping them here is the same. */
const SKIPPED_CONSTRAINTS = new Set(['ele-1', 'dom-3', 'org-1', 'sdf-19']);

const INTEGER_TYPES = new Set(['integer', 'positiveInt', 'unsignedInt']);
const MAX_STRING = 1024 * 1024;

interface CompiledType {
  /** The members of one value of the type hold (its elements, recursively, and their invariants). */
  readonly holds: (value: unknown, variables: Record<string, TypedValue>) => boolean;
  /** The type's own invariants, which the validator evaluates only at the root. */
  readonly constraintsHold: (typed: TypedValue, variables: Record<string, TypedValue>) => boolean;
}

const compiledTypes = new Map<string, CompiledType | null>();

function resourceCheck(resourceType: string): CompiledType | null {
  if (typeof resourceType !== 'string' || isPrimitiveType(resourceType)) return null;
  return compiledType(resourceType);
}

/** The compiled check for a complex type, or null when the type is not one the fast path can prove. */
function compiledType(typeName: string): CompiledType | null {
  if (compiledTypes.has(typeName)) return compiledTypes.get(typeName)!;
  let schema: ReturnType<typeof getDataType>;
  try {
    schema = getDataType(typeName);
  } catch {
    compiledTypes.set(typeName, null);
    return null;
  }
  // Registered before its members compile, so recursive types (Extension in Extension) find it.
  const lazy: { current: CompiledType | null } = { current: null };
  const placeholder: CompiledType = {
    holds: (value, variables) => lazy.current!.holds(value, variables),
    constraintsHold: (typed, variables) => lazy.current!.constraintsHold(typed, variables),
  };
  compiledTypes.set(typeName, placeholder);
  const compiled = compileType(schema.elements, schema.constraints ?? [], schema.kind === 'resource');
  lazy.current = compiled;
  compiledTypes.set(typeName, compiled);
  return compiled;
}

interface Variant {
  readonly element: CompiledElement;
  /** The type the validator gives a value found under this name. */
  readonly type: string;
}

interface CompiledElement {
  readonly min: number;
  readonly max: number;
  readonly isArray: boolean;
  /** Present at all means "not proven": slices, fixed and pattern values are left to the validator. */
  readonly unprovable: boolean;
  /** The member names it may appear under: one, or one per type of a choice element (`value[x]`). */
  readonly names: string[];
  readonly invariants: readonly Invariant[];
  /** The check of one value under each name, in the same order. */
  readonly items: ((value: unknown, variables: Record<string, TypedValue>) => boolean)[];
}

function compileType(
  elements: Record<string, InternalSchemaElement>,
  constraints: readonly { key: string; severity: string; expression: string }[],
  isResource: boolean,
): CompiledType {
  const variants = new Map<string, Variant>();
  const compiled: CompiledElement[] = [];
  let provable = true;
  for (const [key, element] of Object.entries(elements)) {
    const last = element.path.slice(element.path.lastIndexOf('.') + 1);
    // Profiles can key nested paths (`a.b`) or rename; the base definitions do not, and only they are compiled.
    if (key !== last || key.includes('.')) provable = false;
    const entry: CompiledElement = {
      min: element.min,
      max: element.max,
      isArray: element.isArray === true,
      unprovable: Boolean(element.slicing || element.fixed || element.pattern),
      names: [],
      invariants: errorInvariants(element.constraints ?? []),
      items: [],
    };
    for (const type of element.type ?? []) {
      const name = last.replace('[x]', capitalize(type.code));
      const resolved =
        type.code === 'Element' || type.code === 'BackboneElement' ? element.type[0].code : type.code;
      entry.names.push(name);
      entry.items.push(itemCheck(resolved));
      variants.set(name, { element: entry, type: resolved });
    }
    compiled.push(entry);
  }
  const rootInvariants = errorInvariants(constraints);
  if (!provable) return { holds: () => false, constraintsHold: () => false };

  return {
    constraintsHold: (typed, variables) => invariantsHold(rootInvariants, typed, variables),
    holds: (value, variables) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const object = value as Record<string, unknown>;
      const keys = Object.keys(object);
      if (keys.length === 0) return false;
      for (const key of keys) {
        // The validator takes any object with a resourceType for a resource (and its invariants' %resource).
        if (key === 'resourceType' && isResource) continue;
        // Unknown members and primitive extensions (`_birthDate`) are the validator's to judge.
        if (!variants.has(key)) return false;
      }
      for (const element of compiled) {
        let found = -1;
        for (let i = 0; i < element.names.length; i++) {
          if (object[element.names[i]] === undefined) continue;
          if (found !== -1) return false; // two values for one choice element
          found = i;
        }
        if (found === -1) {
          if (element.min > 0) return false;
          continue;
        }
        if (element.unprovable) return false;
        const member = object[element.names[found]];
        const check = element.items[found];
        const type = variants.get(element.names[found])!.type;
        if (element.isArray) {
          if (!Array.isArray(member) || member.length === 0) return false;
          if (member.length < element.min || member.length > element.max) return false;
          for (const item of member) {
            if (!check(item, variables)) return false;
            if (!invariantsHold(element.invariants, typedItem(type, item), variables)) return false;
          }
        } else {
          if (Array.isArray(member) || element.min > 1 || element.max < 1) return false;
          if (!check(member, variables)) return false;
          if (!invariantsHold(element.invariants, typedItem(type, member), variables)) return false;
        }
      }
      return true;
    },
  };
}

interface Invariant {
  readonly expression: string;
  /**
   * Every identifier-shaped word of the expression (member names, and function names and keywords too, which only
   * makes the shortcut below rarer), or null where the expression can reach beyond the members it names.
   */
  readonly words: readonly string[] | null;
  /** Its result on a value of a type that has none of the members it names, per type: the same for every such value. */
  readonly withoutMembers: Map<string, boolean>;
}

/** What reaches past the members an expression names: other resources, and all children or descendants. */
const REACHES_BEYOND = /%(?!ucum\b)|\b(children|descendants|repeat|resolve|trace)\b/;

function errorInvariants(
  constraints: readonly { key: string; severity: string; expression: string }[],
): Invariant[] {
  return constraints
    .filter((c) => c.severity === 'error' && !SKIPPED_CONSTRAINTS.has(c.key))
    .map((c) => ({
      expression: c.expression,
      words: REACHES_BEYOND.test(c.expression)
        ? null
        : [...new Set(c.expression.match(/[A-Za-z_]\w*/g) ?? [])],
      withoutMembers: new Map(),
    }));
}

/**
 * A complex value none of whose members an invariant names gives the invariant the result any such value of its type
 * gives (FHIRPath reaches members only by name, and choice members by the name's prefix: `value` → `valueQuantity`):
 * `contained.contained.empty()` on a resource without `contained` is decided once, not parsed and walked per resource.
 */
function namesNoMemberOf(invariant: Invariant, value: unknown): boolean {
  if (invariant.words === null || typeof value !== 'object' || value === null || Array.isArray(value))
    return false;
  for (const key of Object.keys(value))
    for (const word of invariant.words) if (key.startsWith(word)) return false;
  return true;
}

const has = (value: Record<string, unknown>, member: string): boolean => value[member] !== undefined;
/** A choice element's presence (`value` → `valueQuantity`, `valueString` …) among members already known valid. */
const hasChoice = (value: Record<string, unknown>, base: string): boolean =>
  Object.keys(value).some((key) => key.startsWith(base) && key.length > base.length);

/**
 * The invariants met on nearly every resource, decided in plain code where the answer is plain, by type (`*`: any)
 * and exact expression (a definition that changes its expression is evaluated by FHIRPath again); undefined → ask
 * FHIRPath.
 * They run on values whose members are already known to be this type's, so `value…` can only be `value[x]`. The unit
 * tests hold each against the FHIRPath engine's own answer.
 */
export const DECIDED_INVARIANTS: Readonly<
  Record<string, (value: Record<string, unknown>) => boolean | undefined>
> = {
  // dom-2, dom-4, dom-5 on every resource: about contained resources, so met by a resource without any.
  '*|contained.contained.empty()': (v) => (has(v, 'contained') ? undefined : true),
  '*|contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()': (v) =>
    has(v, 'contained') ? undefined : true,
  '*|contained.meta.security.empty()': (v) => (has(v, 'contained') ? undefined : true),
  'Extension|extension.exists() != value.exists()': (v) => has(v, 'extension') !== hasChoice(v, 'value'),
  'Observation|dataAbsentReason.empty() or value.empty()': (v) =>
    !has(v, 'dataAbsentReason') || !hasChoice(v, 'value'),
  'Observation|value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()':
    (v) => (!hasChoice(v, 'value') || !has(v, 'component') ? true : undefined),
};

function invariantsHold(
  invariants: readonly Invariant[],
  typed: TypedValue,
  variables: Record<string, TypedValue>,
): boolean {
  if (invariants.length === 0) return true;
  let scoped: Record<string, TypedValue> | undefined;
  const object =
    typeof typed.value === 'object' && typed.value !== null && !Array.isArray(typed.value)
      ? (typed.value as Record<string, unknown>)
      : undefined;
  for (const invariant of invariants) {
    const decide =
      DECIDED_INVARIANTS[`${typed.type}|${invariant.expression}`] ??
      DECIDED_INVARIANTS[`*|${invariant.expression}`];
    const decided = object && decide?.(object);
    if (decided === false) return false;
    if (decided === true) continue;
    const shortcut = namesNoMemberOf(invariant, typed.value);
    const known = shortcut ? invariant.withoutMembers.get(typed.type) : undefined;
    if (known === false) return false;
    if (known === true) continue;
    scoped ??= { ...variables, '%context': typed };
    let holds: boolean;
    try {
      const result = evalFhirPathTyped(invariant.expression, [typed], scoped, FHIR_PATH_CACHE);
      holds = result.length === 1 && result[0].value === true;
    } catch {
      holds = false;
    }
    if (shortcut) invariant.withoutMembers.set(typed.type, holds);
    if (!holds) return false;
  }
  return true;
}

/** As the validator types a value found under an element (a resource's own type where the element says Resource). */
function typedItem(type: string, value: unknown): TypedValue {
  if (type === 'Resource' && typeof value === 'object' && value !== null && 'resourceType' in value)
    return { type: String((value as Resource).resourceType), value };
  return { type, value };
}

function itemCheck(type: string): (value: unknown, variables: Record<string, TypedValue>) => boolean {
  // A resource inside a resource (contained): checked as its own type, its invariants seeing it as %resource.
  if (type === 'Resource') return containedCheck;
  if (type === 'DomainResource') return () => false;
  if (isPrimitiveType(type)) return primitiveCheck(type);
  let compiled: CompiledType | null | undefined;
  return (value, variables) => {
    if (compiled === undefined) compiled = compiledType(type);
    return compiled !== null && compiled.holds(value, variables);
  };
}

function containedCheck(value: unknown, variables: Record<string, TypedValue>): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const resourceType = (value as { resourceType?: unknown }).resourceType;
  if (typeof resourceType !== 'string') return false;
  const compiled = resourceCheck(resourceType);
  return compiled !== null && compiled.holds(value, { ...variables, '%resource': toTypedValue(value) });
}

function primitiveCheck(type: string): (value: unknown) => boolean {
  const jsType = (fhirTypeToJsType as Record<string, string>)[type];
  if (jsType === undefined) return () => false;
  const regex = validationRegexes[type];
  if (jsType === 'string')
    return (value) =>
      typeof value === 'string' &&
      value.trim() !== '' &&
      value.length <= MAX_STRING &&
      (regex === undefined || regex.test(value));
  if (jsType === 'number') {
    const integer = INTEGER_TYPES.has(type);
    return (value) =>
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (!integer || Number.isInteger(value)) &&
      (type !== 'positiveInt' || value > 0) &&
      (type !== 'unsignedInt' || value >= 0);
  }
  return (value) => typeof value === jsType;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
