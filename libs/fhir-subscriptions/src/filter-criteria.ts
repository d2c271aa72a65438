import { NHS_NUMBER_SYSTEM } from '@crosscare/fhir';
import { type FilterIssue, issue } from './issues';
import { FIELD_OF, type SubscriptionFilter, filterValueString, parseFilterValue } from './filter-values';
import { FILTER_PARAMETER_CODES, type FilterParameterCode, type TopicDefinition } from './topics';

export type { SubscriptionFilter } from './filter-values';

export type FilterCriteriaResult =
  | { readonly ok: true; readonly filter: SubscriptionFilter }
  | { readonly ok: false; readonly issues: readonly FilterIssue[] };

/** One `name=value` of a criterion, with the resource type it was written against, if any. */
interface Criterion {
  readonly resourceType?: string;
  readonly name: string;
  readonly modifier?: string;
  readonly value: string;
}

const defaultExpression = (index: number) => `Subscription.criteria.extension[${index}].value`;

/**
 * A Subscription's filter criteria (the backport-filter-criteria extensions' strings), checked against the topic.
 * The IG writes a criterion as FHIR search does, in any of these forms (components.html "Subscription Filters";
 * its example Subscriptions use the first): `Encounter?patient=…&event-kind=…`, `patient=…`, `Encounter.patient=…`.
 * Every criterion is ANDed (StructureDefinition-backport-filter-criteria.html), so a parameter given twice is
 * refused rather than guessed at. `expressions` locate each criterion for the issues (by default its index).
 *
 * A filter must scope to patients, by `patient` or `registered-with` (or both): a subscription to every admission
 * in an ICS would tell the subscriber of patients it has no care relationship with, which the record API would
 * refuse to show it. Both together narrow (AND), as any two filters do.
 */
export function parseFilterCriteria(
  topic: TopicDefinition,
  criteria: readonly string[],
  expressions: readonly string[] = criteria.map((_, index) => defaultExpression(index)),
): FilterCriteriaResult {
  const issues: FilterIssue[] = [];
  const fields: Record<string, unknown> = {};
  const given = new Set<FilterParameterCode>();
  criteria.forEach((text, index) => {
    const expression = expressions[index] ?? defaultExpression(index);
    const split = splitCriterion(text);
    if (typeof split === 'string') {
      issues.push(issue('invalid', expression, split));
      return;
    }
    for (const criterion of split) {
      const parameter = checkCriterion(topic, criterion, given);
      if (typeof parameter !== 'string') {
        issues.push(issue(parameter.code, expression, parameter.diagnostics));
        continue;
      }
      given.add(parameter);
      const value = parseFilterValue(parameter, criterion.value);
      if (value.ok) fields[FIELD_OF[parameter]] = value.value;
      else issues.push(issue(value.code, expression, value.diagnostics));
    }
  });
  if (!given.has('patient') && !given.has('registered-with')) {
    issues.push(
      issue(
        'required',
        'Subscription.criteria',
        `a subscription must name its patients: give patient=${NHS_NUMBER_SYSTEM}|<NHS number> or ` +
          'registered-with=<your GP practice ODS code>',
      ),
    );
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, filter: fields };
}

/** The filter as criteria strings, one per parameter, in the IG's example form; parses back to the same filter. */
export function filterCriteriaStrings(topic: TopicDefinition, filter: SubscriptionFilter): string[] {
  return FILTER_PARAMETER_CODES.flatMap((parameter) => {
    const value = filterValueString(parameter, filter);
    return value === undefined ? [] : [`${topic.filterResourceType}?${parameter}=${value}`];
  });
}

/** The criteria of one string, or why it does not parse. */
function splitCriterion(text: string): Criterion[] | string {
  const trimmed = text.trim();
  if (trimmed === '') return 'a filter criterion is empty';
  const question = trimmed.indexOf('?');
  const resourceType = question === -1 ? undefined : trimmed.slice(0, question);
  if (resourceType !== undefined && !/^[A-Z][A-Za-z]*$/.test(resourceType)) {
    return `"${resourceType}" before "?" is not a resource type`;
  }
  const query = question === -1 ? trimmed : trimmed.slice(question + 1);
  const criteria: Criterion[] = [];
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) return `"${pair}" is not name=value`;
    const decoded = decode(pair.slice(0, equals), pair.slice(equals + 1));
    if (decoded === undefined) return `"${pair}" is not validly percent-encoded`;
    const [key, value] = decoded;
    const dot = /^([A-Z][A-Za-z]*)\.(.+)$/.exec(key);
    if (dot !== null && resourceType !== undefined) return `"${key}" names a resource type twice`;
    const [name = '', modifier] = (dot?.[2] ?? key).split(':', 2);
    criteria.push({ resourceType: dot?.[1] ?? resourceType, name, modifier, value });
  }
  return criteria;
}

function decode(name: string, value: string): [string, string] | undefined {
  try {
    return [decodeURIComponent(name), decodeURIComponent(value)];
  } catch {
    return undefined;
  }
}

type CriterionProblem = { readonly code: 'invalid' | 'not-supported'; readonly diagnostics: string };

/** The parameter a criterion sets, once checked against the topic and those already given. */
function checkCriterion(
  topic: TopicDefinition,
  { resourceType, name, modifier }: Criterion,
  given: ReadonlySet<FilterParameterCode>,
): FilterParameterCode | CriterionProblem {
  const resourceTypes = new Set([topic.filterResourceType, ...topic.focusResourceTypes]);
  if (resourceType !== undefined && !resourceTypes.has(resourceType)) {
    return {
      code: 'not-supported',
      diagnostics: `topic ${topic.code} filters on ${[...resourceTypes].join(', ')}, not ${resourceType}`,
    };
  }
  const parameter = topic.filters.find((code) => code === name);
  if (parameter === undefined) {
    return {
      code: 'not-supported',
      diagnostics: `topic ${topic.code} cannot be filtered by "${name}" (it can by ${topic.filters.join(', ')})`,
    };
  }
  // patient:identifier is how FHIR search names a patient by identifier; our patient parameter is that already.
  if (modifier !== undefined && !(name === 'patient' && modifier === 'identifier')) {
    return { code: 'not-supported', diagnostics: `modifier :${modifier} is not supported on ${name}` };
  }
  if (given.has(parameter)) {
    return {
      code: 'invalid',
      diagnostics: `${name} is given more than once; give it once (event-kind takes a comma-separated list)`,
    };
  }
  return parameter;
}
