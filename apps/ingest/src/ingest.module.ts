import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DirectoryController } from './http/directory.controller';
import { FhirController } from './http/fhir.controller';
import { HealthController } from './http/health.controller';
import { Hl7v2Controller } from './http/hl7v2.controller';
import { IngestExceptionFilter } from './http/ingest-exception.filter';
import { MetricsController } from './http/metrics.controller';
import { OpenApiController } from './http/openapi.controller';
import { SocialCareController } from './http/social-care.controller';
import { IngestMetrics } from './ingest-metrics';
import { IngestServices } from './ingest-services';
import { FhirIntake } from './intake/fhir-intake';
import { Hl7v2Intake } from './intake/hl7v2-intake';
import { SocialCareIntake } from './intake/social-care-intake';
import { MLLP_SETTINGS, MllpGateway, mllpSettingsOf } from './mllp/mllp-gateway';

/** Each format's routes get their intake alone; health, metrics, directory and OpenAPI read the started services. */
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
        MetricsController,
        OpenApiController,
      ],
      providers: [
        { provide: IngestServices, useValue: services },
        { provide: FhirIntake, useValue: services.fhir },
        { provide: Hl7v2Intake, useValue: services.hl7v2 },
        { provide: IngestMetrics, useValue: services.metrics },
        { provide: SocialCareIntake, useValue: services.socialCare },
        { provide: MLLP_SETTINGS, useValue: mllpSettingsOf(services.config) },
        { provide: APP_FILTER, useClass: IngestExceptionFilter },
        MllpGateway,
      ],
    };
  }
}
