import { httpMetricsMiddleware } from '@crosscare/metrics';
import type { INestApplication } from '@nestjs/common';
import { correlationIdOf, withCorrelation } from '@crosscare/logging';
import { nestLoggerOption } from '@crosscare/logging/nest';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { RecordApiServices } from './record-api-services';
import { RecordApiModule } from './record-api.module';

/** Builds the record API's HTTP application (not yet listening) over started services: for main.ts and the tests. */
export async function createRecordApiApp(services: RecordApiServices): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(RecordApiModule.forRoot(services), {
    // Every route is a GET: there is no body to parse.
    bodyParser: false,
    logger: nestLoggerOption(services.config),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.disable('etag');
  // Every request runs under its correlation id (the caller's X-Correlation-Id when sane), so each line it logs carries
  // it; the controller and the exception filter answer with the same id.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const correlationId = correlationIdOf(req.header('x-correlation-id'));
    res.locals.correlationId = correlationId;
    withCorrelation(correlationId, next);
  });
  // Audit records name the client: behind a gateway, only the proxies configured may say who that is.
  if (services.config.trustedProxies !== undefined) app.set('trust proxy', services.config.trustedProxies);
  app.use(httpMetricsMiddleware(services.metrics.http));
  app.enableShutdownHooks();
  return app;
}
