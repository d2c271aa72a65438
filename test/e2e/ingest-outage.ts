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
 * Ingest on the outage suites' own broker (`broker()`), which the tests kill and restart. While it is down, ingest
 * keeps accepting into its outbox (202, AA: kept in Postgres, published by the relay once the broker is back), until
 * the outbox holds INGEST_OUTBOX_MAX_PENDING waiting events; then it answers 503 with Retry-After, and an HL7 v2
 * message over MLLP AR with ERR-5 UNAVAILABLE, keeping nothing. When the broker is back every accepted event is on
 * its topic exactly once, a resend of an accepted request publishes nothing more, and a refused one, sent again, is
 * accepted and published once. Each test leaves the broker running and the outbox empty.
 */
export function ingestWhenTheBrokerGoesAway(broker: () => PrivateBroker): void {
  describe('ingest when the broker goes away', () => {
    let ingest: IngestUnderTest;
    let token: string;

    beforeAll(async () => {
      ingest = await startIngest('outage', {
        ...broker().environment(),
        INGEST_RETRY_AFTER_SECONDS: '7',
        // One waiting event fills it: the first request during the outage is accepted, the next refused.
        INGEST_OUTBOX_MAX_PENDING: '1',
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
    /** Past the admission's one-second count of the outbox, so the next request sees what the last one kept. */
    const nextCount = () => new Promise((r) => setTimeout(r, 1_200));

    it('accepts while the broker is down until the outbox is full, then 503; publishes each accepted event once when it is back', async () => {
      const before = await post(admission('9990000018'));
      expect(before.status).toBe(202);
      const publishedBefore = eventIdsOf(before.body);
      expect(publishedBefore.length).toBeGreaterThan(1);

      broker().kill();

      const kept = admission('9990000026');
      const accepted = await post(kept);
      expect(accepted.status).toBe(202);
      const acceptedDuring = eventIdsOf(accepted.body);
      expect(acceptedDuring.length).toBeGreaterThan(1);

      await nextCount();
      const refusedBundle = admission('9990000034');
      const refused = await post(refusedBundle);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('7');
      expect((refused.body as { resourceType?: string }).resourceType).toBe('OperationOutcome');
      expect(JSON.stringify(refused.body)).toMatch(/waiting to be published/);
      expect(receiptLines(refused.body)).toEqual([]);

      // A resend of the accepted request, as a sender that lost the answer would: the same events, nothing new kept.
      const resent = await post(kept);
      expect(resent.status).toBe(202);
      expect(eventIdsOf(resent.body).sort()).toEqual([...acceptedDuring].sort());

      await broker().restart();
      // As a sender honouring Retry-After would: again until accepted, which it is once the relay has published
      // what waited.
      const retried = await untilAccepted(() => post(refusedBundle));
      expect(retried.status).toBe(202);
      const publishedOnRetry = eventIdsOf(retried.body);

      const topic = ingest.topic('QHL');
      const everything = [...publishedBefore, ...acceptedDuring, ...publishedOnRetry];
      // This test's three patients' events: the MLLP test's trust publishes to the same topic, whichever runs first.
      const patients = ['9990000018', '9990000026', '9990000034'];
      const ours = (read: readonly CommittedEvent[]) => read.filter((e) => patients.includes(e.nhsNumber));
      const onTopic = ours(
        await readAllCommitted(ingest, topic, (read) => ours(read).length >= everything.length),
      );
      expect(onTopic.map((e) => e.eventId).sort()).toEqual([...everything].sort());
    });

    it('over MLLP: AA while the outbox has room, AR UNAVAILABLE once full; each accepted message on the topic once', async () => {
      const trust = ingest.provider('ACUTE_TRUST', 'QHL');
      /**
       * An A28 as this trust's PAS sends it: its ODS code in MSH-4, the key in MSH-8, a control id of its own, and a
       * message time (MSH-7, the record's version) of its own, so that the messages are versions of their own, not
       * one version sent again (which ingest would answer with the first one's event id).
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
      const [beforeId, keptId, refusedId] = ['mllp-before', 'mllp-kept', 'mllp-refused'].map((n) =>
        uniqueName(n),
      );
      const correlationOf = (id: string) => messageCorrelationId(trust.odsCode, id);
      const client = new Hl7Client({ host: '127.0.0.1', port: ingest.mllpPort });
      const exchange = async (er7: string) => (await client.sendAndWait(Hl7Message.parse(er7))).toString();
      // Whichever test ran first, its outbox is published before this one fills it.
      expect(await ingest.services.relay.publishAccepted(60_000)).toBe(true);
      try {
        const before = await exchange(fromTrust(beforeId, '20240301120012'));
        expect(ackCode(before)).toBe('AA');

        broker().kill();

        const kept = fromTrust(keptId, '20240301130012');
        const accepted = await exchange(kept);
        expect(ackCode(accepted)).toBe('AA');
        const keptIds = eventIdsIn(accepted);
        expect(keptIds).toHaveLength(1);

        await nextCount();
        const refusedMessage = fromTrust(refusedId, '20240301140012');
        const refused = await exchange(refusedMessage);
        expect(ackCode(refused)).toBe('AR');
        expect(refused).toMatch(/UNAVAILABLE/);
        expect(eventIdsIn(refused)).toEqual([]);
        expect(refused).not.toContain(token);

        // The PAS resends what it had no answer to: the accepted message's id again, nothing new kept.
        expect(eventIdsIn(await exchange(kept))).toEqual(keptIds);

        await broker().restart();
        const topic = ingest.topic(trust.ics);
        const afterOutage = await readAllCommitted(ingest, topic, (read) =>
          read.some((e) => e.correlationId === correlationOf(keptId)),
        );
        expect(afterOutage.filter((e) => e.correlationId === correlationOf(beforeId))).toHaveLength(1);
        expect(
          afterOutage.filter((e) => e.correlationId === correlationOf(keptId)).map((e) => e.eventId),
        ).toEqual(keptIds);
        expect(afterOutage.filter((e) => e.correlationId === correlationOf(refusedId))).toEqual([]);

        // The refused message again, as a PAS resends after AR UNAVAILABLE: accepted, and on the topic once.
        const acceptedLater = await untilAccepted(async () => {
          const ack = await exchange(refusedMessage);
          return { status: ackCode(ack) === 'AA' ? 202 : 503, ack };
        }).then((r) => r.ack);
        expect(ackCode(acceptedLater)).toBe('AA');
        const laterIds = eventIdsIn(acceptedLater);
        expect(laterIds).toHaveLength(1);
        const afterRetry = await readAllCommitted(ingest, topic, (read) =>
          read.some((e) => e.correlationId === correlationOf(refusedId)),
        );
        expect(
          afterRetry.filter((e) => e.correlationId === correlationOf(refusedId)).map((e) => e.eventId),
        ).toEqual(laterIds);
      } finally {
        await client.close();
      }
    });
  });
}

/** Sends again, a second apart, for up to a minute, until the answer is not 503: a sender honouring Retry-After. */
async function untilAccepted<T extends { status: number }>(attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await attempt();
    if (answer.status !== 503 || Date.now() > deadline) return answer;
    await new Promise((r) => setTimeout(r, 1000));
  }
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
