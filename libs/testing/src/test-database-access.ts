import { databaseAccessPlan, type DatabaseAccessPlan } from '@crosscare/local-stack';

/**
 * The services' database roles and schemas under names of a test's own (`test_crosscare_<role>_<tag>`, schemas
 * `test_*_<tag>`): roles are cluster-wide, so a suite that provisions them must not meet another's.
 */
export function testDatabaseAccessPlan(adminUrl: string, tag: string): DatabaseAccessPlan {
  return databaseAccessPlan({
    database: new URL(adminUrl).pathname.slice(1),
    rolePrefix: 'test_crosscare_',
    roleSuffix: `_${tag}`,
    ingestSchema: `test_ledger_${tag}`,
    registrySchema: `test_registry_${tag}`,
    readModels: { CCR: `test_rm_ccr_${tag}`, OHC: `test_rm_ohc_${tag}` },
    controlSchema: `test_control_${tag}`,
    // Never the stack's own `sde` or `subscriptions`: the suites drop what their roles own afterwards.
    sdeSchema: `test_sde_${tag}`,
    subscriptionsSchema: `test_subscriptions_${tag}`,
  });
}
