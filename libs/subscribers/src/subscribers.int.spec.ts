import {
  changelogTopic,
  optOutTopic,
  recordChangeTopic,
  SchemaRegistryClient,
  sdeNoticeTopic,
  sdeProjectTopic,
  subscriberGrantAuditTopic,
} from '@crosscare/events';
import {
  capturedKafkaLog,
  consumeRefusal,
  eventually,
  produceRefusal,
  startTestRegistry,
  TestKafka,
  TestSchema,
  TOPIC_DENIED,
  GROUP_DENIED,
  type TestRegistry,
} from '@crosscare/testing';
import { kcatCommand } from '@crosscare/local-stack';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GrantAudit, type SubscriberGrantChanged } from './grant-audit';
import { GrantStore } from './grant-store';
import { runSubscribers } from './cli/subscribers-cli';
import { parseSubscribersArguments } from './cli/subscribers-args';
import { GrantRequestError } from './subscriber-grant';

/**
 * Subscriber onboarding end to end against the real broker, a real registry and Postgres: a grant made with the CLI
 * lets kafkajs and kcat (Debian's, librdkafka) read the granted changelog with the printed configuration, and
 * nothing else; revoke cuts off even a consumer that is already reading; every change is in the register and on the
 * audit topic. An SDE team's grant (--project) reads its approved project's data and notices, and nothing else.
 */
const hex = randomBytes(4).toString('hex');
const topicPrefix = `test.subscribers.${hex}`;
const idPrefix = `subt-${hex}`;
const CCR = changelogTopic('CCR', topicPrefix);
const OHC = changelogTopic('OHC', topicPrefix);
const ICS = recordChangeTopic('QHL', topicPrefix);
const DIABETES = sdeProjectTopic('diabetes-outcomes', 1, topicPrefix);
const DIABETES_NOTICES = sdeNoticeTopic('diabetes-outcomes', topicPrefix);
const URGENT_CARE = sdeProjectTopic('urgent-care-flow', 1, topicPrefix);
const URGENT_CARE_NOTICES = sdeNoticeTopic('urgent-care-flow', topicPrefix);
const OPT_OUTS = optOutTopic(topicPrefix);
const TOPICS = [CCR, OHC, ICS, DIABETES, DIABETES_NOTICES, URGENT_CARE, URGENT_CARE_NOTICES, OPT_OUTS];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-subscribers-'));
const usersFile = path.join(work, 'registry-users');
// The registry reads the file from its start; grants add to it and revocations take away while it runs.
fs.writeFileSync(usersFile, '', { mode: 0o600 });

let admin: TestKafka;
let registry: TestRegistry;
let db: TestSchema;
const clients: TestKafka[] = [];
/**
 * Grants every test may read and none revokes, made once for the file (so any test runs alone, in any order): a
 * collaborative's changelog and an SDE team's project. A test that revokes grants a subscriber of its own.
 */
let first: Granted & { out: string };
let team: Granted & { out: string };

function environment(): NodeJS.ProcessEnv {
  return {
    ...admin.environment,
    SCHEMA_REGISTRY_URL: registry.url,
    DATABASE_URL: db.databaseUrl,
    SUBSCRIBERS_TOPIC_PREFIX: topicPrefix,
    SUBSCRIBERS_ID_PREFIX: idPrefix,
    SUBSCRIBERS_DATABASE_SCHEMA: db.name,
    SUBSCRIBERS_REGISTRY_USERS_FILE: usersFile,
    CROSSCARE_OPERATOR: 'ig-operator',
  };
}

/** Runs the CLI in this process, as `npm run subscribers -- <args>` would, and answers what it printed. */
async function subscribers(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  try {
    const code = await runSubscribers(parseSubscribersArguments(args), environment());
    return { code, out };
  } finally {
    spy.mockRestore();
  }
}

interface Granted {
  readonly principal: string;
  readonly password: string;
  readonly group: string;
  readonly configFile: string;
}

