import { EventSerde, type EventSchemaRegistry } from '@crosscare/events';
import {
  itemKindOf,
  parseChangelogKey,
  type ChangelogMessage,
  type PatientRecordHead,
} from '@crosscare/projection';
import {
  assembleItemMessage,
  encodeRecordItem,
  storedItemOfMessage,
  type ItemIdentity,
} from './changelog-avro';
import {
  CHANGELOG_NAMESPACE,
  PATIENT_RECORD_HEAD_SCHEMA,
  PATIENT_RECORD_ITEM_SCHEMA,
  unwrapItem,
  type AvroPatientRecordHead,
  type AvroPatientRecordItem,
} from './changelog-schema';

/** A changelog message as read from the topic: decoded, and for an item, its bytes in the read model's encoding. */
export type ReadChangelogMessage =
  | (Extract<ChangelogMessage, { type: 'head' }> & { readonly storedItem?: undefined })
  | (Extract<ChangelogMessage, { type: 'item' }> & { readonly storedItem: Buffer })
  | (Extract<ChangelogMessage, { type: 'tombstone' }> & { readonly storedItem?: undefined });

/** Header carrying a changelog message's sequence, so a subscriber can check it without decoding (and on tombstones). */
export const SEQUENCE_HEADER = 'crosscare-sequence';

type ChangelogRecords = {
  PatientRecordHead: AvroPatientRecordHead;
  PatientRecordItem: AvroPatientRecordItem;
};

/**
 * The changelog's Avro serde (subjects uk.nhs.crosscare.changelog.PatientRecordHead and .PatientRecordItem). The
 * projector owns the changelog schemas, so it registers them (the registry still refuses an incompatible change);
 * subscribers only look them up.
 */
export class ChangelogSerde {
  private readonly serde: EventSerde<ChangelogRecords>;

  constructor(registry: EventSchemaRegistry, options: { register: boolean }) {
    this.serde = new EventSerde<ChangelogRecords>({
      registry,
      schemas: {
        PatientRecordHead: PATIENT_RECORD_HEAD_SCHEMA as object,
        PatientRecordItem: PATIENT_RECORD_ITEM_SCHEMA as object,
      },
      namespace: CHANGELOG_NAMESPACE,
      autoRegister: options.register,
    });
  }

  /** Looks up (or registers) both changelog schemas now; see EventSerde.resolveSchemaIds. */
  resolveSchemaIds(): Promise<void> {
    return this.serde.resolveSchemaIds();
  }

  encodeHead(head: PatientRecordHead): Promise<Buffer> {
    return this.serde.encode('PatientRecordHead', { ...head, mergedFrom: [...head.mergedFrom] });
  }

  /** A framed item message from the item's identity and its bytes as the read model stores them. */
  encodeItem(identity: ItemIdentity, storedItem: Buffer): Promise<Buffer> {
    return this.serde.frame('PatientRecordItem', assembleItemMessage(identity, storedItem));
  }

  /**
   * Decodes one message, given its key (for a tombstone, all there is besides the sequence header). Throws what
   * EventSerde throws for a value it cannot read.
   */
  async decode(
    key: string,
    value: Buffer | null,
    sequenceHeader: string | undefined,
  ): Promise<ReadChangelogMessage> {
    if (value === null || value.length === 0) {
      const { nhsNumber, item } = parseChangelogKey(key);
      const sequence = Number(sequenceHeader);
      if (!item)
        throw new Error(`the changelog message ${key} has no value, and only an item's may be a tombstone`);
      if (!Number.isSafeInteger(sequence) || sequence < 0)
        throw new Error(
          `the tombstone ${key} has no valid ${SEQUENCE_HEADER} header (${String(sequenceHeader)})`,
        );
      return { type: 'tombstone', nhsNumber, sequence, key: item };
    }
    const decoded = await this.serde.decode(value);
    if (decoded.type === 'PatientRecordHead') return { type: 'head', head: decoded.event };
    const { item, ...identity } = decoded.event;
    const event = unwrapItem(item);
    const kind = itemKindOf(event.header.eventType);
    if (!kind) throw new Error(`a PatientRecordItem holds a ${event.header.eventType}, which is not an item`);
    return {
      type: 'item',
      nhsNumber: identity.nhsNumber,
      sequence: identity.sequence,
      key: {
        providerOdsCode: identity.providerOdsCode,
        sourceRecordId: identity.sourceRecordId,
        part: identity.part,
      },
      kind,
      event,
      // Written with this code's schema (the usual case): the item's bytes are kept as they came.
      storedItem: decoded.payloadAsRead
        ? storedItemOfMessage(decoded.payloadAsRead)
        : encodeRecordItem(event),
    };
  }
}
