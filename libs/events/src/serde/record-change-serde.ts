import { EVENT_NAMESPACE, EVENT_SCHEMAS, type RecordChangeEventMap } from '../generated/record-changes';
import { AUDIT_NAMESPACE, AUDIT_SCHEMAS } from '../generated/audit-schemas';
import { CHANGELOG_NAMESPACE, CHANGELOG_SCHEMAS } from '../generated/changelog-schemas';
import { SDE_NAMESPACE, SDE_SCHEMAS } from '../generated/sde-schemas';
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
 * Registers this build's whole contract: the record-change events, the changelog records and the audit records, one
 * subject each. For tests and benchmarks that bring a registry of their own, in the role of the admin/CI principal;
 * services only look their schemas up, and deployments register with the schemas CLI, which checks compatibility
 * first.
 */
export async function registerContractSchemas(
  registry: Pick<EventSchemaRegistry, 'register'>,
): Promise<void> {
  const groups: Array<[string, Record<string, object>]> = [
    [EVENT_NAMESPACE, EVENT_SCHEMAS],
    [CHANGELOG_NAMESPACE, CHANGELOG_SCHEMAS],
    [AUDIT_NAMESPACE, AUDIT_SCHEMAS],
    [SDE_NAMESPACE, SDE_SCHEMAS],
  ];
  for (const [namespace, schemas] of groups) {
    for (const [type, schema] of Object.entries(schemas))
      await registry.register(subjectFor(namespace, type), JSON.stringify(schema));
  }
}
