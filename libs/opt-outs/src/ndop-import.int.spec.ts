import {
  optOutTopic,
  recordChangeEventId,
  registerContractSchemas,
  SchemaRegistryClient,
} from '@crosscare/events';
import {
  loadProviderDirectory,
  NdopFileError,
  optOutImportGroupPrefix,
  servicePrincipal,
  type AccessNaming,
  type OptOutChanged,
} from '@crosscare/governance';
import { createRecordProducer, partitionOfKey, type RecordProducer } from '@crosscare/kafka';
import {
  rejectionOf,
  startTestRegistry,
  TestKafka,
  TestPrincipals,
  uniqueIdentifier,
  uniqueName,
  type ReceivedMessage,
  type TestRegistry,
} from '@crosscare/testing';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseOptOutsArguments } from './cli/optouts-args';
import { runOptOuts } from './cli/optouts-cli';
import { importNdopAnswer, type NdopImportDeps, type NdopInputFile } from './ndop-import';
import { createOptOutSerde, type OptOutSerde } from './opt-out-serde';
import { currentOptOuts } from './opt-out-status';
import { optOutKafkaMessage } from './opt-out-topic';

/**
 * npm run optouts' core against the real broker, a real registry and a real topic, run as the opt-out import's own
 * principal (libs/governance's definition under this suite's naming), so its rights are proven to suffice: reading the
 * topic's state through throwaway groups it deletes, and publishing with the idempotent producer.
 */
const PARTITIONS = 3;
const [A, B, C, D] = ['9990000018', '9990000026', '9990000034', '9990000042'];
const file = (path: string, ...lines: string[]): NdopInputFile => ({
  path,
  content: Buffer.from(lines.map((l) => `${l}\n`).join('')),
});
const dat = (path: string, ...nhsNumbers: string[]) => file(path, ...nhsNumbers.map((n) => `${n},`));
const COHORT = dat('/mesh/in/cohort-2025-03.dat', A, B, C, D);

let admin: TestKafka;
let registry: TestRegistry;
let principals: TestPrincipals;
let serde: OptOutSerde;

/**
 * An opt-out topic and the import's principal of one test's own: an answer's effect depends on the topic's state,
 * so no test may read what another imported. Every test's principal is made in beforeAll, in one JVM run.
 */
interface Scenario {
  readonly naming: AccessNaming;
  readonly topic: string;
  readonly principal: string;
  readonly deps: NdopImportDeps;
}
const SCENARIOS = ['empty-topic', 'later-answer', 'check-digit', 'never-submitted', 'cli'] as const;
const scenarios = new Map<(typeof SCENARIOS)[number], Scenario>();
const clients: TestKafka[] = [];
const producers: RecordProducer[] = [];

function scenario(name: (typeof SCENARIOS)[number]): Scenario {
  const found = scenarios.get(name);
  if (!found) throw new Error(`no scenario ${name}: beforeAll did not finish`);
  return found;
}

beforeAll(async () => {
  registry = await startTestRegistry('opt_out_import');
  await registerContractSchemas(new SchemaRegistryClient({ url: registry.url }));
  admin = new TestKafka();
  const collaboratives = loadProviderDirectory({ onboardingDirs: [] }).collaboratives();
  const planned = SCENARIOS.map((name) => {
    const naming: AccessNaming = {
      topicPrefix: uniqueName('optouts', `ndop-import-${name}`),
      idPrefix: uniqueIdentifier('oo').replace(/_/g, '-'),
    };
    return { name, naming, principal: servicePrincipal('opt-out-import', collaboratives, naming) };
  });
  for (const { naming } of planned)
    await admin.createTopic({
      name: optOutTopic(naming.topicPrefix),
      partitions: PARTITIONS,
      config: { 'cleanup.policy': 'compact', 'retention.ms': '-1' },
    });
  principals = await TestPrincipals.create(planned.map((p) => p.principal));
  // A reader's credentials: the import looks its schema up and never registers.
  serde = createOptOutSerde(new SchemaRegistryClient({ url: registry.readerUrl }));
  for (const { name, naming, principal } of planned) {
    const asImport = new TestKafka(principals.environment(principal.name));
    const producer = createRecordProducer(asImport.kafka);
    clients.push(asImport);
    producers.push(producer);
    await producer.connect();
    const topic = optOutTopic(naming.topicPrefix);
    scenarios.set(name, {
      naming,
      topic,
      principal: principal.name,
      deps: { kafka: asImport.kafka, serde, topic, groupPrefix: optOutImportGroupPrefix(naming), producer },
    });
  }
}, 120_000);

