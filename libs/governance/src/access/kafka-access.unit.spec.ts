import {
  changelogTopic,
  projectorDeadLetterTopic,
  projectorRetryTopic,
  recordAccessAuditTopic,
  accessAlertTopic,
  optOutTopic,
  recordChangeTopic,
  sdeNoticeTopic,
  sdeProjectTopic,
  sdeTopicPrefix,
  subscriptionsDeadLetterTopic,
} from '@crosscare/events';
import { loadProviderDirectory } from '../directory/load-provider-directory';
import type { CollaborativeCode } from '../directory/provider';
import {
  adminPrincipalName,
  DEFAULT_ACCESS_NAMING,
  projectorDeadLetterReaderGroupPrefix,
  projectorGroupId,
  relayTransactionalId,
  sdePublisherGroupId,
  sdeSubscriberPrincipal,
  servicePrincipal,
  servicePrincipals,
  subscriberGroupPrefix,
  subscriberPrincipal,
  subscriptionsGroupId,
  subscriptionsReaderGroupPrefix,
  type AccessNaming,
  type KafkaGrant,
  type KafkaPrincipal,
} from './kafka-access';

const collaboratives = loadProviderDirectory({ onboardingDirs: [] }).collaboratives();
const naming: AccessNaming = { topicPrefix: 't.matrix', idPrefix: 'id-matrix' };
const services = servicePrincipals(collaboratives, naming);
const subscribers = [
  subscriberPrincipal('ccr-feed', 'CCR', naming),
  subscriberPrincipal('ohc-feed', 'OHC', naming),
  sdeSubscriberPrincipal('dia-team', { id: 'diabetes-outcomes', version: 1 }, naming),
];
const everyone: KafkaPrincipal[] = [...services, ...subscribers];

const otherThan = (code: CollaborativeCode): CollaborativeCode => (code === 'CCR' ? 'OHC' : 'CCR');
const icsTopics = (code: CollaborativeCode) =>
  collaboratives.find((c) => c.code === code)!.ics.map((ics) => recordChangeTopic(ics, naming.topicPrefix));
/** The topics only a collaborative's own services write. */
const writableTopicsOf = (code: CollaborativeCode) => [
  ...icsTopics(code),
  changelogTopic(code, naming.topicPrefix),
  projectorDeadLetterTopic(code, naming.topicPrefix),
  projectorRetryTopic(code, naming.topicPrefix),
];
const topicGrants = (p: KafkaPrincipal, topics: readonly string[]) =>
  p.grants.filter((g) => g.resourceType === 'TOPIC' && topics.includes(g.resourceName));
const describe_ = (g: KafkaGrant) => `${g.operation} ${g.patternType} ${g.resourceType} ${g.resourceName}`;

