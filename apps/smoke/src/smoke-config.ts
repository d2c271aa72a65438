import {
  checkKafkaVariables,
  enabledLogLevels,
  kafkaVariables,
  loadConfig,
  loggingVariables,
  positiveInteger,
  toKafkaConfig,
  type KafkaConfig,
  type LogLevelName,
} from '@crosscare/config';

export interface SmokeConfig {
  readonly kafka: KafkaConfig;
  readonly logLevels: LogLevelName[];
  /** How many records the round trip sends. */
  readonly messages: number;
}

const smokeVariables = {
  ...kafkaVariables,
  ...loggingVariables,
  SMOKE_MESSAGES: positiveInteger(6, 10_000),
};

export function loadSmokeConfig(env: NodeJS.ProcessEnv = process.env): SmokeConfig {
  return loadConfig(
    smokeVariables,
    (v) => ({
      kafka: toKafkaConfig(v),
      logLevels: enabledLogLevels(v.LOG_LEVEL),
      messages: v.SMOKE_MESSAGES,
    }),
    env,
    checkKafkaVariables,
  );
}
