import { errorMessage } from '@crosscare/errors';
import net from 'node:net';
import { buildAck } from '../ack/build-ack';
import { decodeEr7, type Er7Encoding } from '../er7/decode-er7';
import { MllpFrameDecoder, mllpFrame, type MllpFrame } from './mllp-frame-decoder';

/** Where the listener reports; Nest's Logger fits. Messages never hold message content or credentials. */
export interface MllpLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface MllpServerOptions {
  /** Interface to bind, e.g. 127.0.0.1 or 0.0.0.0. */
  readonly host: string;
  /** 0 binds any free port (tests); the bound port is returned. */
  readonly port: number;
  /** Answers one message (ER7 text) with its ACK (ER7 text). A throw is answered AR and logged. */
  readonly handle: (er7: string) => Promise<string>;
  /** Largest message accepted, in bytes; a longer frame is answered AR and its connection closed. */
  readonly maxMessageBytes: number;
  readonly logger?: MllpLogger;
  /**
   * A connection that sends nothing for this long, with no message of its own being answered, is closed (a PAS
   * reconnects when it next has something to send). Default 600000.
   */
  readonly idleTimeoutMs?: number;
  /** A frame must end this long after it began, or it is answered AR and the connection closed. Default 30000. */
  readonly frameTimeoutMs?: number;
  /** How long close() waits for senders to hang up after their last ACK before cutting them off. Default 5000. */
  readonly closeTimeoutMs?: number;
}

export interface MllpServer {
  /** The bound port. */
  readonly port: number;
  /** Stops accepting connections, answers the messages already received, then closes every connection. */
  close(): Promise<void>;
}

/**
 * An MLLP listener: one ACK per message, in the order received on each connection.
 *
 * Framing is our own (MllpFrameDecoder) rather than @medplum/hl7's Hl7Connection, which fits clients better than
 * listeners here: it only sees a frame end when FS CR are the last bytes of a read (two pipelined messages in one
 * read become one), buffers without a size limit, parses before we see the text (so an unparseable message cannot
 * be answered) and gives no way to answer in order after asynchronous work.
 */
export async function startMllpServer(options: MllpServerOptions): Promise<MllpServer> {
  const connections = new Set<MllpConnection>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const connection = new MllpConnection(socket, options);
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => options.logger?.error(`MLLP listener error: ${error.message}`));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.logger?.log(`MLLP listening on ${options.host}:${port}`);

  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const connection of connections) connection.finish(options.closeTimeoutMs ?? 5000);
      }),
  };
}

