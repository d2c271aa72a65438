import type {
  AllergyRecorded,
  PatientRegistered,
  RecordChangeEvent,
  RecordChangeHeader,
} from '@crosscare/events';
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

function header(
  eventType: string,
  nhsNumber: string,
  runId: string,
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
    correlationId: runId,
    causationId: null,
  };
}

/** Synthetic record changes for the smoke run: each patient is registered, then has an allergy recorded. */
export function syntheticRecordChanges(count: number, runId: string): RecordChangeEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const nhsNumber = testNhsNumber(Math.floor(i / 2) + 1);
    if (i % 2 === 0) {
      const registered: PatientRegistered = {
        header: header('PatientRegistered', nhsNumber, runId, `smoke-patient-${i}`),
        name: { prefix: null, given: ['Test'], family: `Patient-${i}` },
        birthDate: 0,
        gender: 'UNKNOWN',
        address: null,
        telecom: [],
        registeredGpPracticeOdsCode: 'M85001',
      };
      return registered;
    }
    const allergy: AllergyRecorded = {
      header: header('AllergyRecorded', nhsNumber, runId, `smoke-allergy-${i}`),
      substance: { system: 'http://snomed.info/sct', code: '91936005', display: 'Allergy to penicillin' },
      category: 'MEDICATION',
      clinicalStatus: 'ACTIVE',
      criticality: 'HIGH',
      reactions: [],
      onsetDate: null,
    };
    return allergy;
  });
}
