import { type Checked, type SubscriptionIssue, issue } from './issues';
import { PAYLOAD_CONTENTS, type PayloadContent } from './subscription-channel';

/** At most this many events per $events call: a subscription's whole history is not one answer. */
export const MAX_EVENTS_PER_CALL = 100;

/** $events' parameters (OperationDefinition-backport-subscription-events.html), checked. */
export interface EventsQuery {
  /** First event wanted, inclusive. */
  readonly eventsSinceNumber?: number;
  /** Last event wanted, inclusive. */
  readonly eventsUntilNumber?: number;
  /** The content the client prefers; the IG lets a server ignore it, Crosscare honours it. */
  readonly content?: PayloadContent;
  /** The most events one answer holds: the server narrows a range given at one end only to this. */
  readonly maxEvents: number;
}

const EVENT_NUMBER = /^[1-9]\d{0,15}$/;

/**
 * $events' query parameters. The IG types the numbers as strings (event numbers can outgrow R4's integer); they are
 * whole numbers from 1. A range given at both ends may span at most MAX_EVENTS_PER_CALL events; one given at one
 * end, or none, is narrowed by the caller with `maxEvents`. Parameters the operation does not define are ignored,
 * as FHIR's default handling of unknown search parameters is.
 */
export function parseEventsQuery(query: Readonly<Record<string, string | undefined>>): Checked<EventsQuery> {
  const issues: SubscriptionIssue[] = [];
  const since = eventNumber(query, 'eventsSinceNumber', issues);
  const until = eventNumber(query, 'eventsUntilNumber', issues);
  const content = contentOf(query.content, issues);
  if (since !== undefined && until !== undefined) {
    if (since > until) {
      issues.push(
        issue(
          'value',
          'eventsSinceNumber',
          `eventsSinceNumber (${since}) is after eventsUntilNumber (${until})`,
        ),
      );
    } else if (until - since + 1 > MAX_EVENTS_PER_CALL) {
      issues.push(
        issue(
          'value',
          'eventsUntilNumber',
          `at most ${MAX_EVENTS_PER_CALL} events per call; ask for the rest in turn`,
        ),
      );
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      ...(since === undefined ? {} : { eventsSinceNumber: since }),
      ...(until === undefined ? {} : { eventsUntilNumber: until }),
      ...(content === undefined ? {} : { content }),
      maxEvents: MAX_EVENTS_PER_CALL,
    },
  };
}

function eventNumber(
  query: Readonly<Record<string, string | undefined>>,
  name: 'eventsSinceNumber' | 'eventsUntilNumber',
  issues: SubscriptionIssue[],
): number | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  const value = raw.trim();
  if (!EVENT_NUMBER.test(value) || !Number.isSafeInteger(Number(value))) {
    issues.push(issue('value', name, `${name} must be a whole number from 1`));
    return undefined;
  }
  return Number(value);
}

function contentOf(raw: string | undefined, issues: SubscriptionIssue[]): PayloadContent | undefined {
  if (raw === undefined || raw === '') return undefined;
  if ((PAYLOAD_CONTENTS as readonly string[]).includes(raw)) return raw as PayloadContent;
  issues.push(issue('value', 'content', `content must be one of ${PAYLOAD_CONTENTS.join(', ')}`));
  return undefined;
}

/**
 * The event numbers an $events call answers with, given the latest numbered: the range asked for, cut to what
 * exists; from one end (or the latest events when no end is given) at most `maxEvents`. Undefined when nothing in
 * the range exists yet.
 */
export function eventsRange(
  query: EventsQuery,
  latestEventNumber: number,
): { readonly since: number; readonly until: number } | undefined {
  const until = Math.min(query.eventsUntilNumber ?? latestEventNumber, latestEventNumber);
  const since = query.eventsSinceNumber ?? Math.max(1, until - query.maxEvents + 1);
  const last = Math.min(until, since + query.maxEvents - 1);
  return since > last ? undefined : { since, until: last };
}
