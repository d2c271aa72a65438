import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HealthController } from './http/health.controller';
import { HistorySearchController } from './http/history-search.controller';
import { MetricsController } from './http/metrics.controller';
import { RecordApiExceptionFilter } from './http/record-api-exception.filter';
import { RecordController } from './http/record.controller';
import { RecordApiServices } from './record-api-services';

@Module({})
export class RecordApiModule {
  static forRoot(services: RecordApiServices): DynamicModule {
    return {
      module: RecordApiModule,
      controllers: [RecordController, HistorySearchController, HealthController, MetricsController],
      providers: [
        { provide: RecordApiServices, useValue: services },
        { provide: APP_FILTER, useClass: RecordApiExceptionFilter },
      ],
    };
  }
}
