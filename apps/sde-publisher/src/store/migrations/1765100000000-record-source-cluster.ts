import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Kafka cluster the store's consumed offsets refer to, as a read model records it. Offsets mean nothing on another
 * cluster (a recreated local broker, a restored environment): a store that kept them would skip the new cluster's
 * events as consumed and publish nothing. The publisher compares this with the brokers' cluster id at start.
 */
export class RecordSdeSourceCluster1765100000000 implements MigrationInterface {
  name = 'RecordSdeSourceCluster1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table source_cluster (
        cluster_id text not null,
        recorded_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table source_cluster`);
  }
}
