export * from './nhs-number';
export * from './directory/provider';
export * from './directory/directory-error';
export * from './directory/ods-code';
export * from './directory/provider-directory';
export * from './directory/assemble-directory';
export * from './directory/load-provider-directory';
export type {
  OnboardingFile,
  ProvidersFile,
  ProviderTypesFile,
  RegionsFile,
  Sourced,
} from './directory/directory-files';
export * from './publishing/input-format';
export * from './publishing/record-kind';
export * from './publishing/publishing-policy';
export * from './publishing/care-setting';
export * from './access/kafka-access';
export * from './record-access';
export { readDirectoryFile, displayPath } from './directory/directory-files';
export * from './opt-outs';
