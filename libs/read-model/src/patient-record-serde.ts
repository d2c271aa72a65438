import { EventSerde, type EventSchemaRegistry } from '@crosscare/events';
import {
  CHANGELOG_NAMESPACE,
  fromAvroPatientRecord,
  PATIENT_RECORD_SCHEMA,
  toAvroPatientRecord,
  type AvroPatientRecord,
  type PatientRecord,
} from '@crosscare/projection';

/**
 * The changelog's Avro serde (subject `uk.nhs.crosscare.changelog.PatientRecord`). The projector owns the changelog schema, so it registers it (the registry still
 * refuses an incompatible change); subscribers only look it up.
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

  encode(record: PatientRecord): Promise<Buffer> {
    return this.serde.encode('PatientRecord', toAvroPatientRecord(record));
  }

  async decode(value: Buffer): Promise<PatientRecord> {
    return fromAvroPatientRecord((await this.serde.decode(value)).event);
  }
}
