import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController } from './http/health.controller';
import { ProjectorRuntime } from './projector-runtime';

@Module({})
export class ProjectorModule {
  static forRoot(runtime: ProjectorRuntime): DynamicModule {
    return {
      module: ProjectorModule,
      controllers: [HealthController],
      providers: [{ provide: ProjectorRuntime, useValue: runtime }],
    };
  }
}
