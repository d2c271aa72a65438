import {
  changelogTopic,
  optOutTopic,
  projectorDeadLetterTopic,
  projectorRetryTopic,
  recordAccessAuditTopic,
  recordChangeTopic,
  sdeNoticeTopic,
  sdeProjectTopic,
  subscriptionsDeadLetterTopic,
} from '@crosscare/events';
import {
  ingestTransactionalIdPrefix,
  loadProviderDirectory,
  optOutImportGroupPrefix,
  projectorDeadLetterReaderGroupPrefix,
  projectorGroupId,
  relayTransactionalId,
  sdePublisherGroupId,
  sdeSubscriberPrincipal,
  servicePrincipalName,
  servicePrincipals,
  subscriberGroupPrefix,
  subscriberPrincipal,
  subscriberPrincipalName,
  subscriptionsGroupId,
  subscriptionsReaderGroupPrefix,
  type AccessNaming,
  type CollaborativeCode,
  type IcsCode,
  type ServiceRole,
} from '@crosscare/governance';
import { createRecordProducer, positionKey, readAtPositions } from '@crosscare/kafka';
import { readDeadLetters } from '../../apps/projector/src/dead-letters/dead-letter-store';
import {
  capturedKafkaLog,
  consumeRefusal as consumeRefusalOf,
  eventually,
  GROUP_DENIED,
  produceRefusal as produceRefusalOf,
  refusal as refusalOf,
  TestKafka,
  TOPIC_DENIED,
  TRANSACTIONAL_ID_DENIED,
  type Failure,
  TestPrincipals,
  testKafkaEnvironment,
  uniqueIdentifier,
  uniqueName,
} from '@crosscare/testing';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { ConfigResourceTypes, Kafka, logLevel, type ITopicConfig } from 'kafkajs';

/**
 * What each principal may and may not do on the secured cluster (SASL_SSL, SCRAM-SHA-512, StandardAuthorizer with
 * no access where no ACL is found), proven against the real broker with principals made from libs/governance's
 * definitions under a naming of this run's own. Every denial names the refusal it expects, so it cannot pass for
 * another reason (a missing topic, a wrong password, a broker that is down).
 */

const collaboratives = loadProviderDirectory({ onboardingDirs: [] }).collaboratives();
const icsOf = (code: CollaborativeCode): IcsCode[] => [...collaboratives.find((c) => c.code === code)!.ics];
const ALL_ICS = collaboratives.flatMap((c) => c.ics);
const SUBSCRIBERS = { CCR: 'ccr-reader', OHC: 'ohc-reader' } as const;
/** An SDE team granted the first project; the second is another team's. */
const SDE_TEAM = 'dia-team';
const PROJECTS = { granted: 'diabetes-outcomes', other: 'urgent-care-flow' } as const;

const naming: AccessNaming = {
  topicPrefix: uniqueName('access', 'matrix'),
  idPrefix: uniqueIdentifier('acl').replace(/_/g, '-'),
};
const t = {
  ics: (ics: string) => recordChangeTopic(ics, naming.topicPrefix),
  changelog: (c: CollaborativeCode) => changelogTopic(c, naming.topicPrefix),
  dlq: (c: CollaborativeCode) => projectorDeadLetterTopic(c, naming.topicPrefix),
  retry: (c: CollaborativeCode) => projectorRetryTopic(c, naming.topicPrefix),
  audit: () => recordAccessAuditTopic(naming.topicPrefix),
  optOuts: () => optOutTopic(naming.topicPrefix),
  sde: (project: string) => sdeProjectTopic(project, 1, naming.topicPrefix),
  sdeNotices: (project: string) => sdeNoticeTopic(project, naming.topicPrefix),
  subscriptionsDlq: () => subscriptionsDeadLetterTopic(naming.topicPrefix),
};
const ALL_TOPICS = [
  ...ALL_ICS.map(t.ics),
  ...(['CCR', 'OHC'] as const).flatMap((c) => [t.changelog(c), t.dlq(c), t.retry(c)]),
  t.audit(),
  t.optOuts(),
  ...Object.values(PROJECTS).flatMap((project) => [t.sde(project), t.sdeNotices(project)]),
  t.subscriptionsDlq(),
];

const service = (role: ServiceRole) => servicePrincipalName(role, naming);
const projector = (c: CollaborativeCode) => service(c === 'CCR' ? 'projector-ccr' : 'projector-ohc');
const subscriber = (c: CollaborativeCode) => subscriberPrincipalName(SUBSCRIBERS[c], naming);
const sdeTeam = () => subscriberPrincipalName(SDE_TEAM, naming);
const subscriptions = () => service('subscriptions');
const random = () => randomBytes(4).toString('hex');
const short = (topic: string) => topic.slice(naming.topicPrefix.length + 1);

