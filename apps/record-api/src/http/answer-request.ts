import type { Request, Response } from 'express';
import type { RouteRequest } from '../access/audited-access';
import { BREAK_GLASS_HEADER } from '../access/break-glass';
import { PURPOSE_OF_USE_HEADER } from '../access/purpose-of-use';
import { readOutcomeOf, thrownOutcomeOf, type ReadOutcome } from '../record-api-metrics';
import type { Answer } from './answer';
import { correlationIdOf } from './correlation-id';
import { sendAnswer } from './send-answer';

/** What every record route reads off a request's headers: who asks, why, the format accepted, from where. */
export type RequestContext = Omit<RouteRequest, 'formatParameter'>;

/**
 * Answers one request of a record route: `decide` gets what the request says and returns the answer; how it ended
 * (and how long it took) goes to `measured`, thrown errors included, which the exception filter then answers.
 */
export async function answerRequest(
  req: Request,
  res: Response,
  decide: (context: RequestContext) => Promise<Answer>,
  measured: (outcome: ReadOutcome, seconds: number) => void,
): Promise<void> {
  // The app's first middleware chose it (and runs the request under it): withCorrelation in record-api-app.ts.
  const correlationId =
    (res.locals.correlationId as string | undefined) ?? correlationIdOf(req.header('x-correlation-id'));
  res.locals.correlationId = correlationId;
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const answer = await decide({
    authorization: req.header('authorization'),
    purposeOfUse: req.header(PURPOSE_OF_USE_HEADER),
    breakGlassReason: req.header(BREAK_GLASS_HEADER),
    accept: req.header('accept'),
    correlationId,
    clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
  }).catch((error: unknown) => {
    measured(thrownOutcomeOf(error), seconds());
    throw error;
  });
  measured(readOutcomeOf(answer.status), seconds());
  sendAnswer(res, answer, correlationId);
}
