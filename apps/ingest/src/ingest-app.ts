import { httpMetricsMiddleware } from '@crosscare/metrics';
import type { INestApplication } from '@nestjs/common';
import { nestLoggerOption } from '@crosscare/logging/nest';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { IngestError } from './ingest-error';
import type { IngestServices } from './ingest-services';
import { IngestModule } from './ingest.module';
import { rendererFor } from './http/ingest-exception.filter';
import { providerGate } from './http/provider-gate';
import type { InputFormat } from '@crosscare/governance';
import { correlationIdOf } from './http/request-context';
import { withCorrelation } from '@crosscare/logging';
import { FHIR_MEDIA_TYPES, requestFormat } from './http/fhir-format';
import { fhirXmlBody } from './http/fhir-xml-body';
import { refusedBody, verifyJsonBody, verifyTextBody } from './http/body-checks';
import { requestCounting } from './http/request-counting';

/** Media types each format accepts; anything else is 415 before the body is read. */
export const FORMAT_MEDIA_TYPES: Record<InputFormat, string[]> = {
  fhir: [...FHIR_MEDIA_TYPES.json, ...FHIR_MEDIA_TYPES.xml],
  hl7v2: ['x-application/hl7-v2+er7', 'application/hl7-v2', 'text/plain'],
  'social-care': ['application/json', 'text/csv'],
};

/** Builds ingest's HTTP application (not yet listening) over started services: shared by main.ts and the tests. */
export async function createIngestApp(services: IngestServices): Promise<INestApplication> {
  const config = services.config;
  const app = await NestFactory.create<NestExpressApplication>(IngestModule.forRoot(services), {
    bodyParser: false,
    logger: nestLoggerOption(config),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.use(httpMetricsMiddleware(services.metrics.http));
  const limit = config.limits.maxBodyBytes;

  for (const [format, path] of [
    ['fhir', '/fhir'],
    ['hl7v2', '/hl7v2'],
    ['social-care', '/social-care'],
  ] as const) {
    const render = rendererFor(path);
    app.use(path, requestCounting(services.metrics, format));
    // Authentication and rate limiting first: a caller without a valid key never has its body read.
    app.use(path, providerGate(services.admission, format, render));
    app.use(path, (req: Request, res: Response, next: NextFunction) => {
      if (req.method === 'DELETE' || req.method === 'GET') return next();
      if (!req.is(FORMAT_MEDIA_TYPES[format]))
        return render(
          req,
          res,
          new IngestError(415, [
            {
              location: 'Content-Type',
              code: 'structure',
              message: `send ${FORMAT_MEDIA_TYPES[format].join(' or ')} (got ${req.header('content-type') ?? 'none'})`,
            },
          ]),
        );
      next();
    });
    app.use(
      path,
      express.json({
        type: ['application/fhir+json', 'application/json'],
        limit,
        strict: true,
        verify: verifyJsonBody,
      }),
      express.text({
        type: ['x-application/hl7-v2+er7', 'application/hl7-v2', 'text/plain', 'text/csv'],
        limit,
        verify: verifyTextBody,
      }),
      // FHIR XML is read as text within the same limit and becomes FHIR JSON here, so past this point it is JSON-in.
      express.text({ type: [...FHIR_MEDIA_TYPES.xml], limit, verify: verifyTextBody }),
      (req: Request, res: Response, next: NextFunction) => {
        if (format !== 'fhir' || req.method === 'DELETE' || requestFormat(req) !== 'xml') return next();
        try {
          req.body = fhirXmlBody(typeof req.body === 'string' ? req.body : '');
          next();
        } catch (error) {
          if (!(error instanceof IngestError)) return next(error);
          render(req, res, error);
        }
      },
      (error: unknown, req: Request, res: Response, next: NextFunction) => {
        const parse = bodyParseError(error, limit);
        if (!parse) return next(error);
        correlationIdOf(req, res);
        render(req, res, parse);
      },
    );
  }
  // Every request's work runs under its correlation id, so each line it logs carries it (docs/operations.md, Logs).
  // After the body parsers: they finish in the socket's stream events, which would lose the request's context.
  app.use((req: Request, res: Response, next: NextFunction) =>
    withCorrelation(correlationIdOf(req, res), next),
  );
  app.enableShutdownHooks();
  return app;
}

/** body-parser's errors, as the sender should read them. */
function bodyParseError(error: unknown, limit: number): IngestError | undefined {
  const refused = refusedBody(error);
  if (refused) return refused;
  const type = (error as { type?: unknown })?.type;
  if (type === 'entity.too.large')
    return new IngestError(413, [
      {
        location: '(body)',
        code: 'too-costly',
        message: `the body is larger than the limit of ${limit} bytes`,
      },
    ]);
  if (type === 'entity.parse.failed')
    return new IngestError(400, [
      {
        location: '(body)',
        code: 'structure',
        message: `the body is not valid JSON: ${(error as Error).message}`,
      },
    ]);
  if (type === 'encoding.unsupported' || type === 'charset.unsupported')
    return new IngestError(415, [
      { location: 'Content-Type', code: 'structure', message: (error as Error).message },
    ]);
  return undefined;
}
