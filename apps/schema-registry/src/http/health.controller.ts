import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { RegistryRepository } from '../storage/registry-store';

@Controller()
export class HealthController {
  constructor(private readonly repository: RegistryRepository) {}

  /** Confluent answers {} at the root; some clients probe it. */
  @Get()
  root() {
    return {};
  }

  /** Ready when the database answers: without it the registry can neither register nor serve schemas. */
  @Get('health')
  async health(@Res({ passthrough: true }) res: Response) {
    try {
      await this.repository.ping();
      return { status: 'ok', database: 'up' };
    } catch {
      res.status(503);
      return { status: 'unavailable', database: 'down' };
    }
  }
}
