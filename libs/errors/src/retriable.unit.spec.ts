import {
  KafkaJSAggregateError,
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSTimeout,
} from 'kafkajs';
import { Client, DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { freePort } from '@crosscare/testing';
import { CrosscareError } from './crosscare-error';
import { isDatabaseUnreachable, isRetriable, sqlStateOf } from './retriable';

// The real classes of kafkajs, pg and TypeORM, so that recognising them by shape is checked against what they
// throw (the lib itself imports none of them).

/** An error as pg throws it when the server refuses a statement. */
function postgresError(code: string, message = `refused with ${code}`): DatabaseError {
  const error = new DatabaseError(message, message.length, 'error');
  error.code = code;
  error.severity = 'ERROR';
  return error;
}

/** The same, as TypeORM throws it from a query. */
const typeormError = (code: string) => new QueryFailedError('update t set x = $1', [1], postgresError(code));

class OutageError extends CrosscareError {
  constructor() {
    super('the broker did not answer', { retriable: true });
  }
}

describe('isRetriable', () => {
  describe('given a Crosscare error, answers with its flag', () => {
    it.each([
      ['retriable', new CrosscareError('outage', { retriable: true }), true],
      ['not retriable', new CrosscareError('bad input', { retriable: false }), false],
      ['a retriable subclass', new OutageError(), true],
    ])('%s', (_what, error, retriable) => {
      expect(isRetriable(error)).toBe(retriable);
    });

    it('even when it carries a code that would be a retriable SQLSTATE', () => {
      const error = Object.assign(new CrosscareError('x', { retriable: false }), { code: '40001' });

      expect(isRetriable(error)).toBe(false);
    });

    it('and does not look through its cause: the flag is the whole answer', () => {
      expect(isRetriable(new CrosscareError('x', { retriable: false, cause: postgresError('40001') }))).toBe(
        false,
      );
    });
  });

  describe("given a kafkajs error, answers with kafkajs's flag", () => {
    it.each([
      ['KafkaJSError', new KafkaJSError('x'), true],
      [
        'KafkaJSConnectionError',
        new KafkaJSConnectionError('Connection error: EPIPE', { code: 'EPIPE' }),
        true,
      ],
      ['KafkaJSRequestTimeoutError', new KafkaJSRequestTimeoutError('Request timed out'), true],
      [
        'a retriable KafkaJSProtocolError',
        new KafkaJSProtocolError(Object.assign(new Error('not the coordinator'), { retriable: true })),
        true,
      ],
      ['KafkaJSNonRetriableError', new KafkaJSNonRetriableError('x'), false],
      [
        'KafkaJSNumberOfRetriesExceeded',
        new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('x'), {
          retryCount: 5,
          retryTime: 100,
        }),
        false,
      ],
      // kafkajs's types declare no parameter; its constructor needs the message all the same.
      ['KafkaJSTimeout', Reflect.construct(KafkaJSTimeout, ['Timeout']) as KafkaJSTimeout, false],
    ])('%s', (_name, error, retriable) => {
      expect(error.name.startsWith('KafkaJS')).toBe(true);
      expect(isRetriable(error)).toBe(retriable);
    });

    it('and not to an aggregate of kafkajs errors, which has no flag of its own', () => {
      expect(isRetriable(new KafkaJSAggregateError('x', [new KafkaJSConnectionError('y')]))).toBe(false);
    });

    it('but not to a look-alike that is not named KafkaJS...', () => {
      expect(isRetriable(Object.assign(new Error('x'), { retriable: true }))).toBe(false);
    });
  });

  describe('given a Postgres error, answers by its SQLSTATE', () => {
    it.each([
      ['40001', 'serialization_failure'],
      ['40P01', 'deadlock_detected'],
    ])('%s (%s) is retriable, thrown by pg or by TypeORM', (code) => {
      expect(isRetriable(postgresError(code))).toBe(true);
      expect(isRetriable(typeormError(code))).toBe(true);
      expect(isRetriable({ driverError: { code } })).toBe(true);
      expect(isRetriable({ code })).toBe(true);
    });

    it.each([
      ['22P02', 'invalid_text_representation: the data is at fault'],
      ['22021', 'character_not_in_repertoire (a NUL in a string)'],
      ['23505', 'unique_violation'],
      ['40002', 'transaction_integrity_constraint_violation'],
      ['42P01', 'undefined_table'],
      ['57P01', 'admin_shutdown'],
      ['08006', 'connection_failure'],
      ['ECONNREFUSED', "Node's code for a connection that failed"],
    ])('%s (%s) is not', (code) => {
      expect(isRetriable(postgresError(code))).toBe(false);
      expect(isRetriable(typeormError(code))).toBe(false);
    });
  });

  it.each([
    ['a plain Error', new Error('x')],
    ['a TypeError', new TypeError('x is undefined')],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['null', null],
    ['an object with a numeric code', { code: 40001 }],
  ])('given anything else (%s), is not retriable: a bug must not hide in a retry loop', (_what, error) => {
    expect(isRetriable(error)).toBe(false);
  });
});

describe('sqlStateOf', () => {
  it('reads the SQLSTATE of an error from pg, or from the driverError of one from TypeORM', () => {
    expect(sqlStateOf(postgresError('23505'))).toBe('23505');
    expect(sqlStateOf(typeormError('40P01'))).toBe('40P01');
    expect(sqlStateOf({ driverError: { code: '22P02' }, code: 'other' })).toBe('22P02');
  });

  it("reads Node's code when the connection failed", () => {
    expect(sqlStateOf(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      'ECONNREFUSED',
    );
  });

  it('is undefined for Crosscare and kafkajs errors, whose codes are their own', () => {
    expect(sqlStateOf(Object.assign(new CrosscareError('x', { retriable: true }), { code: '40001' }))).toBe(
      undefined,
    );
    expect(sqlStateOf(new KafkaJSConnectionError('x', { code: 'EPIPE' }))).toBeUndefined();
  });

  it('is undefined for anything without a string code', () => {
    expect(sqlStateOf(new Error('x'))).toBeUndefined();
    expect(sqlStateOf({ code: 40001 })).toBeUndefined();
    expect(sqlStateOf('boom')).toBeUndefined();
    expect(sqlStateOf(null)).toBeUndefined();
    expect(sqlStateOf(undefined)).toBeUndefined();
  });
});

describe('isDatabaseUnreachable', () => {
  it('is true of what pg throws when the server cannot be reached', async () => {
    const client = new Client({ host: '127.0.0.1', port: await freePort(), user: 'postgres' });
    const error = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDatabaseUnreachable(error)).toBe(true);
  });

  it('is true of the server shutting down or a connection exception, raw or through TypeORM', () => {
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001']) {
      expect(isDatabaseUnreachable(postgresError(code))).toBe(true);
      expect(isDatabaseUnreachable(typeormError(code))).toBe(true);
    }
    expect(isDatabaseUnreachable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isDatabaseUnreachable(
        postgresError('55000', 'database "crosscare" is not currently accepting connections'),
      ),
    ).toBe(true);
  });

  it('is false of a statement refused, a conflict, and anything else', () => {
    for (const code of ['40001', '40P01', '23505', '42P01', '55000'])
      expect(isDatabaseUnreachable(postgresError(code))).toBe(false);
    expect(isDatabaseUnreachable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnreachable(new KafkaJSConnectionError('broker down'))).toBe(false);
    expect(isDatabaseUnreachable(undefined)).toBe(false);
  });
});
