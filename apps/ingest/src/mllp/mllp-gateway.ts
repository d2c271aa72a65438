import { startMllpServer, type MllpServer } from '@crosscare/hl7v2';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { IngestServices } from '../ingest-services';
import { Hl7v2Intake } from '../intake/hl7v2-intake';

/**
 * The MLLP listener for PAS feeds that speak HL7 v2 over TCP. Each message is handled exactly as over HTTP; the ACK
 * goes back on the same connection, in order. Bound to INGEST_HOST, like the HTTP server.
 */
@Injectable()
export class MllpGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Mllp');
  private server?: MllpServer;

  constructor(@Inject(IngestServices) private readonly services: IngestServices) {}

  async onApplicationBootstrap(): Promise<void> {
    const { mllpPort, host, limits } = this.services.config;
    if (mllpPort === undefined) return;
    const intake = new Hl7v2Intake(this.services);
    this.server = await startMllpServer({
      host,
      port: mllpPort,
      maxMessageBytes: limits.maxBodyBytes,
      handle: async (er7) => (await intake.handle(er7)).ack,
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
