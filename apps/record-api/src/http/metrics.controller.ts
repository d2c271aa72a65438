import { METRICS_CONTENT_TYPE } from '@crosscare/metrics';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { RecordApiServices } from '../record-api-services';

/** Prometheus scrapes: unauthenticated like the health checks, and like them never touches patient data. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(RecordApiServices) private readonly services: RecordApiServices) {}

  @Get()
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return this.services.metrics.registry.metrics();
  }
}
