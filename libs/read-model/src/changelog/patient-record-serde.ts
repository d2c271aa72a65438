import { EventSerde, type EventSchemaRegistry } from '@crosscare/events';
import type { PatientRecord } from '@crosscare/projection';
import { encodePatientRecordHead } from './patient-record-avro';
import {
  CHANGELOG_NAMESPACE,
  fromAvroPatientRecord,
  PATIENT_RECORD_SCHEMA,
  type AvroPatientRecord,
} from './patient-record-schema';

/**
 * The changelog's Avro serde (subject `uk.nhs.crosscare.changelog.PatientRecord`). The projector owns the changelog
 * schema, so it registers it (the registry still refuses an incompatible change); subscribers only look it up.
 */
export class PatientRecordSerde {
  private readonly serde: EventSerde<{ PatientRecord: AvroPatientRecord }>;

  constructor(registry: EventSchemaRegistry, options: { register: boolean }) {
    this.serde = new EventSerde<{ PatientRecord: AvroPatientRecord }>({
      registry,
      schemas: { PatientRecord: PATIENT_RECORD_SCHEMA as object },
      namespace: CHANGELOG_NAMESPACE,
      autoRegister: options.register,
    });
  }

  /**
   * The start of a framed record, its fields before the items: the read model appends the stored items and the end
   * of the array (see assemblePatientRecord), so the whole record is never decoded and encoded again.
   */
  encodeHead(record: Omit<PatientRecord, 'items'>): Promise<Buffer> {
    return this.serde.frame('PatientRecord', encodePatientRecordHead(record));
  }

  async decode(value: Buffer): Promise<PatientRecord> {
    return fromAvroPatientRecord((await this.serde.decode(value)).event);
  }
}
