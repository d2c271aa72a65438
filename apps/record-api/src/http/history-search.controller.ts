import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { isSearchableResourceType } from '@crosscare/fhir';
import type { Request, Response } from 'express';
import { RecordApiServices } from '../record-api-services';
import { searchPatientHistory } from './search-request';

/**
 * FHIR search of one patient's history: GET /fhir/{resourceType}?patient.identifier=...&code=...&date=...
 * (docs/record-api.md). Answers are searchset Bundles; refusals are OperationOutcomes.
 */
@Controller('fhir')
export class HistorySearchController {
  constructor(@Inject(RecordApiServices) private readonly services: RecordApiServices) {}

  @Get(':resourceType')
  async search(
    @Param('resourceType') resourceType: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await searchPatientHistory(this.services, req, res, {
      route: { kind: 'FHIR', resourceType },
      resource: isSearchableResourceType(resourceType) ? resourceType : 'other',
    });
  }
}
