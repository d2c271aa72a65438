/**
 * The benchmark's naive baseline: a projector as a newcomer to NestJS would first write it, from the framework's
 * documentation — a Kafka microservice with an @EventPattern handler per topic that decodes the event and saves it
 * with TypeORM, one save per event, committing Kafka offsets automatically. It has none of the projector's batching,
 * set-based SQL, version resolution, exactly-once offsets, merges or changelog. Only the benchmark uses it.
 */
import type { KafkaConfig } from '@crosscare/config';
import type { RecordChangeEvent, RecordChangeSerde } from '@crosscare/events';
import { kafkaConnectionOptions } from '@crosscare/kafka';
import { Controller, Inject, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, KafkaContext, Transport } from '@nestjs/microservices';
import { Column, DataSource, Entity, PrimaryColumn, type Repository } from 'typeorm';

@Entity({ name: 'naive_record_item' })
export class NaiveRecordItem {
  @PrimaryColumn('text')
  id!: string;

  @Column('text')
  nhsNumber!: string;

  @Column('text')
  eventType!: string;

  @Column('bigint')
  version!: number;

  @Column('jsonb')
  event!: RecordChangeEvent;
}

const REPOSITORY = Symbol('NaiveRecordItemRepository');
const SERDE = Symbol('RecordChangeSerde');
const COUNTER = Symbol('Counter');

export interface NaiveCounter {
  count: number;
}

export interface NaiveProjector {
  readonly app: INestMicroservice;
  readonly counter: NaiveCounter;
  readonly db: DataSource;
  close(): Promise<void>;
}

export async function startNaiveProjector(options: {
  /** The same connection as the projector's: SASL_SSL with the run's principal on a secured cluster. */
  kafka: KafkaConfig;
  topics: readonly string[];
  groupId: string;
  databaseUrl: string;
  schema: string;
  serde: RecordChangeSerde;
}): Promise<NaiveProjector> {
  const db = new DataSource({
    type: 'postgres',
    url: options.databaseUrl,
    schema: options.schema,
    entities: [NaiveRecordItem],
  });
  await db.initialize();
  await db.query(`create schema if not exists "${options.schema}"`);
  // The newcomer's way to a table: let TypeORM create it from the entity.
  await db.synchronize();
  const counter: NaiveCounter = { count: 0 };
  const [first, second, third] = options.topics;

  @Controller()
  class RecordChangeController {
    constructor(
      @Inject(REPOSITORY) private readonly items: Repository<NaiveRecordItem>,
      @Inject(SERDE) private readonly serde: RecordChangeSerde,
      @Inject(COUNTER) private readonly seen: NaiveCounter,
    ) {}

    @EventPattern(first)
    onFirst(@Ctx() context: KafkaContext) {
      return this.project(context);
    }

    @EventPattern(second)
    onSecond(@Ctx() context: KafkaContext) {
      return this.project(context);
    }

    @EventPattern(third)
    onThird(@Ctx() context: KafkaContext) {
      return this.project(context);
    }

    private async project(context: KafkaContext): Promise<void> {
      const { event } = await this.serde.decode(context.getMessage().value as unknown as Buffer);
      const h = event.header;
      // One save per event: TypeORM's save itself reads the row to choose between insert and update.
      await this.items.save({
        id: `${h.providerOdsCode}|${h.sourceRecordId}|${h.eventType}`,
        nhsNumber: h.nhsNumber,
        eventType: h.eventType,
        version: h.sourceRecordVersion,
        event,
      });
      this.seen.count++;
    }
  }

  @Module({
    controllers: [RecordChangeController],
    providers: [
      { provide: REPOSITORY, useValue: db.getRepository(NaiveRecordItem) },
      { provide: SERDE, useValue: options.serde },
      { provide: COUNTER, useValue: counter },
    ],
  })
  class NaiveModule {}

  const app = await NestFactory.createMicroservice(NaiveModule, {
    transport: Transport.KAFKA,
    options: {
      client: { clientId: 'naive-projector', ...kafkaConnectionOptions(options.kafka) },
      consumer: { groupId: options.groupId },
      subscribe: { fromBeginning: true },
      parser: { keepBinary: true },
    },
    logger: ['error'],
  });
  await app.listen();
  return {
    app,
    counter,
    db,
    async close() {
      await app.close();
      await db.query(`drop schema if exists "${options.schema}" cascade`);
      await db.destroy();
    },
  };
}
