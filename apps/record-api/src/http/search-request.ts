import { SEARCHED_SECTIONS, isSearchedSection } from '@crosscare/fhir';
import type { Request, Response } from 'express';
import { BREAK_GLASS_HEADER } from '../access/break-glass';
import { PURPOSE_OF_USE_HEADER } from '../access/purpose-of-use';
import { readOutcomeOf, thrownOutcomeOf, type ReadOutcome } from '../record-api-metrics';
import type { RecordApiServices } from '../record-api-services';
import type { HistorySearchRequest } from '../shared-record-reads';
import { correlationIdOf } from './correlation-id';
import { sendAnswer } from './send-answer';

/** Hands one search request to SharedRecordReads, measures it and sends its answer. */
export async function searchPatientHistory(
  services: RecordApiServices,
  req: Request,
  res: Response,
  target: { readonly route: HistorySearchRequest['route']; readonly resource?: string },
): Promise<void> {
  const correlationId =
    (res.locals.correlationId as string | undefined) ?? correlationIdOf(req.header('x-correlation-id'));
  res.locals.correlationId = correlationId;
  const started = process.hrtime.bigint();
  const resource = target.resource ?? sectionResource(req.query.section);
  const measured = (outcome: ReadOutcome) =>
    services.metrics.searched(outcome, resource, Number(process.hrtime.bigint() - started) / 1e9);
  const { _format: formatParameter, ...query } = req.query;
  const answer = await services.reads
    .search({
      route: target.route,
      query,
      authorization: req.header('authorization'),
      purposeOfUse: req.header(PURPOSE_OF_USE_HEADER),
      breakGlassReason: req.header(BREAK_GLASS_HEADER),
      formatParameter,
      accept: req.header('accept'),
      correlationId,
      clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    })
    .catch((error: unknown) => {
      measured(thrownOutcomeOf(error));
      throw error;
    });
  measured(readOutcomeOf(answer.status));
  sendAnswer(res, answer, correlationId);
}

/** The metric label of a section search: its resource type, or 'other' (a closed list, whatever was sent). */
function sectionResource(section: unknown): string {
  return typeof section === 'string' && isSearchedSection(section) ? SEARCHED_SECTIONS[section] : 'other';
}
