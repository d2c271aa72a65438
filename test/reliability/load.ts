import { testNhsNumber } from '@crosscare/events/synthetic';
import { fhirFixtures } from '@crosscare/fhir/testing';
import { ICS_CODES, loadProviderDirectory, type Provider } from '@crosscare/governance';
import { oruFor, PATHOLOGY_ORU, withControlId, withSecurity } from '@crosscare/hl7v2/testing';
import { Hl7Message } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import { createHash } from 'node:crypto';
import { CredentialStore } from '../../apps/ingest/src/storage/credential-store';
import { openIngestDatabase } from '../../apps/ingest/src/storage/data-source';

/** The synthetic region's size: few enough patients that each gathers a history (and a changelog sequence) quickly. */
export const PATIENTS = 300;
/** Per-request give-up: a sender that got no definite answer by then stops retrying (the request counts as lost to it). */
const GIVE_UP_MS = 120_000;
const ATTEMPT_TIMEOUT_MS = 15_000;
/** At most this many requests in flight: the load stays bounded when ingest stalls, instead of piling up. */
const MAX_IN_FLIGHT = 400;

export type Route = 'fhir' | 'social-care' | 'mllp';

/** One attempt's answer, as the sender saw it: its HTTP status or ACK code, or 'no-answer'. */
export interface Attempt {
  readonly at: number;
  readonly ms: number;
  readonly answer: string;
}

/** What the oracle needs of each request: the event ids its final acknowledgement named. */
export interface SentRequest {
  readonly route: Route;
  readonly id: string;
  readonly attempts: Attempt[];
  /** 'acknowledged' (202 / AA), 'refused' (a definite 4xx / AE / AR), 'given-up' (no definite answer in time). */
  outcome?: 'acknowledged' | 'refused' | 'given-up';
  eventIds: string[];
}

export interface LoadSenders {
  readonly gps: readonly Provider[];
  readonly councils: readonly Provider[];
  readonly trusts: readonly Provider[];
  readonly keys: ReadonlyMap<string, string>;
}

/** One GP practice per ICS (both collaboratives' projectors get work), two councils and two acute trusts, with keys. */
export async function issueSenders(ingestDatabaseUrl: string): Promise<LoadSenders> {
  const directory = loadProviderDirectory();
  const gps = ICS_CODES.map((ics) => directory.providers({ type: 'GP_PRACTICE', ics })[0]);
  const councils = (['QHL', 'QNC'] as const).map(
    (ics) => directory.providers({ type: 'LOCAL_AUTHORITY', ics }).filter((p) => p.councilCode)[0],
  );
  const trusts = (['QWU', 'QUA'] as const).map((ics) => directory.providers({ type: 'ACUTE_TRUST', ics })[0]);
  const db = await openIngestDatabase({ url: ingestDatabaseUrl, poolSize: 2 }, 'ingest');
  const keys = new Map<string, string>();
  try {
    const store = new CredentialStore(db);
    for (const p of [...gps, ...councils, ...trusts])
      keys.set(p.odsCode, (await store.issue(p.odsCode, 'reliability')).token);
  } finally {
    await db.destroy();
  }
  return { gps, councils, trusts, keys };
}

/**
 * A steady, bounded load through ingest's three doors: every tick (1000 / rate ms) one request, in turn a FHIR
 * Observation PUT (3 in 5), a council's one-record social care extract (1 in 5) and an ORU^R01 over MLLP (1 in 5).
 * A sender retries what got no definite answer (503, a dropped connection, a timeout) with the same body, as a
 * provider's system would, so each request ends acknowledged, refused or given up.
 */
export class LoadGenerator {
  readonly requests: SentRequest[] = [];
  private serial = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  skipped = 0;

