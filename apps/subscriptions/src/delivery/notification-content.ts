import { renderRecordItem } from '@crosscare/fhir';
import type { NotificationEvent } from '@crosscare/fhir-subscriptions';
import { positionKey } from '@crosscare/kafka';
import type { PayloadContent, SubscriptionEventRow } from '../store/subscription-store';
import type { SourceEvents } from './source-events';

/**
 * What a notification says of each numbered event: its number, when it happened and its focus always; for a
 * full-resource subscription the focus resource too, rendered as the record API renders it (UK Core) from the event
 * as it was sent, read back from the ICS topic.
 */
export class NotificationContent {
  constructor(
    private readonly source: SourceEvents,
    private readonly providerName: (odsCode: string) => string | undefined,
  ) {}

  async events(rows: readonly SubscriptionEventRow[], payload: PayloadContent): Promise<NotificationEvent[]> {
    const resources =
      payload === 'full-resource' ? await this.source.read(rows.map((row) => row.source)) : undefined;
    return rows.map((row) => {
      const event = resources?.get(positionKey(row.source));
      const resource = event ? renderRecordItem(event, { providerName: this.providerName }) : undefined;
      return {
        eventNumber: row.eventNumber,
        timestamp: row.occurredAt.toISOString(),
        focus: { resourceType: row.focusType, id: row.focusId },
        ...(resource ? { resource } : {}),
      };
    });
  }
}
