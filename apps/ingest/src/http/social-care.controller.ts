import { mapSocialCareCsv, mapSocialCareJson } from '@crosscare/social-care';
import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { forbidden, rejectedInput } from '../ingest-error';
import { IngestServices } from '../ingest-services';
import { correlationIdOf, providerOf } from './request-context';

/**
 * Councils' social care extracts, JSON or CSV (docs/ingest.md). An extract is all or nothing: one bad record and
 * none is published. A council sends only as itself: the extract's council must be the one its key belongs to.
 */
@Controller('social-care')
export class SocialCareController {
  constructor(@Inject(IngestServices) private readonly services: IngestServices) {}

  @Post('extracts')
  @HttpCode(202)
  async extract(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const provider = providerOf(res);
    const council = this.services.directory.councilFor(provider.odsCode);
    if (!council) throw forbidden('Authorization', `provider ${provider.odsCode} is not a council`);
    const options = {
      councilName: (ons: string) => (ons === council.code ? council.name : undefined),
      maxRecords: this.services.config.limits.maxEntries,
    };
    const isCsv = req.is('text/csv') === 'text/csv';
    if (!isCsv) {
      const named = (req.body as { council?: unknown } | undefined)?.council;
      if (typeof named === 'string' && named !== council.code)
        throw forbidden(
          '/council',
          `the extract names council ${named}, but the API key belongs to ${council.name} (${council.code})`,
        );
    }
    const result = isCsv
      ? mapSocialCareCsv(String(req.body ?? ''), council.code, options)
      : mapSocialCareJson(req.body, options);
    if (!result.ok) throw rejectedInput(result.issues);
    const correlationId = correlationIdOf(req, res);
    const events = await this.services.intake.submit(
      provider,
      result.value.map((draft, i) => ({
        location: isCsv ? `row ${i + 2}` : `/records/${i}`,
        drafts: [draft],
      })),
      correlationId,
    );
    return { correlationId, events };
  }
}
