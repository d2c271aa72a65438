import { testNhsNumber } from '@crosscare/events/synthetic';
import { fhirFixtures } from '@crosscare/fhir/testing';
import type { Provider } from '@crosscare/governance';
import { CERNER_ADT, withControlId } from '@crosscare/hl7v2/testing';
import { uniqueName } from '@crosscare/testing';
import { Hl7Message } from '@medplum/core';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { randomInt, randomUUID } from 'node:crypto';
import { responseEntries, send, startIngest, type IngestUnderTest } from './testing/ingest-under-test';

const { gpPatient, deceasedPatient, mergedPatient, gpCondition } = fhirFixtures;

/**
 * A death or a merge only for a patient the provider holds records for (patient-standing.ts), through the real
 * ingest, broker, registry and Postgres: refused with a 403 in each format's own terms and nothing on the topic, or
 * published once the provider shared the patient, before or in the same request.
 */
describe('ingest: deaths and merges only for patients the provider holds (real broker, registry and Postgres)', () => {
  let ingest: IngestUnderTest;
  let gp: Provider;
  let trust: Provider;
  const tokens = new Map<string, string>();
  // Numbers no other test of this suite uses: every test starts from a patient nobody holds.
  let serial = randomInt(100_000, 900_000);
  const freshNhsNumber = () => {
    const nhsNumber = testNhsNumber(serial);
    // testNhsNumber skips serials without a valid check digit: carry on after the one it used.
    serial = Number(nhsNumber.slice(3, 9)) + 1;
    return nhsNumber;
  };

  beforeAll(async () => {
    ingest = await startIngest('standing');
    gp = ingest.provider('GP_PRACTICE', 'QHL');
    trust = ingest.provider('ACUTE_TRUST', 'QNC');
    for (const provider of [gp, trust])
      tokens.set(provider.odsCode, await ingest.credentialFor(provider.odsCode));
  });
  afterAll(() => ingest?.close());

  /** One request as the provider; the topic's offsets before it, to prove a refusal wrote nothing. */
  async function sendAs(
    provider: Provider,
    method: string,
    path: string,
    body: unknown,
    contentType?: string,
  ) {
    const topic = ingest.topic(provider.ics);
    const before = await ingest.offsetsWritten(topic);
    const correlationId = uniqueName('corr');
    const answer = await send(ingest.url, method, path, {
      token: tokens.get(provider.odsCode),
      body,
      contentType,
      correlationId,
    });
    return { answer, correlationId, topic, before };
  }

  /** A resource of its own (a fresh id), so that versions of the fixtures never meet in the ledger. */
  const own = <T extends { id?: string }>(resource: T): T => ({ ...resource, id: randomUUID() });

  const expectNothingWritten = async (sent: { topic: string; before: number }) =>
    expect(await ingest.offsetsWritten(sent.topic)).toBe(sent.before);

  describe('FHIR', () => {
    it('a Patient with deceasedDateTime for a new patient is accepted: the registration comes with the death', async () => {
      const patient = own(deceasedPatient(freshNhsNumber()));
      const sent = await sendAs(gp, 'POST', '/fhir/Patient', patient);
      expect(sent.answer.status).toBe(202);
      const events = await ingest.events(sent.topic, 2, { correlationId: sent.correlationId });
      expect(events.map((e) => e.event.header.eventType).sort()).toEqual([
        'PatientDied',
        'PatientRegistered',
      ]);
    });

    it('a merge retiring a number the practice holds no records for is 403 naming the Patient; nothing is published', async () => {
      const retired = freshNhsNumber();
      const surviving = freshNhsNumber();
      // Holding the survivor is not enough: the merge takes the retired number's records away.
      await sendAs(gp, 'POST', '/fhir/Patient', own(gpPatient(surviving)));
      const merge = own(mergedPatient(retired, surviving));
      const sent = await sendAs(gp, 'PUT', `/fhir/Patient/${merge.id}`, merge);

      expect(sent.answer.status).toBe(403);
      expect(sent.answer.body.resourceType).toBe('OperationOutcome');
      expect(sent.answer.body.issue[0]).toMatchObject({ code: 'forbidden', expression: ['Patient'] });
      expect(sent.answer.body.issue[0].diagnostics).toContain(
        `${gp.odsCode} may not retire NHS number ${retired} in a merge: it holds no records for that patient`,
      );
      await expectNothingWritten(sent);
    });

    it('the same merge is accepted once the practice shared the retired record', async () => {
      const retired = freshNhsNumber();
      const surviving = freshNhsNumber();
      const merge = own(mergedPatient(retired, surviving));
      const refused = await sendAs(gp, 'PUT', `/fhir/Patient/${merge.id}`, merge);
      expect(refused.answer.status).toBe(403);

      // The duplicate registration, as the practice shared it before finding the patient's own number.
      const registration = gpPatient(retired);
      const duplicate: Patient = {
        ...registration,
        id: merge.id,
        meta: { ...registration.meta, versionId: '6' },
      };
      const registered = await sendAs(gp, 'PUT', `/fhir/Patient/${merge.id}`, duplicate);
      expect(registered.answer.status).toBe(202);

      const accepted = await sendAs(gp, 'PUT', `/fhir/Patient/${merge.id}`, merge);
      expect(accepted.answer.status).toBe(202);
      const [{ event, key }] = await ingest.events(accepted.topic, 1, {
        correlationId: accepted.correlationId,
      });
      expect(event).toMatchObject({
        header: { eventType: 'PatientMerged', nhsNumber: surviving },
        retiredNhsNumber: retired,
        survivingNhsNumber: surviving,
      });
      expect(key).toBe(surviving);
    });

    it('in a batch only the merge is refused (403 entry); the other entry is published', async () => {
      const retired = freshNhsNumber();
      const merge = own(mergedPatient(retired, freshNhsNumber()));
      const condition = own(gpCondition(freshNhsNumber()));
      const batch: Bundle = {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { resource: merge, request: { method: 'PUT', url: `Patient/${merge.id}` } },
          { resource: condition, request: { method: 'PUT', url: `Condition/${condition.id}` } },
        ],
      };
      const sent = await sendAs(gp, 'POST', '/fhir', batch);

      expect(sent.answer.status).toBe(202);
      const [refused, published] = responseEntries(sent.answer.body);
      expect(refused.status).toMatch(/^403/);
      expect(JSON.stringify(sent.answer.body.entry[0].response.outcome)).toContain(
        `may not retire NHS number ${retired}`,
      );
      expect(published.status).toMatch(/^200/);
      const events = await ingest.events(sent.topic, 1, { correlationId: sent.correlationId });
      expect(events.map((e) => e.event.header.eventType)).toEqual(['ProblemRecorded']);
    });

    it('in a transaction the whole request is refused, naming the entry', async () => {
      const merge = own(mergedPatient(freshNhsNumber(), freshNhsNumber()));
      const condition = own(gpCondition(freshNhsNumber()));
      const transaction: Bundle = {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: condition, request: { method: 'PUT', url: `Condition/${condition.id}` } },
          { resource: merge, request: { method: 'PUT', url: `Patient/${merge.id}` } },
        ],
      };
      const sent = await sendAs(gp, 'POST', '/fhir', transaction);

      expect(sent.answer.status).toBe(403);
      expect(sent.answer.body.issue[0]).toMatchObject({ code: 'forbidden', expression: ['Bundle.entry[1]'] });
      await expectNothingWritten(sent);
    });

    it('in a transaction that also carries a record under the retired number, the merge is accepted', async () => {
      const retired = freshNhsNumber();
      const merge = own(mergedPatient(retired, freshNhsNumber()));
      const condition = own(gpCondition(retired));
      const transaction: Bundle = {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: condition, request: { method: 'PUT', url: `Condition/${condition.id}` } },
          { resource: merge, request: { method: 'PUT', url: `Patient/${merge.id}` } },
        ],
      };
      const sent = await sendAs(gp, 'POST', '/fhir', transaction);

      expect(sent.answer.status).toBe(202);
      const ids = responseEntries(sent.answer.body).flatMap((e) => e.events.map((r) => r.eventId));
      const events = await ingest.events(sent.topic, 2, { correlationId: sent.correlationId });
      expect(events.map((e) => e.event.header.eventId).sort()).toEqual([...ids].sort());
      expect(events.map((e) => e.event.header.eventType).sort()).toEqual([
        'PatientMerged',
        'ProblemRecorded',
      ]);
    });
  });

  describe('HL7 v2', () => {
    const ackCode = (ack: string) => Hl7Message.parse(ack).getSegment('MSA')?.getField(1)?.toString();

    /** A fixture as this trust sends it, about a patient of the test's own: NHS number, MRN and visit number. */
    function aboutPatient(message: string, nhsNumber: string, mrn: string, died = false): string {
      const segments = message
        .replace(/^MSH\|\^~\\&\|CERNER\|RRK\|/, `MSH|^~\\&|CERNER|${trust.odsCode}|`)
        .replace(/99900000(18|42)\^\^\^NHS|9990001014\^\^\^NHS/g, `${nhsNumber}^^^NHS`)
        .replace(/30(12345|34567)\^\^\^RRK\^MR/g, `${mrn}^^^RRK^MR`)
        .replace(/4012345678\^\^\^RRK\^VN/g, `${mrn}0^^^RRK^VN`)
        .split('\r');
      // PID-29 and PID-30: died at 14:15 on 20 June 2024.
      if (died) segments[2] = segments[2].replace(/\|\|N$/, '|202406201415|Y');
      return withControlId(segments.join('\r'), uniqueName('msg'));
    }

    const post = (er7: string) => sendAs(trust, 'POST', '/hl7v2', er7, 'x-application/hl7-v2+er7');

    it('a death for a patient the trust never sent is AR FORBIDDEN (403), and nothing is published', async () => {
      // A cancelled admission with the death indicator: the removal records nothing, so the death stands alone.
      const cancelWithDeath = aboutPatient(
        CERNER_ADT.A11,
        freshNhsNumber(),
        String(randomInt(1e6, 9e6)),
        true,
      );
      const sent = await post(cancelWithDeath);

      expect(sent.answer.status).toBe(403);
      expect(ackCode(sent.answer.text)).toBe('AR');
      expect(sent.answer.text).toMatch(/ERR\|[^\r]*FORBIDDEN/);
      expect(sent.answer.text).toContain('may not record the death of the patient');
      await expectNothingWritten(sent);
    });

    it('the same death is accepted after the trust sent the patient details (A28)', async () => {
      const nhsNumber = freshNhsNumber();
      const mrn = String(randomInt(1e6, 9e6));
      const cancelWithDeath = aboutPatient(CERNER_ADT.A11, nhsNumber, mrn, true);
      expect((await post(cancelWithDeath)).answer.status).toBe(403);

      const registered = await post(aboutPatient(CERNER_ADT.A28, nhsNumber, mrn));
      expect(ackCode(registered.answer.text)).toBe('AA');

      const accepted = await post(cancelWithDeath);
      expect(accepted.answer.status).toBe(202);
      expect(ackCode(accepted.answer.text)).toBe('AA');
      const events = await ingest.events(accepted.topic, 2, { correlationId: accepted.correlationId });
      expect(events.map((e) => e.event.header.eventType).sort()).toEqual(['PatientDied', 'RecordRemoved']);
      expect(events.every((e) => e.event.header.nhsNumber === nhsNumber)).toBe(true);
    });

    it('a discharge that records the death carries a record of the patient (the encounter outcome): accepted', async () => {
      const sent = await post(
        aboutPatient(CERNER_ADT.A03_DIED, freshNhsNumber(), String(randomInt(1e6, 9e6))),
      );
      expect(sent.answer.status).toBe(202);
      const events = await ingest.events(sent.topic, 2, { correlationId: sent.correlationId });
      expect(events.map((e) => e.event.header.eventType).sort()).toEqual(['EncounterEnded', 'PatientDied']);
    });

    it('an A40 retiring a number the trust never sent is AR FORBIDDEN; after an A28 of that record, AA', async () => {
      const retired = freshNhsNumber();
      const a40 = withControlId(
        CERNER_ADT.A40.replace(/^MSH\|\^~\\&\|CERNER\|RRK\|/, `MSH|^~\\&|CERNER|${trust.odsCode}|`).replace(
          'MRG|9990000042^^^NHS^NH~3045600',
          `MRG|${retired}^^^NHS^NH~3045600`,
        ),
        uniqueName('msg'),
      );
      const refused = await post(a40);
      expect(refused.answer.status).toBe(403);
      expect(ackCode(refused.answer.text)).toBe('AR');
      expect(refused.answer.text).toContain(`may not retire NHS number ${retired}`);
      await expectNothingWritten(refused);

      expect(ackCode((await post(aboutPatient(CERNER_ADT.A28, retired, '3045600'))).answer.text)).toBe('AA');
      const accepted = await post(a40);
      expect(ackCode(accepted.answer.text)).toBe('AA');
      const [{ event }] = await ingest.events(accepted.topic, 1, { correlationId: accepted.correlationId });
      expect(event).toMatchObject({ header: { eventType: 'PatientMerged' }, retiredNhsNumber: retired });
    });
  });
});
