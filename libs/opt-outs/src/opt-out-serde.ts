import { EventSerde, SDE_NAMESPACE, SDE_SCHEMAS, type EventSchemaRegistry } from '@crosscare/events';
import type { OptOutChanged } from '@crosscare/governance';

export type OptOutSerde = EventSerde<{ OptOutChanged: OptOutChanged }>;

/**
 * The opt-out topic's values: OptOutChanged in Confluent's wire format, under the subject
 * uk.nhs.crosscare.sde.OptOutChanged, which the schemas CLI registers with the rest of the contract. Writers look
 * their schema up and never register it (autoRegister is for tests that bring a registry of their own).
 */
export function createOptOutSerde(
  registry: EventSchemaRegistry,
  options: { readonly autoRegister?: boolean } = {},
): OptOutSerde {
  return new EventSerde<{ OptOutChanged: OptOutChanged }>({
    registry,
    schemas: { OptOutChanged: SDE_SCHEMAS.OptOutChanged },
    namespace: SDE_NAMESPACE,
    autoRegister: options.autoRegister,
  });
}
