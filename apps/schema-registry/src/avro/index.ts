export { canonicalForm, displayForm, fingerprint } from './canonical-form';
export {
  checkCompatibility,
  COMPATIBILITY_LEVELS,
  isCompatibilityLevel,
  type CompatibilityLevel,
  type CompatibilityResult,
  type PreviousVersion,
} from './compatibility';
export {
  findResolutionBreaks,
  resolve,
  type BreakCode,
  type Resolution,
  type ResolutionBreak,
} from './resolution-breaks';
export { InvalidAvroSchemaError, parseAvroSchema, type ParsedSchema } from './schema-type';
