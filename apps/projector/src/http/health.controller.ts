import { METRICS_CONTENT_TYPE } from '@crosscare/metrics';
import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ProjectorRuntime } from '../projector-runtime';

@Controller()
export class HealthController {
  constructor(@Inject(ProjectorRuntime) private readonly runtime: ProjectorRuntime) {}

  /** Liveness: the process answers. */
  @Get('health/live')
  live() {
    return { status: 'UP' };
  }

  /** Readiness: consuming and the database answers; 503 otherwise, so a load balancer or orchestrator waits. */
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const readiness = await this.runtime.services.readiness();
    if (!readiness.ready) res.status(503);
    return {
      status: readiness.ready ? 'UP' : 'DOWN',
      consumer: readiness.consumer,
      database: readiness.database,
    };
  }

  /** What an operator asks first: which partitions this instance holds, whether it relays, how far behind it is. */
  @Get('health')
  async health(@Res({ passthrough: true }) res: Response) {
    const readiness = await this.runtime.services.readiness();
    if (!readiness.ready) res.status(503);
    const { config, schema, topology, consumer, relay, lag } = this.runtime.services;
    return {
      status: readiness.ready ? 'UP' : 'DOWN',
      collaborative: config.collaborative,
      instance: config.instanceId,
      group: config.groupId,
      readModel: config.databaseSchema,
      schema,
      consumer: readiness.consumer,
      database: readiness.database,
      assignment: consumer.assignment,
      changelog: { topic: topology.changelogTopic, relaying: relay.isLeader },
      lag: lag.lags.map((l) => ({
        topic: l.topic,
        partition: l.partition,
        endOffset: l.endOffset.toString(),
        position: l.position.toString(),
        lag: l.lag.toString(),
      })),
    };
  }

  @Get('metrics')
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return this.runtime.services.metrics.registry.metrics();
  }
}
