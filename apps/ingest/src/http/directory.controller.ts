import { Controller, Get, HttpException, Inject, Param, Query } from '@nestjs/common';
import { ICS_CODES, PROVIDER_TYPES, type IcsCode, type ProviderType } from '@crosscare/governance';
import { IngestServices } from '../ingest-services';

/**
 * The provider directory, read-only. ODS codes and organisation names are public data, so these routes need no
 * credential; nothing here reveals who holds an API key.
 */
@Controller('directory')
export class DirectoryController {
  constructor(@Inject(IngestServices) private readonly services: IngestServices) {}

  @Get()
  summary() {
    const d = this.services.directory;
    return {
      version: d.version,
      onboardingWaves: d.onboardingWaves,
      collaboratives: d.collaboratives(),
      icss: d.icss(),
      counts: d.counts(),
    };
  }

  @Get('providers')
  providers(
    @Query('ics') ics?: string,
    @Query('type') type?: string,
    @Query('collaborative') collaborative?: string,
  ) {
    if (ics !== undefined && !(ICS_CODES as readonly string[]).includes(ics))
      throw new HttpException(`ics must be one of ${ICS_CODES.join(', ')}`, 400);
    if (type !== undefined && !(PROVIDER_TYPES as readonly string[]).includes(type))
      throw new HttpException(`type must be one of ${PROVIDER_TYPES.join(', ')}`, 400);
    if (collaborative !== undefined && collaborative !== 'CCR' && collaborative !== 'OHC')
      throw new HttpException('collaborative must be CCR or OHC', 400);
    const providers = this.services.directory.providers({
      ics: ics as IcsCode | undefined,
      type: type as ProviderType | undefined,
      collaborative: collaborative,
    });
    return { total: providers.length, providers };
  }

  @Get('providers/:odsCode')
  provider(@Param('odsCode') odsCode: string) {
    const provider = this.services.directory.provider(odsCode);
    if (!provider) throw new HttpException(`no provider with ODS code ${odsCode}`, 404);
    const policy = this.services.directory.policy;
    return {
      ...provider,
      formats: policy.formats(provider.type),
      recordKinds: policy.recordKinds(provider.type),
    };
  }
}
