import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { checkSubject, flag } from '../registry/registry-request';
import { RegistryService } from '../registry/registry.service';
import { GLOBAL_SCOPE } from '../storage/registry-store';

function requested(body: unknown): unknown {
  return typeof body === 'object' && body !== null
    ? (body as { compatibility?: unknown }).compatibility
    : undefined;
}

/** Compatibility levels. GET answers {compatibilityLevel}, PUT {compatibility}: Confluent's asymmetry, kept. */
@Controller('config')
export class ConfigController {
  constructor(private readonly registry: RegistryService) {}

  @Get()
  async global() {
    return { compatibilityLevel: await this.registry.compatibility(GLOBAL_SCOPE, true) };
  }

  @Put()
  async setGlobal(@Body() body: unknown) {
    return { compatibility: await this.registry.setCompatibility(GLOBAL_SCOPE, requested(body)) };
  }

  @Delete()
  async deleteGlobal() {
    return { compatibilityLevel: await this.registry.deleteCompatibility(GLOBAL_SCOPE) };
  }

  @Get(':subject')
  async subject(@Param('subject') subject: string, @Query('defaultToGlobal') defaultToGlobal?: string) {
    return {
      compatibilityLevel: await this.registry.compatibility(checkSubject(subject), flag(defaultToGlobal)),
    };
  }

  @Put(':subject')
  async setSubject(@Param('subject') subject: string, @Body() body: unknown) {
    return { compatibility: await this.registry.setCompatibility(checkSubject(subject), requested(body)) };
  }

  @Delete(':subject')
  async deleteSubject(@Param('subject') subject: string) {
    return { compatibilityLevel: await this.registry.deleteCompatibility(checkSubject(subject)) };
  }
}
