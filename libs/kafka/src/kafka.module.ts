import type { KafkaConfig } from '@crosscare/config';
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Admin, Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import { createKafka } from './kafka-client';
import { createRecordProducer, type RecordProducer } from './record-producer';

export const KAFKA_CONFIG = Symbol('KAFKA_CONFIG');
export const KAFKA = Symbol('KAFKA');

export interface KafkaModuleOptions {
  /** The service's name; the client id when KAFKA_CLIENT_ID is not set. */
  readonly serviceName: string;
  /** Validated by the app together with the rest of its environment, once, before Nest starts. */
  readonly config: KafkaConfig;
}

/**
 * Hands out connected kafkajs clients and disconnects every one of them when the application shuts down, so a
 * consumer leaves its group cleanly (no session-timeout wait for the partitions it held) and a producer flushes.
 */
@Injectable()
export class KafkaConnections implements OnApplicationShutdown {
  private readonly logger = new Logger(KafkaConnections.name);
  private readonly open: Array<{ name: string; disconnect: () => Promise<void> }> = [];

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  async producer(): Promise<RecordProducer> {
    const producer = createRecordProducer(this.kafka);
    await producer.connect();
    this.track('producer', () => producer.disconnect());
    return producer;
  }

  async admin(): Promise<Admin> {
    const admin = this.kafka.admin();
    await admin.connect();
    this.track('admin', () => admin.disconnect());
    return admin;
  }

  async consumer(config: ConsumerConfig): Promise<Consumer> {
    const consumer = this.kafka.consumer(config);
    await consumer.connect();
    this.track(`consumer ${config.groupId}`, () => consumer.disconnect());
    return consumer;
  }

  async onApplicationShutdown(): Promise<void> {
    // Consumers first (they may still be committing), then producers and admins.
    const ordered = [...this.open].reverse();
    this.open.length = 0;
    for (const client of ordered) {
      try {
        await client.disconnect();
      } catch (error) {
        this.logger.warn(`disconnecting ${client.name} failed: ${String(error)}`);
      }
    }
  }

  private track(name: string, disconnect: () => Promise<void>): void {
    this.open.push({ name, disconnect });
  }
}

@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [
        { provide: KAFKA_CONFIG, useValue: options.config },
        {
          provide: KAFKA,
          inject: [KAFKA_CONFIG],
          useFactory: (config: KafkaConfig): Kafka =>
            createKafka(config, { defaultClientId: options.serviceName, logger: new Logger('Kafka') }),
        },
        KafkaConnections,
      ],
      exports: [KAFKA_CONFIG, KAFKA, KafkaConnections],
    };
  }
}
