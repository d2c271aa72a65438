import { type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { testEvents, TEST_PROVIDERS } from '@crosscare/projection/testing';

/** A small seeded generator (mulberry32), so a failing run can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A stream of record changes built to exercise every rule at once: few source records per patient so versions
 * collide, versions out of order and repeated, removals, both collaboratives' ICSs, and a merge every so often.
 */
export function churn(options: {
  seed: number;
  patients: number;
  events: number;
  firstSerial: number;
}): RecordChangeEvent[] {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const providers = [
    TEST_PROVIDERS.ccrGpPractice,
    TEST_PROVIDERS.ccrCouncil,
    { providerOdsCode: 'RTO', ics: 'QWU', collaborative: 'CCR' },
    { providerOdsCode: 'REI', ics: 'QGH', collaborative: 'CCR' },
  ];
  const events: RecordChangeEvent[] = [];
  // testNhsNumber skips serials without a valid check digit, so two serials can give one number: track them.
  const patients = new Set(
    Array.from({ length: options.patients }, (_, i) => testNhsNumber(options.firstSerial + i)),
  );
  const retiredNumbers = new Set<string>();
  let nextSerial = options.firstSerial + options.patients;
  const unusedNumber = () => {
    for (;;) {
      const candidate = testNhsNumber(nextSerial++);
      if (patients.has(candidate) || retiredNumbers.has(candidate)) continue;
      retiredNumbers.add(candidate);
      return candidate;
    }
  };
  for (let n = 0; n < options.events; n++) {
    const nhsNumber = testNhsNumber(options.firstSerial + Math.floor(random() * options.patients));
    const provider = pick(providers);
    const record = Math.floor(random() * 4);
    const version = 1 + Math.floor(random() * 6);
    const header = {
      ...provider,
      nhsNumber,
      sourceRecordVersion: version,
      occurredAt: Date.UTC(2025, 0, 1) + n * 60_000,
    };
    const roll = random();
    if (roll < 0.1) {
      const kind = pick(['AllergyRecorded', 'ProblemRecorded'] as const);
      events.push(
        testEvents.RecordRemoved({
          header: { ...header, sourceRecordId: `${kind}/${nhsNumber}-${record}`, operation: 'DELETE' },
          removedEventType: kind,
          removedSourceRecordId: `${kind}/${nhsNumber}-${record}`,
        }),
      );
    } else if (roll < 0.12) {
      // Each retired number is merged once, into a number never retired: merges across partitions then commute,
      // and the read model is the same whatever order the partitions are projected in.
      const retired = unusedNumber();
      const early = { ...header, nhsNumber: retired, sourceRecordId: `AllergyRecorded/${retired}-0` };
      events.push(testEvents.AllergyRecorded({ header: early }));
      events.push(
        testEvents.PatientMerged({
          header: { ...header, sourceRecordId: `Patient/${nhsNumber}` },
          retiredNhsNumber: retired,
          survivingNhsNumber: nhsNumber,
        }),
      );
      events.push(
        testEvents.ProblemRecorded({
          header: { ...early, sourceRecordId: `ProblemRecorded/${retired}-late` },
        }),
      );
    } else if (roll < 0.5) {
      events.push(
        testEvents.AllergyRecorded({
          header: { ...header, sourceRecordId: `AllergyRecorded/${nhsNumber}-${record}` },
          criticality: pick(['LOW', 'HIGH'] as const),
        }),
      );
    } else if (roll < 0.8) {
      events.push(
        testEvents.ProblemRecorded({
          header: { ...header, sourceRecordId: `ProblemRecorded/${nhsNumber}-${record}` },
          clinicalStatus: pick(['ACTIVE', 'RESOLVED'] as const),
        }),
      );
    } else {
      events.push(
        testEvents.MedicationPrescribed({
          header: { ...header, sourceRecordId: `MedicationPrescribed/${nhsNumber}-${record}` },
          dosageText: `dose ${n}`,
        }),
      );
    }
  }
  return events;
}
