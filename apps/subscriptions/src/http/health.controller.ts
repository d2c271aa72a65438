import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SubscriptionsServices } from '../subscriptions-services';

/** Unauthenticated, and never touches a subscription or patient data. */
@Controller('health')
export class HealthController {
  constructor(@Inject(SubscriptionsServices) private readonly services: SubscriptionsServices) {}

  /** Liveness: the process answers. */
  @Get('live')
  live() {
    return { status: 'UP' };
  }

  /** Readiness: the store and the read model answer, and the consumer follows the ICS topics. */
  @Get(['', 'ready'])
  async ready(@Res({ passthrough: true }) res: Response) {
    const readiness = await this.services.readiness();
    if (!readiness.ready) res.status(503);
    return {
      status: readiness.ready ? 'UP' : 'DOWN',
      database: readiness.database,
      readModel: { status: readiness.readModel, schema: this.services.config.readModelSchema },
      consumer: { state: readiness.consumer, group: this.services.config.groupId },
    };
  }
}
