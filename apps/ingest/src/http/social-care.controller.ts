import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SocialCareIntake, type SocialCareExtract } from '../intake/social-care-intake';
import { correlationIdOf, providerOf } from './request-context';

/** Councils' social care extracts, JSON or CSV; the answer names the correlation id and every event published. */
@Controller('social-care')
export class SocialCareController {
  constructor(@Inject(SocialCareIntake) private readonly intake: SocialCareIntake) {}

  @Post('extracts')
  @HttpCode(202)
  async extract(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const provider = providerOf(res);
    const extract: SocialCareExtract =
      req.is('text/csv') === 'text/csv'
        ? { format: 'csv', text: String(req.body ?? '') }
        : { format: 'json', body: req.body };
    const correlationId = correlationIdOf(req, res);
    const events = await this.intake.extract(provider, extract, correlationId);
    return { correlationId, events };
  }
}