  constructor(
    private readonly ingestUrl: () => string,
    private readonly mllpPort: () => number,
    private readonly senders: LoadSenders,
    readonly rate: number,
    private readonly runTag: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), 1000 / this.rate);
  }

  /** Stops sending new requests and waits for those in flight to end (answered or given up). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private tick(): void {
    if (this.inFlight.size >= MAX_IN_FLIGHT) {
      this.skipped++;
      return;
    }
    const n = this.serial++;
    const route: Route = n % 5 === 3 ? 'social-care' : n % 5 === 4 ? 'mllp' : 'fhir';
    const request: SentRequest = { route, id: `${this.runTag}-${n}`, attempts: [], eventIds: [] };
    this.requests.push(request);
    const work = this.send(request, n).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  private async send(request: SentRequest, n: number): Promise<void> {
    const once = this.attemptFor(request.route, request.id, n);
    const started = Date.now();
    for (;;) {
      const at = Date.now();
      const result = await once().catch(() => ({ answer: 'no-answer' as const, eventIds: [] }));
      request.attempts.push({ at, ms: Date.now() - at, answer: result.answer });
      if (result.answer === '202' || result.answer === 'AA') {
        request.outcome = 'acknowledged';
        request.eventIds = result.eventIds;
        return;
      }
      if (/^4\d\d$/.test(result.answer) || result.answer === 'AE' || result.answer === 'AR') {
        request.outcome = 'refused';
        return;
      }
      if (Date.now() - started > GIVE_UP_MS) {
        request.outcome = 'given-up';
        return;
      }
      await sleep(1000);
    }
  }

  /** The request's one body, built once, and how to send it once. */
  private attemptFor(
    route: Route,
    id: string,
    n: number,
  ): () => Promise<{ answer: string; eventIds: string[] }> {
    const nhsNumber = testNhsNumber(1 + (n % PATIENTS));
    const { gps, councils, trusts, keys } = this.senders;
    if (route === 'fhir') {
      const gp = gps[n % gps.length];
      const resource = fhirFixtures.careHomeWeight(nhsNumber);
      resource.id = id;
      resource.valueQuantity = { ...resource.valueQuantity, value: 50 + (n % 40) };
      const body = JSON.stringify(resource);
      return async () => {
        const response = await fetch(`${this.ingestUrl()}/fhir/Observation/${id}`, {
          method: 'PUT',
          headers: {
            authorization: `Bearer ${keys.get(gp.odsCode)}`,
            'content-type': 'application/fhir+json',
          },
          body,
          signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        });
        const text = await response.text();
        return {
          answer: String(response.status),
          eventIds: response.status === 202 ? receiptEventIds(text) : [],
        };
      };
    }
    if (route === 'social-care') {
      const council = councils[n % councils.length];
      const body = JSON.stringify({
        council: council.councilCode,
        records: [
          {
            id,
            version: 1,
            nhsNumber,
            kind: 'service',
            status: 'open',
            startDate: '2026-11-01',
            type: 'adult',
            team: 'North Locality Adult Social Care Team',
            service: 'Home care, 14 hours a week',
            changedAt: '2026-11-25T09:30:00Z',
          },
        ],
      });
      return async () => {
        const response = await fetch(`${this.ingestUrl()}/social-care/extracts`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${keys.get(council.odsCode)}`,
            'content-type': 'application/json',
          },
          body,
          signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        });
        const text = await response.text();
        const eventIds =
          response.status === 202
            ? ((JSON.parse(text) as { events?: { eventId: string }[] }).events ?? []).map((e) => e.eventId)
            : [];
        return { answer: String(response.status), eventIds };
      };
    }
    const trust = trusts[n % trusts.length];
    // MSH-10 is short (20 characters): the run and scenario as a digest, so no two scenarios' messages collide.
    const controlId =
      `R${n}X${createHash('sha1').update(this.runTag).digest('hex').slice(0, 8)}`.toUpperCase();
    const message = withSecurity(
      withControlId(oruFor(PATHOLOGY_ORU.fbcFinal, nhsNumber, trust.odsCode, controlId), controlId),
      keys.get(trust.odsCode)!,
    );
    return async () => {
      const client = new Hl7Client({ host: '127.0.0.1', port: this.mllpPort() });
      try {
        const ack = await withTimeout(client.sendAndWait(Hl7Message.parse(message)), ATTEMPT_TIMEOUT_MS);
        const code = ack.getSegment('MSA')?.getField(1)?.toString() ?? 'no-answer';
        const text = ack.getSegment('MSA')?.getField(3)?.toString() ?? '';
        // AR with ERR-5 UNAVAILABLE is ingest's 503: a PAS sends the same message again (docs/ingest.md, ACKs).
        if (code === 'AR' && ack.getSegment('ERR')?.getField(5)?.toString() === 'UNAVAILABLE')
          return { answer: 'AR UNAVAILABLE', eventIds: [] };
        // MSA-3 of an AA: "accepted <event id> <event id> ..." (docs/ingest.md).
        const eventIds =
          code === 'AA'
            ? text
                .replace(/^accepted\s*/, '')
                .split(/\s+/)
                .filter(Boolean)
            : [];
        return { answer: code, eventIds };
      } finally {
        await client.close().catch(() => undefined);
      }
    };
  }
}

/** The event ids a FHIR receipt (OperationOutcome) names: each issue's details.coding[0].code. */
function receiptEventIds(text: string): string[] {
  const outcome = JSON.parse(text) as { issue?: { details?: { coding?: { code?: string }[] } }[] };
  return (outcome.issue ?? []).map((i) => i.details?.coding?.[0]?.code).filter((c): c is string => !!c);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
