import type { AlertRecorded, AlertStatus } from '@crosscare/events';
import type { CodeableConcept, Flag, Organization, Reference } from '@medplum/fhirtypes';
import {
  ENGLAND_FLAG_CATEGORY,
  FLAG_NOTES_EXTENSION,
  REASONABLE_ADJUSTMENT_FLAG_CATEGORY,
} from '../../fhir-systems';
import {
  codeableConcept,
  datePeriod,
  nonEmpty,
  optional,
  organisationReference,
  patientReference,
} from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';

/** An alert of unknown status is shown as active: hiding a real alert is the worse error. */
const STATUSES: Record<AlertStatus, Flag['status']> = {
  ACTIVE: 'active',
  INACTIVE: 'inactive',
  UNKNOWN: 'active',
};

const REASONABLE_ADJUSTMENT: CodeableConcept = {
  coding: [
    {
      system: ENGLAND_FLAG_CATEGORY,
      code: REASONABLE_ADJUSTMENT_FLAG_CATEGORY,
      display: 'National Reasonable Adjustments Flag',
    },
  ],
};

/** AlertRecorded → Flag, coded as NHS England's Patient Flag profiles code a reasonable adjustment flag. */
export function renderFlag(alert: AlertRecorded, context: RenderContext): Flag {
  return {
    resourceType: 'Flag',
    ...itemFrame(alert.header, 'AlertRecorded'),
    ...optional(
      'extension',
      alert.notes === null ? null : [{ url: FLAG_NOTES_EXTENSION, valueString: alert.notes }],
    ),
    status: STATUSES[alert.status],
    ...nonEmpty('category', categoriesOf(alert)),
    code: {
      ...nonEmpty('coding', alert.code ? (codeableConcept(alert.code).coding ?? []) : []),
      ...optional('text', alert.text),
    },
    subject: patientReference(context.nhsNumber),
    ...optional('period', datePeriod(alert.period)),
    ...optional('author', authorOf(alert)),
  };
}

function categoriesOf(alert: AlertRecorded): CodeableConcept[] {
  const coded = alert.category ? [codeableConcept(alert.category)] : [];
  const marked = alert.category?.code === REASONABLE_ADJUSTMENT_FLAG_CATEGORY;
  return alert.reasonableAdjustment && !marked ? [REASONABLE_ADJUSTMENT, ...coded] : coded;
}

/** The author as the source named them: by ODS code when it gave one, else by name only. */
function authorOf(alert: AlertRecorded): Reference<Organization> | null {
  if (alert.authorOdsCode !== null)
    return organisationReference(alert.authorOdsCode, alert.authorName ?? undefined);
  return alert.authorName === null ? null : { display: alert.authorName };
}
