import { Partitioners, type Kafka, type Producer, type ProducerRecord, type RecordMetadata } from 'kafkajs';

/**
 * The only way Crosscare writes to Kafka: an idempotent producer that waits for every in-sync replica.
 *
 * - idempotent: a retried send after a lost acknowledgement is not written twice.
 * - one request in flight per broker: kafkajs does not re-order retried batches the way the Java client does, so
 *   more than one in flight could reorder a patient's changes after a retry.
 * - the Java-compatible murmur2 partitioner, so a key lands on the same partition whichever client wrote it.
 */
export function createRecordProducer(kafka: Kafka): RecordProducer {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  return new RecordProducer(producer);
}

export class RecordProducer {
  constructor(private readonly producer: Producer) {}

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** acks=all is not negotiable here: a caller cannot weaken durability by passing acks. */
  send(record: Omit<ProducerRecord, 'acks'>): Promise<RecordMetadata[]> {
    return this.producer.send({ ...record, acks: -1 });
  }
}
