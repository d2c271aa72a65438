import type { DispenseStatus, MedicationDispensed } from '@crosscare/events';
import type { CodeableConcept, MedicationDispense } from '@medplum/fhirtypes';
import { EPS_DISPENSE_TYPE, EPS_PRESCRIPTION_ID_SYSTEM } from '../../fhir-systems';
import {
  codeableConcept,
  conceptFrom,
  fhirInstant,
  optional,
  organisationReference,
  patientReference,
  quantity,
} from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';

export interface DispenseOutcome {
  readonly status: MedicationDispense['status'];
  /** The EPS dispense notification item type, which says more than the status (e.g. a partial dispense). */
  readonly type: CodeableConcept | undefined;
  readonly handedOver: boolean;
}

export const MEDICATION_DISPENSE_OUTCOMES: Record<DispenseStatus, DispenseOutcome> = {
  COMPLETED: {
    status: 'completed',
    type: conceptFrom(EPS_DISPENSE_TYPE, '0001', 'Item fully dispensed'),
    handedOver: true,
  },
  // EPS reads a partial dispense as the rest still owing, so the dispensing is still in progress.
  PARTIALLY_DISPENSED: {
    status: 'in-progress',
    type: conceptFrom(EPS_DISPENSE_TYPE, '0003', 'Item dispensed - partial'),
    handedOver: true,
  },
  NOT_DISPENSED: {
    status: 'declined',
    type: conceptFrom(EPS_DISPENSE_TYPE, '0002', 'Item not dispensed'),
    handedOver: false,
  },
  UNKNOWN: { status: 'unknown', type: undefined, handedOver: false },
};

/** MedicationDispensed → MedicationDispense, performed by the dispensing pharmacy. */
export function renderMedicationDispense(
  dispensed: MedicationDispensed,
  context: RenderContext,
): MedicationDispense {
  const { header, pharmacyOdsCode, prescriptionId } = dispensed;
  const outcome = MEDICATION_DISPENSE_OUTCOMES[dispensed.status];
  return {
    resourceType: 'MedicationDispense',
    ...itemFrame(header, 'MedicationDispensed'),
    status: outcome.status,
    ...optional('type', outcome.type),
    medicationCodeableConcept: codeableConcept(dispensed.medication),
    subject: patientReference(context.nhsNumber),
    performer: [{ actor: organisationReference(pharmacyOdsCode, context.providerName(pharmacyOdsCode)) }],
    ...optional(
      'authorizingPrescription',
      prescriptionId === null
        ? null
        : [{ identifier: { system: EPS_PRESCRIPTION_ID_SYSTEM, value: prescriptionId } }],
    ),
    quantity: quantity(dispensed.quantity),
    // Only something handed over has a hand-over time.
    ...optional('whenHandedOver', outcome.handedOver ? fhirInstant(header.occurredAt) : null),
    ...optional('dosageInstruction', dispensed.dosageText === null ? null : [{ text: dispensed.dosageText }]),
  };
}
