import { httpMetricsMiddleware } from '@crosscare/metrics';
import type { INestApplication } from '@nestjs/common';
import { nestLoggerOption } from '@crosscare/logging/nest';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import type { SubscriptionsServices } from './subscriptions-services';
import { SubscriptionsModule } from './subscriptions.module';

/** A Subscription is a few kilobytes; anything near this is not one. */
const MAX_BODY_BYTES = 256 * 1024;

/** The service's HTTP face (FHIR API, health, metrics), not yet listening: shared by main.ts and the tests. */
export async function createSubscriptionsApp(services: SubscriptionsServices): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(SubscriptionsModule.forRoot(services), {
    bodyParser: false,
    logger: nestLoggerOption(services.config),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.use(httpMetricsMiddleware(services.metrics.http));
  // The websocket channel shares the API's port: `<base>/websocket`.
  services.websockets.attach(app.getHttpServer());
  app.use(
    express.json({
      type: ['application/fhir+json', 'application/json'],
      limit: MAX_BODY_BYTES,
      strict: true,
    }),
  );
  return app;
}
