import { Controller, Get, Param, Query } from '@nestjs/common';
import { schemaNotFound } from '../registry/registry-error';
import { flag } from '../registry/registry-request';
import { RegistryService, SCHEMA_TYPES } from '../registry/registry.service';

function schemaId(raw: string): number {
  const id = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(id >= 1 && id <= 2 ** 31 - 1)) throw schemaNotFound(`Schema ${raw} not found`);
  return id;
}

@Controller('schemas')
export class SchemasController {
  constructor(private readonly registry: RegistryService) {}

  @Get('types')
  types() {
    return SCHEMA_TYPES;
  }

  @Get('ids/:id')
  async byId(@Param('id') id: string) {
    const { schema, schemaType } = await this.registry.schemaById(schemaId(id));
    return schemaType === 'AVRO' ? { schema } : { schemaType, schema };
  }

  @Get('ids/:id/schema')
  async rawById(@Param('id') id: string) {
    return (await this.registry.schemaById(schemaId(id))).schema;
  }

  @Get('ids/:id/subjects')
  async subjects(@Param('id') id: string, @Query('deleted') deleted?: string) {
    const uses = await this.registry.usesOfSchema(schemaId(id), flag(deleted));
    return [...new Set(uses.map((u) => u.subject))];
  }

  @Get('ids/:id/versions')
  versions(@Param('id') id: string, @Query('deleted') deleted?: string) {
    return this.registry.usesOfSchema(schemaId(id), flag(deleted));
  }
}
