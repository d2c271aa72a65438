import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { checkSubject, flag } from '../registry/registry-request';
import { RegistryService } from '../registry/registry.service';
import { GLOBAL_SCOPE } from '../storage/registry-store';

function requested(body: unknown): unknown {
  return typeof body === 'object' && body !== null ? (body as { mode?: unknown }).mode : undefined;
}

/** READWRITE (default), READONLY / READONLY_OVERRIDE (refuse writes), IMPORT (keep given ids and versions). */
@Controller('mode')
export class ModeController {
  constructor(private readonly registry: RegistryService) {}

  @Get()
  async global() {
    return { mode: await this.registry.mode(GLOBAL_SCOPE, true) };
  }

  @Put()
  async setGlobal(@Body() body: unknown) {
    return { mode: await this.registry.setMode(GLOBAL_SCOPE, requested(body)) };
  }

  @Get(':subject')
  async subject(@Param('subject') subject: string, @Query('defaultToGlobal') defaultToGlobal?: string) {
    return { mode: await this.registry.mode(checkSubject(subject), flag(defaultToGlobal)) };
  }

  @Put(':subject')
  async setSubject(@Param('subject') subject: string, @Body() body: unknown) {
    return { mode: await this.registry.setMode(checkSubject(subject), requested(body)) };
  }

  @Delete(':subject')
  async deleteSubject(@Param('subject') subject: string) {
    return { mode: await this.registry.deleteMode(checkSubject(subject)) };
  }
}
