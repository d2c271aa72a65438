import { METRICS_CONTENT_TYPE } from '@crosscare/metrics';
import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SdePublisherServices } from '../sde-publisher-services';

@Controller()
export class HealthController {
  constructor(@Inject(SdePublisherServices) private readonly services: SdePublisherServices) {}

  /** Liveness: the process answers. */
  @Get('health/live')
  live() {
    return { status: 'UP' };
  }

  /** Readiness: consuming and the database answers; 503 otherwise. */
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const readiness = await this.services.readiness();
    if (!readiness.ready) res.status(503);
    return {
      status: readiness.ready ? 'UP' : 'DOWN',
      consumer: readiness.consumer,
      database: readiness.database,
    };
  }

  /** What an operator asks first: which projects, which partitions, whether this instance relays. */
  @Get('health')
  async health(@Res({ passthrough: true }) res: Response) {
    const readiness = await this.services.readiness();
    if (!readiness.ready) res.status(503);
    const { config, projects, consumer, relay } = this.services;
    return {
      status: readiness.ready ? 'UP' : 'DOWN',
      instance: config.instanceId,
      group: config.groupId,
      consumer: readiness.consumer,
      database: readiness.database,
      relaying: relay.isLeader,
      assignment: consumer.assignment,
      projects: projects.map((p) => ({ id: p.id, topic: p.dataTopic, notices: p.noticeTopic })),
    };
  }

  @Get('metrics')
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return this.services.metrics.registry.metrics();
  }
}
