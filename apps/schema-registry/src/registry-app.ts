import { httpMetricsMiddleware } from '@crosscare/metrics';
import type { INestApplication } from '@nestjs/common';
import { nestLoggerOption } from '@crosscare/logging/nest';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { registryAuthentication } from './auth/registry-authentication';
import { RegistryUserDirectory } from './auth/registry-users-file';
import { registryBodyParsing } from './http/content-types';
import type { RegistryConfig } from './registry-config';
import { RegistryMetrics } from './registry-metrics';
import { SchemaRegistryModule } from './registry.module';

/** Builds the registry's HTTP application (not yet listening): shared by main.ts and the tests. */
export async function createRegistryApp(config: RegistryConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(SchemaRegistryModule.forRoot(config), {
    bodyParser: false,
    logger: nestLoggerOption(config),
    // Let main.ts report a failed start (say, Postgres unreachable) in one line and exit 1, instead of aborting.
    abortOnError: false,
  });
  // Counting first, so that refusals by the authentication are counted too.
  app.use(httpMetricsMiddleware(app.get(RegistryMetrics)));
  // Authentication first: a caller without credentials must not get as far as having its body parsed.
  if (!config.anonymous) {
    app.use(registryAuthentication(new RegistryUserDirectory(config.users, config.usersFile)));
  }
  app.use(registryBodyParsing(config.maxBodyBytes));
  app.disable('x-powered-by');
  // Subjects are exact strings: /subjects/A and /subjects/a are different subjects.
  app.set('case sensitive routing', true);
  app.enableShutdownHooks();
  return app;
}
