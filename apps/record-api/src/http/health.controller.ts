import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { RecordApiServices } from '../record-api-services';

/** Unauthenticated, and never touches patient data. */
@Controller('health')
export class HealthController {
  constructor(@Inject(RecordApiServices) private readonly services: RecordApiServices) {}

  /** Liveness: the process answers. */
  @Get('live')
  live() {
    return { status: 'UP' };
  }

  /**
   * Readiness: the database answers and the projector's read model is there. Kafka is checked per read (an audit
   * that cannot be written is a 503 for that read).
   */
  @Get()
  async ready(@Res({ passthrough: true }) res: Response) {
    const { ready, database, readModel } = await this.services.readiness();
    if (!ready) res.status(503);
    return {
      status: ready ? 'UP' : 'DOWN',
      database,
      readModel: { status: readModel, schema: this.services.config.databaseSchema },
      collaborative: this.services.config.collaborative,
    };
  }
}
