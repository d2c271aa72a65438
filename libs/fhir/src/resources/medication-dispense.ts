import type { AnyRecordChangeDraft, DispenseStatus } from '@crosscare/events';
import type { MedicationDispense } from '@medplum/fhirtypes';
import { EPS_DISPENSE_TYPE, EPS_PRESCRIPTION_ID_SYSTEM, ODS_ORGANISATION_SYSTEM } from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { codeFrom, eventQuantity, identifierValue, mapCode, odsCodeOf } from '../mapping/codings';
import { draft, type MappingContext } from '../mapping/mapping-context';
import { dosageTextOf, medicationOf } from '../mapping/medication';

/** EPS dispense notification item types say more than the FHIR status (e.g. a partial dispense). */
const EPS_DISPENSE_TYPES: Record<string, DispenseStatus> = {
  '0001': 'COMPLETED',
  '0002': 'NOT_DISPENSED',
  '0003': 'PARTIALLY_DISPENSED',
  '0004': 'NOT_DISPENSED',
  '0005': 'NOT_DISPENSED',
  '0006': 'NOT_DISPENSED',
};
const FHIR_DISPENSE_STATUSES: Record<string, DispenseStatus> = {
  completed: 'COMPLETED',
  declined: 'NOT_DISPENSED',
  cancelled: 'NOT_DISPENSED',
  stopped: 'NOT_DISPENSED',
};

/**
 * MedicationDispense (a community or hospital pharmacy's dispensing, e.g. discharge medicines) →
 * MedicationDispensed. The pharmacy is the performer's ODS code when sent, else the sending provider's own code: a
 * pharmacy system reports its own dispensing.
 */
export function mapMedicationDispense(
  dispense: MedicationDispense,
  context: MappingContext,
): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const source = clinicalSource(
    dispense,
    { element: 'subject', reference: dispense.subject },
    [
      [dispense.whenHandedOver, `${at}.whenHandedOver`],
      [dispense.whenPrepared, `${at}.whenPrepared`],
    ],
    context,
  );
  if (dispense.status === ENTERED_IN_ERROR)
    return removedAsEnteredInError(source, 'MedicationDispensed', context);
  const medication = medicationOf(dispense, at, issues, context);
  const eps = codeFrom(dispense.type, EPS_DISPENSE_TYPE);
  const status =
    eps !== undefined
      ? mapCode(eps, EPS_DISPENSE_TYPES, 'UNKNOWN')
      : mapCode(dispense.status, FHIR_DISPENSE_STATUSES, 'UNKNOWN');
  // Nothing handed over needs no quantity; anything handed over does.
  const quantity =
    eventQuantity(dispense.quantity) ??
    (status === 'NOT_DISPENSED' ? { value: 0, unit: '', ucumCode: null } : null);
  if (quantity === null)
    issues.required(`${at}.quantity.value`, `${at}.quantity.value is required: how much was handed over`);
  const prescriptionId = (dispense.authorizingPrescription ?? [])
    .map((prescription) => identifierValue(prescription.identifier, EPS_PRESCRIPTION_ID_SYSTEM))
    .find((id) => id !== null);
  if (source === null || medication === null || quantity === null || !issues.isEmpty) return [];
  return [
    draft('MedicationDispensed', source, {
      pharmacyOdsCode:
        odsCodeOf(
          (dispense.performer ?? []).map((performer) => performer.actor),
          ODS_ORGANISATION_SYSTEM,
        ) ?? context.providerOdsCode,
      medication,
      quantity,
      dosageText: dosageTextOf(dispense.dosageInstruction),
      prescriptionId: prescriptionId ?? null,
      status,
    }),
  ];
}
