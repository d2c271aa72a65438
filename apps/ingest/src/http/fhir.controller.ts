import type { AnyRecordChangeDraft } from '@crosscare/events';
import {
  batchResponse,
  bundleEntryCount,
  fhirDeleteDraft,
  isSupportedResourceType,
  mapFhirResource,
  planBundle,
  REMOVED_EVENT_TYPES,
  transactionResponse,
  type BundleEntryPlan,
  type FhirResourceType,
  type ResponseEntry,
} from '@crosscare/fhir';
import { careSettingOf, type Provider } from '@crosscare/governance';
import { Controller, Delete, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { Bundle } from '@medplum/fhirtypes';
import type { Request, Response } from 'express';
import { IngestError, notFound, rejectedInput } from '../ingest-error';
import { IngestServices } from '../ingest-services';
import type { PublishedEvent, SubmissionUnit } from '../intake/record-change-intake';
import { FHIR_MEDIA_TYPE, receiptOutcome } from './fhir-rendering';
import { correlationIdOf, providerOf } from './request-context';

/**
 * FHIR R4 (UK Core shaped) RESTful create, update and delete of single resources, and transaction and batch Bundles.
 * Every answer is FHIR JSON; 202 means the events are on the broker (acks=all).
 */
@Controller('fhir')
export class FhirController {
  constructor(@Inject(IngestServices) private readonly services: IngestServices) {}

  @Post()
  async bundle(@Req() req: Request, @Res() res: Response): Promise<void> {
    const provider = providerOf(res);
    const max = this.services.config.limits.maxEntries;
    const count = bundleEntryCount(req.body);
    if (count > max)
      throw rejectedInput([
        {
          location: 'Bundle.entry',
          code: 'too-costly',
          message: `${count} entries; at most ${max} per Bundle`,
        },
      ]);
    const plan = planBundle(req.body, {
      providerOdsCode: provider.odsCode,
      careSetting: careSettingOf(provider.type),
    });
    if (!plan.ok) throw rejectedInput(plan.issues);
    const correlationId = correlationIdOf(req, res);
    const resolved = await Promise.all(plan.value.entries.map((entry) => this.resolve(provider, entry)));

    if (plan.value.type === 'transaction') {
      const failure = resolved.find((r): r is IngestError => r instanceof IngestError);
      if (failure) throw failure;
      const units = resolved as ResolvedEntry[];
      const events = await this.services.intake.submit(provider, units, correlationId);
      const byLocation = groupByUnit(units, events);
      return this.send(res, 202, withReceipts(transactionResponse(units.map(responseOf)), byLocation));
    }

    const writable = resolved.filter((r): r is ResolvedEntry => !(r instanceof IngestError));
    const outcomes = await this.services.intake.submitEach(provider, writable, correlationId);
    const outcomeOf = new Map(writable.map((unit, i) => [unit, outcomes[i]]));
    const receipts: PublishedEvent[][] = [];
    const entries: ResponseEntry[] = resolved.map((r) => {
      if (r instanceof IngestError) {
        receipts.push([]);
        return { status: r.status, issues: r.issues };
      }
      const outcome = outcomeOf.get(r)!;
      if ('error' in outcome) {
        receipts.push([]);
        return { status: outcome.error.status, issues: outcome.error.issues };
      }
      receipts.push(outcome.events);
      return responseOf(r);
    });
    this.send(res, 202, withReceipts(batchResponse(entries), receipts));
  }

  @Post(':type')
  async create(@Param('type') type: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.write('create', type, undefined, req, res);
  }

  @Put(':type/:id')
  async update(
    @Param('type') type: string,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.write('update', type, id, req, res);
  }

  @Delete(':type/:id')
  async remove(
    @Param('type') type: string,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const provider = providerOf(res);
    const resourceType = supportedType(type);
    const unit = await this.resolve(
      provider,
      { kind: 'delete', index: 0, resourceType, id },
      `${type}/${id}`,
    );
    if (unit instanceof IngestError) throw unit;
    const events = await this.services.intake.submit(
      provider,
      [{ ...unit, location: `${type}/${id}` }],
      correlationIdOf(req, res),
    );
    this.send(res, 202, receiptOutcome(events));
  }

  private async write(
    operation: 'create' | 'update',
    type: string,
    id: string | undefined,
    req: Request,
    res: Response,
  ): Promise<void> {
    const provider = providerOf(res);
    const resourceType = supportedType(type);
    const body = req.body as { resourceType?: unknown; id?: unknown } | undefined;
    if (body?.resourceType !== resourceType)
      throw rejectedInput([
        {
          location: `${resourceType}.resourceType`,
          code: 'structure',
          message: `the body must be a ${resourceType} resource (got ${typeof body?.resourceType === 'string' ? body.resourceType : 'none'})`,
        },
      ]);
    if (id !== undefined && body.id !== id)
      throw rejectedInput([
        {
          location: `${resourceType}.id`,
          code: 'structure',
          message: `the resource id must equal the URL's id ${id}`,
        },
      ]);
    const result = mapFhirResource(body, {
      operation,
      providerOdsCode: provider.odsCode,
      careSetting: careSettingOf(provider.type),
    });
    if (!result.ok) throw rejectedInput(result.issues);
    const events = await this.services.intake.submit(
      provider,
      [{ location: resourceType, drafts: result.value }],
      correlationIdOf(req, res),
    );
    this.send(res, 202, receiptOutcome(events));
  }

  /**
   * A planned entry as the drafts to publish. A DELETE becomes the RecordRemoved of the record this provider
   * shared: its NHS number from the ledger, one version above the last shared. Deleting it again repeats that same
   * removal, so it publishes nothing new.
   */
  private async resolve(
    provider: Provider,
    entry: BundleEntryPlan,
    location = `Bundle.entry[${entry.index}]`,
  ): Promise<ResolvedEntry | IngestError> {
    if (entry.kind === 'rejected') return rejectedInput(entry.issues);
    if (entry.kind === 'write')
      return {
        location,
        drafts: entry.drafts,
        method: entry.method,
        resourceType: entry.resourceType,
        id: entry.id,
      };
    const sourceRecordId = `${entry.resourceType}/${entry.id}`;
    const latest = await this.services.ledger.latest(
      this.services.db.manager,
      provider.odsCode,
      sourceRecordId,
    );
    if (!latest)
      return notFound(
        location,
        `${provider.odsCode} has never shared ${sourceRecordId}, so there is nothing to delete`,
      );
    const removed = latest.eventTypes.includes('RecordRemoved');
    const usual = REMOVED_EVENT_TYPES[entry.resourceType];
    const shared = latest.eventTypes.filter((t) => t !== 'RecordRemoved');
    const draft = fhirDeleteDraft(
      entry.resourceType,
      entry.id,
      latest.nhsNumber,
      removed ? latest.version : latest.version + 1,
      Date.now(),
      removed || shared.length === 0 || shared.includes(usual) ? usual : (shared[0] as typeof usual),
    );
    return { location, drafts: [draft], method: 'DELETE', resourceType: entry.resourceType, id: entry.id };
  }

  private send(res: Response, status: number, body: object): void {
    res.status(status).type(FHIR_MEDIA_TYPE).send(JSON.stringify(body));
  }
}

interface ResolvedEntry extends SubmissionUnit {
  readonly drafts: readonly AnyRecordChangeDraft[];
  readonly method: 'POST' | 'PUT' | 'DELETE';
  readonly resourceType: FhirResourceType;
  readonly id: string;
}

function supportedType(type: string): FhirResourceType {
  if (isSupportedResourceType(type)) return type;
  throw new IngestError(404, [
    { location: type, code: 'not-supported', message: `Crosscare does not take ${type} resources` },
  ]);
}

function responseOf(entry: ResolvedEntry): ResponseEntry {
  const version = entry.drafts[0]?.source.sourceRecordVersion ?? 0;
  return {
    status: entry.method === 'POST' ? 201 : 200,
    location: { resourceType: entry.resourceType, id: entry.id, version },
  };
}

/** The events of each unit, in unit order (submit returns them flat, unit after unit). */
function groupByUnit(units: readonly ResolvedEntry[], events: readonly PublishedEvent[]): PublishedEvent[][] {
  let next = 0;
  return units.map((u) => events.slice(next, (next += u.drafts.length)));
}

/** Each successful entry's response carries the receipt of its events. */
function withReceipts(bundle: Bundle, receipts: readonly PublishedEvent[][]): Bundle {
  return {
    ...bundle,
    entry: bundle.entry?.map((e, i) =>
      receipts[i]?.length && e.response
        ? { ...e, response: { ...e.response, outcome: receiptOutcome(receipts[i]) } }
        : e,
    ),
  };
}
