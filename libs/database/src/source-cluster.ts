import type { DataSource } from 'typeorm';

/** How a store's consumed positions relate to the brokers it is about to read. */
export type SourceClusterCheck =
  { readonly outcome: 'same' | 'recorded' } | { readonly outcome: 'different'; readonly recorded: string };

/**
 * Records the Kafka cluster id in a store that has none yet (its `source_cluster` table: a read model, the SDE
 * publisher's store), or says whether the one recorded is this one. A store recorded against another cluster must not
 * resume: its offsets belong to topics that no longer exist, and it would skip the new cluster's events as consumed.
 */
export async function checkSourceCluster(db: DataSource, clusterId: string): Promise<SourceClusterCheck> {
  const [row] = await db.query<{ cluster_id: string }[]>(`select cluster_id from source_cluster limit 1`);
  if (!row) {
    await db.query(`insert into source_cluster (cluster_id) values ($1)`, [clusterId]);
    return { outcome: 'recorded' };
  }
  return row.cluster_id === clusterId
    ? { outcome: 'same' }
    : { outcome: 'different', recorded: row.cluster_id };
}
