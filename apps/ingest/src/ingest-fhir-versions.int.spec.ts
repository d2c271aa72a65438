import { fhirFixtures } from '@crosscare/fhir/testing';
import type { IcsCode, ProviderType } from '@crosscare/governance';
import { uniqueName } from '@crosscare/testing';
import type { Bundle, Condition, Observation } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import {
  receiptLines,
  responseEntries,
  send,
  startIngest,
  type IngestUnderTest,
} from './testing/ingest-under-test';

const {
  gpCondition,
  UK_CORE_NHS_NUMBER,
  UK_CORE_PATIENT_REFERENCE,
  ukCorePatientRichardSmith,
  ukCoreObservationBodyTemperature,
  ukCoreMedicationDispenseCiprofloxacinIV,
  ukCoreMedicationDispenseEyeDrops,
  medicationForEyeDropsDispense,
} = fhirFixtures;

/** A resource as a FHIR client sends it to a server that versions it: no meta. */
function unversioned<T extends { meta?: unknown }>(resource: T): T {
  const { meta: _meta, ...rest } = resource;
  return rest as T;
}

/**
 * FHIR as a FHIR server takes it, through the real ingest, broker, registry and Postgres: versions Crosscare assigns,
 * ETag and Location, If-Match, and patients named by literal reference.
 */
