import { Controller, Delete, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FhirIntake } from '../intake/fhir-intake';
import { sendFhir } from './fhir-format';
import { bundleResponse, receiptOutcome } from './fhir-rendering';
import { correlationIdOf, providerOf } from './request-context';

/**
 * FHIR R4 (UK Core shaped) RESTful create, update and delete of single resources, and transaction and batch Bundles.
 * Bodies come as FHIR JSON or XML (XML is JSON by the time it gets here: fhir-xml.ts); every answer is in the format
 * the sender used or asked for (fhir-format.ts). 202 means the events are on the broker (acks=all).
 */
@Controller('fhir')
export class FhirController {
  constructor(@Inject(FhirIntake) private readonly intake: FhirIntake) {}

  @Post()
  async bundle(@Req() req: Request, @Res() res: Response): Promise<void> {
    const outcome = await this.intake.bundle(providerOf(res), req.body, correlationIdOf(req, res));
    send(res, 202, bundleResponse(outcome));
  }

  @Post(':type')
  async create(@Param('type') type: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const events = await this.intake.create(providerOf(res), type, req.body, correlationIdOf(req, res));
    send(res, 202, receiptOutcome(events));
  }

  @Put(':type/:id')
  async update(
    @Param('type') type: string,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const events = await this.intake.update(providerOf(res), type, id, req.body, correlationIdOf(req, res));
    send(res, 202, receiptOutcome(events));
  }

  @Delete(':type/:id')
  async remove(
    @Param('type') type: string,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const events = await this.intake.remove(providerOf(res), type, id, correlationIdOf(req, res));
    send(res, 202, receiptOutcome(events));
  }
}

function send(res: Response, status: number, body: object): void {
  sendFhir(res.req, res, status, body);
}
