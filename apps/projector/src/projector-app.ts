import { httpMetricsMiddleware } from '@crosscare/metrics';
import type { INestApplication } from '@nestjs/common';
import { nestLoggerOption } from '@crosscare/logging/nest';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ProjectorRuntime } from './projector-runtime';
import { ProjectorModule } from './projector.module';

/** The projector's HTTP face (health, readiness, metrics), not yet listening: shared by main.ts and the tests. */
export async function createProjectorApp(runtime: ProjectorRuntime): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ProjectorModule.forRoot(runtime), {
    logger: nestLoggerOption(runtime.config),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  // Into the metrics of the services running now: a rebuild's switch starts new ones, with a registry of their own.
  app.use(httpMetricsMiddleware({ observe: (o) => runtime.services.metrics.http.observe(o) }));
  return app;
}
