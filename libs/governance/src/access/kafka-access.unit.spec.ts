import {
  changelogTopic,
  projectorDeadLetterTopic,
  projectorRetryTopic,
  recordAccessAuditTopic,
  accessAlertTopic,
  recordChangeTopic,
  optOutTopic,
  sdeTopicPrefix,
} from '@crosscare/events';
import { loadProviderDirectory } from '../directory/load-provider-directory';
import type { CollaborativeCode } from '../directory/provider';
import {
  adminPrincipalName,
  DEFAULT_ACCESS_NAMING,
  projectorDeadLetterReaderGroupPrefix,
  projectorGroupId,
  servicePrincipal,
  servicePrincipals,
  subscriberGroupPrefix,
  subscriberPrincipal,
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
  it('name the six services under the id prefix, and never the admin', () => {
    expect(services.map((p) => p.name)).toEqual([
      'id-matrix-ingest',
      'id-matrix-projector-ccr',
      'id-matrix-projector-ohc',
      'id-matrix-record-api',
      'id-matrix-sde-publisher',
      'id-matrix-opt-out-import',
    ]);
    expect(everyone.map((p) => p.name)).not.toContain(adminPrincipalName(naming));
  });

  it('state each right once', () => {
    for (const p of everyone) {
      const rights = p.grants.map(describe_);
      expect(new Set(rights).size).toBe(rights.length);
    }
  });

  it.each(everyone.map((p) => [p.name, p] as const))(
    "%s: topics are LITERAL (but the SDE projects' own prefix); only groups and transactional ids are PREFIXED",
    (_name, principal) => {
      const sdeProjects = (g: KafkaGrant) =>
        g.resourceType === 'TOPIC' && g.resourceName === sdeTopicPrefix(naming.topicPrefix);
      for (const g of principal.grants) {
        expect({ grant: describe_(g), pattern: g.patternType }).toEqual({
          grant: describe_(g),
          pattern: g.resourceType === 'TOPIC' && !sdeProjects(g) ? 'LITERAL' : 'PREFIXED',
        });
      }
    },
  );

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

  it('each topic has its writers: ingest its ICS topics, a projector its own, the record API audit, the opt-outs two', () => {
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
      // A patient's opt-outs come from two authorities: their GP practice (type 1, through ingest) and the national
      // service (the National Data Opt-out import); each writes its own key of the patient.
      [optOutTopic(naming.topicPrefix), ['id-matrix-ingest', 'id-matrix-opt-out-import']],
      [sdeTopicPrefix(naming.topicPrefix), ['id-matrix-sde-publisher']],
    ]);
    expect(Object.fromEntries(writers)).toEqual(Object.fromEntries(expected));
  });

  it("no principal may delete a topic; groups only a projector (its dead-letter reads') and the opt-out import (its reads')", () => {
    const deletes = everyone.flatMap((p) =>
      p.grants.filter((g) => g.operation === 'DELETE').map((g) => `${p.name} ${describe_(g)}`),
    );
    expect(deletes).toEqual([
      'id-matrix-projector-ccr DELETE PREFIXED GROUP id-matrix-projector-ccr-dlq-reader',
      'id-matrix-projector-ohc DELETE PREFIXED GROUP id-matrix-projector-ohc-dlq-reader',
      'id-matrix-opt-out-import DELETE PREFIXED GROUP id-matrix-opt-out-import',
    ]);
    // The projector's own group is outside the prefix it may delete under.
    expect(
      projectorGroupId('CCR', naming).startsWith(projectorDeadLetterReaderGroupPrefix('CCR', naming)),
    ).toBe(false);
  });

  it('the record API and ingest read nothing and use no consumer group', () => {
    for (const role of ['ingest', 'record-api'] as const) {
      const p = servicePrincipal(role, collaboratives, naming);
      expect(
        p.grants.filter((g) => g.operation === 'READ' || g.resourceType === 'GROUP').map(describe_),
      ).toEqual([]);
    }
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

  it('the default naming is the production one', () => {
    expect(servicePrincipals(collaboratives).map((p) => p.name)).toEqual([
      'crosscare-ingest',
      'crosscare-projector-ccr',
      'crosscare-projector-ohc',
      'crosscare-record-api',
      'crosscare-sde-publisher',
      'crosscare-opt-out-import',
    ]);
    expect(DEFAULT_ACCESS_NAMING).toEqual({ topicPrefix: 'crosscare', idPrefix: 'crosscare' });
  });
});
