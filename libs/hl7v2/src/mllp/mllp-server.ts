import { errorMessage } from '@crosscare/errors';
import net from 'node:net';
import { buildAck } from '../ack/build-ack';
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
  /** Character encoding of messages and ACKs. Default utf8; some PAS send latin1 (MSH-18 8859/1). */
  readonly encoding?: 'utf8' | 'latin1';
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

  constructor(
    private readonly socket: net.Socket,
    private readonly options: MllpServerOptions,
  ) {
    this.decoder = new MllpFrameDecoder(options.maxMessageBytes);
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    options.logger?.log(`MLLP connection from ${this.peer}`);
    socket.setKeepAlive(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // The sender half-closed: answer what it sent, then close our side.
    socket.on('end', () => this.enqueue(() => this.end()));
    socket.on('error', (error) => options.logger?.warn(`MLLP connection ${this.peer}: ${error.message}`));
    socket.on('close', () => options.logger?.log(`MLLP connection from ${this.peer} closed`));
  }

  /** Ends the connection once every message received so far is answered; cuts it off after `timeoutMs`. */
  finish(timeoutMs: number): void {
    this.enqueue(() => this.end());
    setTimeout(() => this.socket.destroy(), timeoutMs).unref();
  }

  private receive(chunk: Buffer): void {
    for (const frame of this.decoder.push(chunk)) this.enqueue(() => this.answer(frame));
  }

  private enqueue(step: () => Promise<void> | void): void {
    this.answered = this.answered.then(step).catch((error: unknown) => {
      this.options.logger?.error(`MLLP connection ${this.peer}: ${errorMessage(error)}`);
      this.socket.destroy();
    });
  }

  private async answer(frame: MllpFrame): Promise<void> {
    const encoding = this.options.encoding ?? 'utf8';
    if (frame.kind === 'oversize') {
      this.options.logger?.warn(
        `MLLP connection ${this.peer}: message over ${this.options.maxMessageBytes} bytes rejected, closing`,
      );
      const detail = `the limit is ${this.options.maxMessageBytes} bytes`;
      this.write(buildAck(frame.head.toString(encoding), { kind: 'rejected', reason: 'too-large', detail }));
      // Whatever follows on this stream is the rest of the refused frame: stop reading once the AR is sent.
      this.socket.end(() => this.socket.destroy());
      return;
    }
    const er7 = frame.payload.toString(encoding);
    let ack: string;
    try {
      ack = await this.options.handle(er7);
    } catch (error) {
      this.options.logger?.error(
        `MLLP handler failed for a message from ${this.peer}: ${errorMessage(error)}`,
      );
      ack = buildAck(er7, { kind: 'rejected', reason: 'internal-error' });
    }
    this.write(ack);
  }

  private write(ack: string): void {
    if (this.socket.writable) this.socket.write(mllpFrame(Buffer.from(ack, this.options.encoding ?? 'utf8')));
  }

  private end(): void {
    if (!this.socket.writableEnded) this.socket.end();
  }
}
