import { logLevel } from 'kafkajs';
import { kafkaLogCreator, type LogSink } from './log-creator';

function recordingSink() {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const sink: LogSink = {
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    log: (message, fields) => lines.push({ level: 'log', message, fields }),
    debug: (message, fields) => lines.push({ level: 'debug', message, fields }),
  };
  return { sink, lines };
}

const entry = (namespace: string, level: logLevel, message: string, extra: Record<string, unknown> = {}) => ({
  namespace,
  level,
  label: '',
  log: { message, timestamp: 't', ...extra },
});

describe('kafkaLogCreator', () => {
  it('keeps a real error as an error, the kafkajs namespace and fields as structured fields', () => {
    const { sink, lines } = recordingSink();
    kafkaLogCreator(sink)(logLevel.ERROR)(
      entry('Consumer', logLevel.ERROR, 'Crash: boom', { groupId: 'g', correlationId: 7 }),
    );
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'Crash: boom',
        fields: { kafka: { namespace: 'Consumer', groupId: 'g', correlationId: 7 } },
      },
    ]);
  });

  it('turns a retried error response on a connection into a warning', () => {
    const { sink, lines } = recordingSink();
    kafkaLogCreator(sink)(logLevel.ERROR)(
      entry('Connection', logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', {
        error: 'loading',
      }),
    );
    expect(lines[0].level).toBe('warn');
    expect(lines[0].fields).toEqual({ kafka: { namespace: 'Connection', error: 'loading' } });
  });

  it("logs kafkajs's warning about bounded idempotent retries as information: the publisher bounds them on purpose", () => {
    const { sink, lines } = recordingSink();
    const create = kafkaLogCreator(sink)(logLevel.WARN);
    create(
      entry(
        'Producer',
        logLevel.WARN,
        'Limiting retries for the idempotent producer may invalidate EoS guarantees',
      ),
    );
    create(entry('Producer', logLevel.WARN, 'Some other warning'));
    expect(lines.map((l) => l.level)).toEqual(['log', 'warn']);
  });

  it("logs the transaction coordinator's retried 'concurrent operation' answers at debug, at either level", () => {
    const { sink, lines } = recordingSink();
    const text = 'another concurrent operation on the same transaction was ongoing';
    kafkaLogCreator(sink)(logLevel.DEBUG)(
      entry('Producer', logLevel.ERROR, `Failed to send messages: ${text}`),
    );
    kafkaLogCreator(sink)(logLevel.DEBUG)(
      entry('Connection', logLevel.ERROR, 'Response AddPartitionsToTxn(key: 24, version: 1)', {
        error: `The producer attempted to update a transaction while ${text}`,
      }),
    );
    expect(lines.map((l) => l.level)).toEqual(['debug', 'debug']);
  });

  it('sends debug entries to debug', () => {
    const { sink, lines } = recordingSink();
    kafkaLogCreator(sink)(logLevel.DEBUG)(entry('Fetcher', logLevel.DEBUG, 'fetching'));
    expect(lines[0].level).toBe('debug');
  });
});
