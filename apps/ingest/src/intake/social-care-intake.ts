import type { Provider, ProviderDirectory } from '@crosscare/governance';
import { mapSocialCareCsv, mapSocialCareJson } from '@crosscare/social-care';
import { forbidden, rejectedInput } from '../ingest-error';
import type { PublishedEvent, RecordChangeIntake } from './record-change-intake';

/** A council's extract as it arrived: CSV text, or the parsed JSON document. */
export type SocialCareExtract =
  { readonly format: 'csv'; readonly text: string } | { readonly format: 'json'; readonly body: unknown };

export interface SocialCareIntakeOptions {
  /** Most records in one extract (413 above it). */
  readonly maxEntries: number;
}

/**
 * Councils' social care extracts, JSON or CSV (docs/ingest.md). An extract is all or nothing: one bad record and
 * none is published. A council sends only as itself: the extract's council must be the one its key belongs to.
 */
export class SocialCareIntake {
  constructor(
    private readonly directory: ProviderDirectory,
    private readonly records: RecordChangeIntake,
    private readonly options: SocialCareIntakeOptions,
  ) {}

  async extract(
    provider: Provider,
    extract: SocialCareExtract,
    correlationId: string,
  ): Promise<PublishedEvent[]> {
    const council = this.directory.councilFor(provider.odsCode);
    if (!council) throw forbidden('Authorization', `provider ${provider.odsCode} is not a council`);
    const options = {
      councilName: (ons: string) => (ons === council.code ? council.name : undefined),
      maxRecords: this.options.maxEntries,
    };
    if (extract.format === 'json') {
      const named = (extract.body as { council?: unknown } | undefined)?.council;
      if (typeof named === 'string' && named !== council.code)
        throw forbidden(
          '/council',
          `the extract names council ${named}, but the API key belongs to ${council.name} (${council.code})`,
        );
    }
    const result =
      extract.format === 'csv'
        ? mapSocialCareCsv(extract.text, council.code, options)
        : mapSocialCareJson(extract.body, options);
    if (!result.ok) throw rejectedInput(result.issues);
    return this.records.submit(
      provider,
      result.value.map((draft, i) => ({ location: recordLocation(extract.format, i), drafts: [draft] })),
      correlationId,
    );
  }
}

/** Where the i-th record of an extract is, in the sender's terms: its CSV row (after the header) or JSON pointer. */
export function recordLocation(format: SocialCareExtract['format'], index: number): string {
  return format === 'csv' ? `row ${index + 2}` : `/records/${index}`;
}
