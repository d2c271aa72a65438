import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { IngestServices } from '../ingest-services';

@Controller('health')
export class HealthController {
  constructor(@Inject(IngestServices) private readonly services: IngestServices) {}

  /** Liveness: the process answers. */
  @Get('live')
  live() {
    return { status: 'UP' };
  }

  /** Readiness: the database answers and the directory is loaded. Kafka is checked per request (503 when down). */
  @Get()
  async ready(@Res({ passthrough: true }) res: Response) {
    const database = await this.services.db
      .query('select 1')
      .then(() => 'UP')
      .catch(() => 'DOWN');
    if (database !== 'UP') res.status(503);
    return {
      status: database,
      database,
      directory: {
        version: this.services.directory.version,
        providers: this.services.directory.counts().total,
      },
    };
  }
}
