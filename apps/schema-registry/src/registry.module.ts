import { registerProcessMetrics } from '@crosscare/metrics';
import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { CompatibilityController } from './http/compatibility.controller';
import { ConfigController } from './http/config.controller';
import { HealthController } from './http/health.controller';
import { MetricsController } from './http/metrics.controller';
import { ModeController } from './http/mode.controller';
import { RegistryExceptionFilter } from './http/registry-exception.filter';
import { SchemasController } from './http/schemas.controller';
import { SubjectsController } from './http/subjects.controller';
import { RegistryService } from './registry/registry.service';
import type { RegistryConfig } from './registry-config';
import { RegistryMetrics } from './registry-metrics';
import { openRegistryDatabase } from './storage/data-source';
import { RegistryRepository } from './storage/registry-store';

class DataSourceCloser implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Module({})
export class SchemaRegistryModule {
  /** The data source is connected and migrated before any controller exists, so a bad DATABASE_URL fails start. */
  static forRoot(config: RegistryConfig): DynamicModule {
    return {
      module: SchemaRegistryModule,
      controllers: [
        SubjectsController,
        SchemasController,
        ConfigController,
        ModeController,
        CompatibilityController,
        HealthController,
        MetricsController,
      ],
      providers: [
        {
          provide: DataSource,
          useFactory: () => openRegistryDatabase(config.database, config.databaseSchema),
        },
        {
          provide: RegistryRepository,
          useFactory: (ds: DataSource) => new RegistryRepository(ds),
          inject: [DataSource],
        },
        {
          provide: RegistryService,
          useFactory: (repo: RegistryRepository) => new RegistryService(repo),
          inject: [RegistryRepository],
        },
        {
          provide: DataSourceCloser,
          useFactory: (ds: DataSource) => new DataSourceCloser(ds),
          inject: [DataSource],
        },
        // One per app, on a registry of its own: requests by operation, schemas stored, the process's figures.
        {
          provide: RegistryMetrics,
          useFactory: (repo: RegistryRepository) => {
            const metrics = new RegistryMetrics(() => repo.countSchemas());
            registerProcessMetrics(metrics.registry);
            return metrics;
          },
          inject: [RegistryRepository],
        },
        { provide: APP_FILTER, useClass: RegistryExceptionFilter },
      ],
    };
  }
}