/** What a grant is for: CCR's changelog under DSA-2026-0042 unless told (`--project <id>`, say). */
const CCR_CHANGELOG = ['--collaborative', 'CCR', '--agreement', 'DSA-2026-0042'];

async function grant(
  name: string,
  target: readonly string[] = CCR_CHANGELOG,
): Promise<Granted & { out: string }> {
  const configFile = path.join(work, `${name}.properties`);
  const { code, out } = await subscribers(
    'grant',
    '--name',
    name,
    '--org',
    'VM1A2',
    ...target,
    '--expires',
    '2099-12-31',
    '--config-file',
    configFile,
  );
  expect(code).toBe(0);
  const password = /password: "([^"]+)"/.exec(out)?.[1];
  const group = /groupId: "([^"]+)"/.exec(out)?.[1];
  if (!password || !group) throw new Error(`no credentials in the grant's output:\n${out}`);
  return { principal: `${idPrefix}-sub-${name}`, password, group, configFile, out };
}

/**
 * Every change of one subscriber on the audit topic, in the order published (keyed by principal: one partition each).
 * The topic holds every test's grants, so all of it is read, up to its end as the CLI left it, and then filtered.
 */
async function auditedChanges(subscriber: string): Promise<SubscriberGrantChanged[]> {
  const topic = subscriberGrantAuditTopic(topicPrefix);
  const offsets = await (await admin.connectedAdmin()).fetchTopicOffsets(topic);
  const total = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const audit = new GrantAudit(new SchemaRegistryClient({ url: registry.url }), undefined as never, '');
  const messages = await admin.waitForMessages(topic, total);
  const changes = await Promise.all(messages.map((m) => audit.decode(m.value!)));
  return changes.filter((c) => c.subscriber === subscriber);
}

function clientOf(granted: Granted): TestKafka {
  const passwordFile = path.join(work, `${granted.principal}.password`);
  fs.writeFileSync(passwordFile, granted.password, { mode: 0o600 });
  const client = new TestKafka(
    {
      KAFKA_BROKERS: admin.environment.KAFKA_BROKERS,
      KAFKA_SASL_USERNAME: granted.principal,
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
      KAFKA_SSL_CA_FILE: admin.environment.KAFKA_SSL_CA_FILE,
    },
    { retry: { retries: 1 } },
  );
  clients.push(client);
  return client;
}

beforeAll(async () => {
  admin = new TestKafka();
  [registry, db] = await Promise.all([
    startTestRegistry('subscribers', { SCHEMA_REGISTRY_AUTH_USERS_FILE: usersFile }),
    TestSchema.create('subscribers'),
  ]);
  for (const topic of TOPICS) await admin.createTopic({ name: topic, partitions: 2 });
  const producer = await admin.producer();
  for (const topic of TOPICS) {
    await producer.send({
      topic,
      messages: ['9990000018', '9990000026', '9990000034'].map((key) => ({ key, value: `${topic}:${key}` })),
    });
  }
  first = await grant('ehr-one');
  team = await grant('dia-team', ['--project', 'diabetes-outcomes']);
}, 180_000);

