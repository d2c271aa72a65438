import { bootstrapServers, clusterSpec, renderServerProperties } from './kafka-layout';

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
