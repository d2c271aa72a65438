import { METRICS_CONTENT_TYPE } from '@crosscare/metrics';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { IngestServices } from '../ingest-services';

/** Prometheus scrapes: open like the health probes and every service's /metrics; it holds no provider's data. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(IngestServices) private readonly services: IngestServices) {}

  @Get()
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return this.services.metrics.registry.metrics();
  }
}
