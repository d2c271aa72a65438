import { fhirFixtures } from '@crosscare/fhir/testing';
import { CERNER_ADT, withControlId, withSecurity } from '@crosscare/hl7v2/testing';
import { uniqueName } from '@crosscare/testing';
import { Hl7Message } from '@medplum/core';
import type { Bundle } from '@medplum/fhirtypes';
import { Hl7Client } from '@medplum/hl7';
import {
  receiptLines,
  responseEntries,
  send,
  startIngest,
  type IngestUnderTest,
} from '../../apps/ingest/src/testing/ingest-under-test';
import { messageCorrelationId } from '../../apps/ingest/src/intake/hl7v2-intake';
import type { PrivateBroker } from './private-broker';

/**
 * Ingest on the outage suites' own broker (`broker()`), which the tests kill and restart: while it is down every
 * request answers 503 with Retry-After (never 202), and an HL7 v2 message over MLLP AR with ERR-5 UNAVAILABLE (never
 * AA); when it is back nothing of the refused requests has leaked onto the topic, half or whole; re-sending them
 * publishes each event exactly once. Each test leaves the broker running.
 */
export function ingestWhenTheBrokerGoesAway(broker: () => PrivateBroker): void {
  describe('ingest when the broker goes away', () => {
    let ingest: IngestUnderTest;
    let token: string;

    beforeAll(async () => {
      ingest = await startIngest('outage', {
        ...broker().environment(),
        INGEST_PUBLISH_TIMEOUT_MS: '4000',
        INGEST_RETRY_AFTER_SECONDS: '7',
      });
      token = await ingest.credentialFor(ingest.provider('ACUTE_TRUST', 'QHL').odsCode);
    });

    afterAll(() => broker().closeService(async () => ingest?.close()));

    /** A transaction Bundle (a patient, an admission and its problem) for a patient and record ids of its own. */
    function admission(nhsNumber: string): Bundle {
      let json = JSON.stringify(fhirFixtures.admissionTransaction(nhsNumber));
      const suffix = uniqueName('x').slice(-8);
      for (const entry of fhirFixtures.admissionTransaction().entry ?? []) {
        const id = (entry.resource as { id: string }).id;
        json = json.split(id).join(`${id}-${suffix}`); // ids and the references to them
      }
      return JSON.parse(json) as Bundle;
    }

    const post = (bundle: Bundle) => send(ingest.url, 'POST', '/fhir', { token, body: bundle });
    const eventIdsOf = (body: unknown) =>
      responseEntries(body).flatMap((e) => e.events.map((r) => r.eventId));

    it('answers 503 with Retry-After while the broker is down, and nothing refused is published half or whole', async () => {
      const before = await post(admission('9990000018'));
      expect(before.status).toBe(202);
      const publishedBefore = eventIdsOf(before.body);
      expect(publishedBefore.length).toBeGreaterThan(1);

      broker().kill();

      const during = admission('9990000026');
      const refused = await post(during);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('7');
      expect((refused.body as { resourceType?: string }).resourceType).toBe('OperationOutcome');
      expect(receiptLines(refused.body)).toEqual([]);

      await broker().restart();
      // Time for anything the refused request left behind to surface, were it ever going to.
      await new Promise((r) => setTimeout(r, 5000));

      const retried = await post(during);
      expect(retried.status).toBe(202);
      const publishedOnRetry = eventIdsOf(retried.body);
      expect(
        responseEntries(retried.body).every((e) => e.events.every((r) => /^published/.test(r.text))),
      ).toBe(true);

      const topic = ingest.topic('QHL');
      const everything = [...publishedBefore, ...publishedOnRetry];
      // This test's two patients' events: the MLLP test's trust publishes to the same topic, whichever runs first.
      const ours = (read: readonly CommittedEvent[]) =>
        read.filter((e) => e.nhsNumber === '9990000018' || e.nhsNumber === '9990000026');
      const onTopic = ours(
        await readAllCommitted(ingest, topic, (read) => ours(read).length >= everything.length),
      );
      expect(onTopic.map((e) => e.eventId).sort()).toEqual([...everything].sort());
    });

    it('answers an MLLP message AR UNAVAILABLE while the broker is down, publishes nothing, and AA once when it is back', async () => {
      const trust = ingest.provider('ACUTE_TRUST', 'QHL');
      /**
       * An A28 as this trust's PAS sends it: its ODS code in MSH-4, the key in MSH-8, a control id of its own, and a
       * message time (MSH-7, the record's version) of its own, so that the two messages are two versions, not one
       * version sent twice (which ingest would answer with the first one's event id).
       */
      const fromTrust = (controlId: string, sentAt: string) =>
        withSecurity(
          withControlId(
            CERNER_ADT.A28.replace(
              /^MSH\|\^~\\&\|CERNER\|RRK\|CROSSCARE\|CCR\|20240301120012\|/,
              `MSH|^~\\&|CERNER|${trust.odsCode}|CROSSCARE|CCR|${sentAt}|`,
            ),
            controlId,
          ),
          token,
        );
      const ackCode = (ack: string) => Hl7Message.parse(ack).getSegment('MSA')?.getField(1)?.toString();
      const eventIdsIn = (ack: string) =>
        ack.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
      const [beforeId, duringId] = [uniqueName('mllp-before'), uniqueName('mllp-during')];
      const [beforeCorrelation, duringCorrelation] = [beforeId, duringId].map((id) =>
        messageCorrelationId(trust.odsCode, id),
      );
      const client = new Hl7Client({ host: '127.0.0.1', port: ingest.mllpPort });
      const exchange = async (er7: string) => (await client.sendAndWait(Hl7Message.parse(er7))).toString();
      try {
        // The path works while the broker is up: the message the reads below wait for.
        const before = await exchange(fromTrust(beforeId, '20240301120012'));
        expect(ackCode(before)).toBe('AA');

        broker().kill();

        const during = fromTrust(duringId, '20240301130012');
        const refused = await exchange(during);
        expect(ackCode(refused)).toBe('AR');
        expect(refused).toMatch(/UNAVAILABLE/);
        expect(eventIdsIn(refused)).toEqual([]);
        expect(refused).not.toContain(token);

        await broker().restart();
        // Time for anything the refused message left behind to surface, were it ever going to.
        await new Promise((r) => setTimeout(r, 5000));
        const topic = ingest.topic(trust.ics);
        const afterOutage = await readAllCommitted(ingest, topic, (read) =>
          read.some((e) => e.correlationId === beforeCorrelation),
        );
        expect(afterOutage.filter((e) => e.correlationId === beforeCorrelation)).toHaveLength(1);
        expect(afterOutage.filter((e) => e.correlationId === duringCorrelation)).toEqual([]);

        // The same message again, as a PAS resends after AR UNAVAILABLE: accepted, and on the topic once.
        const accepted = await exchange(during);
        expect(ackCode(accepted)).toBe('AA');
        const acceptedIds = eventIdsIn(accepted);
        expect(acceptedIds).toHaveLength(1);
        const afterRetry = await readAllCommitted(ingest, topic, (read) =>
          read.some((e) => e.correlationId === duringCorrelation),
        );
        expect(afterRetry.filter((e) => e.correlationId === duringCorrelation).map((e) => e.eventId)).toEqual(
          acceptedIds,
        );
      } finally {
        await client.close();
      }
    });
  });
}

interface CommittedEvent {
  readonly eventId: string;
  readonly nhsNumber: string;
  readonly correlationId?: string;
}

/**
 * Every committed event on the topic (read_committed, kafkajs's default: aborted writes never show): reads until
 * `enough` holds of what was read, then a while longer so extras would show.
 */
async function readAllCommitted(
  ingest: IngestUnderTest,
  topic: string,
  enough: (read: readonly CommittedEvent[]) => boolean,
): Promise<CommittedEvent[]> {
  const consumer = await ingest.kafka.consumer(uniqueName('outage-reader'));
  const read: CommittedEvent[] = [];
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const { header } = (await ingest.serde.decode(message.value!)).event;
        read.push({
          eventId: header.eventId,
          nhsNumber: header.nhsNumber,
          correlationId: message.headers?.['crosscare-correlation-id']?.toString(),
        });
      },
    });
    const deadline = Date.now() + 30_000;
    while (!enough(read) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 3000));
    return [...read];
  } finally {
    await ingest.kafka.close(consumer);
  }
}
