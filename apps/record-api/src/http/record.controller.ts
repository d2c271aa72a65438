import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { BREAK_GLASS_HEADER } from '../access/break-glass';
import { PURPOSE_OF_USE_HEADER } from '../access/purpose-of-use';
import { purposeLabel, readOutcomeOf, thrownOutcomeOf, type ReadOutcome } from '../record-api-metrics';
import { RecordApiServices } from '../record-api-services';
import { sendAnswer } from './send-answer';
import { correlationIdOf } from './correlation-id';
import { isSectionSearch } from '../search/search-parameters';
import { searchPatientHistory } from './search-request';

@Controller('patients')
export class RecordController {
  constructor(@Inject(RecordApiServices) private readonly services: RecordApiServices) {}

  /**
   * One patient's shared record, across both collaboratives: JSON view, or a FHIR Bundle (Accept or _format). With
   * search parameters (section=...), a search of one section of the patient's history instead.
   */
  @Get(':nhsNumber/record')
  async record(
    @Param('nhsNumber') nhsNumber: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (isSectionSearch(req.query))
      return searchPatientHistory(this.services, req, res, { route: { kind: 'SECTION', nhsNumber } });
    // The app's first middleware chose it (and runs the request under it): withCorrelation in record-api-app.ts.
    const correlationId =
      (res.locals.correlationId as string | undefined) ?? correlationIdOf(req.header('x-correlation-id'));
    res.locals.correlationId = correlationId;
    const started = process.hrtime.bigint();
    const measured = (outcome: ReadOutcome) =>
      this.services.metrics.read(
        outcome,
        purposeLabel(req.header(PURPOSE_OF_USE_HEADER)),
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    const answer = await this.services.reads
      .read({
        nhsNumber,
        authorization: req.header('authorization'),
        purposeOfUse: req.header(PURPOSE_OF_USE_HEADER),
        breakGlassReason: req.header(BREAK_GLASS_HEADER),
        formatParameter: req.query._format,
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
}
