import { databaseUrlFromEnvironment, uniqueIdentifier } from '@crosscare/testing';
import type { DataSource } from 'typeorm';
import { openReadModel } from '../read-model-database';
import { ConsumedOffsets } from './consumed-offsets';

const database = { url: databaseUrlFromEnvironment(), poolSize: 2 };

/**
 * ConsumedOffsets.skip against a real read model: a position moves past markers only from among them, so no
 * unprojected message is ever skipped (docs/reliability.md, finding 2).
 */
describe('ConsumedOffsets.skip (real Postgres)', () => {
  const offsets = new ConsumedOffsets();
  const schema = uniqueIdentifier('test_rm_offsets');
  let readModel: DataSource;

  beforeAll(async () => {
    readModel = await openReadModel(database, schema, 'crosscare-projector-test');
  });

  afterAll(async () => {
    await readModel.query(`drop schema if exists "${schema}" cascade`);
    await readModel.destroy();
  });

  const at = (topic: string, next: bigint) =>
    readModel.transaction(async (tx) => {
      await offsets.lock(tx, topic, 0);
      await offsets.advance(tx, topic, 0, next);
    });
  const skip = (topic: string, from: bigint, to: bigint) =>
    readModel.transaction((tx) => offsets.skip(tx, topic, 0, from, to));
  const position = (topic: string) => readModel.transaction((tx) => offsets.lock(tx, topic, 0));

  it('moves a position among the markers past them', async () => {
    await at('markers', 14n);
    expect(await skip('markers', 14n, 16n)).toBe(true);
    expect(await position('markers')).toBe(16n);
    await at('markers', 17n);
    expect(await skip('markers', 16n, 19n)).toBe(true);
    expect(await position('markers')).toBe(19n);
  });

  it('leaves a position behind the markers alone: the offsets before them may hold unprojected messages', async () => {
    await at('behind', 12n);
    expect(await skip('behind', 14n, 16n)).toBe(false);
    expect(await position('behind')).toBe(12n);
  });

  it('never moves a position back', async () => {
    await at('ahead', 20n);
    expect(await skip('ahead', 14n, 16n)).toBe(false);
    expect(await skip('ahead', 14n, 20n)).toBe(false);
    expect(await position('ahead')).toBe(20n);
  });

  it('starts a partition never consumed past markers its first fetch held', async () => {
    expect(await skip('fresh', 0n, 2n)).toBe(true);
    expect(await position('fresh')).toBe(2n);
    // A partition locked once by a batch that stored no position (-1) counts as never consumed.
    await readModel.transaction((tx) => offsets.lock(tx, 'locked', 0));
    expect(await skip('locked', 5n, 7n)).toBe(true);
    expect(await position('locked')).toBe(7n);
  });
});
