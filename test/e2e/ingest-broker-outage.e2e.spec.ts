import { fhirFixtures } from '@crosscare/fhir/testing';
import {
  LOCAL_KAFKA_ADMIN,
  localKafkaEnvironment,
  startLocalKafka,
  stackPaths,
  stopLocalKafka,
  type LocalKafka,
} from '@crosscare/local-stack';
import { uniqueName } from '@crosscare/testing';
import type { Bundle } from '@medplum/fhirtypes';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  receiptLines,
  responseEntries,
  send,
  startIngest,
  type IngestUnderTest,
} from '../../apps/ingest/src/testing/ingest-under-test';

/**
 * Ingest with a broker of its own, which the test kills and restarts: while it is down every request answers 503
 * with Retry-After (never 202), and when it is back nothing of the refused requests has leaked onto the topic, half
 * or whole; re-sending them publishes each event exactly once.
 */
describe('ingest when the broker goes away', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-outage-e2e-'));
  const paths = { ...stackPaths(home), cache: stackPaths().cache };
  // Client 22592, controller 32592: below the ephemeral port range.
  const basePort = 22592;
  let cluster: LocalKafka;
  let ingest: IngestUnderTest;
  let token: string;

  beforeAll(async () => {
    cluster = await startLocalKafka({ brokers: 1, basePort, paths });
    ingest = await startIngest('outage', {
      ...localKafkaEnvironment(cluster, paths, LOCAL_KAFKA_ADMIN),
      INGEST_PUBLISH_TIMEOUT_MS: '4000',
      INGEST_RETRY_AFTER_SECONDS: '7',
    });
    token = await ingest.credentialFor(ingest.provider('ACUTE_TRUST', 'QHL').odsCode);
  });

  afterAll(async () => {
    await ingest?.close().catch(() => undefined);
    await stopLocalKafka({ paths });
    fs.rmSync(home, { recursive: true, force: true });
  });

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
  const eventIdsOf = (body: unknown) => responseEntries(body).flatMap((e) => e.events.map((r) => r.eventId));

  it('answers 503 with Retry-After while the broker is down, and nothing refused is published half or whole', async () => {
    const before = await post(admission('9990000018'));
    expect(before.status).toBe(202);
    const publishedBefore = eventIdsOf(before.body);
    expect(publishedBefore.length).toBeGreaterThan(1);

    for (const node of cluster.nodes) process.kill(node.pid, 'SIGKILL');

    const during = admission('9990000026');
    const refused = await post(during);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(refused.body.resourceType).toBe('OperationOutcome');
    expect(receiptLines(refused.body)).toEqual([]);

    await startLocalKafka({ brokers: 1, basePort, paths });
    // Time for anything the refused request left behind to surface, were it ever going to.
    await new Promise((r) => setTimeout(r, 5000));

    const retried = await post(during);
    expect(retried.status).toBe(202);
    const publishedOnRetry = eventIdsOf(retried.body);
    expect(responseEntries(retried.body).every((e) => e.events.every((r) => /^published/.test(r.text)))).toBe(
      true,
    );

    const topic = ingest.topic('QHL');
    const everything = [...publishedBefore, ...publishedOnRetry];
    const onTopic = await readAllCommitted(ingest, topic, everything.length);
    expect(onTopic.sort()).toEqual([...everything].sort());
  });
});

/** Every committed event id on the topic: waits for `expected`, then a while longer so extras would show. */
async function readAllCommitted(ingest: IngestUnderTest, topic: string, expected: number): Promise<string[]> {
  const consumer = await ingest.kafka.consumer(uniqueName('outage-reader'));
  const ids: string[] = [];
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        ids.push((await ingest.serde.decode(message.value!)).event.header.eventId);
      },
    });
    const deadline = Date.now() + 30_000;
    while (ids.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 3000));
    return [...ids];
  } finally {
    await ingest.kafka.close(consumer);
  }
}