afterAll(async () => {
  for (const client of clients) await client.cleanup();
  await admin?.cleanup();
  await registry?.close();
  await db?.drop();
  fs.rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('npm run subscribers (real broker, registry and Postgres)', () => {
  it('lets kafkajs read the granted changelog with the printed configuration, under its own groups', async () => {
    const messages = await clientOf(first).waitForMessages(CCR, 3, { groupId: `${first.group}-check` });
    expect(messages.map((m) => m.key).sort()).toEqual(['9990000018', '9990000026', '9990000034']);
    expect(first.group).toBe(`${idPrefix}-sub-ehr-one.main`);
  });

  it("refuses the other collaborative's changelog, ICS topics, other groups and every write", async () => {
    const client = clientOf(first);
    expect(await consumeRefusal(client, OHC, `${first.group}-ohc`)).toMatchObject(TOPIC_DENIED);
    expect(await consumeRefusal(client, ICS, `${first.group}-ics`)).toMatchObject(TOPIC_DENIED);
    const log: string[] = [];
    const logged = new TestKafka(client.environment, {
      retry: { retries: 1 },
      logger: capturedKafkaLog(log),
    });
    clients.push(logged);
    expect(await consumeRefusal(logged, CCR, `${idPrefix}-someone-else`, log)).toMatchObject(GROUP_DENIED);
    expect(await produceRefusal(client, CCR)).toMatchObject(TOPIC_DENIED);
  }, 90_000);

  it('lets kcat (librdkafka) read the granted changelog with the printed properties file, and nothing else', () => {
    expect(fs.statSync(first.configFile).mode & 0o777).toBe(0o600);
    // Debian's kcat, on a librdkafka that Kafka 4's SCRAM accepts (npm run kcat:fetch; see docs/operations.md).
    const kcat = kcatCommand();
    const read = (topic: string) =>
      spawnSync(
        kcat.command,
        ['-F', first.configFile, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k\n'],
        { encoding: 'utf8', timeout: 60_000, env: kcat.env },
      );
    const granted = read(CCR);
    expect(granted.error).toBeUndefined();
    const failures = granted.stderr.split('\n').filter((line) => /ERROR|FAIL/.test(line));
    expect({ status: granted.status, failures }).toEqual({ status: 0, failures: [] });
    expect(granted.stdout.trim().split('\n').sort()).toEqual(['9990000018', '9990000026', '9990000034']);
    const refused = read(OHC);
    expect(refused.status).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toMatch(/authoriz/i);
  }, 90_000);

  it('gives registry read credentials: schemas may be read, not written', async () => {
    const auth = `Basic ${Buffer.from(`${first.principal}:${first.password}`).toString('base64')}`;
    const read = await fetch(`${registry.baseUrl}/subjects`, { headers: { Authorization: auth } });
    expect(read.status).toBe(200);
    const write = await fetch(`${registry.baseUrl}/subjects/x/versions`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: '"string"' }),
    });
    expect(write.status).toBe(403);
  });

  it('refuses a bad request with every reason, and grants nothing', async () => {
    const error = await subscribers(
      'grant',
      '--name',
      'Bad Name',
      '--org',
      'x',
      '--collaborative',
      'WMCA',
      '--agreement',
      'x',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrantRequestError);
    expect((error as GrantRequestError).problems).toHaveLength(4);
    const { out } = await subscribers('list');
    expect(out).not.toMatch(/Bad Name/);
  });
});

