/** Jest globalTeardown: stops what globalSetup started, and nothing that was already running. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__crosscareTestInfrastructure?.stop();
  globalThis.__crosscareTestInfrastructure = undefined;
}
