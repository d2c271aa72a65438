import type {
  AllergyRecorded,
  PatientRegistered,
  RecordChangeEvent,
  RecordChangeHeader,
} from '../generated/record-changes';
import { randomUUID } from 'node:crypto';

/**
 * NHS number n of the 999 test range (never a real patient): 999 followed by a six-digit serial and the
 * modulus-11 check digit. Serials whose check digit would be 10 are skipped, as NHS numbering does.
 */
export function testNhsNumber(n: number): string {
  for (let serial = n; ; serial++) {
    const nine = `999${String(serial % 1_000_000).padStart(6, '0')}`;
    const sum = [...nine].reduce((acc, digit, i) => acc + Number(digit) * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${nine}${check === 11 ? 0 : check}`;
  }
}

/** A header for synthetic data: a GP practice in Birmingham and Solihull (CCR), first version, created now. */
export function syntheticHeader(
  eventType: string,
  nhsNumber: string,
  correlationId: string,
  sourceRecordId: string,
): RecordChangeHeader {
  const now = Date.now();
  return {
    eventId: randomUUID(),
    eventType,
    occurredAt: now - 60_000,
    recordedAt: now,
    providerOdsCode: 'M85001',
    ics: 'QHL',
    collaborative: 'CCR',
    nhsNumber,
    sourceRecordId,
    sourceRecordVersion: 1,
    operation: 'CREATE',
    correlationId,
    causationId: null,
  };
}

export function syntheticPatientRegistered(
  nhsNumber: string,
  correlationId: string,
  n = 0,
): PatientRegistered {
  return {
    header: syntheticHeader('PatientRegistered', nhsNumber, correlationId, `synthetic-patient-${n}`),
    name: { prefix: null, given: ['Test'], family: `Patient-${n}` },
    birthDate: 0,
    gender: 'UNKNOWN',
    address: null,
    telecom: [],
    registeredGpPracticeOdsCode: 'M85001',
  };
}

export function syntheticAllergyRecorded(nhsNumber: string, correlationId: string, n = 0): AllergyRecorded {
  return {
    header: syntheticHeader('AllergyRecorded', nhsNumber, correlationId, `synthetic-allergy-${n}`),
    substance: { system: 'http://snomed.info/sct', code: '764146007', display: 'Penicillin' },
    category: 'MEDICATION',
    clinicalStatus: 'ACTIVE',
    criticality: 'HIGH',
    reactions: [
      {
        manifestation: { system: 'http://snomed.info/sct', code: '39579001', display: 'Anaphylaxis' },
        severity: 'SEVERE',
        onsetAt: null,
      },
    ],
    onsetDate: null,
  };
}

/**
 * Synthetic record changes for demos, smoke checks, benchmarks and tests: each patient is registered, then has an
 * allergy recorded. Only 999-range NHS numbers, never a real patient.
 */
export function syntheticRecordChanges(count: number, correlationId: string): RecordChangeEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const nhsNumber = testNhsNumber(Math.floor(i / 2) + 1);
    return i % 2 === 0
      ? syntheticPatientRegistered(nhsNumber, correlationId, i)
      : syntheticAllergyRecorded(nhsNumber, correlationId, i);
  });
}
