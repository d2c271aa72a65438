import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ProjectorRuntime } from './projector-runtime';
import { ProjectorModule } from './projector.module';

/** The projector's HTTP face (health, readiness, metrics), not yet listening: shared by main.ts and the tests. */
export async function createProjectorApp(runtime: ProjectorRuntime): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ProjectorModule.forRoot(runtime), {
    logger: runtime.config.logLevels,
    abortOnError: false,
  });
  app.disable('x-powered-by');
  return app;
}
