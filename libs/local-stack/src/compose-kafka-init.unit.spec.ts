import * as fs from 'node:fs';
import * as path from 'node:path';
import { servicePrincipalName, type KafkaPrincipal } from '@crosscare/governance';
import { composeServicePrincipals, currentComposeKafkaInit } from './compose-cli';
import { COMPOSE_KAFKA_INIT_SCRIPT, kafkaAclArguments } from './compose-kafka-init';
import { REPO_ROOT } from './paths';

/** The (resource, pattern, operation) triples an invocation of kafka-acls.sh --add allows: every operation × resource. */
function allowed(args: readonly string[]): string[] {
  const value = (flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
  const resources = [
    ...value('--topic').map((n) => `TOPIC|${n}`),
    ...value('--group').map((n) => `GROUP|${n}`),
    ...value('--transactional-id').map((n) => `TRANSACTIONAL_ID|${n}`),
  ];
  const pattern = value('--resource-pattern-type')[0].toUpperCase();
  return value('--operation').flatMap((op) =>
    resources.map((r) => {
      const [type, name] = r.split('|');
      return `${type}|${pattern}|${name}|${op.toUpperCase()}`;
    }),
  );
}

const granted = (p: KafkaPrincipal) =>
  p.grants.map((g) => `${g.resourceType}|${g.patternType}|${g.resourceName}|${g.operation}`);

describe('docker-compose.yml’s kafka-init', () => {
  it('is the script the access definitions make today (npm run compose:init-script rewrites it)', async () => {
    const committed = fs.readFileSync(path.join(REPO_ROOT, COMPOSE_KAFKA_INIT_SCRIPT), 'utf8');
    expect(committed).toBe(await currentComposeKafkaInit());
  });

  it('allows each service principal exactly its grants, no more', async () => {
    for (const principal of await composeServicePrincipals()) {
      const invocations = kafkaAclArguments(principal);
      for (const args of invocations)
        expect(args.slice(0, 2)).toEqual(['--allow-principal', `User:${principal.name}`]);
      expect(invocations.flatMap(allowed).sort()).toEqual([...new Set(granted(principal))].sort());
    }
  });

  it('groups resources that share operations into one invocation', () => {
    const principal: KafkaPrincipal = {
      name: 'p',
      purpose: 'test',
      grants: [
        { resourceType: 'TOPIC', patternType: 'LITERAL', resourceName: 'a', operation: 'READ' },
        { resourceType: 'TOPIC', patternType: 'LITERAL', resourceName: 'b', operation: 'READ' },
        { resourceType: 'TOPIC', patternType: 'LITERAL', resourceName: 'b', operation: 'WRITE' },
        { resourceType: 'GROUP', patternType: 'PREFIXED', resourceName: 'g', operation: 'READ' },
      ],
    };
    expect(kafkaAclArguments(principal)).toEqual([
      [
        '--allow-principal',
        'User:p',
        '--operation',
        'Read',
        '--topic',
        'a',
        '--resource-pattern-type',
        'literal',
      ],
      [
        '--allow-principal',
        'User:p',
        '--operation',
        'Read',
        '--operation',
        'Write',
        '--topic',
        'b',
        '--resource-pattern-type',
        'literal',
      ],
      [
        '--allow-principal',
        'User:p',
        '--operation',
        'Read',
        '--group',
        'g',
        '--resource-pattern-type',
        'prefixed',
      ],
    ]);
  });

  it('refuses a resource name the shell or kafka-acls.sh would read as something else', () => {
    expect(() =>
      kafkaAclArguments({
        name: 'p',
        grants: [{ resourceType: 'TOPIC', patternType: 'LITERAL', resourceName: '*', operation: 'READ' }],
      }),
    ).toThrow(RangeError);
  });

  it('creates a user, and mounts a password, for every principal a compose service connects as', async () => {
    const compose = fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
    const script = await currentComposeKafkaInit();
    const connecting = [...compose.matchAll(/KAFKA_SASL_USERNAME: (\S+)/g)].map((m) => m[1]);
    const principals = (await composeServicePrincipals()).map((p) => p.name);
    // The opt-out import is a command run from the host, not a compose service; kafka-init still makes its user.
    const tools = [servicePrincipalName('opt-out-import')];
    expect(connecting.sort()).toEqual(principals.filter((p) => !tools.includes(p)).sort());
    for (const name of tools) expect(compose).toContain(`      - kafka-${name}\n`);
    for (const name of principals) {
      expect(script).toContain(`\nuser ${name}\n`);
      if (!tools.includes(name))
        expect(compose).toContain(`KAFKA_SASL_PASSWORD_FILE: /run/secrets/kafka-${name}\n`);
      expect(compose).toContain(`file: ./.crosscare/compose/secrets/kafka-${name}\n`);
    }
    expect(compose).not.toMatch(/PLAINTEXT/);
  });
});
