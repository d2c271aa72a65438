import { AUDIT_NAMESPACE, AUDIT_SCHEMAS, EventSerde, type EventSchemaRegistry } from '@crosscare/events';
import type { RecordProducer, TopicSpec } from '@crosscare/kafka';
import { randomUUID } from 'node:crypto';
import type { GrantChange } from './grant-store';
import type { SubscriberGrant } from './subscriber-grant';

/** The grants' audit topic: one partition kept for ever, like the record access audit (a grant's history outlives any
 * retention window). The admin's `subscribers` command provisions it; deploy/k8s declares it. */
export function grantAuditTopicSpec(name: string, replicationFactor?: number): TopicSpec {
  return { name, partitions: 1, replicationFactor, config: { 'retention.ms': '-1' } };
}

/** schemas/audit/SubscriberGrantChanged.avsc, as published. */
export interface SubscriberGrantChanged {
  readonly auditId: string;
  /** Epoch milliseconds (Avro timestamp-millis). */
  readonly occurredAt: number;
  readonly change: GrantChange;
  readonly subscriber: string;
  readonly principal: string;
  readonly organisationOdsCode: string;
  /** The collaborative whose changelog is granted; null for an SDE team. */
  readonly collaborative: string | null;
  /** The approved SDE project whose topics are granted; null for a changelog subscriber. */
  readonly sdeProject: string | null;
  readonly topics: string[];
  readonly agreement: string;
  readonly expiresAt: number | null;
  readonly changedBy: string;
}

export function grantChanged(
  grant: SubscriberGrant,
  change: GrantChange,
  changedBy: string,
  at: Date,
): SubscriberGrantChanged {
  return {
    auditId: randomUUID(),
    occurredAt: at.getTime(),
    change,
    subscriber: grant.name,
    principal: grant.principal,
    organisationOdsCode: grant.organisationOdsCode,
    collaborative: grant.collaborative,
    sdeProject: grant.sdeProject,
    topics: [...grant.topics],
    agreement: grant.agreement,
    expiresAt: grant.expiresAt?.getTime() ?? null,
    changedBy,
  };
}

/** Publishes grant changes on the grants audit topic, Avro with the registry's schema id, keyed by principal. */
export class GrantAudit {
  private readonly serde: EventSerde<{ SubscriberGrantChanged: SubscriberGrantChanged }>;

  constructor(
    registry: EventSchemaRegistry,
    private readonly producer: RecordProducer,
    private readonly topic: string,
  ) {
    this.serde = new EventSerde<{ SubscriberGrantChanged: SubscriberGrantChanged }>({
      registry,
      schemas: { SubscriberGrantChanged: AUDIT_SCHEMAS.SubscriberGrantChanged },
      namespace: AUDIT_NAMESPACE,
      autoRegister: true,
    });
  }

  async publish(event: SubscriberGrantChanged): Promise<void> {
    const value = await this.serde.encode('SubscriberGrantChanged', event);
    await this.producer.send({ topic: this.topic, messages: [{ key: event.principal, value }] });
  }

  decode(value: Buffer): Promise<SubscriberGrantChanged> {
    return this.serde.decode(value).then((d) => d.event);
  }
}
