import { EVENT_TYPES, type EventType, type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { testEvents } from '@crosscare/projection/testing';
import { Type } from 'avsc';
import { minimise } from './project-row';
import { kindField, projectRowSchema } from './project-row-schema';
import { Pseudonymiser } from './pseudonymiser';
import { loadSdeProjects, type SdeProject } from './sde-project';
import { EVERY_FIELD_PROJECT } from './testing/every-field-project';

const pseudonyms = new Pseudonymiser(Buffer.alloc(32, 7));
const providerTypeOf = (ods: string) => (ods === 'M01358' ? 'GP_PRACTICE' : undefined);
const snomed = (code: string, display: string) => ({ system: 'http://snomed.info/sct', code, display });

/**
 * Each kind's synthetic event with every optional identifying or free-text field filled in, so that leaving one of
 * them out of a row is proven rather than assumed.
 */
const eventsWithEverything: Record<EventType, () => RecordChangeEvent> = {
  ...(Object.fromEntries(EVENT_TYPES.map((kind) => [kind, () => testEvents[kind]()])) as Record<
    EventType,
    () => RecordChangeEvent
  >),
  ObservationRecorded: () =>
    testEvents.ObservationRecorded({
      valueString: 'Patient says the new shoes rub on the left heel',
      valueCoded: snomed('260385009', 'Negative result noted by Dr Example'),
      interpretation: 'NORMAL',
    }),
  PatientMerged: () => testEvents.PatientMerged({ retiredSourceRecordId: 'old-registration-77' }),
  ProblemRecorded: () =>
    testEvents.ProblemRecorded({ abatementDate: 20_000, code: snomed('44054006', 'Diabetes, told at home') }),
  RecordRemoved: () => testEvents.RecordRemoved({ replacedBySourceRecordId: 'AllergyRecorded-99' }),
  EncounterStarted: () =>
    testEvents.EncounterStarted({ admissionSource: snomed('19712007', 'Arrived with neighbour') }),
  DiagnosticReportIssued: () => {
    const report = testEvents.DiagnosticReportIssued();
    return testEvents.DiagnosticReportIssued({
      conclusion: 'Discussed with Dr Example; patient anxious about result',
      conclusionCodes: [snomed('168731009', 'Normal, as told to Mrs Testpatient')],
      results: [
        ...report.results,
        {
          ...report.results[0],
          valueQuantity: null,
          valueString: 'Sample from Ava Testpatient haemolysed',
          referenceRange: 'See comment from Dr Example',
        },
      ],
    });
  },
};

/** Keys whose string values identify a person or are free text: none may reach a row, in any form. */
const NEVER_RELEASED = new Set([
  'nhsNumber',
  'retiredNhsNumber',
  'survivingNhsNumber',
  'sourceRecordId',
  'removedSourceRecordId',
  'replacedBySourceRecordId',
  'retiredSourceRecordId',
  'eventId',
  'correlationId',
  'given',
  'family',
  'prefix',
  'lines',
  'city',
  'postcode',
  'display',
  'dosageText',
  'description',
  'valueString',
  'title',
  'prescriptionId',
  'ubrn',
  'batchNumber',
  'councilName',
  'allocatedTeam',
  'allocatedWorker',
  'conclusion',
  'referenceRange',
  // ContactPoint.value: a phone number or e-mail address (a Quantity's value is a number, and not collected).
  'value',
]);

/** Every string in the event under a key above, and each birth date as written (YYYY-MM-DD). */
function secretsOf(event: RecordChangeEvent): string[] {
  const found: string[] = [];
  const walk = (node: unknown, key: string | undefined): void => {
    if (typeof node === 'string') {
      if (key !== undefined && NEVER_RELEASED.has(key)) found.push(node);
    } else if (Array.isArray(node)) {
      for (const item of node) walk(item, key);
    } else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, k);
    }
  };
  walk(event, undefined);
  const { birthDate } = event as { birthDate?: number };
  if (typeof birthDate === 'number') found.push(new Date(birthDate * 86_400_000).toISOString().slice(0, 10));
  const { postcode } = (event as { address?: { postcode?: string } }).address ?? {};
  if (postcode) found.push(postcode.replace(/\s/g, ''));
  return found;
}

/** The row through Avro and back, as an SDE reads it, as JSON. */
function encodedAndDecoded(project: SdeProject, row: unknown): { bytes: Buffer; json: string } {
  const type = Type.forSchema(projectRowSchema(project) as never);
  const errors: string[] = [];
  const valid = type.isValid(row, {
    noUndeclaredFields: true,
    errorHook: (path) => errors.push(path.join('.')),
  });
  expect({ valid, errors }).toEqual({ valid: true, errors: [] });
  const bytes = type.toBuffer(row);
  return { bytes, json: JSON.stringify(type.fromBuffer(bytes)) };
}

