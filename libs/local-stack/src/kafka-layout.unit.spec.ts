import {
  bootstrapServers,
  clusterSpec,
  renderClientProperties,
  renderContainerServerProperties,
  renderServerProperties,
} from './kafka-layout';

function properties(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes('=') && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

const SECURITY = {
  keystoreFile: '/home/.crosscare/tls/broker.p12',
  keystorePassword: 'ks-secret',
  adminUser: 'crosscare-admin',
  adminPassword: 'admin-secret',
};

describe('local Kafka layout', () => {
  it('offers clients SASL_SSL with SCRAM-SHA-512 only, and denies whatever no ACL allows', () => {
    const spec = clusterSpec(1);
    const props = properties(renderServerProperties(spec, spec.nodes[0], '/data/1', SECURITY));
    expect(props['listener.security.protocol.map']).toBe('CLIENT:SASL_SSL,CONTROLLER:SASL_SSL');
    expect(Object.values(props).join('\n')).not.toMatch(/PLAINTEXT/);
    expect(props['listener.name.client.sasl.enabled.mechanisms']).toBe('SCRAM-SHA-512');
    expect(props['authorizer.class.name']).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(props['allow.everyone.if.no.acl.found']).toBe('false');
    expect(props['super.users']).toBe('User:crosscare-admin');
    expect(props['ssl.keystore.location']).toBe('/home/.crosscare/tls/broker.p12');
  });

  it('refuses a password that would break out of its JAAS quotes', () => {
    const spec = clusterSpec(1);
    expect(() =>
      renderServerProperties(spec, spec.nodes[0], '/d', { ...SECURITY, adminPassword: 'x" user_evil="y' }),
    ).toThrow(RangeError);
  });

  it('given one broker, replicates internal topics once, or groups never find a coordinator', () => {
    const spec = clusterSpec(1);
    const props = properties(renderServerProperties(spec, spec.nodes[0], '/data/1', SECURITY));
    expect(props['offsets.topic.replication.factor']).toBe('1');
    expect(props['transaction.state.log.replication.factor']).toBe('1');
    expect(props['transaction.state.log.min.isr']).toBe('1');
    expect(props['min.insync.replicas']).toBe('1');
    expect(props['controller.quorum.voters']).toBe('1@127.0.0.1:19092');
    expect(props['listeners']).toBe('CLIENT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19092');
    expect(props['log.dirs']).toBe('/data/1');
    expect(bootstrapServers(spec)).toEqual(['127.0.0.1:9092']);
  });

  it('given three brokers, uses ports 9092-9094, replication 3 and min.insync.replicas 2', () => {
    const spec = clusterSpec(3);
    expect(bootstrapServers(spec)).toEqual(['127.0.0.1:9092', '127.0.0.1:9093', '127.0.0.1:9094']);
    const second = properties(renderServerProperties(spec, spec.nodes[1], '/data/2', SECURITY));
    expect(second['node.id']).toBe('2');
    expect(second['advertised.listeners']).toBe('CLIENT://127.0.0.1:9093');
    expect(second['controller.quorum.voters']).toBe('1@127.0.0.1:19092,2@127.0.0.1:19093,3@127.0.0.1:19094');
    expect(second['default.replication.factor']).toBe('3');
    expect(second['min.insync.replicas']).toBe('2');
    // Failover faster than the clients' retry budget, for the fault tests.
    expect([second['broker.session.timeout.ms'], second['broker.heartbeat.interval.ms']]).toEqual([
      '3000',
      '500',
    ]);
    expect(second['offsets.topic.replication.factor']).toBe('3');
    expect(second['transaction.state.log.min.isr']).toBe('2');
  });

  it('never lets a broker create topics on first use', () => {
    const spec = clusterSpec(1);
    expect(
      properties(renderServerProperties(spec, spec.nodes[0], '/d', SECURITY))['auto.create.topics.enable'],
    ).toBe('false');
  });

  it('moves every port with the base port', () => {
    expect(clusterSpec(3, 29092).nodes.map((n) => [n.clientPort, n.controllerPort])).toEqual([
      [29092, 39092],
      [29093, 39093],
      [29094, 39094],
    ]);
  });

  it('refuses a base port whose controller ports would not exist', () => {
    expect(() => clusterSpec(3, 60000)).toThrow(RangeError);
  });
});

describe('Kafka in a container (docker-compose.yml, the tests’ testcontainers broker)', () => {
  const container = (host = 'kafka', port = 9092) =>
    properties(
      renderContainerServerProperties(host, port, {
        ...SECURITY,
        keystoreFile: '/run/secrets/kafka-broker-keystore',
      }),
    );

  it('has no PLAINTEXT listener: every listener is SASL_SSL, clients SCRAM-SHA-512 only', () => {
    const props = container();
    expect(props['listener.security.protocol.map']).toBe(
      'INTERNAL:SASL_SSL,HOST:SASL_SSL,CONTROLLER:SASL_SSL',
    );
    expect(Object.values(props).join('\n')).not.toMatch(/PLAINTEXT/);
    expect(props['sasl.enabled.mechanisms']).toBe('SCRAM-SHA-512');
    expect(props['listener.name.internal.sasl.enabled.mechanisms']).toBe('SCRAM-SHA-512');
    expect(props['listener.name.host.sasl.enabled.mechanisms']).toBe('SCRAM-SHA-512');
    expect(props['listener.name.controller.sasl.enabled.mechanisms']).toBe('PLAIN');
    expect(props['ssl.keystore.location']).toBe('/run/secrets/kafka-broker-keystore');
  });

  it('turns the authorizer on, denies what no ACL allows, and has the admin alone above the ACLs', () => {
    const props = container();
    expect(props['authorizer.class.name']).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(props['allow.everyone.if.no.acl.found']).toBe('false');
    expect(props['super.users']).toBe('User:crosscare-admin');
  });

  it('serves the container network on INTERNAL, which brokers also use, and the host on the published port', () => {
    const props = container('kafka', 9092);
    expect(props['listeners']).toBe('INTERNAL://0.0.0.0:29092,HOST://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093');
    expect(props['advertised.listeners']).toBe('INTERNAL://kafka:29092,HOST://127.0.0.1:9092');
    expect(props['inter.broker.listener.name']).toBe('INTERNAL');
    expect(props['controller.quorum.voters']).toBe('1@kafka:9093');
    expect(props['log.dirs']).toBe('/var/lib/kafka/data');
    expect(props['offsets.topic.replication.factor']).toBe('1');
    expect(props['auto.create.topics.enable']).toBe('false');
    // testcontainers: the container reaches itself as localhost, the host through a random published port.
    const tests = container('localhost', 41234);
    expect(tests['advertised.listeners']).toBe('INTERNAL://localhost:29092,HOST://127.0.0.1:41234');
  });

  it('gives the admin tools SASL_SSL with SCRAM-SHA-512 and the CA as a PEM truststore', () => {
    const props = properties(
      renderClientProperties('crosscare-admin', 'admin-secret', '/run/secrets/kafka-ca'),
    );
    expect(props).toEqual({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-512',
      'sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="crosscare-admin" password="admin-secret";',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': '/run/secrets/kafka-ca',
    });
    expect(() => renderClientProperties('crosscare-admin', 'a"b', '/ca')).toThrow(RangeError);
  });
});