class MllpConnection {
  private readonly decoder: MllpFrameDecoder;
  /** Answers are chained so they go out in the order the messages came in, whatever each handler takes. */
  private answered: Promise<void> = Promise.resolve();
  private readonly peer: string;
  /** Messages received and not yet answered: a connection waiting for its ACKs is not idle. */
  private unanswered = 0;
  private frameTimer?: NodeJS.Timeout;
  /** Set once the connection is being closed for a timeout: nothing more it sends is read. */
  private closing = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly options: MllpServerOptions,
  ) {
    this.decoder = new MllpFrameDecoder(options.maxMessageBytes);
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    options.logger?.log(`MLLP connection from ${this.peer}`);
    socket.setKeepAlive(true);
    socket.setTimeout(options.idleTimeoutMs ?? 600_000);
    socket.on('timeout', () => this.idle());
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // The sender half-closed: answer what it sent, then close our side.
    socket.on('end', () => this.enqueue(() => this.end()));
    socket.on('error', (error) => options.logger?.warn(`MLLP connection ${this.peer}: ${error.message}`));
    socket.on('close', () => {
      clearTimeout(this.frameTimer);
      options.logger?.log(`MLLP connection from ${this.peer} closed`);
    });
  }

  /** Ends the connection once every message received so far is answered; cuts it off after `timeoutMs`. */
  finish(timeoutMs: number): void {
    this.enqueue(() => this.end());
    setTimeout(() => this.socket.destroy(), timeoutMs).unref();
  }

  private receive(chunk: Buffer): void {
    if (this.closing) return;
    const frames = this.decoder.push(chunk);
    for (const frame of frames) {
      this.unanswered++;
      this.enqueue(async () => {
        try {
          await this.answer(frame);
        } finally {
          this.unanswered--;
        }
      });
    }
    // The clock runs from the first bytes of each frame: a new one started in this chunk starts it again.
    if (frames.length > 0 || !this.decoder.midFrame) {
      clearTimeout(this.frameTimer);
      this.frameTimer = undefined;
    }
    if (this.decoder.midFrame && !this.frameTimer) {
      const timeoutMs = this.options.frameTimeoutMs ?? 30_000;
      this.frameTimer = setTimeout(() => this.frameTimedOut(timeoutMs), timeoutMs);
      this.frameTimer.unref();
    }
  }

  /** A frame that never ends would hold the connection and its buffer for ever: refuse it, and close. */
  private frameTimedOut(timeoutMs: number): void {
    this.closing = true;
    this.options.logger?.warn(
      `MLLP connection ${this.peer}: a message did not end within ${timeoutMs} ms; answered AR, closing`,
    );
    this.enqueue(() => {
      const detail = `its end (FS CR) did not arrive within ${timeoutMs} ms`;
      this.write(buildAck('', { kind: 'rejected', reason: 'incomplete', detail }), 'utf8');
      this.socket.end(() => this.socket.destroy());
    });
  }

  private idle(): void {
    if (this.closing || this.unanswered > 0 || this.decoder.midFrame) return;
    this.closing = true;
    this.options.logger?.log(
      `MLLP connection from ${this.peer} idle for ${this.options.idleTimeoutMs ?? 600_000} ms, closing`,
    );
    this.socket.end(() => this.socket.destroy());
  }

  private enqueue(step: () => Promise<void> | void): void {
    this.answered = this.answered.then(step).catch((error: unknown) => {
      this.options.logger?.error(`MLLP connection ${this.peer}: ${errorMessage(error)}`);
      this.socket.destroy();
    });
  }

  private async answer(frame: MllpFrame): Promise<void> {
    if (frame.kind === 'oversize') {
      this.options.logger?.warn(
        `MLLP connection ${this.peer}: message over ${this.options.maxMessageBytes} bytes rejected, closing`,
      );
      const detail = `the limit is ${this.options.maxMessageBytes} bytes`;
      const head = decodeEr7(frame.head);
      // The head is cut anywhere, possibly inside a character: its MSH is echoed only if it decodes as it stands.
      const message = head.ok ? head.text : '';
      this.write(
        buildAck(message, { kind: 'rejected', reason: 'too-large', detail }),
        head.ok ? head.encoding : 'utf8',
      );
      // Whatever follows on this stream is the rest of the refused frame: stop reading once the AR is sent.
      this.socket.end(() => this.socket.destroy());
      return;
    }
    const decoded = decodeEr7(frame.payload);
    if (!decoded.ok) {
      this.options.logger?.warn(`MLLP connection ${this.peer}: message refused: ${decoded.problem}`);
      // Nothing of bytes that do not decode is echoed: the AR carries no MSH field of the message.
      this.write(buildAck('', { kind: 'rejected', reason: 'unparseable', detail: decoded.problem }), 'utf8');
      return;
    }
    const { text: er7, encoding } = decoded;
    let ack: string;
    try {
      ack = await this.options.handle(er7);
    } catch (error) {
      this.options.logger?.error(
        `MLLP handler failed for a message from ${this.peer}: ${errorMessage(error)}`,
      );
      ack = buildAck(er7, { kind: 'rejected', reason: 'internal-error' });
    }
    this.write(ack, encoding);
  }

  /** ACKs go back in the character set of the message they answer. */
  private write(ack: string, encoding: Er7Encoding): void {
    if (this.socket.writable) this.socket.write(mllpFrame(Buffer.from(ack, encoding)));
  }

  private end(): void {
    if (!this.socket.writableEnded) this.socket.end();
  }
}
