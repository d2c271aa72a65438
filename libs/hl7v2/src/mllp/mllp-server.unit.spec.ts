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
): Promise<{ acks: string[]; payloads: Buffer[]; closed: boolean }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  const decoder = new MllpFrameDecoder(1_000_000);
  const acks: string[] = [];
  const payloads: Buffer[] = [];
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk))
        if (frame.kind === 'message') {
          acks.push(frame.payload.toString());
          payloads.push(frame.payload);
        }
      if (acks.length >= count) {
        socket.destroy();
        resolve({ acks, payloads, closed: false });
      }
    });
    socket.on('close', () => resolve({ acks, payloads, closed: true }));
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

    expect(acks.map(msa)).toEqual([
      'MSA|AR||not a readable HL7 v2 message: an HL7 v2 message starts with an MSH segment',
    ]);
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

  describe('character sets and bytes that are not text', () => {
    /** CERNER_ADT.A01 declaring a character set in MSH-18, with an accented family name. */
    const declaring = (charset: string) =>
      CERNER_ADT.A01.replace('|AL|NE|GBR', `|AL|NE|GBR|${charset}`).replace(
        'SYNTHETIC^ALICE',
        'SYNTHÉTIQUE^ZOË',
      );

    it('given MSH-18 8859/1, when sent in Latin-1, then the handler reads its accents and the ACK goes back in Latin-1', async () => {
      const seen: string[] = [];
      const { port } = await start({ handle: (er7) => (seen.push(er7), mapAndAcknowledge(er7)) });

      const { payloads } = await exchangeRaw(port, mllpFrame(Buffer.from(declaring('8859/1'), 'latin1')), 1);

      expect(seen[0]).toContain('SYNTHÉTIQUE^ZOË');
      expect(msa(payloads[0].toString('latin1'))).toBe('MSA|AA|Q100000101T200000101|accepted');
    });

    it('given no MSH-18 and bytes that are not UTF-8, when sent, then it is AR naming the byte offset and echoes nothing', async () => {
      const handled: string[] = [];
      const { port } = await start({ handle: (er7) => (handled.push(er7), mapAndAcknowledge(er7)) });
      const bytes = Buffer.from(CERNER_ADT.A01.replace('SYNTHETIC^ALICE', 'SYNTHÉTIQUE^ZOË'), 'latin1');

      const { acks } = await exchangeRaw(port, mllpFrame(bytes), 1);

      expect(handled).toEqual([]);
      expect(msa(acks[0])).toBe(
        `MSA|AR||not a readable HL7 v2 message: the message is not valid UTF-8: byte offset ${bytes.indexOf(0xc9)} ` +
          'does not begin a well-formed character',
      );
      expect(acks[0]).not.toContain('CERNER');
      expect(acks[0]).not.toContain('Q100000101T200000101');
    });

    it('given a character set Crosscare does not read, when sent, then it is AR naming MSH-18', async () => {
      const { port } = await start();

      const { acks } = await exchangeRaw(port, mllpFrame(Buffer.from(declaring('UNICODE UTF-16'))), 1);

      expect(msa(acks[0])).toMatch(
        /^MSA\|AR\|\|.*MSH-18 declares a character set Crosscare does not read \(UNICODE UTF-16\)/,
      );
    });

    it('given binary content after a real MSH, when sent, then the AR echoes none of it', async () => {
      const handled: string[] = [];
      const { port } = await start({ handle: (er7) => (handled.push(er7), mapAndAcknowledge(er7)) });
      const binary = Buffer.concat([
        Buffer.from('MSH|^~\\&|\x00\x01BIN|'),
        Buffer.from([0x02, 0x7f, 0x41, 0x1f]),
      ]);

      const { payloads } = await exchangeRaw(port, mllpFrame(binary), 1);

      expect(handled).toHaveLength(1); // the handler decides; the ACK it builds must still echo nothing
      expect(msa(payloads[0].toString())).toBe(
        'MSA|AR||not a readable HL7 v2 message: not text: control character 0x00 at character 9',
      );
      for (const byte of [0x00, 0x01, 0x02, 0x7f, 0x1f]) expect(payloads[0].includes(byte)).toBe(false);
      expect(payloads[0].toString()).not.toContain('BIN');
    });
  });

  describe('timeouts', () => {
    it('given a frame that never ends, when the frame timeout passes, then it is answered AR and the connection closed', async () => {
      const { port } = await start({ frameTimeoutMs: 200 });
      const started = Date.now();

      const { acks, closed } = await exchangeRaw(port, Buffer.from(`\x0b${CERNER_ADT.A01.slice(0, 80)}`), 2);

      expect(closed).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(acks.map(msa)).toEqual([
        'MSA|AR||the message did not end in time; nothing was recorded: its end (FS CR) did not arrive within 200 ms',
      ]);
    });

    it('given a connection that sends nothing, when the idle timeout passes, then it is closed without an answer', async () => {
      const { port } = await start({ idleTimeoutMs: 200 });

      const { acks, closed } = await exchangeRaw(port, Buffer.alloc(0), 1);

      expect({ acks, closed }).toEqual({ acks: [], closed: true });
    });

    it('given a message whose answer takes longer than the idle timeout, when sent, then its ACK still arrives', async () => {
      const { port } = await start({
        idleTimeoutMs: 100,
        handle: async (er7) => {
          await new Promise((resolve) => setTimeout(resolve, 400));
          return mapAndAcknowledge(er7);
        },
      });

      const { acks } = await exchangeRaw(port, mllpFrame(Buffer.from(CERNER_ADT.A01)), 1);

      expect(acks.map(msa)).toEqual(['MSA|AA|Q100000101T200000101|accepted']);
    });

    it('given a sender that keeps a frame open with a trickle of bytes, when the frame timeout passes, then it is still refused', async () => {
      const { port } = await start({ frameTimeoutMs: 300, idleTimeoutMs: 100 });
      const socket = net.connect({ host: '127.0.0.1', port });
      const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
      socket.on('error', () => undefined); // the server hangs up mid-trickle: that is the point
      const started = Date.now();
      socket.write('\x0bMSH');
      const trickle = setInterval(() => socket.writable && socket.write('|'), 50);

      const at = await closed;
      clearInterval(trickle);

      expect(at - started).toBeGreaterThanOrEqual(290);
    });
  });
});
