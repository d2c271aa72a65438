import net from 'node:net';
import { Hl7Message } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import { buildAck } from '../ack/build-ack';
import { mapAdtMessage } from '../adt/map-adt-message';
import { CERNER_ADT, withControlId } from '../fixtures/cerner-adt-messages';
import { MllpFrameDecoder, mllpFrame } from './mllp-frame-decoder';
import { startMllpServer, type MllpLogger, type MllpServer, type MllpServerOptions } from './mllp-server';

/** The app's job in miniature: map, then answer AA or AE. */
function mapAndAcknowledge(er7: string): Promise<string> {
  const result = mapAdtMessage(er7);
  return Promise.resolve(
    buildAck(er7, result.ok ? { kind: 'accepted' } : { kind: 'invalid', issues: result.issues }),
  );
}

const silentLogger = (): MllpLogger & { errors: string[] } => {
  const errors: string[] = [];
  return { log: () => undefined, warn: () => undefined, error: (message) => errors.push(message), errors };
};

/** Sends raw bytes on a plain socket and collects the ACK payloads until `count` arrive or the server hangs up. */
async function exchangeRaw(
  port: number,
  bytes: Buffer,
  count: number,
): Promise<{ acks: string[]; closed: boolean }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  const decoder = new MllpFrameDecoder(1_000_000);
  const acks: string[] = [];
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk))
        if (frame.kind === 'message') acks.push(frame.payload.toString());
      if (acks.length >= count) {
        socket.destroy();
        resolve({ acks, closed: false });
      }
    });
    socket.on('close', () => resolve({ acks, closed: true }));
    socket.write(bytes);
  });
}

// Hl7Client.sendAndWait is called without timeoutMs: @medplum/hl7 does not clear that timer when the ACK arrives,
// which would keep Jest waiting. A missing ACK still fails the test, by Jest's own timeout.
const msa = (ack: string) => Hl7Message.parse(ack).getSegment('MSA')?.toString();

describe('startMllpServer', () => {
  let server: MllpServer | undefined;
  let client: Hl7Client | undefined;

  async function start(overrides: Partial<MllpServerOptions> = {}): Promise<MllpServer> {
    server = await startMllpServer({
      host: '127.0.0.1',
      port: 0,
      handle: mapAndAcknowledge,
      maxMessageBytes: 64 * 1024,
      logger: silentLogger(),
      closeTimeoutMs: 500,
      ...overrides,
    });
    client = new Hl7Client({ host: '127.0.0.1', port: server.port, connectTimeout: 5000 });
    return server;
  }

  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  it('given a valid A01, when sent with Hl7Client, then the answer is AA for its control id', async () => {
    await start();

    const ack = await client!.sendAndWait(Hl7Message.parse(CERNER_ADT.A01));

    expect(ack.getSegment('MSA')?.toString()).toBe('MSA|AA|Q100000101T200000101|accepted');
  });

  it('given an invalid message, when sent, then the answer is AE with its ERR and the connection stays usable', async () => {
    await start();
    const invalid = CERNER_ADT.A01.replace('9990000018^^^NHS^NH~', '');

    const ae = await client!.sendAndWait(Hl7Message.parse(invalid));
    const aa = await client!.sendAndWait(Hl7Message.parse(CERNER_ADT.A04));

    expect(ae.getSegment('MSA')?.getField(1).toString()).toBe('AE');
    expect(ae.getSegment('ERR')?.getField(2).toString()).toBe('PID^1^3^1');
    expect(aa.getSegment('MSA')?.getField(1).toString()).toBe('AA');
  });

  it('given the handler throws, when a message is sent, then the answer is AR and the next message is still answered', async () => {
    const logger = silentLogger();
    let calls = 0;
    await start({
      logger,
      handle: async (er7) => {
        calls++;
        if (calls === 1) throw new Error('broker down');
        return mapAndAcknowledge(er7);
      },
    });

    const ar = await client!.sendAndWait(Hl7Message.parse(CERNER_ADT.A01));
    const aa = await client!.sendAndWait(Hl7Message.parse(CERNER_ADT.A02));

    expect(ar.getSegment('MSA')?.toString()).toMatch(/^MSA\|AR\|Q100000101T200000101\|/);
    expect(ar.getSegment('ERR')?.getField(5).toString()).toBe('INTERNAL_ERROR');
    expect(aa.getSegment('MSA')?.getField(1).toString()).toBe('AA');
    expect(logger.errors.join()).toContain('broker down');
  });

  it('given two messages in one write and a slow first handler, when sent, then the ACKs come back in order', async () => {
    const { port } = await start({
      handle: async (er7) => {
        if (er7.includes('ADT^A01')) await new Promise((resolve) => setTimeout(resolve, 100));
        return mapAndAcknowledge(er7);
      },
    });
    const bytes = Buffer.concat([
      mllpFrame(Buffer.from(CERNER_ADT.A01)),
      mllpFrame(Buffer.from(CERNER_ADT.A02)),
    ]);

    const { acks } = await exchangeRaw(port, bytes, 2);

    expect(acks.map(msa)).toEqual([
      'MSA|AA|Q100000101T200000101|accepted',
      'MSA|AA|Q100000102T200000102|accepted',
    ]);
  });

  it('given input that is not HL7, when framed and sent, then the answer is an AR', async () => {
    const { port } = await start();

    const { acks } = await exchangeRaw(port, mllpFrame(Buffer.from('GET / HTTP/1.1')), 1);

    expect(acks.map(msa)).toEqual(['MSA|AR||not an HL7 v2 message: it must start with an MSH segment']);
  });

  it('given a frame over the size limit, when sent, then it is answered AR for its control id and the connection is closed', async () => {
    const { port } = await start({ maxMessageBytes: 400 });

    const { acks, closed } = await exchangeRaw(port, mllpFrame(Buffer.from(CERNER_ADT.A01)), 2);

    expect(acks).toHaveLength(1);
    expect(msa(acks[0])).toBe(
      'MSA|AR|Q100000101T200000101|the message is over the size limit: the limit is 400 bytes',
    );
    expect(closed).toBe(true);
  });

  it('given many messages on one connection, when sent one after another with Hl7Client, then each gets its own ACK', async () => {
    await start();

    for (let n = 0; n < 5; n++) {
      const message = Hl7Message.parse(withControlId(CERNER_ADT.A08, `CTRL${n}`));
      const ack = await client!.sendAndWait(message);
      expect(ack.getSegment('MSA')?.getField(2).toString()).toBe(`CTRL${n}`);
    }
  });

  it('given a connected sender, when the server closes, then it hangs up on the sender and close resolves', async () => {
    const started = await start();
    await client!.sendAndWait(Hl7Message.parse(CERNER_ADT.A01));
    const hungUp = new Promise<void>((resolve) =>
      client!.connection?.addEventListener('close', () => resolve()),
    );

    await started.close();
    server = undefined;

    await expect(hungUp).resolves.toBeUndefined();
  });

  it('given a server bound to 127.0.0.1 on port 0, when started, then it reports the free port it bound', async () => {
    const started = await start();

    expect(started.port).toBeGreaterThan(0);
  });
});
