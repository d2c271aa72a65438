import { startMllpServer, type MllpServer } from '@crosscare/hl7v2';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { IngestConfig } from '../ingest-config';
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
      handle: async (er7) => (await this.intake.handle(er7)).ack,
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
