import { KafkaModule } from '@crosscare/kafka';
import { Module, type DynamicModule } from '@nestjs/common';
import type { SmokeConfig } from './smoke-config';

@Module({})
export class SmokeModule {
  static register(config: SmokeConfig): DynamicModule {
    return {
      module: SmokeModule,
      imports: [KafkaModule.forRoot({ serviceName: 'crosscare-smoke', config: config.kafka })],
    };
  }
}
