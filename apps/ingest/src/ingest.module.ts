import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DirectoryController } from './http/directory.controller';
import { FhirController } from './http/fhir.controller';
import { HealthController } from './http/health.controller';
import { Hl7v2Controller } from './http/hl7v2.controller';
import { IngestExceptionFilter } from './http/ingest-exception.filter';
import { OpenApiController } from './http/openapi.controller';
import { SocialCareController } from './http/social-care.controller';
import { IngestServices } from './ingest-services';
import { MllpGateway } from './mllp/mllp-gateway';

@Module({})
export class IngestModule {
  static forRoot(services: IngestServices): DynamicModule {
    return {
      module: IngestModule,
      controllers: [
        FhirController,
        Hl7v2Controller,
        SocialCareController,
        DirectoryController,
        HealthController,
        OpenApiController,
      ],
      providers: [
        { provide: IngestServices, useValue: services },
        { provide: APP_FILTER, useClass: IngestExceptionFilter },
        MllpGateway,
      ],
    };
  }
}
