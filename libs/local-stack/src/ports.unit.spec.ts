import { DEFAULT_INGEST_MLLP_PORT, DEFAULT_INGEST_PORT } from './ingest-process';
import { clusterSpec } from './kafka-layout';
import { parseSsOwner } from './ports';
import { DEFAULT_PROJECTOR_PORTS } from './projector-process';
import { DEFAULT_RECORD_API_PORT } from './record-api-process';
import { DEFAULT_REGISTRY_PORT } from './schema-registry-process';
import { DEFAULT_SDE_PUBLISHER_PORT } from './sde-publisher-process';
import { DEFAULT_SUBSCRIPTIONS_PORT } from './subscriptions-process';

const SS = [
  'LISTEN 0      50     [::ffff:127.0.0.1]:19092            *:*    users:(("java",pid=6126,fd=65))',
  'LISTEN 0      50     [::ffff:127.0.0.1]:9092             *:*    users:(("java",pid=6126,fd=95))',
  'LISTEN 0      244          127.0.0.1:5432          0.0.0.0:*    users:(("postgres",pid=77,fd=6))',
].join('\n');

describe('parseSsOwner', () => {
  it('finds the process listening on exactly that port, not one that ends the same', () => {
    expect(parseSsOwner(SS, 9092)).toEqual({ pid: 6126, command: 'java' });
    expect(parseSsOwner(SS, 5432)).toEqual({ pid: 77, command: 'postgres' });
  });

  it('answers undefined when nothing listens there', () => {
    expect(parseSsOwner(SS, 8081)).toBeUndefined();
  });
});

describe('the local stack’s default ports', () => {
  it('are all different, brokers and controllers of a three-broker cluster included', () => {
    const ports = [
      ...clusterSpec(3).nodes.flatMap((n) => [n.clientPort, n.controllerPort]),
      5432,
      DEFAULT_REGISTRY_PORT,
      DEFAULT_INGEST_PORT,
      DEFAULT_INGEST_MLLP_PORT,
      DEFAULT_PROJECTOR_PORTS.CCR,
      DEFAULT_PROJECTOR_PORTS.OHC,
      DEFAULT_RECORD_API_PORT,
      DEFAULT_SDE_PUBLISHER_PORT,
      DEFAULT_SUBSCRIPTIONS_PORT,
    ];
    expect(new Set(ports).size).toBe(ports.length);
    expect(DEFAULT_SDE_PUBLISHER_PORT).toBe(8086);
    // The subscription service's own default (apps/subscriptions), so a bare `npm run start` and the stack agree.
    expect(DEFAULT_SUBSCRIPTIONS_PORT).toBe(8087);
  });
});
