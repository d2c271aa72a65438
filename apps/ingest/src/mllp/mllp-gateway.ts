import type { ProviderType } from '@crosscare/governance';
import { startMllpServer, type MllpServer } from '@crosscare/hl7v2';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { IngestConfig } from '../ingest-config';
import { IngestMetrics } from '../ingest-metrics';
import { Hl7v2Intake } from '../intake/hl7v2-intake';

/** Where the MLLP listener binds, and the largest message it takes. */
export interface MllpSettings {
  readonly host: string;
  /** Undefined when MLLP is off. */
  readonly port?: number;
  readonly maxMessageBytes: number;
  readonly idleTimeoutMs: number;
  readonly frameTimeoutMs: number;
}

export const MLLP_SETTINGS = Symbol('MllpSettings');

/** Bound to INGEST_HOST like the HTTP server; a message may be as large as an HTTP body; timeouts from the env. */
export function mllpSettingsOf(config: IngestConfig): MllpSettings {
  return {
    host: config.host,
    port: config.mllpPort,
    maxMessageBytes: config.limits.maxBodyBytes,
    idleTimeoutMs: config.mllpIdleTimeoutMs,
    frameTimeoutMs: config.mllpFrameTimeoutMs,
  };
}

/**
 * The MLLP listener for PAS feeds that speak HL7 v2 over TCP. Each message goes to the same HL7 v2 intake as over
 * HTTP; the ACK goes back on the same connection, in order.
 */
@Injectable()
export class MllpGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Mllp');
  private server?: MllpServer;

  constructor(
    @Inject(Hl7v2Intake) private readonly intake: Hl7v2Intake,
    @Inject(MLLP_SETTINGS) private readonly settings: MllpSettings,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { host, port, maxMessageBytes, idleTimeoutMs, frameTimeoutMs } = this.settings;
    if (port === undefined) return;
    this.server = await startMllpServer({
      host,
      port,
      maxMessageBytes,
      idleTimeoutMs,
      frameTimeoutMs,
      handle: async (er7) => {
        // The status MLLP never sends is the one HTTP would have: the same counters for both ways in.
        const count = (status: number, providerType?: ProviderType) =>
          this.metrics.request({ route: 'mllp', format: 'hl7v2', providerType, status });
        try {
          const answer = await this.intake.handle(er7);
          count(answer.status, answer.providerType);
          // Which ACK answered which correlation id: the ACK's own control id is Crosscare's, and the sender keeps it
          // with its message. Nothing of the message itself.
          this.logger.log('MLLP message answered', {
            correlationId: answer.correlationId,
            status: answer.status,
            ...ackSummary(answer.ack),
          });
          return answer.ack;
        } catch (error) {
          count(500);
          throw error;
        }
      },
      logger: this.logger,
    });
    this.logger.log(`MLLP listening on ${host}:${this.server.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }

  /** The bound port, or undefined when MLLP is off. */
  port(): number | undefined {
    return this.server?.port;
  }
}

/**
 * What a log line may say of an ACK: its code (MSA-1) and its own control id (MSH-10, made up by Crosscare). Never the
 * sender's control id it echoes (MSA-2) nor its text, which can name fields of the message.
 */
export function ackSummary(ack: string): { ack?: string; ackControlId?: string } {
  const separator = ack.charAt(3);
  if (!ack.startsWith('MSH') || separator === '') return {};
  const segments = ack.split(/\r\n?|\n/);
  // MSH-1 is the separator itself, so MSH-n is field n - 1 of the split.
  const ackControlId = segments[0].split(separator)[9];
  const code = segments.find((segment) => segment.startsWith(`MSA${separator}`))?.split(separator)[1];
  return {
    ack: code && /^[A-Z]{2}$/.test(code) ? code : undefined,
    ackControlId: ackControlId && /^[A-Za-z0-9]{1,40}$/.test(ackControlId) ? ackControlId : undefined,
  };
}
