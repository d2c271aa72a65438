import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController } from './http/health.controller';
import { SdePublisherServices } from './sde-publisher-services';

@Module({})
export class SdePublisherModule {
  static forRoot(services: SdePublisherServices): DynamicModule {
    return {
      module: SdePublisherModule,
      controllers: [HealthController],
      providers: [{ provide: SdePublisherServices, useValue: services }],
    };
  }
}
