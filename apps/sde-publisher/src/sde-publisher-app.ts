import { httpMetricsMiddleware } from '@crosscare/metrics';
import type { INestApplication } from '@nestjs/common';
import { nestLoggerOption } from '@crosscare/logging/nest';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { SdePublisherServices } from './sde-publisher-services';
import { SdePublisherModule } from './sde-publisher.module';

/** The publisher's HTTP face (health, readiness, metrics), not yet listening: shared by main.ts and the tests. */
export async function createSdePublisherApp(services: SdePublisherServices): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(SdePublisherModule.forRoot(services), {
    logger: nestLoggerOption(services.config),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.use(httpMetricsMiddleware(services.metrics.http));
  return app;
}
