import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController } from './http/health.controller';
import { ProjectorServices } from './projector-services';

@Module({})
export class ProjectorModule {
  static forRoot(services: ProjectorServices): DynamicModule {
    return {
      module: ProjectorModule,
      controllers: [HealthController],
      providers: [{ provide: ProjectorServices, useValue: services }],
    };
  }
}
