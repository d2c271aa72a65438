import {
  checkKafkaVariables,
  enabledLogLevels,
  kafkaVariables,
  loadConfig,
  loggingVariables,
  positiveInteger,
  schemaRegistryVariables,
  toKafkaConfig,
  toSchemaRegistryConfig,
  type KafkaConfig,
  type LogFormatName,
  type LogLevelName,
  type SchemaRegistryConfig,
} from '@crosscare/config';

export interface SmokeConfig {
  readonly kafka: KafkaConfig;
  readonly schemaRegistry: SchemaRegistryConfig;
  readonly logLevels: LogLevelName[];
  readonly logFormat: LogFormatName;
  /** How many records the round trip sends. */
  readonly messages: number;
}

const smokeVariables = {
  ...kafkaVariables,
  ...schemaRegistryVariables,
  ...loggingVariables,
  SMOKE_MESSAGES: positiveInteger(6, 10_000),
};

export function loadSmokeConfig(env: NodeJS.ProcessEnv = process.env): SmokeConfig {
  return loadConfig(
    smokeVariables,
    (v) => ({
      kafka: toKafkaConfig(v),
      schemaRegistry: toSchemaRegistryConfig(v),
      logLevels: enabledLogLevels(v.LOG_LEVEL),
      logFormat: v.LOG_FORMAT,
      messages: v.SMOKE_MESSAGES,
    }),
    env,
    checkKafkaVariables,
  );
}