describe('revoke and the audit trail', () => {
  it('cuts off a consumer that is already reading, on its next fetch, and the password and registry access', async () => {
    const granted = await grant('ehr-two');
    const client = clientOf(granted);
    const consumer = client.kafka.consumer({
      groupId: granted.group,
      retry: { retries: 1, restartOnFailure: () => Promise.resolve(false) },
    });
    const received: string[] = [];
    let crashed: Error | undefined;
    consumer.on(consumer.events.CRASH, ({ payload }) => (crashed = payload.error));
    await consumer.connect();
    await consumer.subscribe({ topic: CCR, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => Promise.resolve(void received.push(String(message.key))),
    });
    await eventually('the granted consumer reads', () => (received.length >= 3 ? true : undefined), {
      timeoutMs: 30_000,
    });

    expect((await subscribers('revoke', '--name', 'ehr-two')).code).toBe(0);
    const error = await eventually('the connected consumer is refused', () => crashed, { timeoutMs: 30_000 });
    expect(`${error.name} ${error.message}`).toMatch(/authoriz/i);
    await consumer.disconnect().catch(() => undefined);

    // A new connection with the old password is not even authenticated, and the registry forgets it.
    const again = new TestKafka(client.environment, { retry: { retries: 0 } });
    clients.push(again);
    await expect(again.connectedAdmin()).rejects.toThrow(/SASL|authentication/i);
    const auth = `Basic ${Buffer.from(`${granted.principal}:${granted.password}`).toString('base64')}`;
    await eventually(
      'the registry refuses the revoked reader',
      async () =>
        (await fetch(`${registry.baseUrl}/subjects`, { headers: { Authorization: auth } })).status === 401
          ? true
          : undefined,
      { timeoutMs: 10_000 },
    );
    expect((await subscribers('revoke', '--name', 'ehr-two')).code).toBe(1);
  }, 120_000);

  it('keeps every grant and revocation in the register and on the audit topic, with who did it', async () => {
    await grant('ehr-three');
    expect((await subscribers('revoke', '--name', 'ehr-three')).code).toBe(0);

    const store = await GrantStore.open({ url: db.databaseUrl, poolSize: 2 }, db.name);
    try {
      expect((await store.history('ehr-three')).map((h) => [h.change, h.changedBy])).toEqual([
        ['GRANTED', 'ig-operator'],
        ['REVOKED', 'ig-operator'],
      ]);
      expect((await store.find('ehr-one'))?.revokedAt).toBeNull();
    } finally {
      await store.close();
    }
    const { out } = await subscribers('list');
    expect(out).toMatch(/ehr-one\s+VM1A2\s+CCR\s+DSA-2026-0042\s+2099-12-31.*active/);
    expect(out).toMatch(/ehr-three .*revoked .* by ig-operator/);

    const granted = await auditedChanges('ehr-one');
    const changed = await auditedChanges('ehr-three');
    expect([...granted, ...changed].map((e) => [e.subscriber, e.change, e.changedBy, e.agreement])).toEqual([
      ['ehr-one', 'GRANTED', 'ig-operator', 'DSA-2026-0042'],
      ['ehr-three', 'GRANTED', 'ig-operator', 'DSA-2026-0042'],
      ['ehr-three', 'REVOKED', 'ig-operator', 'DSA-2026-0042'],
    ]);
    expect(granted[0].topics).toEqual([CCR]);
  }, 90_000);
});