describe('ingest: FHIR versions and references (real broker, registry and Postgres)', () => {
  let ingest: IngestUnderTest;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    ingest = await startIngest('fhir-versions');
  });
  afterAll(() => ingest?.close());

  async function sendAs(
    type: ProviderType,
    ics: IcsCode,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) {
    const provider = ingest.provider(type, ics);
    if (!tokens.has(provider.odsCode))
      tokens.set(provider.odsCode, await ingest.credentialFor(provider.odsCode));
    const correlationId = uniqueName('corr');
    const answer = await send(ingest.url, method, path, {
      token: tokens.get(provider.odsCode),
      body,
      correlationId,
      headers,
    });
    return { provider, correlationId, answer, topic: ingest.topic(provider.ics) };
  }

  describe('versions Crosscare assigns', () => {
    it('an unversioned create is version 1; the same content again publishes nothing; changed content is version 2', async () => {
      const condition = unversioned({ ...gpCondition(), id: randomUUID() });
      const url = `/fhir/Condition/${condition.id}`;

      const created = await sendAs('GP_PRACTICE', 'QHL', 'POST', '/fhir/Condition', condition);
      expect(created.answer.status).toBe(202);
      expect(created.answer.headers.get('etag')).toBe('W/"1"');
      expect(created.answer.headers.get('location')).toBe(
        `${ingest.url}/fhir/Condition/${condition.id}/_history/1`,
      );
      const [first] = await ingest.events(created.topic, 1, { correlationId: created.correlationId });
      expect(first.event.header).toMatchObject({ sourceRecordVersion: 1, operation: 'CREATE' });

      // The same content, keys in another order and a meta a server would ignore: the same version, nothing new.
      const reordered = Object.fromEntries(Object.entries(condition).reverse());
      const offsets = await ingest.offsetsWritten(created.topic);
      const again = await sendAs('GP_PRACTICE', 'QHL', 'PUT', url, { ...reordered, meta: { source: 'x' } });
      expect(again.answer.status).toBe(202);
      expect(again.answer.headers.get('etag')).toBe('W/"1"');
      const [repeat] = receiptLines(again.answer.body);
      expect(repeat.eventId).toBe(first.event.header.eventId);
      expect(repeat.text).toContain('was already accepted');
      expect(await ingest.offsetsWritten(created.topic)).toBe(offsets);

      const changed: Condition = { ...condition, note: [{ text: 'reviewed at annual check' }] };
      const updated = await sendAs('GP_PRACTICE', 'QHL', 'PUT', url, changed);
      expect(updated.answer.status).toBe(202);
      expect(updated.answer.headers.get('etag')).toBe('W/"2"');
      const [second] = await ingest.events(updated.topic, 1, { correlationId: updated.correlationId });
      expect(second.event.header).toMatchObject({ sourceRecordVersion: 2, operation: 'UPDATE' });
    });

    it('two concurrent PUTs of different content both succeed, as consecutive versions', async () => {
      const condition = unversioned({ ...gpCondition(), id: randomUUID() });
      const url = `/fhir/Condition/${condition.id}`;
      const first = await sendAs('GP_PRACTICE', 'QWU', 'PUT', url, condition);
      expect(first.answer.headers.get('etag')).toBe('W/"1"');

      const answers = await Promise.all(
        ['a', 'b', 'c'].map((text) =>
          sendAs('GP_PRACTICE', 'QWU', 'PUT', url, { ...condition, note: [{ text }] }),
        ),
      );

      expect(answers.map((a) => a.answer.status)).toEqual([202, 202, 202]);
      expect(answers.map((a) => a.answer.headers.get('etag')).sort()).toEqual(['W/"2"', 'W/"3"', 'W/"4"']);
      const events = await Promise.all(
        answers.map((a) => ingest.events(a.topic, 1, { correlationId: a.correlationId })),
      );
      expect(events.map(([e]) => e.event.header.sourceRecordVersion).sort()).toEqual([2, 3, 4]);
    });

    it('a declared version is kept, as before: the same version with other content is 409', async () => {
      const condition = { ...gpCondition(), id: randomUUID(), meta: { versionId: '7' } };
      const url = `/fhir/Condition/${condition.id}`;
      const sent = await sendAs('GP_PRACTICE', 'QGH', 'PUT', url, condition);
      expect(sent.answer.headers.get('etag')).toBe('W/"7"');

      const clash = await sendAs('GP_PRACTICE', 'QGH', 'PUT', url, {
        ...condition,
        onsetDateTime: '2020-01-01',
      });
      expect(clash.answer.status).toBe(409);

      // Without a version, the next after the declared one.
      const next = await sendAs(
        'GP_PRACTICE',
        'QGH',
        'PUT',
        url,
        unversioned({ ...condition, onsetDateTime: '2020-01-01' }),
      );
      expect(next.answer.headers.get('etag')).toBe('W/"8"');
    });
  });

  describe('If-Match', () => {
    it('updates over the version named; any other version is 412 with an OperationOutcome, and nothing is published', async () => {
      const condition = unversioned({ ...gpCondition(), id: randomUUID() });
      const url = `/fhir/Condition/${condition.id}`;
      await sendAs('GP_PRACTICE', 'QOC', 'PUT', url, condition);

      const matched = await sendAs(
        'GP_PRACTICE',
        'QOC',
        'PUT',
        url,
        { ...condition, note: [{ text: 'v2' }] },
        {
          'If-Match': 'W/"1"',
        },
      );
      expect(matched.answer.status).toBe(202);
      expect(matched.answer.headers.get('etag')).toBe('W/"2"');

      const offsets = await ingest.offsetsWritten(matched.topic);
      const stale = await sendAs(
        'GP_PRACTICE',
        'QOC',
        'PUT',
        url,
        { ...condition, note: [{ text: 'v2b' }] },
        {
          'If-Match': 'W/"1"',
        },
      );
      expect(stale.answer.status).toBe(412);
      expect(stale.answer.body).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'conflict', expression: ['If-Match'] }],
      });
      expect(stale.answer.body.issue[0].diagnostics).toContain(
        `is not the current version of Condition/${condition.id} (W/"2")`,
      );
      expect(await ingest.offsetsWritten(stale.topic)).toBe(offsets);

      const deleteStale = await sendAs('GP_PRACTICE', 'QOC', 'DELETE', url, undefined, {
        'If-Match': 'W/"1"',
      });
      expect(deleteStale.answer.status).toBe(412);
    });

    it("a Bundle entry's request.ifMatch: a stale one fails a transaction whole (412) and only its entry in a batch", async () => {
      const condition = unversioned({ ...gpCondition(), id: randomUUID() });
      const url = `Condition/${condition.id}`;
      await sendAs('GP_PRACTICE', 'QUA', 'PUT', `/fhir/${url}`, condition);
      const other = unversioned({ ...gpCondition(), id: randomUUID() });
      const bundle = (type: 'transaction' | 'batch'): Bundle => ({
        resourceType: 'Bundle',
        type,
        entry: [
          { resource: other, request: { method: 'PUT', url: `Condition/${other.id}` } },
          {
            resource: { ...condition, note: [{ text: type }] },
            request: { method: 'PUT', url, ifMatch: 'W/"5"' },
          },
        ],
      });

      const offsets = await ingest.offsetsWritten(ingest.topic('QUA'));
      const transaction = await sendAs('GP_PRACTICE', 'QUA', 'POST', '/fhir', bundle('transaction'));
      expect(transaction.answer.status).toBe(412);
      expect(transaction.answer.body.issue[0].expression).toEqual(['Bundle.entry[1].request.ifMatch']);
      expect(await ingest.offsetsWritten(transaction.topic)).toBe(offsets);

      const batch = await sendAs('GP_PRACTICE', 'QUA', 'POST', '/fhir', bundle('batch'));
      expect(batch.answer.status).toBe(202);
      expect(responseEntries(batch.answer.body).map((e) => e.status)).toEqual([
        '200 OK',
        '412 Precondition Failed',
      ]);
      expect(batch.answer.body.entry[0].response).toMatchObject({
        etag: 'W/"1"',
        location: `Condition/${other.id}/_history/1`,
      });
    });
  });

  describe('patients named by literal reference', () => {
    it('a transaction of the published example Patient and an Observation naming it as Patient/{id}; later, a single Observation and a hospital dispense naming the same Patient', async () => {
      const bundle: Bundle = {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: `https://fhir.example.nhs.uk/${UK_CORE_PATIENT_REFERENCE}`,
            resource: ukCorePatientRichardSmith(),
            request: { method: 'PUT', url: UK_CORE_PATIENT_REFERENCE },
          },
          {
            resource: ukCoreObservationBodyTemperature(),
            request: { method: 'PUT', url: `Observation/${ukCoreObservationBodyTemperature().id}` },
          },
        ],
      };
      const sent = await sendAs('ACUTE_TRUST', 'QHL', 'POST', '/fhir', bundle);
      expect(sent.answer.status).toBe(202);
      const answered = sent.answer.body as { entry: { response: { etag: string } }[] };
      expect(answered.entry.map((e) => e.response.etag)).toEqual(['W/"1"', 'W/"1"']);
      const events = await ingest.events(sent.topic, 2, { correlationId: sent.correlationId });
      expect(events.map((e) => [e.event.header.eventType, e.key])).toEqual([
        ['PatientDetailsChanged', UK_CORE_NHS_NUMBER],
        ['ObservationRecorded', UK_CORE_NHS_NUMBER],
      ]);

      const observation: Observation = { ...ukCoreObservationBodyTemperature(), id: randomUUID() };
      const later = await sendAs(
        'ACUTE_TRUST',
        'QHL',
        'PUT',
        `/fhir/Observation/${observation.id}`,
        observation,
      );
      expect(later.answer.status).toBe(202);
      const [laterEvent] = await ingest.events(later.topic, 1, { correlationId: later.correlationId });
      expect(laterEvent.key).toBe(UK_CORE_NHS_NUMBER);

      // Hospital pharmacies dispense (discharge medicines): an acute trust's MedicationDispense is published.
      const dispense = ukCoreMedicationDispenseCiprofloxacinIV();
      const dispensed = await sendAs(
        'ACUTE_TRUST',
        'QHL',
        'PUT',
        `/fhir/MedicationDispense/${dispense.id}`,
        dispense,
      );
      expect(dispensed.answer.status).toBe(202);
      const [dispenseEvent] = await ingest.events(dispensed.topic, 1, {
        correlationId: dispensed.correlationId,
      });
      expect(dispenseEvent.event).toMatchObject({
        header: { eventType: 'MedicationDispensed', nhsNumber: UK_CORE_NHS_NUMBER },
        pharmacyOdsCode: dispensed.provider.odsCode,
      });

      // Another provider never sent that Patient: its reference cannot be resolved.
      const elsewhere = await sendAs(
        'ACUTE_TRUST',
        'QWU',
        'PUT',
        `/fhir/Observation/${observation.id}`,
        observation,
      );
      expect(elsewhere.answer.status).toBe(422);
    });

    it('a contained Patient with an NHS number names the patient', async () => {
      const condition: Condition = {
        ...unversioned(gpCondition()),
        id: randomUUID(),
        contained: [
          {
            resourceType: 'Patient',
            id: 'pat',
            identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000034' }],
          },
        ],
        subject: { reference: '#pat' },
      };
      const sent = await sendAs('GP_PRACTICE', 'QNC', 'PUT', `/fhir/Condition/${condition.id}`, condition);
      expect(sent.answer.status).toBe(202);
      const [event] = await ingest.events(sent.topic, 1, { correlationId: sent.correlationId });
      expect(event.key).toBe('9990000034');
    });

    it('an unresolvable reference is 422 naming it, and nothing is published', async () => {
      const condition: Condition = {
        ...unversioned(gpCondition()),
        id: randomUUID(),
        subject: { reference: 'Patient/never-sent' },
      };
      const offsets = await ingest.offsetsWritten(ingest.topic('QNC'));
      const sent = await sendAs('GP_PRACTICE', 'QNC', 'PUT', `/fhir/Condition/${condition.id}`, condition);
      expect(sent.answer.status).toBe(422);
      expect(sent.answer.body.issue).toEqual([
        expect.objectContaining({
          code: 'required',
          expression: ['Condition.subject.reference'],
          diagnostics: expect.stringContaining("'Patient/never-sent' cannot be resolved"),
        }),
      ]);
      expect(await ingest.offsetsWritten(sent.topic)).toBe(offsets);
    });
  });

  describe('Medications, kept as reference data', () => {
    it('a Medication is kept (202, ETag, nothing published) and a later dispense naming it as Medication/{id} carries its code', async () => {
      const patient = ukCorePatientRichardSmith();
      const registered = await sendAs(
        'ACUTE_TRUST',
        'QOC',
        'PUT',
        `/fhir/${UK_CORE_PATIENT_REFERENCE}`,
        patient,
      );
      expect(registered.answer.status).toBe(202);

      const medication = medicationForEyeDropsDispense();
      const offsets = await ingest.offsetsWritten(ingest.topic('QOC'));
      const kept = await sendAs('ACUTE_TRUST', 'QOC', 'PUT', `/fhir/Medication/${medication.id}`, medication);
      expect(kept.answer.status).toBe(202);
      expect(kept.answer.headers.get('etag')).toBe('W/"1"');
      expect(kept.answer.body.issue[0].details.text).toContain('nothing is published');
      const again = await sendAs(
        'ACUTE_TRUST',
        'QOC',
        'PUT',
        `/fhir/Medication/${medication.id}`,
        medication,
      );
      expect(again.answer.headers.get('etag')).toBe('W/"1"');
      expect(await ingest.offsetsWritten(kept.topic)).toBe(offsets);

      const dispense = ukCoreMedicationDispenseEyeDrops();
      const dispensed = await sendAs(
        'ACUTE_TRUST',
        'QOC',
        'PUT',
        `/fhir/MedicationDispense/${dispense.id}`,
        dispense,
      );
      expect(dispensed.answer.status).toBe(202);
      const [event] = await ingest.events(dispensed.topic, 1, { correlationId: dispensed.correlationId });
      expect(event.event).toMatchObject({
        header: { nhsNumber: UK_CORE_NHS_NUMBER },
        medication: { code: medication.code!.coding![0].code },
      });

      // Another provider never sent that Medication.
      await sendAs('ACUTE_TRUST', 'QNC', 'PUT', `/fhir/${UK_CORE_PATIENT_REFERENCE}`, patient);
      const refused = await sendAs(
        'ACUTE_TRUST',
        'QNC',
        'PUT',
        `/fhir/MedicationDispense/${dispense.id}`,
        dispense,
      );
      expect(refused.answer.status).toBe(422);
      expect(refused.answer.body.issue[0].expression).toEqual([
        'MedicationDispense.medicationReference.reference',
      ]);
    });
  });
});
