import type { AlertStatus, AnyRecordChangeDraft } from '@crosscare/events';
import type { Flag } from '@medplum/fhirtypes';
import {
  ENGLAND_FLAG_CATEGORY,
  FLAG_NOTES_EXTENSION,
  ODS_ORGANISATION_SYSTEM,
  REASONABLE_ADJUSTMENT_FLAG_CATEGORY,
  SNOMED_CT,
} from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { firstCoding, mapCode, odsCodeOf, pickCoding } from '../mapping/codings';
import { dateOf } from '../mapping/fhir-time';
import { draft, type MappingContext } from '../mapping/mapping-context';

const STATUSES: Record<string, AlertStatus> = { active: 'ACTIVE', inactive: 'INACTIVE' };

/**
 * Flag → AlertRecorded; entered-in-error → RecordRemoved. A flag in NHS England's national reasonable adjustment
 * category is marked so publishing can govern it apart; its code is then the adjustment needed.
 */
export function mapFlag(flag: Flag, context: MappingContext): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const source = clinicalSource(
    flag,
    { element: 'subject', reference: flag.subject },
    [[flag.period?.start, `${at}.period.start`]],
    context,
  );
  if (flag.status === ENTERED_IN_ERROR) return removedAsEnteredInError(source, 'AlertRecorded', context);
  const code = pickCoding(flag.code, [SNOMED_CT]);
  const text = flag.code?.text?.trim() || code?.display || null;
  if (code === null && text === null)
    issues.required(
      `${at}.code`,
      `${at}.code needs a coding with system and code, or text: what the alert says`,
    );
  const period = {
    start: dateOf(flag.period?.start, `${at}.period.start`, issues),
    end: dateOf(flag.period?.end, `${at}.period.end`, issues),
  };
  if (source === null || !issues.isEmpty) return [];
  return [
    draft('AlertRecorded', source, {
      code,
      text,
      category: firstCoding(flag.category, [ENGLAND_FLAG_CATEGORY, SNOMED_CT]),
      reasonableAdjustment: isReasonableAdjustmentFlag(flag),
      status: mapCode(flag.status, STATUSES, 'UNKNOWN'),
      period,
      authorOdsCode: odsCodeOf([flag.author], ODS_ORGANISATION_SYSTEM),
      authorName: flag.author?.display ?? null,
      notes: notesOf(flag),
    }),
  ];
}

export function isReasonableAdjustmentFlag(flag: Flag): boolean {
  return (flag.category ?? []).some((concept) =>
    (concept.coding ?? []).some(
      (coding) =>
        coding.system === ENGLAND_FLAG_CATEGORY && coding.code === REASONABLE_ADJUSTMENT_FLAG_CATEGORY,
    ),
  );
}

/** NHS England's FlagNotes extension; its examples carry the text as an annotation or concept text. */
function notesOf(flag: Flag): string | null {
  const extension = (flag.extension ?? []).find((candidate) => candidate.url === FLAG_NOTES_EXTENSION);
  const notes =
    extension?.valueString ?? extension?.valueAnnotation?.text ?? extension?.valueCodeableConcept?.text;
  return notes?.trim() || null;
}