describe('Kafka access definitions', () => {
  it('name the seven services under the id prefix, and never the admin', () => {
    expect(services.map((p) => p.name)).toEqual([
      'id-matrix-ingest',
      'id-matrix-projector-ccr',
      'id-matrix-projector-ohc',
      'id-matrix-record-api',
      'id-matrix-sde-publisher',
      'id-matrix-opt-out-import',
      'id-matrix-subscriptions',
    ]);
    expect(everyone.map((p) => p.name)).not.toContain(adminPrincipalName(naming));
  });

  it('state each right once', () => {
    for (const p of everyone) {
      const rights = p.grants.map(describe_);
      expect(new Set(rights).size).toBe(rights.length);
    }
  });

  /** The one prefixed topic right: the SDE publisher's, on every SDE project's topics (present and future). */
  const sdeTopics = (g: KafkaGrant) =>
    g.resourceType === 'TOPIC' && g.resourceName === sdeTopicPrefix(naming.topicPrefix);
  it.each(everyone.map((p) => [p.name, p] as const))(
    '%s: topics are LITERAL (but SDE topics for the SDE publisher); only groups and transactional ids are PREFIXED',
    (_name, principal) => {
      for (const g of principal.grants) {
        expect({ grant: describe_(g), pattern: g.patternType }).toEqual({
          grant: describe_(g),
          pattern: g.resourceType === 'TOPIC' && !sdeTopics(g) ? 'LITERAL' : 'PREFIXED',
        });
      }
    },
  );

  it('gives the SDE topics prefix to the SDE publisher alone, to write and create, never to read', () => {
    const prefixed = everyone.flatMap((p) =>
      p.grants
        .filter((g) => g.resourceType === 'TOPIC' && g.patternType === 'PREFIXED')
        .map((g) => `${p.name} ${describe_(g)}`),
    );
    expect(prefixed).toEqual([
      'id-matrix-sde-publisher WRITE PREFIXED TOPIC t.matrix.sde.',
      'id-matrix-sde-publisher CREATE PREFIXED TOPIC t.matrix.sde.',
    ]);
  });

  it.each(['CCR', 'OHC'] as const)(
    "no principal of %s's side has any grant on the other side's ICS, dead-letter or retry topics",
    (code) => {
      const other = otherThan(code);
      const mine = [
        servicePrincipal(code === 'CCR' ? 'projector-ccr' : 'projector-ohc', collaboratives, naming),
        ...subscribers.filter((s) => s.purpose.includes(code)),
      ];
      const theirs = writableTopicsOf(other).filter((t) => t !== changelogTopic(other, naming.topicPrefix));
      for (const p of mine) expect(topicGrants(p, theirs).map(describe_)).toEqual([]);
    },
  );

  it.each(['CCR', 'OHC'] as const)(
    "of %s's changelog, its projector is the only writer; the other projector reads it and may create it",
    (code) => {
      const changelog = changelogTopic(code, naming.topicPrefix);
      const rights = everyone.flatMap((p) =>
        topicGrants(p, [changelog]).map((g) => `${p.name} ${g.operation}`),
      );
      expect(rights.sort()).toEqual(
        [
          `id-matrix-projector-${code.toLowerCase()} WRITE`,
          `id-matrix-projector-${code.toLowerCase()} CREATE`,
          `id-matrix-projector-${otherThan(code).toLowerCase()} READ`,
          `id-matrix-projector-${otherThan(code).toLowerCase()} CREATE`,
          `id-matrix-sub-${code.toLowerCase()}-feed READ`,
        ].sort(),
      );
    },
  );

  it('every topic has its writers: ingest its ICS topics, a projector its own topics, the record API audit, opt-outs two, each dead-letter topic its service', () => {
    const writers = new Map<string, string[]>();
    for (const p of everyone)
      for (const g of p.grants.filter((g) => g.resourceType === 'TOPIC' && g.operation === 'WRITE'))
        writers.set(g.resourceName, [...(writers.get(g.resourceName) ?? []), p.name]);
    const expected = new Map<string, string[]>([
      ...[...icsTopics('CCR'), ...icsTopics('OHC')].map(
        (t) => [t, ['id-matrix-ingest']] as [string, string[]],
      ),
      ...(['CCR', 'OHC'] as const).flatMap((code) =>
        writableTopicsOf(code)
          .filter((t) => !icsTopics(code).includes(t))
          .map((t) => [t, [`id-matrix-projector-${code.toLowerCase()}`]] as [string, string[]]),
      ),
      [recordAccessAuditTopic(naming.topicPrefix), ['id-matrix-record-api']],
      [accessAlertTopic(naming.topicPrefix), ['id-matrix-record-api']],
      // The national opt-outs by their import, GP practices' type 1 objections by ingest.
      [optOutTopic(naming.topicPrefix), ['id-matrix-ingest', 'id-matrix-opt-out-import']],
      // Every SDE project's topics (a prefix), by the SDE publisher.
      [sdeTopicPrefix(naming.topicPrefix), ['id-matrix-sde-publisher']],
      // Its undecodable sources, outside the SDE prefix (they are identifiable).
      ['t.matrix.sde-publisher.dead-letters.v1', ['id-matrix-sde-publisher']],
      // The record changes it could never decode.
      [subscriptionsDeadLetterTopic(naming.topicPrefix), ['id-matrix-subscriptions']],
    ]);
    expect(Object.fromEntries(writers)).toEqual(Object.fromEntries(expected));
  });

  it('no principal may delete a topic; only throwaway groups may be deleted, each by its owner', () => {
    const deletes = everyone.flatMap((p) =>
      p.grants.filter((g) => g.operation === 'DELETE').map((g) => `${p.name} ${describe_(g)}`),
    );
    expect(deletes).toEqual([
      'id-matrix-projector-ccr DELETE PREFIXED GROUP id-matrix-projector-ccr-dlq-reader',
      'id-matrix-projector-ohc DELETE PREFIXED GROUP id-matrix-projector-ohc-dlq-reader',
      'id-matrix-opt-out-import DELETE PREFIXED GROUP id-matrix-opt-out-import',
      'id-matrix-subscriptions DELETE PREFIXED GROUP id-matrix-subscriptions-reader',
    ]);
    // The projector's and the subscription service's own groups are outside the prefixes they may delete under.
    expect(
      projectorGroupId('CCR', naming).startsWith(projectorDeadLetterReaderGroupPrefix('CCR', naming)),
    ).toBe(false);
    expect(subscriptionsGroupId(naming).startsWith(subscriptionsReaderGroupPrefix(naming))).toBe(false);
  });

  it('the record API reads nothing; ingest reads only where its outbox relay keeps its position', () => {
    const reads = (role: 'ingest' | 'record-api') =>
      servicePrincipal(role, collaboratives, naming)
        .grants.filter((g) => g.operation === 'READ' || g.resourceType === 'GROUP')
        .map(describe_);
    expect(reads('record-api')).toEqual([]);
    expect(reads('ingest')).toEqual([
      'READ PREFIXED GROUP id-matrix-ingest-relay',
      'READ LITERAL TOPIC t.matrix.ingest.relay-position.v1',
    ]);
  });

  it("a subscriber reads its collaborative's changelog with groups of its own prefix, and nothing else", () => {
    expect(subscriberPrincipal('ccr-feed', 'CCR', naming).grants.map(describe_)).toEqual([
      'READ LITERAL TOPIC t.matrix.ccr.patient-records.v2',
      'READ PREFIXED GROUP id-matrix-sub-ccr-feed.',
    ]);
  });

  it("group and transactional-id prefixes never cover another principal's", () => {
    const prefixes = [
      ...everyone,
      subscriberPrincipal('ccr-feed-2', 'CCR', naming),
      subscriberPrincipal('projector-ccr', 'CCR', naming),
      subscriberPrincipal('subscriptions', 'CCR', naming),
    ].flatMap((p) =>
      p.grants
        .filter((g) => g.patternType === 'PREFIXED')
        .map((g) => ({ owner: p.name, prefix: g.resourceName })),
    );
    const overlaps = prefixes.flatMap((a) =>
      prefixes
        .filter((b) => b.owner !== a.owner && b.prefix.startsWith(a.prefix))
        .map((b) => `${a.owner}'s ${a.prefix} covers ${b.owner}'s ${b.prefix}`),
    );
    expect(overlaps).toEqual([]);
  });

  it.each(['abc', 'partner-feed', 'a1-b2', `a${'b'.repeat(40)}c`])('accepts subscriber name %p', (name) => {
    expect(subscriberPrincipal(name, 'CCR').name).toBe(`crosscare-sub-${name}`);
    expect(subscriberGroupPrefix(name)).toBe(`crosscare-sub-${name}.`);
  });

  it.each([
    ['too short', 'ab'],
    ['too long', `a${'b'.repeat(41)}c`],
    ['upper case', 'Partner'],
    ['a leading digit', '1feed'],
    ['a leading dash', '-feed'],
    ['a trailing dash', 'feed-'],
    ['a dot (it would reach into another group prefix)', 'feed.x'],
    ['a wildcard', 'feed*'],
    ['a space', 'my feed'],
    ['empty', ''],
  ])('refuses a subscriber name with %s', (_why, name) => {
    expect(() => subscriberPrincipal(name, 'CCR')).toThrow(/subscriber name/);
  });

  it('the SDE publisher reads every ICS topic and the opt-outs, and writes SDE topics only', () => {
    const p = servicePrincipal('sde-publisher', collaboratives, naming);
    expect(p.grants.map(describe_)).toEqual([
      ...[...icsTopics('CCR'), ...icsTopics('OHC')].map((t) => `READ LITERAL TOPIC ${t}`),
      'READ LITERAL TOPIC t.matrix.opt-outs.v1',
      'WRITE PREFIXED TOPIC t.matrix.sde.',
      'CREATE PREFIXED TOPIC t.matrix.sde.',
      'WRITE LITERAL TOPIC t.matrix.sde-publisher.dead-letters.v1',
      'CREATE LITERAL TOPIC t.matrix.sde-publisher.dead-letters.v1',
      'READ PREFIXED GROUP id-matrix-sde-publisher',
      'WRITE PREFIXED TRANSACTIONAL_ID id-matrix-sde-publisher-relay.',
    ]);
  });

  it('the subscription service reads every ICS topic, and writes (and creates) only its dead-letter topic', () => {
    const p = servicePrincipal('subscriptions', collaboratives, naming);
    expect(p.grants.map(describe_)).toEqual([
      ...[...icsTopics('CCR'), ...icsTopics('OHC')].map((t) => `READ LITERAL TOPIC ${t}`),
      'WRITE LITERAL TOPIC t.matrix.subscriptions.dead-letters.v1',
      'CREATE LITERAL TOPIC t.matrix.subscriptions.dead-letters.v1',
      'READ PREFIXED GROUP id-matrix-subscriptions',
      'DELETE PREFIXED GROUP id-matrix-subscriptions-reader',
    ]);
    // No transactions, no changelog, audit, opt-out or SDE topic, no other service's dead letters.
    expect(p.grants.filter((g) => g.resourceType === 'TRANSACTIONAL_ID')).toEqual([]);
    const others = [
      changelogTopic('CCR', naming.topicPrefix),
      changelogTopic('OHC', naming.topicPrefix),
      recordAccessAuditTopic(naming.topicPrefix),
      accessAlertTopic(naming.topicPrefix),
      optOutTopic(naming.topicPrefix),
      projectorDeadLetterTopic('CCR', naming.topicPrefix),
      't.matrix.sde-publisher.dead-letters.v1',
    ];
    expect(topicGrants(p, others)).toEqual([]);
    expect(p.grants.some((g) => g.resourceName.startsWith(sdeTopicPrefix(naming.topicPrefix)))).toBe(false);
  });

  it("the subscription service's throwaway reader groups are under the group prefix it reads with", () => {
    // A re-read at known offsets joins `${reader}-<uuid>`: it needs READ there, and DELETE to remove it after.
    const reader = `${subscriptionsReaderGroupPrefix(naming)}-6f1c`;
    const grants = servicePrincipal('subscriptions', collaboratives, naming).grants.filter(
      (g) => g.resourceType === 'GROUP' && reader.startsWith(g.resourceName),
    );
    expect(grants.map((g) => g.operation).sort()).toEqual(['DELETE', 'READ']);
    // Nobody else may use or delete them.
    const elsewhere = everyone
      .filter((p) => p.name !== 'id-matrix-subscriptions')
      .flatMap((p) =>
        p.grants
          .filter((g) => g.resourceType === 'GROUP' && reader.startsWith(g.resourceName))
          .map((g) => `${p.name} ${describe_(g)}`),
      );
    expect(elsewhere).toEqual([]);
  });

  it("gives each relaying service the transactional ids of its own relays, and nobody another's", () => {
    const relays = [
      [servicePrincipal('projector-ccr', collaboratives, naming), projectorGroupId('CCR', naming)],
      [servicePrincipal('projector-ohc', collaboratives, naming), projectorGroupId('OHC', naming)],
      [servicePrincipal('sde-publisher', collaboratives, naming), sdePublisherGroupId(naming)],
    ] as const;
    const covers = (p: KafkaPrincipal, id: string) =>
      p.grants.some(
        (g) =>
          g.resourceType === 'TRANSACTIONAL_ID' &&
          g.operation === 'WRITE' &&
          (g.patternType === 'LITERAL' ? id === g.resourceName : id.startsWith(g.resourceName)),
      );
    for (const [owner, groupId] of relays) {
      // One id per relayed schema, as the relay lock is; each under the owner's grant alone.
      const id = relayTransactionalId(groupId, 'read_model_a');
      expect(id).toBe(`${groupId}-relay.read_model_a`);
      expect(everyone.filter((p) => covers(p, id)).map((p) => p.name)).toEqual([owner.name]);
    }
    // Neither the consumer group nor any other id of the service: only its relays'.
    for (const [owner, groupId] of relays) expect(covers(owner, groupId)).toBe(false);
  });

  it("an SDE team reads its project's data (at its output version) and notices, with groups of its own", () => {
    expect(
      sdeSubscriberPrincipal('dia-team', { id: 'diabetes-outcomes', version: 2 }, naming).grants.map(
        describe_,
      ),
    ).toEqual([
      `READ LITERAL TOPIC ${sdeProjectTopic('diabetes-outcomes', 2, naming.topicPrefix)}`,
      `READ LITERAL TOPIC ${sdeNoticeTopic('diabetes-outcomes', naming.topicPrefix)}`,
      'READ PREFIXED GROUP id-matrix-sub-dia-team.',
    ]);
  });

  it('the default naming is the production one', () => {
    expect(servicePrincipals(collaboratives).map((p) => p.name)).toEqual([
      'crosscare-ingest',
      'crosscare-projector-ccr',
      'crosscare-projector-ohc',
      'crosscare-record-api',
      'crosscare-sde-publisher',
      'crosscare-opt-out-import',
      'crosscare-subscriptions',
    ]);
    expect(DEFAULT_ACCESS_NAMING).toEqual({ topicPrefix: 'crosscare', idPrefix: 'crosscare' });
  });
});
