import { consoleProgress } from '@crosscare/local-stack';
import { startTestInfrastructure, type TestInfrastructure } from '../infrastructure';
import { ensureTestRegistryBuilt } from '../test-registry';

declare global {
  var __crosscareTestInfrastructure: TestInfrastructure | undefined;
}

/**
 * Jest globalSetup for the integration and e2e tiers: resolves Kafka and Postgres once per run and hands them
 * to every test file through the KAFKA_* connection variables and DATABASE_URL (workers inherit this process's environment), and
 * builds the schema registry that suites start (startTestRegistry) when its sources changed, once, before any
 * worker needs it.
 */
export default async function globalSetup(): Promise<void> {
  const infrastructure = await startTestInfrastructure();
  Object.assign(process.env, infrastructure.kafkaEnvironment);
  process.env.DATABASE_URL = infrastructure.databaseUrl;
  globalThis.__crosscareTestInfrastructure = infrastructure;
  try {
    await ensureTestRegistryBuilt(consoleProgress((line) => process.stderr.write(`[test infra] ${line}\n`)));
  } catch (error) {
    await infrastructure.stop();
    globalThis.__crosscareTestInfrastructure = undefined;
    throw error;
  }
}