let admin: TestKafka;
let principals: TestPrincipals;
/** Per principal: a client with kafkajs's default retries (for what it may do) and one that retries once. */
const allowedClients = new Map<string, TestKafka>();
const refusedClients = new Map<string, TestKafka>();
const as = (name: string) => allowedClients.get(name)!;
const refusedAs = (name: string) => refusedClients.get(name)!;
/** What the refused clients' kafkajs logged since the current refusal began (tests of a file run one at a time). */
const kafkaLog: string[] = [];

beforeAll(async () => {
  admin = new TestKafka();
  for (const topic of ALL_TOPICS) await admin.createTopic({ name: topic, partitions: 1 });
  principals = await TestPrincipals.create([
    ...servicePrincipals(collaboratives, naming),
    subscriberPrincipal(SUBSCRIBERS.CCR, 'CCR', naming),
    subscriberPrincipal(SUBSCRIBERS.OHC, 'OHC', naming),
    sdeSubscriberPrincipal(SDE_TEAM, { id: PROJECTS.granted, version: 1 }, naming),
  ]);
  for (const name of principals.names) {
    allowedClients.set(name, new TestKafka(principals.environment(name)));
    refusedClients.set(
      name,
      new TestKafka(principals.environment(name), {
        retry: { retries: 1 },
        logger: capturedKafkaLog(kafkaLog),
      }),
    );
  }
  // Something to read on every topic.
  const producer = await admin.producer();
  for (const topic of ALL_TOPICS) await producer.send({ topic, messages: [{ key: 'seed', value: 'seed' }] });
}, 120_000);

afterAll(async () => {
  for (const kafka of [...allowedClients.values(), ...refusedClients.values()]) await kafka.cleanup();
  await principals?.cleanup();
  await admin?.cleanup();
}, 60_000);

// ---------------------------------------------------------------------------------------------------------------
// How a refusal is observed (libs/testing's kafka-refusals), with this file's refused clients' log

const refusal = (work: () => Promise<unknown>) => refusalOf(work, kafkaLog);
const consumeRefusal = (kafka: TestKafka, topic: string, groupId: string) =>
  consumeRefusalOf(kafka, topic, groupId, kafkaLog);
const produceRefusal = (kafka: TestKafka, topic: string) => produceRefusalOf(kafka, topic, kafkaLog);

async function endOffset(topic: string): Promise<bigint> {
  const offsets = await (await admin.connectedAdmin()).fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + BigInt(p.high), 0n);
}

// ---------------------------------------------------------------------------------------------------------------

/** Ingest's way of publishing: one message in a committed transaction, with a transactional id under its prefix. */
const publishAsIngest = (topic: string) =>
  publishInTransaction(
    service('ingest'),
    `${ingestTransactionalIdPrefix(naming)}-test-${short(topic)}-${random()}`,
    topic,
  );

/** One message in a committed transaction, as `who` under `transactionalId`. */
async function publishInTransaction(who: string, transactionalId: string, topic: string): Promise<void> {
  const before = await endOffset(topic);
  const producer = as(who).kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    const transaction = await producer.transaction();
    const [written] = await transaction.send({ topic, messages: [{ key: 'patient', value: 'change' }] });
    await transaction.commit();
    expect(written).toMatchObject({ topicName: topic, errorCode: 0 });
  } finally {
    await producer.disconnect();
  }
  // Committed: the last stable offset moves past the message and its commit marker (written just after).
  await eventually(`the transaction on ${topic} to be committed`, async () =>
    (await endOffset(topic)) === before + 2n ? true : undefined,
  );
}

/** A write as the services make theirs: idempotent, acks=all. */
async function publishAs(who: string, topic: string): Promise<void> {
  const producer = createRecordProducer(as(who).kafka);
  await producer.connect();
  try {
    const [written] = await producer.send({ topic, messages: [{ key: 'patient', value: 'written' }] });
    expect(written).toMatchObject({ topicName: topic, errorCode: 0 });
  } finally {
    await producer.disconnect();
  }
}

