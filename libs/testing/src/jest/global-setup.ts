import { startTestInfrastructure, type TestInfrastructure } from '../infrastructure';

declare global {
  var __crosscareTestInfrastructure: TestInfrastructure | undefined;
}

/**
 * Jest globalSetup for the integration and e2e tiers: resolves Kafka and Postgres once per run and hands them
 * to every test file through KAFKA_BROKERS and DATABASE_URL (workers inherit this process's environment).
 */
export default async function globalSetup(): Promise<void> {
  const infrastructure = await startTestInfrastructure();
  process.env.KAFKA_BROKERS = infrastructure.kafkaBrokers.join(',');
  process.env.DATABASE_URL = infrastructure.databaseUrl;
  globalThis.__crosscareTestInfrastructure = infrastructure;
}
