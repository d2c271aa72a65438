import type {
  AllergyCategory,
  AllergyClinicalStatus,
  AllergyCriticality,
  AllergyReaction,
  AnyRecordChangeDraft,
  ReactionSeverity,
} from '@crosscare/events';
import type { AllergyIntolerance } from '@medplum/fhirtypes';
import { DM_AND_D, SNOMED_CT } from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { codeFrom, mapCode, pickCoding, requiredCoding } from '../mapping/codings';
import { dateOf, firstPresent, instantOf } from '../mapping/fhir-time';
import { draft, type MappingContext } from '../mapping/mapping-context';

const CATEGORIES: Record<string, AllergyCategory> = {
  food: 'FOOD',
  medication: 'MEDICATION',
  environment: 'ENVIRONMENT',
  biologic: 'BIOLOGIC',
};
const CLINICAL_STATUSES: Record<string, AllergyClinicalStatus> = {
  active: 'ACTIVE',
  inactive: 'INACTIVE',
  resolved: 'RESOLVED',
};
const CRITICALITIES: Record<string, AllergyCriticality> = {
  low: 'LOW',
  high: 'HIGH',
  'unable-to-assess': 'UNABLE_TO_ASSESS',
};
const SEVERITIES: Record<string, ReactionSeverity> = { mild: 'MILD', moderate: 'MODERATE', severe: 'SEVERE' };

/** AllergyIntolerance → AllergyRecorded; entered-in-error → RecordRemoved. */
export function mapAllergyIntolerance(
  allergy: AllergyIntolerance,
  context: MappingContext,
): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const source = clinicalSource(
    allergy,
    { element: 'patient', reference: allergy.patient },
    [
      [allergy.recordedDate, `${at}.recordedDate`],
      [allergy.onsetDateTime, `${at}.onsetDateTime`],
    ],
    context,
  );
  if (codeFrom(allergy.verificationStatus) === ENTERED_IN_ERROR) {
    return removedAsEnteredInError(source, 'AllergyRecorded', context);
  }
  const substance = requiredCoding(allergy.code, `${at}.code`, issues, { accepted: [SNOMED_CT, DM_AND_D] });
  const onsetDate = dateOf(
    ...firstPresent(at, [
      [allergy.onsetDateTime, 'onsetDateTime'],
      [allergy.onsetPeriod?.start, 'onsetPeriod.start'],
    ]),
    issues,
  );
  const reactions = (allergy.reaction ?? []).flatMap((reaction, i): AllergyReaction[] => {
    // Reactions are context for the substance: one recorded only as text is left out rather than rejecting the allergy.
    const manifestation = reaction.manifestation
      .map((concept) => pickCoding(concept, [SNOMED_CT]))
      .find(Boolean);
    if (!manifestation) return [];
    return [
      {
        manifestation,
        severity: mapCode(reaction.severity, SEVERITIES, 'UNKNOWN'),
        onsetAt: instantOf(reaction.onset, `${at}.reaction[${i}].onset`, issues),
      },
    ];
  });
  if (source === null || substance === null || !issues.isEmpty) return [];
  return [
    draft('AllergyRecorded', source, {
      substance,
      category: mapCode(allergy.category?.[0], CATEGORIES, 'OTHER'),
      clinicalStatus: mapCode(codeFrom(allergy.clinicalStatus), CLINICAL_STATUSES, 'UNKNOWN'),
      criticality: mapCode(allergy.criticality, CRITICALITIES, 'UNKNOWN'),
      reactions,
      onsetDate,
    }),
  ];
}