afterAll(async () => {
  for (const producer of producers) await producer.disconnect();
  for (const client of clients) await client.cleanup();
  await principals?.cleanup();
  await admin?.cleanup();
  await registry?.close();
}, 60_000);

async function decoded(messages: readonly ReceivedMessage[]) {
  return Promise.all(
    messages.map(async (m) => ({
      key: m.key,
      partition: m.partition,
      change: (await serde.decode(m.value!)).event,
    })),
  );
}

async function offsetsWritten(topic: string): Promise<number> {
  const offsets = await (await admin.connectedAdmin()).fetchTopicOffsets(topic);
  return offsets.reduce((n, o) => n + Number(o.high), 0);
}

/** The first answer (A, C and D opted out): the state a later answer is imported over. */
const firstAnswer = (deps: NdopImportDeps) =>
  importNdopAnswer(deps, { returned: dat('/mesh/out/answer-1.dat', B), submitted: COHORT, dryRun: false });

describe('importing a National Data Opt-out answer (real broker, registry and topic)', () => {
  it('given an empty topic, publishes one ACTIVE change per submitted number not returned, on its NHS number partition', async () => {
    const { deps, topic } = scenario('empty-topic');
    const returned = dat('/mesh/out/answer-1.dat', B);

    const summary = await importNdopAnswer(deps, { returned, submitted: COHORT, dryRun: false });

    const sha256 = createHash('sha256').update(returned.content).digest('hex');
    expect(summary).toMatchObject({
      cohort: 4,
      optedOut: 3,
      newlyActive: 3,
      withdrawn: 0,
      unchanged: 1,
      published: 3,
      sourceReference: `answer-1.dat sha256:${sha256}`,
    });
    const messages = await decoded(await admin.waitForMessages(topic, 3));
    expect(messages.map((m) => m.key).sort()).toEqual(
      [A, C, D].map((n) => `${n}/national-data-opt-out`).sort(),
    );
    for (const { key, partition, change } of messages) {
      const nhsNumber = key!.split('/')[0];
      expect(partition).toBe(partitionOfKey(nhsNumber, PARTITIONS));
      expect(change).toEqual({
        changeId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        nhsNumber,
        kind: 'NATIONAL_DATA_OPT_OUT',
        status: 'ACTIVE',
        statedOn: null,
        source: 'NDOP',
        sourceReference: `answer-1.dat sha256:${sha256}`,
        recordedAt: expect.any(Number),
        correlationId: summary.correlationId,
      });
    }
  });

  it('given a later answer that returns one of them, publishes exactly one WITHDRAWN, whatever other kinds say', async () => {
    const { deps, topic } = scenario('later-answer');
    await firstAnswer(deps);
    // B's practice recorded a type 1 objection: a fact of another kind, which no national answer can change.
    const type1: OptOutChanged = {
      changeId: recordChangeEventId('M85001', 'Consent/b-1', 1, 'OptOutChanged'),
      nhsNumber: B,
      kind: 'TYPE_1',
      status: 'ACTIVE',
      statedOn: 20_000,
      source: 'M85001',
      sourceReference: 'Consent/b-1/_history/1',
      recordedAt: Date.now(),
      correlationId: 'ingest-test',
    };
    const seed = await admin.producer();
    await seed.send({ topic, messages: [await optOutKafkaMessage(type1, serde, PARTITIONS)] });
    const before = await offsetsWritten(topic);
    const returned = dat('/mesh/out/answer-2.dat', B, C);

    const dryRun = await importNdopAnswer(deps, { returned, submitted: COHORT, dryRun: true });
    expect(await offsetsWritten(topic)).toBe(before);
    const summary = await importNdopAnswer(deps, { returned, submitted: COHORT, dryRun: false });

    const expected = { cohort: 4, optedOut: 2, newlyActive: 0, withdrawn: 1, unchanged: 3 };
    expect(dryRun).toMatchObject({ ...expected, published: 0, dryRun: true });
    expect(summary).toMatchObject({ ...expected, published: 1 });
    const all = await decoded(await admin.waitForMessages(topic, 5));
    const published = all.filter((m) => m.change.correlationId === summary.correlationId);
    expect(published).toEqual([
      {
        key: `${C}/national-data-opt-out`,
        partition: partitionOfKey(C, PARTITIONS),
        change: expect.objectContaining({ nhsNumber: C, status: 'WITHDRAWN', source: 'NDOP' }),
      },
    ]);
    // The patient's two opt-outs share a partition, each under its own key.
    expect((await currentOptOuts(deps, B)).map((c) => [c.kind, c.status])).toEqual([['TYPE_1', 'ACTIVE']]);
    expect((await currentOptOuts(deps, C)).map((c) => [c.kind, c.status])).toEqual([
      ['NATIONAL_DATA_OPT_OUT', 'WITHDRAWN'],
    ]);
  });

  it('given an answer with a bad check digit, refuses the whole import naming the file and line, and publishes nothing', async () => {
    const { deps, topic } = scenario('check-digit');
    await firstAnswer(deps);
    const before = await offsetsWritten(topic);

    const error = await rejectionOf(
      NdopFileError,
      importNdopAnswer(deps, {
        returned: file('/mesh/out/answer-3.dat', `${B},`, '9990000019,', `${D},`),
        submitted: COHORT,
        dryRun: false,
      }),
    );

    expect(error.message).toBe(
      '/mesh/out/answer-3.dat line 2: the NHS number fails its modulus-11 check digit; nothing was imported',
    );
    expect(await offsetsWritten(topic)).toBe(before);
  });

  it('given an answer holding a number that was never submitted, refuses it as the wrong pair of files', async () => {
    const { deps, topic } = scenario('never-submitted');
    await firstAnswer(deps);
    const before = await offsetsWritten(topic);

    await expect(
      importNdopAnswer(deps, {
        returned: dat('/mesh/out/answer-4.dat', A, '9990000050'),
        submitted: COHORT,
        dryRun: false,
      }),
    ).rejects.toThrow(
      '/mesh/out/answer-4.dat line 2: this NHS number is not in the submission /mesh/in/cohort-2025-03.dat',
    );
    expect(await offsetsWritten(topic)).toBe(before);
  });

  it("as npm run optouts: a dry run prints the summary and publishes nothing; status prints the patient's opt-outs", async () => {
    const { deps, topic, naming, principal } = scenario('cli');
    // The two answers before this one: A and D opted out, B never, C withdrawn.
    await firstAnswer(deps);
    await importNdopAnswer(deps, {
      returned: dat('/mesh/out/answer-2.dat', B, C),
      submitted: COHORT,
      dryRun: false,
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-optouts-'));
    const write = (name: string, content: Buffer) => {
      fs.writeFileSync(path.join(dir, name), content);
      return path.join(dir, name);
    };
    const returned = write('answer-5.dat', dat('x', C).content);
    const submitted = write('cohort.dat', COHORT.content);
    const env = {
      ...principals.environment(principal),
      SCHEMA_REGISTRY_URL: registry.readerUrl,
      OPT_OUTS_TOPIC_PREFIX: naming.topicPrefix,
      OPT_OUTS_ID_PREFIX: naming.idPrefix,
    };
    const before = await offsetsWritten(topic);

    const dryRun = await cli(env, 'import', returned, '--submitted', submitted, '--dry-run');
    const status = await cli(env, 'status', '--nhs-number', A);

    expect(dryRun.code).toBe(0);
    expect(dryRun.out).toContain(
      `dry run: National Data Opt-out answer ${returned} for submission ${submitted}`,
    );
    expect(dryRun.out).toMatch(
      /cohort \(submitted\)\s+4\n\s+opted out\s+3\n\s+newly active\s+1\n\s+withdrawn\s+0\n/,
    );
    expect(dryRun.out).toContain('nothing was published (--dry-run)');
    expect(await offsetsWritten(topic)).toBe(before);
    const lines = status.out.trimEnd().split('\n');
    expect(lines[0]).toBe(`${A} on ${topic}:`);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/).filter(Boolean))).toEqual([
      [
        'national data opt-out',
        'ACTIVE',
        expect.stringMatching(/^source NDOP \(answer-1\.dat sha256:[0-9a-f]{64}\), recorded /),
      ],
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

/** Runs the CLI in this process, as `npm run optouts -- <args>` would, and answers what it printed. */
async function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  try {
    const command = parseOptOutsArguments(args);
    if (command.name === 'help') throw new Error('not a command');
    return { code: await runOptOuts(command, env), out };
  } finally {
    spy.mockRestore();
  }
}
