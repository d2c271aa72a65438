import { Body, Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { checkSubject, flag, parseSchemaRequest, parseVersion } from '../registry/registry-request';
import { RegistryService, type CompatibilityResult } from '../registry/registry.service';

function answer(result: CompatibilityResult, verbose: boolean) {
  return verbose
    ? { is_compatible: result.compatible, messages: result.messages }
    : { is_compatible: result.compatible };
}

@Controller('compatibility/subjects')
export class CompatibilityController {
  constructor(private readonly registry: RegistryService) {}

  /** Against the versions the subject's level names: the latest, or all of them for *_TRANSITIVE. */
  @Post(':subject/versions')
  @HttpCode(200)
  async againstAll(
    @Param('subject') subject: string,
    @Body() body: unknown,
    @Query('verbose') verbose?: string,
  ) {
    const result = await this.registry.testCompatibility(
      checkSubject(subject),
      'all',
      parseSchemaRequest(body),
    );
    return answer(result, flag(verbose));
  }

  @Post(':subject/versions/:version')
  @HttpCode(200)
  async againstVersion(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Query('verbose') verbose?: string,
  ) {
    const result = await this.registry.testCompatibility(
      checkSubject(subject),
      parseVersion(version),
      parseSchemaRequest(body),
    );
    return answer(result, flag(verbose));
  }
}