describe('minimise, with every releasable field approved', () => {
  it.each(EVENT_TYPES.map((kind) => [kind]))(
    'releases %s as a row its schema encodes, with no identifier, free text or display',
    (kind) => {
      const event = eventsWithEverything[kind]();
      const secrets = secretsOf(event);
      // The fixtures hold what is looked for: a check that finds nothing to look for proves nothing.
      expect(secrets).toEqual(expect.arrayContaining([event.header.nhsNumber, event.header.eventId]));

      const result = minimise(event, EVERY_FIELD_PROJECT, pseudonyms, providerTypeOf);
      if (!result.released) throw new Error(`${kind} not released: ${result.reason}`);
      const { json } = encodedAndDecoded(EVERY_FIELD_PROJECT, result.row);

      expect(secrets.filter((secret) => json.includes(secret))).toEqual([]);
      expect(json).not.toMatch(/\d{4}-\d{2}-\d{2}T/); // no time of day, anywhere
      const decoded = JSON.parse(json) as Record<string, unknown>;
      expect(decoded.pseudonym).toBe(pseudonyms.patient(event.header.nhsNumber));
      expect(decoded.eventType).toBe(kind);
      // The row holds its own kind's fields; every other kind's is null.
      expect(EVENT_TYPES.filter((other) => other !== kind && decoded[kindField(other)] !== null)).toEqual([]);
      expect(decoded[kindField(kind)]).not.toBeNull();
    },
  );

  it('covers every free-text and identifying field the fixtures can hold', () => {
    const all = EVENT_TYPES.flatMap((kind) => secretsOf(eventsWithEverything[kind]()));
    for (const expected of [
      testNhsNumber(1),
      testNhsNumber(2),
      'Ava',
      'Testpatient',
      '12 Example Road',
      'B15 2TT',
      '1952-07-14',
      'One tablet twice a day with food',
      'Diabetes personalised care and support plan',
      'Patient says the new shoes rub on the left heel',
      'Type 2 diabetes mellitus',
      'AllergyRecorded-1',
      'Sam Patel, Social Worker',
      'Discussed with Dr Example; patient anxious about result',
      'Sample from Ava Testpatient haemolysed',
      'See comment from Dr Example',
    ])
      expect(all).toContain(expected);
  });

  it("releases a registration at the project's precisions: birth year and month, postcode sector", () => {
    const result = minimise(testEvents.PatientRegistered(), EVERY_FIELD_PROJECT, pseudonyms, providerTypeOf);
    expect(result.released && result.row.patientRegistered).toEqual({
      birthDate: '1952-07',
      gender: 'FEMALE',
      postcode: 'B15 2',
      registeredGpPracticeOdsCode: 'M01358',
    });
    expect(result.released && result.row.providerType).toBe('GP_PRACTICE');
  });

  it('releases a coded value as system and code only', () => {
    const result = minimise(testEvents.ProblemRecorded(), EVERY_FIELD_PROJECT, pseudonyms, providerTypeOf);
    expect(result.released && (result.row.problemRecorded as { code: unknown }).code).toEqual({
      system: 'http://snomed.info/sct',
      code: '44054006',
    });
  });

  it("releases a report's results as code, status, numeric or coded value and flag only", () => {
    const result = minimise(
      testEvents.DiagnosticReportIssued(),
      EVERY_FIELD_PROJECT,
      pseudonyms,
      providerTypeOf,
    );
    expect(result.released && (result.row.diagnosticReportIssued as { results: unknown }).results).toEqual([
      {
        code: { system: 'http://snomed.info/sct', code: '1049301000000100' },
        status: 'FINAL',
        valueQuantity: { value: 58, unit: 'mmol/mol', ucumCode: 'mmol/mol' },
        valueCoded: null,
        interpretation: 'HIGH',
      },
    ]);
  });

  it("pseudonymises a merge's two NHS numbers as patients of the project", () => {
    const event = testEvents.PatientMerged();
    const result = minimise(event, EVERY_FIELD_PROJECT, pseudonyms, providerTypeOf);
    expect(result.released && result.row.patientMerged).toMatchObject({
      retiredPseudonym: pseudonyms.patient(event.retiredNhsNumber),
      survivingPseudonym: pseudonyms.patient(event.survivingNhsNumber),
    });
  });
});

describe('minimise: what is never released', () => {
  it.each([
    ['flagged restricted', { restricted: true }],
    [
      'a SAFEGUARDING involvement not flagged (written before the flag)',
      { involvementType: 'SAFEGUARDING', restricted: false },
    ],
    ['a SAFEGUARDING record not flagged', { recordKind: 'SAFEGUARDING', restricted: false }],
  ] as const)('social care %s', (_why, overrides) => {
    const event = testEvents.SocialCareInvolvementRecorded(overrides);
    expect(minimise(event, EVERY_FIELD_PROJECT, pseudonyms, providerTypeOf)).toEqual({
      released: false,
      reason: 'restricted',
    });
  });

  it('releases social care that is neither restricted nor safeguarding', () => {
    const event = testEvents.SocialCareInvolvementRecorded();
    expect(minimise(event, EVERY_FIELD_PROJECT, pseudonyms, providerTypeOf).released).toBe(true);
  });

  it.each(loadSdeProjects().map((p) => [p.id, p] as const))(
    'a kind project %s is not approved for',
    (_id, project) => {
      const unapproved = EVENT_TYPES.filter((kind) => !project.events.has(kind));
      expect(unapproved.length).toBeGreaterThan(0);
      for (const kind of unapproved) {
        expect({
          kind,
          ...minimise(eventsWithEverything[kind](), project, pseudonyms, providerTypeOf),
        }).toEqual({
          kind,
          released: false,
          reason: 'not-approved',
        });
      }
    },
  );

  it.each(loadSdeProjects().map((p) => [p.id, p] as const))(
    "project %s's approved kinds: rows its schema encodes, holding no field beyond its approval",
    (_id, project) => {
      for (const kind of project.events.keys()) {
        const result = minimise(eventsWithEverything[kind](), project, pseudonyms, providerTypeOf);
        if (!result.released) throw new Error(`${kind} not released: ${result.reason}`);
        const { json } = encodedAndDecoded(project, result.row);
        const released = JSON.parse(json) as Record<string, Record<string, unknown> | null>;
        expect(Object.keys(released[kindField(kind)] ?? {})).toEqual(
          project.events.get(kind)!.map((f) => f.name),
        );
        expect(secretsOf(eventsWithEverything[kind]()).filter((s) => json.includes(s))).toEqual([]);
      }
    },
  );
});