describe('an SDE team, granted its approved project (--project)', () => {
  it("reads under the project's agreement, and reads the project's data and notice topics", async () => {
    expect(team.out).toContain(
      `read access to ${DIABETES}, ${DIABETES_NOTICES} (SDE project diabetes-outcomes)`,
    );
    expect(team.out).toContain('under DSA-2026-0107');
    const client = clientOf(team);
    for (const topic of [DIABETES, DIABETES_NOTICES]) {
      const messages = await client.waitForMessages(topic, 3, { groupId: `${team.group}-${topic}` });
      expect(messages.map((m) => m.value?.toString()).sort()).toEqual(
        ['9990000018', '9990000026', '9990000034'].map((key) => `${topic}:${key}`),
      );
    }
  }, 90_000);

  it.each([
    ["another project's data", URGENT_CARE],
    ["another project's notices", URGENT_CARE_NOTICES],
    ['the opt-outs', OPT_OUTS],
    ['an ICS record-change topic', ICS],
    ["a collaborative's changelog", CCR],
  ])('is refused %s', async (_what, topic) => {
    expect(await consumeRefusal(clientOf(team), topic, `${team.group}-refused`)).toMatchObject(TOPIC_DENIED);
  });

  it('writes nothing, not even to its own project', async () => {
    expect(await produceRefusal(clientOf(team), DIABETES)).toMatchObject(TOPIC_DENIED);
  });

  it("refuses a grant under another agreement than the project's, or for a project not approved", async () => {
    const refused = async (...args: string[]) =>
      (
        (await subscribers('grant', '--name', 'dia-other', '--org', 'VM1A2', ...args).catch(
          (e: unknown) => e,
        )) as GrantRequestError
      ).problems;
    expect(await refused('--project', 'diabetes-outcomes', '--agreement', 'DSA-2026-0042')).toEqual([
      expect.stringMatching(
        /DSA-2026-0042: SDE project diabetes-outcomes is approved under DSA-2026-0107/,
      ) as unknown,
    ]);
    expect(await refused('--project', 'cancer-waits')).toEqual([
      '--project "cancer-waits": not an approved SDE project (approved: diabetes-outcomes, urgent-care-flow)',
    ]);
    expect(await refused('--project', 'diabetes-outcomes', '--collaborative', 'CCR')).toEqual([
      '--collaborative and --project: one or the other, not both',
    ]);
    expect((await subscribers('list')).out).not.toMatch(/dia-other/);
  });

  it('is listed with its project, and its revocation ends its access and is registered and audited', async () => {
    // A team of this test's own: the one the other tests read stays granted.
    const leaver = await grant('dia-leaver', ['--project', 'diabetes-outcomes']);
    const listed = (await subscribers('list')).out;
    for (const name of ['dia-team', 'dia-leaver'])
      expect(listed).toMatch(
        new RegExp(
          `${name}\\s+VM1A2\\s+SDE project diabetes-outcomes\\s+DSA-2026-0107\\s+2099-12-31.*active`,
        ),
      );
    expect(listed).toMatch(/ehr-one\s+VM1A2\s+CCR\s+DSA-2026-0042/);

    const client = clientOf(leaver);
    const consumer = client.kafka.consumer({
      groupId: leaver.group,
      retry: { retries: 1, restartOnFailure: () => Promise.resolve(false) },
    });
    const received: string[] = [];
    let crashed: Error | undefined;
    consumer.on(consumer.events.CRASH, ({ payload }) => (crashed = payload.error));
    await consumer.connect();
    await consumer.subscribe({ topic: DIABETES, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => Promise.resolve(void received.push(String(message.key))),
    });
    await eventually('the SDE team reads', () => (received.length >= 3 ? true : undefined), {
      timeoutMs: 30_000,
    });

    expect((await subscribers('revoke', '--name', 'dia-leaver', '--by', 'sde-lead')).code).toBe(0);
    const error = await eventually('the connected SDE consumer is refused', () => crashed, {
      timeoutMs: 30_000,
    });
    expect(`${error.name} ${error.message}`).toMatch(/authoriz/i);
    await consumer.disconnect().catch(() => undefined);
    const again = new TestKafka(client.environment, { retry: { retries: 0 } });
    clients.push(again);
    await expect(again.connectedAdmin()).rejects.toThrow(/SASL|authentication/i);

    const store = await GrantStore.open({ url: db.databaseUrl, poolSize: 2 }, db.name);
    try {
      expect(await store.find('dia-leaver')).toMatchObject({
        collaborative: null,
        sdeProject: 'diabetes-outcomes',
        agreement: 'DSA-2026-0107',
        topics: [DIABETES, DIABETES_NOTICES],
        revokedBy: 'sde-lead',
      });
      expect(
        (await store.history('dia-leaver')).map((h) => [h.change, h.sdeProject, h.collaborative]),
      ).toEqual([
        ['GRANTED', 'diabetes-outcomes', null],
        ['REVOKED', 'diabetes-outcomes', null],
      ]);
    } finally {
      await store.close();
    }

    const events = await auditedChanges('dia-leaver');
    expect(events.map((e) => [e.change, e.sdeProject, e.collaborative, e.agreement, e.changedBy])).toEqual([
      ['GRANTED', 'diabetes-outcomes', null, 'DSA-2026-0107', 'ig-operator'],
      ['REVOKED', 'diabetes-outcomes', null, 'DSA-2026-0107', 'sde-lead'],
    ]);
    expect(events[0].topics).toEqual([DIABETES, DIABETES_NOTICES]);
  }, 150_000);
});
