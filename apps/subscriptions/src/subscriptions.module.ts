import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HealthController } from './http/health.controller';
import { MetricsController } from './http/metrics.controller';
import { SubscriptionController } from './http/subscription.controller';
import { SubscriptionsExceptionFilter } from './http/subscriptions-exception.filter';
import { TopicController } from './http/topic.controller';
import { SubscriptionsServices } from './subscriptions-services';

@Module({})
export class SubscriptionsModule {
  static forRoot(services: SubscriptionsServices): DynamicModule {
    return {
      module: SubscriptionsModule,
      controllers: [TopicController, SubscriptionController, HealthController, MetricsController],
      providers: [
        { provide: SubscriptionsServices, useValue: services },
        { provide: APP_FILTER, useClass: SubscriptionsExceptionFilter },
      ],
    };
  }
}
