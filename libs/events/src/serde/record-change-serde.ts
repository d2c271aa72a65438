import { EVENT_NAMESPACE, EVENT_SCHEMAS, type RecordChangeEventMap } from '../generated/record-changes';
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
