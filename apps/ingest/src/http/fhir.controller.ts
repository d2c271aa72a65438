import { Controller, Delete, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FhirIntake } from '../intake/fhir-intake';
import { keptMedicationText } from '../intake/medication-keeping';
import type { PublishedEvent } from '../intake/record-change-intake';
import { sendFhir } from './fhir-format';
import { bundleResponse, receiptOutcome } from './fhir-rendering';
import { correlationIdOf, providerOf } from './request-context';

/**
 * FHIR R4 (UK Core shaped) RESTful create, update and delete of single resources, and transaction and batch Bundles.
 * Bodies come as FHIR JSON or XML (XML is JSON by the time it gets here: fhir-xml-body.ts); every answer is in the
 * format the sender used or asked for (fhir-format.ts). 202 means the events are on the broker (acks=all).
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
    if (type === 'Medication') return this.keepMedication(req, res, undefined);
    const events = await this.intake.create(providerOf(res), type, req.body, correlationIdOf(req, res));
    versionHeaders(req, res, events);
    send(res, 202, receiptOutcome(events));
  }

  @Put(':type/:id')
  async update(
    @Param('type') type: string,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (type === 'Medication') return this.keepMedication(req, res, id);
    const events = await this.intake.update(
      providerOf(res),
      type,
      id,
      req.body,
      correlationIdOf(req, res),
      req.get('If-Match'),
    );
    versionHeaders(req, res, events);
    send(res, 202, receiptOutcome(events));
  }

  @Delete(':type/:id')
  async remove(
    @Param('type') type: string,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const events = await this.intake.remove(
      providerOf(res),
      type,
      id,
      correlationIdOf(req, res),
      req.get('If-Match'),
    );
    versionHeaders(req, res, events);
    send(res, 202, receiptOutcome(events));
  }

  /** A Medication is kept as reference data: 202 with its version, and a receipt that says nothing was published. */
  private async keepMedication(req: Request, res: Response, id: string | undefined): Promise<void> {
    const kept = await this.intake.keepMedication(providerOf(res), id, req.body, req.get('If-Match'));
    correlationIdOf(req, res);
    setVersionHeaders(req, res, kept.sourceRecordId, kept.version);
    send(res, 202, {
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'information',
          code: 'informational',
          details: { text: keptMedicationText(kept) },
          expression: [kept.sourceRecordId],
        },
      ],
    });
  }
}

/**
 * The record version now current, as FHIR's RESTful API gives it: `ETag: W/"<version>"` and
 * `Location: <base>/<type>/<id>/_history/<version>` (the base this request reached ingest at), so a sender can make its
 * next update version-aware with If-Match.
 */
function versionHeaders(req: Request, res: Response, events: readonly PublishedEvent[]): void {
  const [first] = events;
  if (first !== undefined) setVersionHeaders(req, res, first.sourceRecordId, first.sourceRecordVersion);
}

function setVersionHeaders(req: Request, res: Response, sourceRecordId: string, version: number): void {
  res.setHeader('ETag', `W/"${version}"`);
  const base = `${req.protocol}://${req.get('host') ?? 'localhost'}/fhir`;
  res.setHeader('Location', `${base}/${sourceRecordId}/_history/${version}`);
}

function send(res: Response, status: number, body: object): void {
  sendFhir(res.req, res, status, body);
}
