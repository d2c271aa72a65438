import { type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { NHS_NUMBER_SYSTEM } from '@crosscare/fhir';
import type { Provider } from '@crosscare/governance';
import { type PatientRecord } from '@crosscare/projection';
import { testEvents } from '@crosscare/projection/testing';
import { uniqueName } from '@crosscare/testing';
import type { Bundle, Encounter, Immunization, Observation, OperationOutcome } from '@medplum/fhirtypes';
import { RecordApiUnderTest, storeLocalRecord, storeRemoteRecord } from './testing/record-api-under-test';

const DAY = 86_400_000;
const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const DMD = 'https://dmd.nhs.uk';
const HBA1C = { system: LOINC, code: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood' };
const WEIGHT = { system: SNOMED, code: '27113001', display: 'Body weight' };

const PATIENT = testNhsNumber(2101);
const RETIRED = testNhsNumber(2111);
const STRANGER = testNhsNumber(2121);
/** 2025-01-01T00:00Z: the readings are counted back from it, one a week. */
const START = Date.UTC(2025, 0, 1);

/**
 * The patient's history: more of everything than any view shows. 60 GP readings (every other one an HbA1c) and two
 * HbA1c results the other collaborative holds, 55 dispensings, four encounters of which three ended over a year ago,
 * three problems of which one resolved.
 */
interface History {
  readonly gp: Provider;
  readonly acute: Provider;
  readonly readings: RecordChangeEvent[];
  readonly remoteReadings: RecordChangeEvent[];
}

async function storeHistory(api: RecordApiUnderTest): Promise<History> {
  const directory = api.services.directory;
  const gp = directory.providers({ ics: 'QHL', type: 'GP_PRACTICE' })[0];
  const acute = directory.providers({ ics: 'QNC', type: 'ACUTE_TRUST' })[0];
  const pharmacy = directory.providers({ ics: 'QHL', type: 'COMMUNITY_PHARMACY' })[0] ?? gp;
  const from = (provider: Provider, sourceRecordId: string, nhsNumber = PATIENT) => ({
    providerOdsCode: provider.odsCode,
    ics: provider.ics,
    collaborative: provider.collaborative,
    nhsNumber,
    sourceRecordId,
  });
  const readings = Array.from({ length: 60 }, (_, i) =>
    testEvents.ObservationRecorded({
      header: from(gp, `reading-${i}`),
      code: i % 2 === 0 ? HBA1C : WEIGHT,
      effectiveAt: START - i * 7 * DAY,
      valueQuantity:
        i % 2 === 0
          ? { value: 48 + (i % 5), unit: 'mmol/mol', ucumCode: 'mmol/mol' }
          : { value: 70, unit: 'kg', ucumCode: 'kg' },
    }),
  );
  const dispensings = Array.from({ length: 55 }, (_, i) =>
    testEvents.MedicationDispensed({
      header: { ...from(pharmacy, `dispensing-${i}`), occurredAt: START - i * 28 * DAY },
      pharmacyOdsCode: pharmacy.odsCode,
      medication: {
        system: DMD,
        code: i % 2 === 0 ? '1090311000001108' : '39732311000001104',
        display: 'A medicine',
      },
    }),
  );
  const now = Date.now();
  const encounters = [
    ...[2, 3, 4].flatMap((years) => [
      testEvents.EncounterStarted({
        header: from(acute, `admission-${years}`),
        startedAt: now - years * 365 * DAY,
      }),
      testEvents.EncounterEnded({
        header: from(acute, `admission-${years}`),
        endedAt: now - years * 365 * DAY + 3 * DAY,
      }),
    ]),
    testEvents.EncounterStarted({ header: from(acute, 'admission-now'), startedAt: now - 2 * DAY }),
  ];
  const problems = [
    testEvents.ProblemRecorded({ header: from(gp, 'problem-diabetes') }),
    testEvents.ProblemRecorded({
      header: from(gp, 'problem-asthma'),
      code: { system: SNOMED, code: '195967001', display: 'Asthma' },
    }),
    testEvents.ProblemRecorded({
      header: from(gp, 'problem-fracture'),
      code: { system: SNOMED, code: '71620000', display: 'Fracture of femur' },
      clinicalStatus: 'RESOLVED',
    }),
  ];
  // A flu vaccination both collaboratives hold: this side version 1, the other side's the corrected version 2.
  const fluVersion1 = testEvents.ImmunisationRecorded({
    header: { ...from(gp, 'flu-2024'), sourceRecordVersion: 1 },
    administeredAt: Date.UTC(2024, 9, 1),
  });
  const fluVersion2 = testEvents.ImmunisationRecorded({
    header: { ...from(gp, 'flu-2024'), sourceRecordVersion: 2 },
    administeredAt: Date.UTC(2024, 9, 8),
  });
  await storeLocalRecord(api.readModel, PATIENT, 200, [
    ...readings,
    ...dispensings,
    ...encounters,
    ...problems,
    fluVersion1,
  ]);
  await storeLocalRecord(api.readModel, RETIRED, 1, [], PATIENT);
  const remoteReadings = [0, 1].map((i) =>
    testEvents.ObservationRecorded({
      header: from(acute, `lab-${i}`),
      code: HBA1C,
      effectiveAt: START + (i + 1) * DAY,
      valueQuantity: { value: 51, unit: 'mmol/mol', ucumCode: 'mmol/mol' },
    }),
  );
  const ohc: PatientRecord = {
    nhsNumber: PATIENT,
    collaborative: 'OHC',
    sequence: 4,
    updatedAt: now,
    mergedInto: null,
    mergedFrom: [],
    items: [...remoteReadings, fluVersion2],
  };
  await storeRemoteRecord(api.readModel, ohc);
  // Someone else's patient: an acute trust's only, with no relationship to the GP practice.
  await storeLocalRecord(api.readModel, STRANGER, 1, [
    testEvents.ObservationRecorded({ header: from(acute, 'stranger-reading', STRANGER) }),
  ]);
  return { gp, acute, readings, remoteReadings };
}

const patientParameter = (nhsNumber: string) =>
  `patient.identifier=${encodeURIComponent(`${NHS_NUMBER_SYSTEM}|${nhsNumber}`)}`;

describe('searching a patient history (real broker, registry and Postgres)', () => {
  let api: RecordApiUnderTest;
  let history: History;

  beforeAll(async () => {
    api = await RecordApiUnderTest.start();
    history = await storeHistory(api);
  }, 120_000);
  afterAll(() => api?.close());

  /** A GET as a clinician at the patient's GP practice (a relationship: it holds items of the record). */
  const get = (path: string, claims: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const correlationId = uniqueName('corr');
    return api
      .get(path, {
        authorization: `Bearer ${api.token({ org: history.gp.odsCode, ...claims })}`,
        'x-purpose-of-use': 'DIRECT_CARE',
        'x-correlation-id': correlationId,
        ...headers,
      })
      .then((answer) => ({ ...answer, correlationId }));
  };
  const search = (resourceType: string, query = '', claims: Record<string, unknown> = {}) =>
    get(`/fhir/${resourceType}?${patientParameter(PATIENT)}${query}`, claims);

  /** Every resource of a search, following next links; fails on a resource seen twice. */
  async function allPages(first: string, between: () => Promise<void> = () => Promise.resolve()) {
    const ids: string[] = [];
    const resources: Observation[] = [];
    let next: string | undefined = first;
    let pages = 0;
    while (next !== undefined) {
      const page = await get(next);
      expect(page.status).toBe(200);
      const bundle = page.body as Bundle<Observation>;
      for (const entry of bundle.entry ?? [])
        if (entry.search?.mode === 'match') {
          ids.push(entry.resource!.id!);
          resources.push(entry.resource!);
        }
      next = bundle.link?.find((l) => l.relation === 'next')?.url;
      pages++;
      await between();
    }
    return { ids, resources, pages };
  }

  describe('the record says what it leaves out', () => {
    it('JSON: each shortened section gives shown, total and where the rest is', async () => {
      const answer = await get(`/patients/${PATIENT}/record`);
      expect(answer.status).toBe(200);
      expect(answer.body.observations).toHaveLength(50);
      expect(answer.body.shortened.observations).toMatchObject({ shown: 50, total: 62 });
      expect(answer.body.shortened.dispensings).toMatchObject({ shown: 50, total: 55 });
      expect(answer.body.shortened.encounters).toMatchObject({ shown: 1, total: 4 });
      expect(answer.body.shortened.problems).toMatchObject({ shown: 2, total: 3 });
      expect(answer.body.shortened.immunisations).toBeUndefined();

      // The rest, as the answer says to get it: every observation exactly once.
      const rest = answer.body.shortened.observations.rest as string;
      const first = await get(rest);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ section: 'observations', total: 62, shown: 50 });
      const second = await get(first.body.next as string);
      expect(second.body).toMatchObject({ total: 62, shown: 12, next: null });
      const seen = [...first.body.entries, ...second.body.entries].map(
        (entry: { provenance: { eventId: string } }) => entry.provenance.eventId,
      );
      expect(new Set(seen).size).toBe(62);
      expect(seen.sort()).toEqual(
        [...history.readings, ...history.remoteReadings].map((e) => e.header.eventId).sort(),
      );
    });

    it("FHIR: the Bundle shows the view's 50 observations and an OperationOutcome says what it left out", async () => {
      const answer = await get(`/patients/${PATIENT}/record?_format=fhir`);
      expect(answer.status).toBe(200);
      const bundle = answer.body as Bundle;
      const observations = (bundle.entry ?? []).filter((e) => e.resource?.resourceType === 'Observation');
      expect(observations).toHaveLength(50);
      const issues = (bundle.entry ?? [])
        .map((e) => e.resource)
        .filter((r): r is OperationOutcome => r?.resourceType === 'OperationOutcome')
        .flatMap((outcome) => outcome.issue)
        .filter((issue) => issue.code === 'incomplete');
      const observationIssue = issues.find((issue) => issue.expression?.includes('Observation'));
      expect(observationIssue).toBeDefined();
      const values = Object.fromEntries(
        (observationIssue!.extension?.[0]?.extension ?? []).map((e) => [e.url, e.valueInteger ?? e.valueUri]),
      );
      expect(values).toMatchObject({ shown: 50, total: 62 });
      // The search it names answers with the total it promised.
      const rest = await get(values.search as string);
      expect((rest.body as Bundle).total).toBe(62);
    });
  });

  describe('FHIR search', () => {
    it('pages through every item exactly once, newest first, with the total on every page', async () => {
      const { ids, resources, pages } = await allPages(
        `/fhir/Observation?${patientParameter(PATIENT)}&_count=7`,
      );
      expect(pages).toBe(9);
      expect(ids).toHaveLength(62);
      expect(new Set(ids).size).toBe(62);
      const dates = resources.map((r) => Date.parse(r.effectiveDateTime!));
      expect(dates).toEqual([...dates].sort((a, b) => b - a));
    });

    it('finds by code: LOINC with its system, a bare code, and either of two', async () => {
      const hba1c = await search('Observation', `&code=${encodeURIComponent(`${LOINC}|4548-4`)}&_count=100`);
      expect(hba1c.status).toBe(200);
      expect((hba1c.body as Bundle).total).toBe(32);
      const coded = (hba1c.body as Bundle<Observation>).entry!.filter((e) => e.search?.mode === 'match');
      expect(coded.every((e) => e.resource!.code.coding!.some((c) => c.code === '4548-4'))).toBe(true);
      expect((await search('Observation', '&code=4548-4&_summary=count')).body.total).toBe(32);
      expect(
        (
          await search(
            'Observation',
            `&code=4548-4,${encodeURIComponent(`${SNOMED}|27113001`)}&_summary=count`,
          )
        ).body.total,
      ).toBe(62);
      expect(
        (await search('Observation', `&code=${encodeURIComponent(`${SNOMED}|4548-4`)}&_summary=count`)).body
          .total,
      ).toBe(0);
      // dm+d as sent, on dispensings.
      expect(
        (
          await search(
            'MedicationDispense',
            `&code=${encodeURIComponent(`${DMD}|1090311000001108`)}&_summary=count`,
          )
        ).body.total,
      ).toBe(28);
      // SNOMED CT on problems.
      expect(
        (await search('Condition', `&code=${encodeURIComponent(`${SNOMED}|195967001`)}&_summary=count`)).body
          .total,
      ).toBe(1);
    });

    it("finds by date range, with FHIR's prefixes and precision", async () => {
      // Readings every 7 days back from 2025-01-01, and the other side's on 2 and 3 January.
      const inRange = [...history.readings, ...history.remoteReadings].filter((e) => {
        const at = (e as { effectiveAt: number }).effectiveAt;
        return at >= Date.UTC(2024, 6, 1) && at < Date.UTC(2024, 9, 1);
      }).length;
      const ranged = await search('Observation', '&date=ge2024-07-01&date=lt2024-10-01&_summary=count');
      expect(ranged.body.total).toBe(inRange);
      const december = [...history.readings].filter((e) => {
        const at = (e as { effectiveAt: number }).effectiveAt;
        return at >= Date.UTC(2024, 11, 1) && at < Date.UTC(2025, 0, 1);
      }).length;
      expect((await search('Observation', '&date=2024-12&_summary=count')).body.total).toBe(december);
      expect((await search('Observation', '&date=gt2024&_summary=count')).body.total).toBe(3);
      expect((await search('Observation', '&date=ge2025-01-02T00:00:00Z&_summary=count')).body.total).toBe(2);
    });

    it('finds by status, and sorts oldest first on request', async () => {
      const resolved = await search('Condition', '&clinical-status=resolved');
      expect(resolved.body.total).toBe(1);
      const active = await search('Condition', '&clinical-status=active&_summary=count');
      expect(active.body.total).toBe(2);
      const open = await search('Encounter', '&status=in-progress');
      expect(open.body.total).toBe(1);
      const encounters = await search('Encounter', '');
      // Four encounters: each admission's start and end are one Encounter.
      expect(encounters.body.total).toBe(4);
      const finished = (encounters.body as Bundle<Encounter>).entry!.filter(
        (e) => e.search?.mode === 'match' && e.resource!.status === 'finished',
      );
      expect(finished).toHaveLength(3);
      const oldest = await search('Observation', '&_sort=date&_count=3');
      const dates = (oldest.body as Bundle<Observation>).entry!.map((e) =>
        Date.parse(e.resource!.effectiveDateTime!),
      );
      expect(dates).toEqual([...dates].sort((a, b) => a - b));
      expect(dates[0]).toBeLessThanOrEqual(START - 59 * 7 * DAY);
    });

    it('shows an item both collaboratives hold once, at its later version', async () => {
      const answer = await search('Immunization', '');
      expect(answer.status).toBe(200);
      expect(answer.body.total).toBe(1);
      const [entry] = (answer.body as Bundle<Immunization>).entry!.filter((e) => e.search?.mode === 'match');
      expect(Date.parse(entry.resource!.occurrenceDateTime!)).toBe(Date.UTC(2024, 9, 8));
      expect((await search('Immunization', '&date=2024-10-01&_summary=count')).body.total).toBe(0);
    });

    it('answers _summary=count with the total alone', async () => {
      const answer = await search('MedicationDispense', '&_summary=count');
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 55 });
      expect(answer.body.entry).toBeUndefined();
    });

    it("follows a merge: a search under the retired number finds the survivor's history", async () => {
      const answer = await get(`/fhir/Condition?${patientParameter(RETIRED)}&_summary=count`);
      expect(answer.status).toBe(200);
      expect(answer.body.total).toBe(3);
    });

    it('audits every search like a read: who, role, organisation, purpose, patient, the query and how many', async () => {
      const answer = await search('Observation', '&code=4548-4&_count=5');
      expect(answer.status).toBe(200);
      const [audited] = await api.auditedReads(answer.correlationId);
      expect(audited.key).toBe(PATIENT);
      expect(audited.event).toMatchObject({
        outcome: 'RETURNED',
        format: 'FHIR',
        user: { role: 'clinician' },
        organisationOdsCode: history.gp.odsCode,
        purposeOfUse: 'DIRECT_CARE',
        nhsNumber: PATIENT,
        resolvedNhsNumber: PATIENT,
        itemCount: 5,
        search: { resourceType: 'Observation', continued: false, total: 32, returned: 5 },
      });
      expect(audited.event.search!.query).toContain('code=4548-4');
      expect(audited.event.search!.query).toContain('_count=5');
    });

    it('a JSON caller searches through the record route with the same parameters', async () => {
      const answer = await get(
        `/patients/${PATIENT}/record?section=dispensings&code=1090311000001108&_count=10`,
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        section: 'dispensings',
        resourceType: 'MedicationDispense',
        total: 28,
        shown: 10,
      });
      expect(answer.body.entries[0]).toMatchObject({ medication: { code: '1090311000001108' } });
      expect(answer.body.next).toContain('_cursor=');
    });
  });

  describe('refusals, each an OperationOutcome, each audited', () => {
    const refusal = async (
      path: string,
      status: number,
      code: string,
      claims: Record<string, unknown> = {},
    ) => {
      const answer = await get(path, claims);
      expect(answer.status).toBe(status);
      const outcome = answer.body as OperationOutcome;
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(outcome.issue[0]).toMatchObject({ severity: 'error', code });
      const [audited] = await api.auditedReads(answer.correlationId, 1, 0);
      expect(audited.event.outcome).toBe('DENIED');
      return { outcome, audited: audited.event };
    };

    it('an unknown parameter', async () => {
      const { outcome, audited } = await refusal(
        `/fhir/Observation?${patientParameter(PATIENT)}&colour=red`,
        400,
        'not-supported',
      );
      expect(outcome.issue[0].diagnostics).toContain('colour');
      expect(audited).toMatchObject({ denial: 'INVALID_REQUEST', search: { resourceType: 'Observation' } });
      expect(audited.search!.query).toContain('colour=red');
    });

    it('a malformed date', async () => {
      const { outcome } = await refusal(
        `/fhir/Observation?${patientParameter(PATIENT)}&date=2024-02-30`,
        400,
        'value',
      );
      expect(outcome.issue[0].expression).toEqual(['date']);
    });

    it("another patient's data: no relationship with the patient searched", async () => {
      const { audited } = await refusal(`/fhir/Observation?${patientParameter(STRANGER)}`, 403, 'forbidden');
      expect(audited).toMatchObject({
        denial: 'NO_RELATIONSHIP',
        nhsNumber: STRANGER,
        search: { returned: 0 },
      });
    });

    it("another patient's data: two patients in one search, or none", async () => {
      const both = encodeURIComponent(`${NHS_NUMBER_SYSTEM}|${PATIENT},${NHS_NUMBER_SYSTEM}|${STRANGER}`);
      await refusal(`/fhir/Observation?patient.identifier=${both}`, 400, 'not-supported');
      await refusal('/fhir/Observation?code=4548-4', 400, 'required');
    });

    it("another patient's data: a page link of another search", async () => {
      const mine = await search('Observation', '&_count=5');
      const next = (mine.body as Bundle).link!.find((l) => l.relation === 'next')!.url;
      const cursor = new URL(next, 'http://x').searchParams.get('_cursor')!;
      await refusal(
        `/fhir/Observation?${patientParameter(STRANGER)}&_count=5&_cursor=${encodeURIComponent(cursor)}`,
        400,
        'invalid',
      );
    });

    it('a section the role is not granted', async () => {
      const { audited } = await refusal(`/fhir/Observation?${patientParameter(PATIENT)}`, 403, 'forbidden', {
        role: 'pharmacist',
      });
      expect(audited.denial).toBe('SECTION_NOT_GRANTED');
      // The same pharmacist may search what the role is granted.
      const dispensed = await get(`/fhir/MedicationDispense?${patientParameter(PATIENT)}&_summary=count`, {
        role: 'pharmacist',
      });
      expect(dispensed.status).toBe(200);
    });

    it('a resource type that cannot be searched', async () => {
      await refusal(`/fhir/Patient?${patientParameter(PATIENT)}`, 400, 'not-supported');
    });
  });

  // Last: it adds readings, which the counts above do not expect.
  describe('paging while the record grows', () => {
    it('pages through every item exactly once while new items are being added', async () => {
      const before = await search('Observation', '&_summary=count');
      const existing = (before.body as Bundle).total!;
      let added = 0;
      const addTwo = async () => {
        // One newer than anything (it sorts onto page one, already read), one older than anything (the last page).
        const reading = (sourceRecordId: string, effectiveAt: number) =>
          testEvents.ObservationRecorded({
            header: {
              providerOdsCode: history.gp.odsCode,
              ics: history.gp.ics,
              collaborative: history.gp.collaborative,
              nhsNumber: PATIENT,
              sourceRecordId,
            },
            effectiveAt,
          });
        const newer = reading(uniqueName('arriving'), START + (100 + added) * DAY);
        const older = reading(uniqueName('late'), START - (3000 + added) * DAY);
        added += 2;
        await storeLocalRecord(api.readModel, PATIENT, 200 + added, [newer, older]);
      };
      const first = `/fhir/Observation?${patientParameter(PATIENT)}&_count=10`;
      const initial = await get(first);
      const initialIds = new Set(
        (initial.body as Bundle).entry!.filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id!),
      );
      const { ids } = await allPages(first, addTwo);
      // Nothing twice; everything that was there when the search began, once.
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeGreaterThanOrEqual(existing);
      for (const id of initialIds) expect(ids).toContain(id);
      const after = await search('Observation', '&_summary=count');
      expect((after.body as Bundle).total).toBe(existing + added);
    });
  });
});
