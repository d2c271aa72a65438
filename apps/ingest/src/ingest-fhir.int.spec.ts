import { fhirFixtures } from '@crosscare/fhir/testing';
import type { IcsCode, ProviderType } from '@crosscare/governance';
import { uniqueName } from '@crosscare/testing';
import { randomUUID } from 'node:crypto';
import {
  receiptLines,
  responseEntries,
  send,
  startIngest,
  type IngestUnderTest,
} from './testing/ingest-under-test';

const {
  gpPatient,
  gpCondition,
  gpAllergy,
  gpRepeatPrescription,
  gpReferral,
  gpFluVaccination,
  acuteAdmission,
  admissionTransaction,
  careHomeWeight,
  careHomeCarePlan,
  hospiceAdvanceCarePlan,
  pharmacyDispense,
  pharmacyConsultation,
  pharmacyBatch,
  gpSharingObjection,
} = fhirFixtures;

/** FHIR R4 through the real ingest, broker, registry and Postgres: what each kind of provider sends, and what lands. */
describe('ingest: FHIR (real broker, registry and Postgres)', () => {
  let ingest: IngestUnderTest;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    ingest = await startIngest('fhir');
  });
  afterAll(() => ingest?.close());

  async function tokenFor(odsCode: string): Promise<string> {
    if (!tokens.has(odsCode)) tokens.set(odsCode, await ingest.credentialFor(odsCode));
    return tokens.get(odsCode)!;
  }

  async function sendAs(
    type: ProviderType,
    ics: IcsCode | undefined,
    method: string,
    path: string,
    body?: unknown,
  ) {
    const provider = ingest.provider(type, ics);
    const correlationId = uniqueName('corr');
    const answer = await send(ingest.url, method, path, {
      token: await tokenFor(provider.odsCode),
      body,
      correlationId,
    });
    return { provider, correlationId, answer, topic: ingest.topic(provider.ics) };
  }

  const urlOf = (resource: { resourceType: string; id?: string }) =>
    `/fhir/${resource.resourceType}/${resource.id}`;

  describe('each kind of provider: the expected events, on its ICS topic, keyed by NHS number, sent as itself', () => {
    const cases: [
      ProviderType,
      IcsCode | undefined,
      () => { resourceType: string; id?: string },
      string[],
    ][] = [
      ['GP_PRACTICE', 'QHL', () => gpCondition(), ['ProblemRecorded']],
      ['GP_PRACTICE', 'QWU', () => gpAllergy(), ['AllergyRecorded']],
      ['GP_PRACTICE', 'QGH', () => gpRepeatPrescription(), ['MedicationPrescribed']],
      ['GP_PRACTICE', 'QOC', () => gpReferral(), ['ReferralMade']],
      ['GP_PRACTICE', 'QUA', () => gpFluVaccination(), ['ImmunisationRecorded']],
      ['ACUTE_TRUST', 'QNC', () => acuteAdmission(), ['EncounterStarted']],
      ['MENTAL_HEALTH_TRUST', 'QUA', () => careHomeCarePlan(), ['CarePlanRecorded']],
      ['COMMUNITY_TRUST', 'QWU', () => careHomeWeight(), ['ObservationRecorded']],
      ['SPECIALIST_TRUST', 'QHL', () => gpFluVaccination(), ['ImmunisationRecorded']],
      ['HOSPICE', 'QGH', () => hospiceAdvanceCarePlan(), ['EndOfLifePreferencesRecorded']],
      ['CARE_HOME', 'QOC', () => careHomeWeight(), ['ObservationRecorded']],
      ['COMMUNITY_PHARMACY', 'QNC', () => pharmacyDispense(), ['MedicationDispensed']],
      ['COMMUNITY_PHARMACY', 'QHL', () => pharmacyConsultation(), ['EncounterStarted', 'EncounterEnded']],
      ['COMMUNITY_PHARMACY', 'QGH', () => careHomeWeight(), ['ObservationRecorded']],
    ];

    it.each(cases)('%s in %s: %p', async (type, ics, resource, expectedTypes) => {
      const body = resource();
      const { provider, correlationId, answer, topic } = await sendAs(type, ics, 'PUT', urlOf(body), body);

      expect(answer.status).toBe(202);
      expect(answer.type).toContain('application/fhir+json');
      const receipt = receiptLines(answer.body);
      expect(receipt.map((r) => r.eventType)).toEqual(expectedTypes);

      const events = await ingest.events(topic, expectedTypes.length, { correlationId });
      expect(events.map((e) => e.event.header.eventType).sort()).toEqual([...expectedTypes].sort());
      for (const { key, event } of events) {
        expect(key).toBe(event.header.nhsNumber);
        expect(event.header.providerOdsCode).toBe(provider.odsCode);
        expect(event.header.ics).toBe(provider.ics);
        expect(event.header.collaborative).toBe(provider.collaborative);
        expect(event.header.sourceRecordId).toBe(`${body.resourceType}/${body.id}`);
        expect(receipt.map((r) => r.eventId)).toContain(event.header.eventId);
      }
    });

    it('a GP practice registers a patient with POST: PatientRegistered with the demographics', async () => {
      const patient = gpPatient();
      const { correlationId, answer, topic } = await sendAs(
        'GP_PRACTICE',
        'QHL',
        'POST',
        '/fhir/Patient',
        patient,
      );
      expect(answer.status).toBe(202);
      const [{ event }] = await ingest.events(topic, 1, { correlationId });
      expect(event.header.eventType).toBe('PatientRegistered');
      expect(event.header.operation).toBe('CREATE');
      expect(event).toMatchObject({ name: { family: patient.name![0].family } });
    });
  });

  describe("a patient's objection to sharing (Consent)", () => {
    it("a GP practice's objection is published as SharingObjectionRecorded, and its withdrawal as the next version", async () => {
      const consent = gpSharingObjection('9990000034');
      consent.id = randomUUID();
      const objected = await sendAs('GP_PRACTICE', 'QWU', 'PUT', urlOf(consent), consent);
      expect(objected.answer.status).toBe(202);
      const [{ event, key }] = await ingest.events(objected.topic, 1, {
        correlationId: objected.correlationId,
      });
      expect(key).toBe('9990000034');
      expect(event).toMatchObject({
        header: {
          eventType: 'SharingObjectionRecorded',
          providerOdsCode: objected.provider.odsCode,
          sourceRecordId: `Consent/${consent.id}`,
          sourceRecordVersion: 1,
        },
        status: 'ACTIVE',
        code: { system: 'http://snomed.info/sct', code: '416409005' },
        recordedBy: null,
      });

      const withdrawal = { ...consent, meta: { versionId: '2' }, status: 'inactive' as const };
      const withdrawn = await sendAs('GP_PRACTICE', 'QWU', 'PUT', urlOf(withdrawal), withdrawal);
      expect(withdrawn.answer.status).toBe(202);
      const [next] = await ingest.events(withdrawn.topic, 1, { correlationId: withdrawn.correlationId });
      expect(next.event).toMatchObject({ header: { sourceRecordVersion: 2 }, status: 'WITHDRAWN' });
    });

    it("an acute trust's objection is refused 403 by the publishing policy, and nothing is published", async () => {
      const consent = gpSharingObjection();
      consent.id = randomUUID();
      // Offsets, as the other refusals here: nothing reached the broker, committed or aborted (a 20 s wait for an
      // event that never came proved less, and cost a third of the suite).
      const before = await ingest.offsetsWritten(ingest.topic('QHL'));
      const refused = await sendAs('ACUTE_TRUST', 'QHL', 'PUT', urlOf(consent), consent);
      expect(refused.answer.status).toBe(403);
      expect(refused.answer.body.issue[0].details.text).toContain(
        'an acute trust may not publish sharing objection records',
      );
      expect(await ingest.offsetsWritten(refused.topic)).toBe(before);
    });

    it('a Consent that is not about sharing is 422 naming its scope', async () => {
      const consent = gpSharingObjection();
      consent.scope = {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }],
      };
      const { answer } = await sendAs('GP_PRACTICE', 'QHL', 'PUT', urlOf(consent), consent);
      expect(answer.status).toBe(422);
      expect(answer.body.resourceType).toBe('OperationOutcome');
      expect(answer.body.issue[0].expression).toEqual(['Consent.scope']);
    });
  });

  describe('bundles', () => {
    it('a transaction publishes every entry, patient references resolved within the Bundle', async () => {
      const bundle = admissionTransaction();
      const { correlationId, answer, topic } = await sendAs('ACUTE_TRUST', 'QHL', 'POST', '/fhir', bundle);
      expect(answer.status).toBe(202);
      expect(answer.body.type).toBe('transaction-response');
      expect(answer.body.entry).toHaveLength(bundle.entry!.length);
      const ids = responseEntries(answer.body).flatMap((e) => e.events.map((r) => r.eventId));
      const events = await ingest.events(topic, ids.length, { correlationId });
      expect(events.map((e) => e.event.header.eventId).sort()).toEqual([...ids].sort());
      // One Kafka transaction: every event of the Bundle carries the same correlation id.
      expect(new Set(events.map((e) => e.headers['crosscare-correlation-id']))).toEqual(
        new Set([correlationId]),
      );
    });

    it('a transaction with one invalid entry is refused whole: 422 naming the entry, nothing published', async () => {
      const bundle = admissionTransaction(randomNhsLikeButInvalid());
      const before = await ingest.offsetsWritten(ingest.topic('QGH'));
      const { answer, topic } = await sendAs('ACUTE_TRUST', 'QGH', 'POST', '/fhir', bundle);
      expect(answer.status).toBe(422);
      expect(answer.body.resourceType).toBe('OperationOutcome');
      expect(answer.body.issue[0].expression[0]).toMatch(/^Bundle\.entry\[\d+\]/);
      expect(await ingest.offsetsWritten(topic)).toBe(before);
    });

    it('a batch publishes the good entries and answers each bad one on its own', async () => {
      const batch = pharmacyBatch();
      const bad = gpCondition('9990000019'); // fails modulus 11
      batch.entry!.push({ resource: bad, request: { method: 'PUT', url: `Condition/${bad.id}` } });
      const { correlationId, answer, topic } = await sendAs(
        'COMMUNITY_PHARMACY',
        'QWU',
        'POST',
        '/fhir',
        batch,
      );

      expect(answer.status).toBe(202);
      expect(answer.body.type).toBe('batch-response');
      const entries = responseEntries(answer.body);
      const statuses = entries.map((e) => e.status);
      // The pharmacy's DELETE names a dispense it never shared: 404; a pharmacy may not publish a problem: 403 or 422.
      expect(statuses.filter((s) => s.startsWith('2')).length).toBeGreaterThan(0);
      expect(statuses.at(-1)).toMatch(/^(403|422)/);
      const published = entries.flatMap((e) => e.events.map((r) => r.eventId));
      const events = await ingest.events(topic, published.length, { correlationId });
      expect(events.map((e) => e.event.header.eventId).sort()).toEqual([...published].sort());
    });
  });

  describe('validation: refused input publishes nothing', () => {
    it('an invalid NHS number is 422 with an OperationOutcome naming the element', async () => {
      const condition = gpCondition('9990000019');
      const before = await ingest.offsetsWritten(ingest.topic('QNC'));
      const { answer, topic } = await sendAs('GP_PRACTICE', 'QNC', 'PUT', urlOf(condition), condition);
      expect(answer.status).toBe(422);
      expect(answer.body.issue[0].code).toBe('value');
      expect(answer.body.issue[0].expression[0]).toMatch(/^Condition\.subject/);
      expect(answer.body.issue[0].details.text).toMatch(/modulus-11/);
      expect(await ingest.offsetsWritten(topic)).toBe(before);
    });

    it('a structural error (bad date, unknown element) is 422 naming each', async () => {
      const allergy = { ...gpAllergy(), recordedDate: '2026-13-45', colour: 'blue' };
      const before = await ingest.offsetsWritten(ingest.topic('QNC'));
      const { answer, topic } = await sendAs('GP_PRACTICE', 'QNC', 'PUT', urlOf(allergy), allergy);
      expect([400, 422]).toContain(answer.status);
      const where = (answer.body.issue as { expression: string[] }[]).map((i) => i.expression[0]);
      expect(where).toEqual(
        expect.arrayContaining(['AllergyIntolerance.recordedDate', 'AllergyIntolerance.colour']),
      );
      expect(await ingest.offsetsWritten(topic)).toBe(before);
    });

    it('malformed JSON is 400, an unknown resource type 404, a body of another type 400', async () => {
      const gp = ingest.provider('GP_PRACTICE', 'QNC');
      const token = await tokenFor(gp.odsCode);
      const before = await ingest.offsetsWritten(ingest.topic('QNC'));
      const malformed = await send(ingest.url, 'POST', '/fhir/Condition', {
        token,
        body: '{"resourceType": "Cond',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.resourceType).toBe('OperationOutcome');
      const unknown = await send(ingest.url, 'POST', '/fhir/Basic', {
        token,
        body: { resourceType: 'Basic' },
      });
      expect(unknown.status).toBe(404);
      const mismatch = await send(ingest.url, 'POST', '/fhir/Condition', { token, body: gpAllergy() });
      expect(mismatch.status).toBe(400);
      expect(await ingest.offsetsWritten(ingest.topic('QNC'))).toBe(before);
    });
  });

  describe('idempotency on provider + source record id + version', () => {
    it('re-sending the same version publishes nothing new and answers with the same event id', async () => {
      const allergy = gpAllergy('9990001014');
      allergy.id = randomUUID();
      const first = await sendAs('GP_PRACTICE', 'QWU', 'PUT', urlOf(allergy), allergy);
      const again = await sendAs('GP_PRACTICE', 'QWU', 'PUT', urlOf(allergy), allergy);
      expect(first.answer.status).toBe(202);
      expect(again.answer.status).toBe(202);
      const [{ eventId }] = receiptLines(first.answer.body);
      expect(receiptLines(again.answer.body)[0].eventId).toBe(eventId);
      expect(again.answer.body.issue[0].details.text).toMatch(/already accepted/);
      await ingest.events(first.topic, 1, { correlationId: first.correlationId });
      expect(
        await ingest.events(again.topic, 0, { correlationId: again.correlationId, settleMs: 2000 }),
      ).toEqual([]);
    });

    it('a POST and a PUT of the same version are the same content: the second is a duplicate, not a conflict', async () => {
      const allergy = gpAllergy('9990001014');
      allergy.id = randomUUID();
      const created = await sendAs('GP_PRACTICE', 'QWU', 'POST', '/fhir/AllergyIntolerance', allergy);
      const updated = await sendAs('GP_PRACTICE', 'QWU', 'PUT', urlOf(allergy), allergy);
      expect([created.answer.status, updated.answer.status]).toEqual([202, 202]);
      expect(receiptLines(updated.answer.body)[0].text).toMatch(/already accepted/);
    });

    it('the same version with different content is 409; a higher version is published', async () => {
      const allergy = gpAllergy('9990001014');
      allergy.id = randomUUID();
      await sendAs('GP_PRACTICE', 'QWU', 'PUT', urlOf(allergy), allergy);
      const changed = { ...allergy, criticality: 'low' as const };
      const conflict = await sendAs('GP_PRACTICE', 'QWU', 'PUT', urlOf(changed), changed);
      expect(conflict.answer.status).toBe(409);
      expect(conflict.answer.body.issue[0].code).toBe('conflict');
      expect(conflict.answer.body.issue[0].details.text).toMatch(/higher version/);
      const next = {
        ...changed,
        meta: { ...changed.meta, versionId: String(Number(changed.meta!.versionId) + 1) },
      };
      const accepted = await sendAs('GP_PRACTICE', 'QWU', 'PUT', urlOf(next), next);
      expect(accepted.answer.status).toBe(202);
      const [{ event }] = await ingest.events(accepted.topic, 1, { correlationId: accepted.correlationId });
      expect(event).toMatchObject({ criticality: 'LOW' });
    });

    it('DELETE removes a shared record once, answers 404 for one never shared', async () => {
      const condition = gpCondition('9990000026');
      condition.id = randomUUID();
      await sendAs('GP_PRACTICE', 'QGH', 'PUT', urlOf(condition), condition);
      const removal = await sendAs('GP_PRACTICE', 'QGH', 'DELETE', urlOf(condition));
      expect(removal.answer.status).toBe(202);
      const [{ event, key }] = await ingest.events(removal.topic, 1, {
        correlationId: removal.correlationId,
      });
      expect(event).toMatchObject({
        header: { eventType: 'RecordRemoved', operation: 'DELETE', nhsNumber: '9990000026' },
        removedEventType: 'ProblemRecorded',
        reason: 'DELETED_AT_SOURCE',
      });
      expect(key).toBe('9990000026');
      const twice = await sendAs('GP_PRACTICE', 'QGH', 'DELETE', urlOf(condition));
      expect(twice.answer.status).toBe(202);
      expect(twice.answer.body.issue[0].details.text).toMatch(/already accepted/);
      const neverShared = randomUUID();
      const never = await sendAs('GP_PRACTICE', 'QGH', 'DELETE', `/fhir/Condition/${neverShared}`);
      expect(never.answer.status).toBe(404);
      expect(never.answer.body.issue[0].code).toBe('not-found');
      expect(never.answer.body.issue[0].expression).toEqual([`Condition/${neverShared}`]);
    });
  });
});

/** Ten digits in the 999 range whose check digit is wrong. */
function randomNhsLikeButInvalid(): string {
  return '9990000019';
}
