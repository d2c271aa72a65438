import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Hl7v2Intake } from '../intake/hl7v2-intake';
import { HL7V2_MEDIA_TYPE } from './hl7v2-rendering';
import { correlationIdOf, providerOf } from './request-context';

/** One HL7 v2 ER7 message per request; the answer is its ACK, with 202 for AA and 4xx/5xx for AE/AR. */
@Controller('hl7v2')
export class Hl7v2Controller {
  constructor(@Inject(Hl7v2Intake) private readonly intake: Hl7v2Intake) {}

  @Post()
  async message(@Req() req: Request, @Res() res: Response): Promise<void> {
    const body: unknown = req.body;
    const answer = await this.intake.handle(
      typeof body === 'string' ? body : '',
      correlationIdOf(req, res),
      providerOf(res),
    );
    if (answer.retryAfterSeconds !== undefined)
      res.setHeader('Retry-After', String(answer.retryAfterSeconds));
    res.status(answer.status).type(HL7V2_MEDIA_TYPE).send(answer.ack);
  }
}
