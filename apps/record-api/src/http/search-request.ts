import { SEARCHED_SECTIONS, isSearchedSection } from '@crosscare/fhir';
import type { Request, Response } from 'express';
import type { RecordApiServices } from '../record-api-services';
import type { HistorySearchRequest } from '../shared-record-reads';
import { answerRequest } from './answer-request';

/** Hands one search request to SharedRecordReads, measures it and sends its answer. */
export function searchPatientHistory(
  services: RecordApiServices,
  req: Request,
  res: Response,
  target: { readonly route: HistorySearchRequest['route']; readonly resource?: string },
): Promise<void> {
  const resource = target.resource ?? sectionResource(req.query.section);
  const { _format: formatParameter, ...query } = req.query;
  return answerRequest(
    req,
    res,
    (context) => services.reads.search({ ...context, route: target.route, query, formatParameter }),
    (outcome, seconds) => services.metrics.searched(outcome, resource, seconds),
  );
}

/** The metric label of a section search: its resource type, or 'other' (a closed list, whatever was sent). */
function sectionResource(section: unknown): string {
  return typeof section === 'string' && isSearchedSection(section) ? SEARCHED_SECTIONS[section] : 'other';
}
