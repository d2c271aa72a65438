import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { checkSubject, flag, parseSchemaRequest, parseVersion } from '../registry/registry-request';
import { RegistryService } from '../registry/registry.service';
import type { StoredVersion } from '../storage/registry-store';

/** What Confluent returns for one version: schemaType only when it is not AVRO. */
export function versionBody(v: StoredVersion) {
  return {
    subject: v.subject,
    version: v.version,
    id: v.id,
    ...(v.schemaType === 'AVRO' ? {} : { schemaType: v.schemaType }),
    schema: v.schema,
  };
}

@Controller('subjects')
export class SubjectsController {
  constructor(private readonly registry: RegistryService) {}

  @Get()
  list(@Query('deleted') deleted?: string, @Query('subjectPrefix') prefix?: string) {
    return this.registry.subjects(flag(deleted), prefix ?? '');
  }

  @Get(':subject/versions')
  versions(@Param('subject') subject: string, @Query('deleted') deleted?: string) {
    return this.registry.versionNumbers(checkSubject(subject), flag(deleted));
  }

  @Post(':subject/versions')
  @HttpCode(200)
  register(@Param('subject') subject: string, @Body() body: unknown) {
    return this.registry.register(checkSubject(subject), parseSchemaRequest(body));
  }

  @Post(':subject')
  @HttpCode(200)
  async lookup(@Param('subject') subject: string, @Body() body: unknown, @Query('deleted') deleted?: string) {
    return versionBody(
      await this.registry.lookup(checkSubject(subject), parseSchemaRequest(body), flag(deleted)),
    );
  }

  @Get(':subject/versions/:version')
  async version(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Query('deleted') deleted?: string,
  ) {
    return versionBody(
      await this.registry.version(checkSubject(subject), parseVersion(version), flag(deleted)),
    );
  }

  @Get(':subject/versions/:version/schema')
  async rawSchema(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Query('deleted') deleted?: string,
  ) {
    return (await this.registry.version(checkSubject(subject), parseVersion(version), flag(deleted))).schema;
  }

  /** Crosscare registers no schema references, so nothing ever refers to a version. */
  @Get(':subject/versions/:version/referencedby')
  async referencedBy(@Param('subject') subject: string, @Param('version') version: string) {
    await this.registry.version(checkSubject(subject), parseVersion(version), true);
    return [];
  }

  @Delete(':subject')
  deleteSubject(@Param('subject') subject: string, @Query('permanent') permanent?: string) {
    return this.registry.deleteSubject(checkSubject(subject), flag(permanent));
  }

  @Delete(':subject/versions/:version')
  deleteVersion(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Query('permanent') permanent?: string,
  ) {
    return this.registry.deleteVersion(checkSubject(subject), parseVersion(version), flag(permanent));
  }
}
