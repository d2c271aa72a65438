import type { AnyRecordChangeDraft, CarePlanStatus, CodedValue } from '@crosscare/events';
import type { CarePlan } from '@medplum/fhirtypes';
import { ADVANCE_CARE_PLAN_CATEGORY, SNOMED_CT } from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { firstCoding, mapCode, pickCoding } from '../mapping/codings';
import { containedResource } from '../mapping/contained';
import { dateOf } from '../mapping/fhir-time';
import { draft, type MappingContext } from '../mapping/mapping-context';
import { endOfLifePreferences } from './end-of-life-preferences';

const STATUSES: Record<string, CarePlanStatus> = {
  draft: 'DRAFT',
  active: 'ACTIVE',
  'on-hold': 'ON_HOLD',
  revoked: 'REVOKED',
  completed: 'COMPLETED',
};

export function isAdvanceCarePlan(plan: CarePlan): boolean {
  return (plan.category ?? []).some((concept) =>
    (concept.coding ?? []).some(
      (coding) => coding.system === SNOMED_CT && coding.code === ADVANCE_CARE_PLAN_CATEGORY,
    ),
  );
}

/**
 * CarePlan → CarePlanRecorded, except an advance care plan (category SNOMED CT 736366004), which carries end of life
 * preferences → EndOfLifePreferencesRecorded. entered-in-error → RecordRemoved of whichever it would have been.
 */
export function mapCarePlan(plan: CarePlan, context: MappingContext): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const source = clinicalSource(
    plan,
    { element: 'subject', reference: plan.subject },
    [
      [plan.created, `${at}.created`],
      [plan.period?.start, `${at}.period.start`],
    ],
    context,
  );
  const endOfLife = isAdvanceCarePlan(plan);
  if (plan.status === ENTERED_IN_ERROR) {
    return removedAsEnteredInError(
      source,
      endOfLife ? 'EndOfLifePreferencesRecorded' : 'CarePlanRecorded',
      context,
    );
  }
  if (endOfLife) {
    const preferences = endOfLifePreferences(plan, at, issues);
    if (source === null || !issues.isEmpty) return [];
    return [draft('EndOfLifePreferencesRecorded', source, preferences)];
  }
  const category = firstCoding(plan.category, [SNOMED_CT]);
  if (category === null)
    issues.required(`${at}.category`, `${at}.category needs a coding with system and code`);
  const period = {
    start: dateOf(plan.period?.start, `${at}.period.start`, issues),
    end: dateOf(plan.period?.end, `${at}.period.end`, issues),
  };
  if (source === null || category === null || !issues.isEmpty) return [];
  return [
    draft('CarePlanRecorded', source, {
      title: plan.title ?? category.display ?? 'Care plan',
      category,
      status: mapCode(plan.status, STATUSES, 'UNKNOWN'),
      period,
      description: plan.description ?? null,
      addresses: addressedConditions(plan),
    }),
  ];
}

/** Addressed conditions are references; only contained ones can be coded here (see Encounter diagnoses). */
function addressedConditions(plan: CarePlan): CodedValue[] {
  return (plan.addresses ?? []).flatMap((reference) => {
    const condition = containedResource(plan.contained, reference.reference, 'Condition');
    const code = pickCoding(condition?.code, [SNOMED_CT]);
    return code ? [code] : [];
  });
}
