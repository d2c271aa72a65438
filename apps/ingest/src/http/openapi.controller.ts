import { Controller, Get, Inject } from '@nestjs/common';
import { IngestServices } from '../ingest-services';
import { openApiDocument } from './openapi-document';

@Controller()
export class OpenApiController {
  private readonly document: object;

  constructor(@Inject(IngestServices) services: IngestServices) {
    this.document = openApiDocument(services.config);
  }

  @Get('openapi.json')
  openApi() {
    return this.document;
  }
}
