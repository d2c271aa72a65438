import * as fs from 'node:fs';
import { kafkaContainerPlan } from './kafka-container';

const plan = () =>
  kafkaContainerPlan({
    publishedPort: 41234,
    clusterId: 'Y3Jvc3NjYXJlLXRlc3RzLQ',
    keystoreFile: '/home/.crosscare/tls/broker.p12',
    keystorePassword: 'ks-secret',
    adminUser: 'crosscare-admin',
    adminPassword: 'admin-secret',
  });

function properties(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes('=') && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

const content = (target: string) => {
  const found = plan().contents.find((c) => c.target === target);
  if (!found) throw new Error(`no ${target}`);
  return found.content;
};

describe('the tests’ Kafka container', () => {
  it('runs the broker with no PLAINTEXT listener and the authorizer on', () => {
    const props = properties(content('/etc/crosscare/kafka/server.properties'));
    expect(Object.values(props).join('\n')).not.toMatch(/PLAINTEXT/);
    expect(props['listener.security.protocol.map']).toBe(
      'INTERNAL:SASL_SSL,HOST:SASL_SSL,CONTROLLER:SASL_SSL',
    );
    expect(props['sasl.enabled.mechanisms']).toBe('SCRAM-SHA-512');
    expect(props['authorizer.class.name']).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(props['allow.everyone.if.no.acl.found']).toBe('false');
    expect(props['super.users']).toBe('User:crosscare-admin');
    expect(props['ssl.keystore.location']).toBe('/etc/crosscare/kafka/broker.p12');
  });

  it('advertises the published port to the host, and reaches itself as localhost (named by its certificate)', () => {
    const p = plan();
    expect(p.exposedPort).toEqual({ container: 9092, host: 41234 });
    const props = properties(content('/etc/crosscare/kafka/server.properties'));
    expect(props['advertised.listeners']).toBe('INTERNAL://localhost:29092,HOST://127.0.0.1:41234');
    expect(props['controller.quorum.voters']).toBe('1@localhost:9093');
  });

  it('formats the storage with the admin as a SCRAM-SHA-512 user, by salted password only', () => {
    const scram = content('/etc/crosscare/kafka/admin-scram');
    expect(scram).toMatch(
      /^SCRAM-SHA-512=\[name=crosscare-admin,iterations=8192,salt="[^"]+",saltedpassword="[^"]+"\]\n$/,
    );
    expect(scram).not.toContain('admin-secret');
  });

  it('starts through the start script docker-compose.yml uses, with the keystore copied in', () => {
    const p = plan();
    expect([...p.entrypoint, ...p.command]).toEqual(['/bin/bash', '/opt/crosscare/start-broker.sh']);
    const script = p.files.find((f) => f.target === '/opt/crosscare/start-broker.sh');
    expect(script && fs.readFileSync(script.source, 'utf8')).toContain('--add-scram');
    expect(p.files).toContainEqual({
      source: '/home/.crosscare/tls/broker.p12',
      target: '/etc/crosscare/kafka/broker.p12',
      mode: 0o644,
    });
    expect(p.environment).toEqual({
      CLUSTER_ID: 'Y3Jvc3NjYXJlLXRlc3RzLQ',
      CROSSCARE_KAFKA_CONFIG: '/etc/crosscare/kafka/server.properties',
      CROSSCARE_KAFKA_ADMIN_SCRAM: '/etc/crosscare/kafka/admin-scram',
    });
  });
});
