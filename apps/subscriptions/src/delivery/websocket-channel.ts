import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BindingTokens } from '../access/binding-tokens';
import type { PostOutcome } from './rest-hook';

/** The path under the FHIR base the websocket channel listens on. */
export const WEBSOCKET_PATH = '/fhir/websocket';
/** A client has this long after connecting to bind, or it is closed. */
const BIND_WITHIN_MS = 30_000;
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

/** Asked when a client binds: which of the token's subscriptions it may have now (still its, websocket, not off). */
export type BindSubscriptions = (
  ownerOdsCode: string,
  subscriptionIds: readonly string[],
) => Promise<{ bound: string[]; handshakes: Map<string, string> }>;

/**
 * The backport's websocket channel: a client asks $get-ws-binding-token, connects to `<base>/websocket`, and sends
 * `bind-with-token <token>`; Crosscare answers each bound subscription's handshake, then sends its notifications as
 * text frames, in order, as the delivery worker sends rest-hooks. A connection lives on one instance, so that
 * instance's worker delivers its subscriptions (see DeliveryStore.claimDue); while no client is bound, events wait,
 * numbered, and a client that binds again is sent what it missed first.
 */
export class WebsocketChannel {
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private server: WebSocketServer | undefined;

  constructor(
    private readonly tokens: BindingTokens,
    private readonly bind: BindSubscriptions,
    private readonly onBound: () => void,
    private readonly log: { warn(message: string): void },
  ) {}

  /** Subscriptions with a client bound to this instance. */
  get boundIds(): string[] {
    return [...this.sockets.keys()];
  }

  attach(http: Server): void {
    this.server = new WebSocketServer({
      server: http,
      path: WEBSOCKET_PATH,
      maxPayload: MAX_CLIENT_MESSAGE_BYTES,
    });
    this.server.on('connection', (socket: WebSocket, request: IncomingMessage) =>
      this.accept(socket, request),
    );
  }

  /** Sends a notification to every client bound to the subscription: delivered when one of them took it. */
  async send(subscriptionId: string, body: string): Promise<PostOutcome> {
    const bound = [...(this.sockets.get(subscriptionId) ?? [])];
    if (bound.length === 0) return { ok: false, reason: 'no websocket client is bound' };
    const outcomes = await Promise.all(
      bound.map(
        (socket) =>
          new Promise<boolean>((resolve) =>
            socket.send(body, (error) => resolve(error === undefined || error === null)),
          ),
      ),
    );
    return outcomes.some(Boolean)
      ? { ok: true, status: 200 }
      : { ok: false, reason: 'the websocket send failed' };
  }

  async close(): Promise<void> {
    for (const set of this.sockets.values()) for (const socket of set) socket.close(1001, 'server stopping');
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(socket: WebSocket, _request: IncomingMessage): void {
    const bound: string[] = [];
    const timer = setTimeout(() => {
      if (bound.length === 0) socket.close(1008, 'bind within 30 s: bind-with-token <token>');
    }, BIND_WITHIN_MS);
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? '' : Buffer.isBuffer(data) ? data.toString('utf8') : '';
      const match = /^bind-with-token ([A-Za-z0-9_.-]{1,4096})$/.exec(text.trim());
      if (!match) {
        socket.send('error: the only message this channel takes is bind-with-token <token>');
        return;
      }
      const check = this.tokens.verify(match[1]);
      if (!check.ok) {
        socket.close(1008, check.reason);
        return;
      }
      void this.bind(check.binding.ownerOdsCode, check.binding.subscriptionIds).then(
        ({ bound: ids, handshakes }) => {
          for (const id of ids) {
            if (bound.includes(id)) continue;
            bound.push(id);
            const set = this.sockets.get(id) ?? new Set<WebSocket>();
            set.add(socket);
            this.sockets.set(id, set);
            const handshake = handshakes.get(id);
            if (handshake) socket.send(handshake);
          }
          if (ids.length === 0) socket.close(1008, 'none of the token’s subscriptions can be bound');
          else this.onBound();
        },
        (error: unknown) => {
          this.log.warn(`binding failed: ${error instanceof Error ? error.message : String(error)}`);
          socket.close(1011, 'binding failed; try again');
        },
      );
    });
    socket.on('close', () => {
      clearTimeout(timer);
      for (const id of bound) {
        const set = this.sockets.get(id);
        set?.delete(socket);
        if (set?.size === 0) this.sockets.delete(id);
      }
    });
    socket.on('error', () => socket.terminate());
  }
}
