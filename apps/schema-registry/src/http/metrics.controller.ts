import { METRICS_CONTENT_TYPE } from '@crosscare/metrics';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { RegistryMetrics } from '../registry-metrics';

/** Prometheus scrapes, open like GET /health (auth/required-access.ts): counts and process figures, no schema or subject. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(RegistryMetrics) private readonly registryMetrics: RegistryMetrics) {}

  @Get()
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return this.registryMetrics.registry.metrics();
  }
}
