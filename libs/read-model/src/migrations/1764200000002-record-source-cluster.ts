import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Kafka cluster a read model's positions refer to. Offsets mean nothing on another cluster (a recreated local
 * broker, a restored environment): a read model that kept them would skip the new cluster's events as already
 * projected. The projector compares this with the brokers' cluster id at start.
 */
export class RecordSourceCluster1764200000002 implements MigrationInterface {
  name = 'RecordSourceCluster1764200000002';

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
