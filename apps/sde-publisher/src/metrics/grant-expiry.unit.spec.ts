import { Registry } from 'prom-client';
import { registerGrantExpiry, type GrantExpiry } from './grant-expiry';

describe('registerGrantExpiry', () => {
  it('shows the grants the register holds now, at each scrape', async () => {
    const registry = new Registry();
    let grants: GrantExpiry[] = [
      { subscriber: 'ccr-gp-system', kind: 'changelog', expiresAt: 1_800_000_000 },
      { subscriber: 'sde-diabetes-team', kind: 'sde-project', expiresAt: 1_900_000_000 },
    ];
    registerGrantExpiry(
      registry,
      () => Promise.resolve(grants),
      () => {},
    );
    expect(await registry.metrics()).toContain(
      'crosscare_subscriber_grant_expiry_timestamp_seconds{subscriber="sde-diabetes-team",kind="sde-project"} 1900000000',
    );
    grants = grants.slice(0, 1);
    expect(await registry.metrics()).not.toContain('sde-diabetes-team');
  });

  it('leaves the gauge empty and warns once while the register cannot be read', async () => {
    const registry = new Registry();
    const warnings: string[] = [];
    registerGrantExpiry(
      registry,
      () => Promise.reject(new Error('permission denied for schema subscriber_access')),
      (m) => warnings.push(m),
    );
    await registry.metrics();
    const text = await registry.metrics();
    expect(text).toContain('# HELP crosscare_subscriber_grant_expiry_timestamp_seconds');
    expect(text).not.toMatch(/^crosscare_subscriber_grant_expiry_timestamp_seconds\{/m);
    expect(warnings).toHaveLength(1);
  });
});
