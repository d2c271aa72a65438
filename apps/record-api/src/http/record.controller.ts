import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PURPOSE_OF_USE_HEADER } from '../access/purpose-of-use';
import { purposeLabel } from '../record-api-metrics';
import { RecordApiServices } from '../record-api-services';
import { isSectionSearch } from '../search/search-parameters';
import { answerRequest } from './answer-request';
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
    return answerRequest(
      req,
      res,
      (context) => this.services.reads.read({ ...context, nhsNumber, formatParameter: req.query._format }),
      (outcome, seconds) =>
        this.services.metrics.read(outcome, purposeLabel(req.header(PURPOSE_OF_USE_HEADER)), seconds),
    );
  }
}
