import { ReadModelSwitchedError } from '@crosscare/read-model';
import { SchemaRegistryError, SchemaRegistryUnavailableError } from '@crosscare/events';
import { PublishUnavailableError } from '@crosscare/kafka';
import { KafkaJSConnectionError, KafkaJSRequestTimeoutError } from 'kafkajs';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { isDataError, retryOnConflict } from './record-change-projection';

/** An error as pg throws it when Postgres refuses a statement, and as TypeORM wraps it. */
function postgresError(code: string): DatabaseError {
  const error = new DatabaseError(`refused with ${code}`, 0, 'error');
  error.code = code;
  return error;
}
const typeormError = (code: string) => new QueryFailedError('update t set x = 1', [], postgresError(code));

/** Runs retryOnConflict over work that fails with each of `failures` in turn, then answers 'done'. */
async function attemptsUntilDone(failures: Error[], attempts = 5) {
  let calls = 0;
  const outcome = await retryOnConflict(() => {
    calls++;
    return calls <= failures.length ? Promise.reject(failures[calls - 1]) : Promise.resolve('done');
  }, attempts).catch((error: unknown) => error);
  return { outcome, calls };
}

describe('retryOnConflict', () => {
  it.each([
    ['a deadlock (40P01) from pg', postgresError('40P01')],
    ['a serialization failure (40001) from pg', postgresError('40001')],
    ['a deadlock (40P01) from TypeORM', typeormError('40P01')],
    ['a serialization failure (40001) from TypeORM', typeormError('40001')],
  ])('given %s, runs the transaction again', async (_what, conflict) => {
    expect(await attemptsUntilDone([conflict, conflict])).toEqual({ outcome: 'done', calls: 3 });
  });

  it('given conflicts on every attempt, gives up with the last one after the attempts allowed', async () => {
    const conflicts = [1, 2, 3].map(() => postgresError('40P01'));

    expect(await attemptsUntilDone(conflicts, 3)).toEqual({ outcome: conflicts[2], calls: 3 });
  });

  it.each([
    ['a data error (22P02)', typeormError('22P02')],
    ['a unique violation (23505)', typeormError('23505')],
    ['a lost connection (08006)', postgresError('08006')],
    ['a server shutting down (57P01)', postgresError('57P01')],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a read model switched by a rebuild', new ReadModelSwitchedError('ccr', 'ccr', 'ccr_rebuild_1')],
    // Retriable, but not the database's refusal: the consumer's redelivery of the batch is their retry.
    [
      'a registry outage',
      new SchemaRegistryUnavailableError(new SchemaRegistryError('x', { retriable: true }), 'Resolving'),
    ],
    ['a broker that did not acknowledge', new PublishUnavailableError('no acknowledgement')],
    ['a retriable kafkajs error', new KafkaJSRequestTimeoutError('Request timed out')],
    ['a kafkajs connection error with a Node code', new KafkaJSConnectionError('x', { code: 'EPIPE' })],
    ['a bug', new TypeError('x is undefined')],
  ])('given %s, fails at once with it', async (_what, failure) => {
    expect(await attemptsUntilDone([failure])).toEqual({ outcome: failure, calls: 1 });
  });
});

describe('isDataError', () => {
  it.each(['22P02', '22021', '22003', '23505', '23502'])('given %s, is a data error', (code) => {
    expect(isDataError(postgresError(code))).toBe(true);
    expect(isDataError(typeormError(code))).toBe(true);
  });

  it.each(['40P01', '40001', '08006', '57P01', '42P01'])('given %s, is not', (code) => {
    expect(isDataError(typeormError(code))).toBe(false);
  });

  it('given an error without a SQLSTATE, is not', () => {
    expect(isDataError(new Error('x'))).toBe(false);
    expect(isDataError('boom')).toBe(false);
  });
});