describe('Kafka access: what each principal may do', () => {
  it.each(ALL_ICS.map((ics) => [ics]))(
    "ingest publishes to %s's topic in a transaction, with a transactional id under its prefix",
    (ics) => publishAsIngest(t.ics(ics)),
  );

  it("ingest publishes a practice's type 1 opt-out on the opt-out topic in a transaction", () =>
    publishAsIngest(t.optOuts()));

  const projectorReads = (['CCR', 'OHC'] as const).flatMap((c) =>
    [...icsOf(c).map(t.ics), t.changelog(c === 'CCR' ? 'OHC' : 'CCR'), t.retry(c)].map(
      (topic) => [c, short(topic), topic] as const,
    ),
  );
  it.each(projectorReads)(
    'the %s projector reads %s with a group under its prefix',
    async (c, _short, topic) => {
      const groupId = `${projectorGroupId(c, naming)}-test-${random()}`;
      const messages = await as(projector(c)).waitForMessages(topic, 1, { groupId });
      expect(messages[0]).toMatchObject({ topic, key: 'seed' });
    },
  );

  const projectorWrites = (['CCR', 'OHC'] as const).flatMap((c) =>
    [t.changelog(c), t.dlq(c), t.retry(c)].map((topic) => [c, short(topic), topic] as const),
  );
  it.each(projectorWrites)(
    'the %s projector writes %s (idempotently, as it does)',
    async (c, _short, topic) => {
      const producer = createRecordProducer(as(projector(c)).kafka);
      await producer.connect();
      try {
        const [written] = await producer.send({ topic, messages: [{ key: 'patient', value: 'projected' }] });
        expect(written).toMatchObject({ topicName: topic, errorCode: 0 });
      } finally {
        await producer.disconnect();
      }
    },
  );

  it.each(['CCR', 'OHC'] as const)(
    "the %s projector's changelog relay publishes in a transaction under its relay's transactional id",
    (c) =>
      publishInTransaction(
        projector(c),
        relayTransactionalId(projectorGroupId(c, naming), `rm_${random()}`),
        t.changelog(c),
      ),
  );

  it("the SDE publisher's outbox relay publishes in a transaction under its relay's transactional id", () =>
    publishInTransaction(
      service('sde-publisher'),
      relayTransactionalId(sdePublisherGroupId(naming), `sde_${random()}`),
      t.sde(PROJECTS.granted),
    ));

  it('the record API writes the audit topic', async () => {
    const producer = createRecordProducer(as(service('record-api')).kafka);
    await producer.connect();
    try {
      const [written] = await producer.send({
        topic: t.audit(),
        messages: [{ key: 'reader', value: 'accessed' }],
      });
      expect(written).toMatchObject({ topicName: t.audit(), errorCode: 0 });
    } finally {
      await producer.disconnect();
    }
  });

  it.each(['CCR', 'OHC'] as const)(
    "a subscriber of %s reads its collaborative's changelog with a group under its prefix",
    async (c) => {
      const groupId = `${subscriberGroupPrefix(SUBSCRIBERS[c], naming)}test-${random()}`;
      const messages = await as(subscriber(c)).waitForMessages(t.changelog(c), 1, { groupId });
      expect(messages[0]).toMatchObject({ topic: t.changelog(c), key: 'seed' });
    },
  );

  it.each([...ALL_ICS.map(t.ics), t.optOuts()].map((topic) => [short(topic), topic]))(
    'the SDE publisher reads %s with a group under its prefix',
    async (_short, topic) => {
      const groupId = `${sdePublisherGroupId(naming)}-test-${random()}`;
      const messages = await as(service('sde-publisher')).waitForMessages(topic, 1, { groupId });
      expect(messages[0]).toMatchObject({ topic, key: 'seed' });
    },
  );

  it.each([t.sde(PROJECTS.granted), t.sdeNotices(PROJECTS.other)].map((topic) => [short(topic), topic]))(
    'the SDE publisher writes %s (idempotently, as it does)',
    (_short, topic) => publishAs(service('sde-publisher'), topic),
  );

  it("the SDE publisher creates a new project's topic, under the SDE prefix", async () => {
    const topic = t.sde(`new-study-${random()}`);
    const created = await (
      await as(service('sde-publisher')).connectedAdmin()
    ).createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    expect(created).toBe(true);
    const adminClient = await admin.connectedAdmin();
    expect(await adminClient.listTopics()).toContain(topic);
    await adminClient.deleteTopics({ topics: [topic] });
  });

  it('the opt-out import reads the opt-out topic with a throwaway group, deletes that group, and writes', async () => {
    const groupId = `${optOutImportGroupPrefix(naming)}-test-${random()}`;
    const messages = await as(service('opt-out-import')).waitForMessages(t.optOuts(), 1, { groupId });
    expect(messages[0]).toMatchObject({ topic: t.optOuts(), key: 'seed' });
    // waitForMessages has left the group (its consumer disconnected), so the group is empty and may be deleted.
    await (await as(service('opt-out-import')).connectedAdmin()).deleteGroups([groupId]);
    await publishAs(service('opt-out-import'), t.optOuts());
  });

  it.each([t.sde(PROJECTS.granted), t.sdeNotices(PROJECTS.granted)].map((topic) => [short(topic), topic]))(
    "an SDE team reads its project's %s with a group under its prefix",
    async (_short, topic) => {
      const groupId = `${subscriberGroupPrefix(SDE_TEAM, naming)}test-${random()}`;
      const messages = await as(sdeTeam()).waitForMessages(topic, 1, { groupId });
      expect(messages[0]).toMatchObject({ topic, key: 'seed' });
    },
  );

  it.each(ALL_ICS.map((ics) => [short(t.ics(ics)), t.ics(ics)]))(
    'the subscription service reads %s with a group under its prefix',
    async (_short, topic) => {
      const groupId = `${subscriptionsGroupId(naming)}-test-${random()}`;
      const messages = await as(subscriptions()).waitForMessages(topic, 1, { groupId });
      expect(messages[0]).toMatchObject({ topic, key: 'seed' });
    },
  );

  it('the subscription service re-reads an ICS topic at known offsets with a throwaway reader group, and deletes that group', async () => {
    const reader = subscriptionsReaderGroupPrefix(naming);
    const position = { topic: t.ics(ALL_ICS[0]), partition: 0, offset: '0' };
    const read = await readAtPositions(as(subscriptions()).kafka, {
      positions: [position],
      reader,
      decode: ({ message }) => message.key?.toString(),
      timeoutMs: 60_000,
    });
    expect([...read]).toEqual([[positionKey(position), 'seed']]);
    // readAtPositions ignores a failed delete: only the broker's group list shows the DELETE grant covers the group.
    const { groups } = await (await admin.connectedAdmin()).listGroups();
    expect(groups.map((g) => g.groupId).filter((g) => g.startsWith(reader))).toEqual([]);
  });

  it('the subscription service writes its dead-letter topic (idempotently, as it does)', () =>
    publishAs(subscriptions(), t.subscriptionsDlq()));

  it.each(['CCR', 'OHC'] as const)(
    'the %s projector reads its dead letters (dlq, rebuild) with a throwaway group, and deletes that group',
    async (c) => {
      // A letter of the test's own: the test of topic creation deletes this topic and creates it again, empty.
      await (await admin.producer()).send({ topic: t.dlq(c), messages: [{ key: 'seed', value: 'seed' }] });
      const letters = await readDeadLetters(
        as(projector(c)).kafka,
        t.dlq(c),
        projectorGroupId(c, naming),
        20_000,
      );
      expect(letters.length).toBeGreaterThan(0);
      const { groups } = await (await admin.connectedAdmin()).listGroups();
      const readers = groups.map((g) => g.groupId).filter((g) => g.startsWith(projectorGroupId(c, naming)));
      expect(readers.filter((g) => g.includes('-dlq-reader'))).toEqual([]);
    },
  );

  it.each(['CCR', 'OHC'] as const)(
    'the %s projector creates its own topics when they are missing',
    async (c) => {
      const topic = t.dlq(c);
      const adminClient = await admin.connectedAdmin();
      await adminClient.deleteTopics({ topics: [topic] });
      const gone = async () => !(await adminClient.listTopics()).includes(topic);
      for (let i = 0; i < 50 && !(await gone()); i++) await new Promise((r) => setTimeout(r, 100));

      const spec: ITopicConfig = {
        topic,
        numPartitions: 1,
        configEntries: [{ name: 'retention.ms', value: '-1' }],
      };
      const created = await (
        await as(projector(c)).connectedAdmin()
      ).createTopics({
        topics: [spec],
        waitForLeaders: true,
      });
      expect(created).toBe(true);
      expect(await adminClient.listTopics()).toContain(topic);
    },
  );

  it('the subscription service creates its dead-letter topic when it is missing', async () => {
    const topic = t.subscriptionsDlq();
    const adminClient = await admin.connectedAdmin();
    await adminClient.deleteTopics({ topics: [topic] });
    const gone = async () => !(await adminClient.listTopics()).includes(topic);
    for (let i = 0; i < 50 && !(await gone()); i++) await new Promise((r) => setTimeout(r, 100));

    const created = await (
      await as(subscriptions()).connectedAdmin()
    ).createTopics({
      topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] }],
      waitForLeaders: true,
    });
    expect(created).toBe(true);
    expect(await adminClient.listTopics()).toContain(topic);
  });
});

