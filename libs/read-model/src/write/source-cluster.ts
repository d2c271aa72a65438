import type { DataSource } from 'typeorm';
import { rows } from '../sql';

/** How a read model's positions relate to the brokers it is about to read. */
export type SourceClusterCheck =
  { readonly outcome: 'same' | 'recorded' } | { readonly outcome: 'different'; readonly recorded: string };

/**
 * Records the Kafka cluster id in a read model that has none yet, or says whether the one recorded is this one. A
 * read model recorded against another cluster must not resume: its offsets belong to topics that no longer exist.
 */
export async function checkSourceCluster(db: DataSource, clusterId: string): Promise<SourceClusterCheck> {
  const [row] = await rows<{ cluster_id: string }>(db, `select cluster_id from source_cluster limit 1`);
  if (!row) {
    await db.query(`insert into source_cluster (cluster_id) values ($1)`, [clusterId]);
    return { outcome: 'recorded' };
  }
  return row.cluster_id === clusterId
    ? { outcome: 'same' }
    : { outcome: 'different', recorded: row.cluster_id };
}
