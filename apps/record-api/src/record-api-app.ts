import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RecordApiServices } from './record-api-services';
import { RecordApiModule } from './record-api.module';

/** Builds the record API's HTTP application (not yet listening) over started services: for main.ts and the tests. */
export async function createRecordApiApp(services: RecordApiServices): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(RecordApiModule.forRoot(services), {
    // Every route is a GET: there is no body to parse.
    bodyParser: false,
    logger: services.config.logLevels,
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.disable('etag');
  // Audit records name the client: behind a gateway, only the proxies configured may say who that is.
  if (services.config.trustedProxies !== undefined) app.set('trust proxy', services.config.trustedProxies);
  app.enableShutdownHooks();
  return app;
}
