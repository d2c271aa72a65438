import { EVENT_NAMESPACE, EVENT_SCHEMAS, type RecordChangeEventMap } from '../generated/record-changes';
import { subjectFor } from './subject';
import { EventSerde, type EventSchemaRegistry } from './event-serde';

export type RecordChangeSerde = EventSerde<RecordChangeEventMap>;

export interface RecordChangeSerdeOptions {
  /** Only for local tools and tests: in production the schemas CLI registers, producers look up. */
  readonly autoRegister?: boolean;
}

/** The serde every Crosscare producer and consumer uses: the generated record change events and schemas. */
export function createRecordChangeSerde(
  registry: EventSchemaRegistry,
  options: RecordChangeSerdeOptions = {},
): RecordChangeSerde {
  return new EventSerde<RecordChangeEventMap>({
    registry,
    schemas: EVENT_SCHEMAS,
    namespace: EVENT_NAMESPACE,
    autoRegister: options.autoRegister,
  });
}

/**
 * Registers this build's record-change schemas, one subject per event type. For tests and benchmarks that bring a
 * registry of their own; deployments register with the schemas CLI, which checks compatibility first.
 */
export async function registerRecordChangeSchemas(
  registry: Pick<EventSchemaRegistry, 'register'>,
): Promise<void> {
  for (const [type, schema] of Object.entries(EVENT_SCHEMAS))
    await registry.register(subjectFor(EVENT_NAMESPACE, type), JSON.stringify(schema));
}
