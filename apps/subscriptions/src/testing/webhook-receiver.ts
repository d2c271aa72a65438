import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST a subscriber's endpoint received. */
export interface ReceivedNotification {
  readonly headers: IncomingHttpHeaders;
  readonly bundle: ReceivedBundle;
  readonly receivedAt: number;
}

/**
 * A subscriber's rest-hook endpoint on 127.0.0.1: keeps every notification Bundle it is sent and answers 200, or the
 * status a test sets. Can be stopped (its port then refuses connections) and started again on the same port.
 */
export class WebhookReceiver {
  readonly received: ReceivedNotification[] = [];
  status = 200;
  private server: Server | undefined;

  private constructor(private port: number) {}

  static async start(port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(port);
    await receiver.listen();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/notifications`;
  }

  /** Notifications that carried events (not handshakes or heartbeats). */
  get eventNotifications(): ReceivedNotification[] {
    return this.received.filter((n) => notificationType(n.bundle) === 'event-notification');
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let bundle: ReceivedBundle;
        try {
          bundle = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedBundle;
        } catch {
          bundle = { type: 'not-json', entry: [] };
        }
        if (this.status >= 200 && this.status < 300)
          this.received.push({ headers: req.headers, bundle, receivedAt: Date.now() });
        res.statusCode = this.status;
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: deliveries meet a refused connection until listen() again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A Parameters parameter (or part) as a notification carries it. */
export interface StatusParameter {
  readonly name: string;
  readonly valueCode?: string;
  readonly valueString?: string;
  readonly valueReference?: { readonly reference?: string };
  readonly part?: readonly StatusParameter[];
}

/** A notification or operation Bundle as received: the SubscriptionStatus first, then focus entries. */
export interface ReceivedBundle {
  readonly type: string;
  readonly entry: readonly {
    readonly fullUrl?: string;
    readonly resource?: {
      readonly resourceType: string;
      readonly parameter?: readonly StatusParameter[];
    } & Record<string, unknown>;
  }[];
}

/** The SubscriptionStatus parameters of a Bundle, by name (notification-event excepted: see eventNumbers). */
export function statusParameters(bundle: unknown): Record<string, StatusParameter | undefined> {
  const parameters = (bundle as ReceivedBundle).entry[0].resource?.parameter ?? [];
  return Object.fromEntries(
    parameters.filter((p) => p.name !== 'notification-event').map((p) => [p.name, p]),
  );
}

/** The SubscriptionStatus parameters' `type` of a notification Bundle. */
export function notificationType(bundle: unknown): string | undefined {
  return statusParameters(bundle).type?.valueCode;
}

/** The event numbers a notification or $events Bundle carries, in order. */
export function eventNumbers(bundle: unknown): number[] {
  const parameters = (bundle as ReceivedBundle).entry[0].resource?.parameter ?? [];
  return parameters
    .filter((p) => p.name === 'notification-event')
    .map((p) => Number(p.part?.find((part) => part.name === 'event-number')?.valueString));
}