describe('Kafka access: who is refused', () => {
  const brokers = () => testKafkaEnvironment().KAFKA_BROKERS.split(',');

  it('refuses a TLS connection that does not authenticate', async () => {
    const ca = fs.readFileSync(testKafkaEnvironment().KAFKA_SSL_CA_FILE, 'utf8');
    const anonymous = new Kafka({
      brokers: brokers(),
      ssl: { ca: [ca], rejectUnauthorized: true },
      connectionTimeout: 3000,
      requestTimeout: 5000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).admin();
    try {
      const failure = await refusal(async () => {
        await anonymous.connect();
        await anonymous.listTopics();
      });
      // The TLS handshake succeeds (the same transport with SASL is what every other test uses); the broker closes
      // the connection at the first request that is not part of authenticating. A broker that is down would be a
      // KafkaJSConnectionError (ECONNREFUSED) instead.
      expect(failure).toMatchObject({ name: 'KafkaJSConnectionClosedError', message: 'Closed connection' });
    } finally {
      await anonymous.disconnect();
    }
  });

  it('refuses a PLAINTEXT connection to the TLS port', async () => {
    const plaintext = new TestKafka(
      { KAFKA_BROKERS: brokers().join(','), KAFKA_SECURITY_PROTOCOL: 'PLAINTEXT' },
      { retry: { retries: 0 } },
    );
    try {
      const failure = await refusal(() => plaintext.connectedAdmin());
      // The broker expects a TLS handshake, gets a Kafka request, and drops the connection.
      expect(failure).toMatchObject({ name: 'KafkaJSConnectionClosedError', message: 'Closed connection' });
    } finally {
      await plaintext.cleanup();
    }
  });

  it.each([
    ['a principal with a wrong password', () => projector('CCR')],
    ['a user that does not exist', () => `${naming.idPrefix}-nobody`],
  ])('refuses %s (SASL authentication failed)', async (_who, name) => {
    const { KAFKA_SASL_PASSWORD_FILE: _file, ...environment } = principals.environment(projector('CCR'));
    const wrong = new TestKafka(
      { ...environment, KAFKA_SASL_USERNAME: name(), KAFKA_SASL_PASSWORD: 'not-the-password' },
      { retry: { retries: 0 } },
    );
    try {
      const failure = await refusal(() => wrong.connectedAdmin());
      expect(failure).toMatchObject({
        name: 'KafkaJSSASLAuthenticationError',
        message: expect.stringMatching(/SASL SCRAM SHA512 authentication failed/) as unknown,
      });
    } finally {
      await wrong.cleanup();
    }
  });

  // -- reading --------------------------------------------------------------------------------------------------
  const reads: Array<readonly [string, string, string, () => string, Partial<Failure>]> = [
    ...icsOf('OHC').map(
      (ics) =>
        [
          projector('CCR'),
          short(t.ics(ics)),
          t.ics(ics),
          () => `${projectorGroupId('CCR', naming)}-${random()}`,
          TOPIC_DENIED,
        ] as const,
    ),
    ...[...ALL_ICS.map(t.ics), t.changelog('CCR'), t.changelog('OHC')].map(
      (topic) =>
        [
          service('record-api'),
          short(topic),
          topic,
          () => `${service('record-api')}-${random()}`,
          TOPIC_DENIED,
        ] as const,
    ),
    // Ingest may describe the topics it writes, so its read is refused at the group: it holds none.
    ...ALL_ICS.slice(0, 2).map(
      (ics) =>
        [
          service('ingest'),
          short(t.ics(ics)),
          t.ics(ics),
          () => `${service('ingest')}-${random()}`,
          GROUP_DENIED,
        ] as const,
    ),
    // Ingest may describe the opt-out topic (it writes there) but has no group to read it with.
    [
      service('ingest'),
      short(t.optOuts()),
      t.optOuts(),
      () => `${service('ingest')}-${random()}`,
      GROUP_DENIED,
    ] as const,
    ...[t.changelog('CCR'), t.audit()].map(
      (topic) =>
        [
          service('ingest'),
          short(topic),
          topic,
          () => `${service('ingest')}-${random()}`,
          TOPIC_DENIED,
        ] as const,
    ),
    ...[t.changelog('OHC'), ...ALL_ICS.map(t.ics), t.audit(), t.dlq('CCR'), t.retry('CCR'), t.optOuts()].map(
      (topic) =>
        [
          subscriber('CCR'),
          short(topic),
          topic,
          () => `${subscriberGroupPrefix(SUBSCRIBERS.CCR, naming)}${random()}`,
          TOPIC_DENIED,
        ] as const,
    ),
    ...[t.changelog('CCR'), t.changelog('OHC'), t.audit()].map(
      (topic) =>
        [
          service('sde-publisher'),
          short(topic),
          topic,
          () => `${sdePublisherGroupId(naming)}-${random()}`,
          TOPIC_DENIED,
        ] as const,
    ),
    ...[t.ics(icsOf('CCR')[0]), t.sde(PROJECTS.granted)].map(
      (topic) =>
        [
          service('opt-out-import'),
          short(topic),
          topic,
          () => `${optOutImportGroupPrefix(naming)}-${random()}`,
          TOPIC_DENIED,
        ] as const,
    ),
    ...[
      t.sde(PROJECTS.other),
      t.sdeNotices(PROJECTS.other),
      t.optOuts(),
      t.ics(icsOf('CCR')[0]),
      t.changelog('CCR'),
      t.audit(),
    ].map(
      (topic) =>
        [
          sdeTeam(),
          short(topic),
          topic,
          () => `${subscriberGroupPrefix(SDE_TEAM, naming)}${random()}`,
          TOPIC_DENIED,
        ] as const,
    ),
    ...[
      t.changelog('CCR'),
      t.changelog('OHC'),
      t.audit(),
      t.optOuts(),
      t.dlq('CCR'),
      t.retry('OHC'),
      t.sde(PROJECTS.granted),
      t.sdeNotices(PROJECTS.granted),
    ].map(
      (topic) =>
        [
          subscriptions(),
          short(topic),
          topic,
          () => `${subscriptionsGroupId(naming)}-${random()}`,
          TOPIC_DENIED,
        ] as const,
    ),
    // It may describe its dead-letter topic (it writes there), and join its group, but not read what it wrote.
    [
      subscriptions(),
      short(t.subscriptionsDlq()),
      t.subscriptionsDlq(),
      () => `${subscriptionsGroupId(naming)}-${random()}`,
      TOPIC_DENIED,
    ] as const,
  ];
  it.each(reads)('%s cannot read %s', async (who, _short, topic, group, expected) => {
    expect(await consumeRefusal(refusedAs(who), topic, group())).toMatchObject(expected);
  });

  const groups: Array<readonly [string, string, string]> = [
    // The prefix ends with a dot, so a longer subscriber name is not inside it.
    [subscriber('CCR'), t.changelog('CCR'), `${subscriberPrincipalName(SUBSCRIBERS.CCR, naming)}-2.g`],
    [subscriber('CCR'), t.changelog('CCR'), subscriberPrincipalName(SUBSCRIBERS.CCR, naming)],
    [subscriber('CCR'), t.changelog('CCR'), `${subscriberGroupPrefix(SUBSCRIBERS.OHC, naming)}g`],
    [subscriber('CCR'), t.changelog('CCR'), projectorGroupId('CCR', naming)],
    [subscriber('CCR'), t.changelog('CCR'), `crosscare-other-${random()}`],
    [projector('CCR'), t.ics(icsOf('CCR')[0]), projectorGroupId('OHC', naming)],
    [projector('OHC'), t.changelog('CCR'), `${subscriberGroupPrefix(SUBSCRIBERS.OHC, naming)}g`],
    [sdeTeam(), t.sde(PROJECTS.granted), sdePublisherGroupId(naming)],
    [sdeTeam(), t.sde(PROJECTS.granted), `${subscriberGroupPrefix(SUBSCRIBERS.CCR, naming)}g`],
    [service('sde-publisher'), t.optOuts(), `${optOutImportGroupPrefix(naming)}-g`],
    [service('opt-out-import'), t.optOuts(), `${sdePublisherGroupId(naming)}-g`],
    // The subscription service reads the ICS topics with its own groups only, and nobody else with its groups.
    [subscriptions(), t.ics(icsOf('CCR')[0]), projectorGroupId('CCR', naming)],
    [subscriptions(), t.ics(icsOf('OHC')[0]), `${sdePublisherGroupId(naming)}-g`],
    [service('sde-publisher'), t.ics(icsOf('CCR')[0]), `${subscriptionsGroupId(naming)}-g`],
    [projector('OHC'), t.ics(icsOf('OHC')[0]), `${subscriptionsReaderGroupPrefix(naming)}-g`],
  ];
  it.each(groups)('%s cannot consume %s as group %s', async (who, topic, groupId) => {
    expect(await consumeRefusal(refusedAs(who), topic, groupId)).toMatchObject(GROUP_DENIED);
  });

  // -- writing --------------------------------------------------------------------------------------------------
  const writes: Array<readonly [string, string]> = [
    ...[
      t.changelog('OHC'),
      t.dlq('OHC'),
      t.retry('OHC'),
      t.ics(icsOf('CCR')[0]),
      t.ics(icsOf('OHC')[0]),
      t.audit(),
      t.optOuts(),
    ].map((topic) => [projector('CCR'), topic] as const),
    ...[
      t.changelog('CCR'),
      t.changelog('OHC'),
      t.ics(icsOf('CCR')[0]),
      t.audit(),
      t.dlq('CCR'),
      t.retry('CCR'),
      t.optOuts(),
    ].map((topic) => [subscriber('CCR'), topic] as const),
    ...[t.ics(icsOf('CCR')[0]), t.changelog('CCR'), t.dlq('CCR'), t.optOuts()].map(
      (topic) => [service('record-api'), topic] as const,
    ),
    ...[t.changelog('CCR'), t.audit(), t.retry('OHC'), t.sde(PROJECTS.granted)].map(
      (topic) => [service('ingest'), topic] as const,
    ),
    ...[t.ics(icsOf('CCR')[0]), t.ics(icsOf('OHC')[0]), t.changelog('CCR'), t.optOuts()].map(
      (topic) => [service('sde-publisher'), topic] as const,
    ),
    ...[t.ics(icsOf('CCR')[0]), t.sde(PROJECTS.granted)].map(
      (topic) => [service('opt-out-import'), topic] as const,
    ),
    ...[t.sde(PROJECTS.granted), t.sdeNotices(PROJECTS.granted), t.optOuts()].map(
      (topic) => [sdeTeam(), topic] as const,
    ),
    // The subscription service reads every ICS topic and writes none of them, nor anything but its dead letters.
    ...[
      ...ALL_ICS.map(t.ics),
      t.changelog('CCR'),
      t.audit(),
      t.optOuts(),
      t.dlq('CCR'),
      t.sde(PROJECTS.granted),
    ].map((topic) => [subscriptions(), topic] as const),
    // Its dead letters are its own.
    ...[
      service('ingest'),
      projector('CCR'),
      projector('OHC'),
      service('record-api'),
      service('sde-publisher'),
      service('opt-out-import'),
      subscriber('CCR'),
      sdeTeam(),
    ].map((who) => [who, t.subscriptionsDlq()] as const),
  ];
  it.each(writes)('%s cannot write %s', async (who, topic) => {
    expect(await produceRefusal(refusedAs(who), topic)).toMatchObject(TOPIC_DENIED);
  });

  // -- transactions ---------------------------------------------------------------------------------------------
  it.each<readonly [string, string, Partial<Failure>]>([
    [service('ingest'), `${naming.idPrefix}-other-${random()}`, TRANSACTIONAL_ID_DENIED],
    [service('ingest'), `${projectorGroupId('CCR', naming)}-${random()}`, TRANSACTIONAL_ID_DENIED],
    [projector('CCR'), `${ingestTransactionalIdPrefix(naming)}-${random()}`, TRANSACTIONAL_ID_DENIED],
    // A relay's id is its own service's: not the other projector's relay, nor any other id under its group prefix.
    [
      projector('CCR'),
      relayTransactionalId(projectorGroupId('OHC', naming), `rm_${random()}`),
      TRANSACTIONAL_ID_DENIED,
    ],
    [projector('CCR'), `${projectorGroupId('CCR', naming)}-${random()}`, TRANSACTIONAL_ID_DENIED],
    [
      service('sde-publisher'),
      relayTransactionalId(projectorGroupId('CCR', naming), `rm_${random()}`),
      TRANSACTIONAL_ID_DENIED,
    ],
    [
      service('ingest'),
      relayTransactionalId(sdePublisherGroupId(naming), `sde_${random()}`),
      TRANSACTIONAL_ID_DENIED,
    ],
    // The subscription service publishes no transaction: not under its group, nor as a relay of its own.
    [subscriptions(), `${subscriptionsGroupId(naming)}-${random()}`, TRANSACTIONAL_ID_DENIED],
    [
      subscriptions(),
      relayTransactionalId(subscriptionsGroupId(naming), `subs_${random()}`),
      TRANSACTIONAL_ID_DENIED,
    ],
    // A principal that may write no topic at all cannot even be an idempotent producer: refused before the id is.
    [
      subscriber('CCR'),
      `${subscriberGroupPrefix(SUBSCRIBERS.CCR, naming)}${random()}`,
      { type: 'CLUSTER_AUTHORIZATION_FAILED' },
    ],
  ])('%s cannot use the transactional id %s', async (who, transactionalId, expected) => {
    const producer = refusedAs(who).kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      // kafkajs will not make an idempotent producer that may not retry; the refusal is not retried anyway.
      retry: { retries: 1 },
    });
    try {
      const failure = await refusal(async () => {
        await producer.connect();
        await producer.transaction();
      });
      expect(failure).toMatchObject(expected);
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  });

  // -- administering --------------------------------------------------------------------------------------------
  const administered: Array<readonly [string, string]> = [
    [service('ingest'), t.ics(icsOf('CCR')[0])],
    [projector('CCR'), t.changelog('CCR')],
    [projector('OHC'), t.retry('OHC')],
    [service('record-api'), t.audit()],
    [subscriber('CCR'), t.changelog('CCR')],
    [service('sde-publisher'), t.sde(PROJECTS.granted)],
    [service('opt-out-import'), t.optOuts()],
    [sdeTeam(), t.sde(PROJECTS.granted)],
    [subscriptions(), t.ics(icsOf('CCR')[0])],
    [subscriptions(), t.subscriptionsDlq()],
  ];
  it.each(administered)('%s cannot delete %s', async (who, topic) => {
    const client = await refusedAs(who).connectedAdmin();
    expect(await refusal(() => client.deleteTopics({ topics: [topic], timeout: 5000 }))).toMatchObject(
      TOPIC_DENIED,
    );
    expect(await (await admin.connectedAdmin()).listTopics()).toContain(topic);
  });

  // A group the principal may describe is refused by DeleteGroups itself; another's, already at its coordinator.
  it.each<readonly [string, string, Partial<Failure>]>([
    [projector('CCR'), projectorGroupId('CCR', naming), { type: 'GROUP_AUTHORIZATION_FAILED' }],
    [
      projector('CCR'),
      `${projectorGroupId('CCR', naming)}-rebuild-x`,
      { type: 'GROUP_AUTHORIZATION_FAILED' },
    ],
    [projector('CCR'), `${projectorGroupId('OHC', naming)}-dlq-reader-x`, GROUP_DENIED],
    // The subscription service deletes its throwaway reader groups only: never its own consumer group.
    [subscriptions(), subscriptionsGroupId(naming), { type: 'GROUP_AUTHORIZATION_FAILED' }],
    [subscriptions(), `${projectorDeadLetterReaderGroupPrefix('CCR', naming)}-x`, GROUP_DENIED],
    [projector('CCR'), `${subscriptionsReaderGroupPrefix(naming)}-x`, GROUP_DENIED],
    [
      subscriber('CCR'),
      `${subscriberGroupPrefix(SUBSCRIBERS.CCR, naming)}g`,
      { type: 'GROUP_AUTHORIZATION_FAILED' },
    ],
  ])('%s cannot delete the consumer group %s', async (who, groupId, expected) => {
    const client = await refusedAs(who).connectedAdmin();
    expect(await refusal(() => client.deleteGroups([groupId]))).toMatchObject(expected);
  });

  it.each(administered)('%s cannot alter the configuration of %s', async (who, topic) => {
    const client = await refusedAs(who).connectedAdmin();
    const failure = await refusal(() =>
      client.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: [{ name: 'retention.ms', value: '1' }],
          },
        ],
      }),
    );
    expect(failure).toMatchObject(TOPIC_DENIED);
  });

  it.each([
    [service('record-api'), t.changelog('CCR')],
    [subscriber('CCR'), `${naming.topicPrefix}.sub-made.v1`],
    [projector('CCR'), `${naming.topicPrefix}.zz.record-changes.v1`],
    [service('ingest'), `${naming.topicPrefix}.zz.record-changes.v1`],
    [service('sde-publisher'), `${naming.topicPrefix}.sde-made.v1`],
    [service('opt-out-import'), t.sde('made-by-import')],
    [sdeTeam(), t.sde('made-by-team')],
    [subscriptions(), `${naming.topicPrefix}.subscriptions-made.v1`],
    [subscriptions(), t.ics('zz')],
  ])('%s cannot create the topic %s', async (who, topic) => {
    const client = await refusedAs(who).connectedAdmin();
    const failure = await refusal(() => client.createTopics({ topics: [{ topic, numPartitions: 1 }] }));
    expect(failure).toMatchObject(TOPIC_DENIED);
  });
});
