import { configOrExit } from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { parseArgs } from 'node:util';
import { loadIngestConfig } from '../ingest-config';
import { loadDirectoryOf } from '../ingest-services';
import { CredentialStore } from '../storage/credential-store';
import { openIngestDatabase } from '../storage/data-source';

const USAGE = `usage: npm run ingest:credentials -- <command>
  issue  --provider <ODS code> [--label <text>]   issue an API key (printed once; only its hash is stored)
  list   [--provider <ODS code>]                  key ids, labels, created and revoked times (never secrets)
  revoke --key-id <id>                            revoke a key (ingest instances stop accepting it within
                                                  INGEST_CREDENTIAL_CACHE_SECONDS)`;

/** Provider API keys, managed by an operator against the same database ingest uses. */
async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { provider: { type: 'string' }, label: { type: 'string' }, 'key-id': { type: 'string' } },
  });
  const command = positionals[0];
  if (!command || !['issue', 'list', 'revoke'].includes(command)) {
    console.error(USAGE);
    return 64;
  }
  const config = configOrExit('ingest:credentials', () => loadIngestConfig());
  const db = await openIngestDatabase(config.database, config.databaseSchema);
  try {
    const store = new CredentialStore(db);
    if (command === 'issue') {
      const directory = loadDirectoryOf(config);
      const provider = values.provider ? directory.provider(values.provider) : undefined;
      if (!provider) {
        console.error(
          `--provider must be an ODS code in the provider directory (got ${values.provider ?? 'none'})`,
        );
        return 64;
      }
      const issued = await store.issue(provider.odsCode, values.label ?? '');
      console.error(
        `issued key ${issued.keyId} for ${provider.odsCode} ${provider.name} (${provider.type}).`,
      );
      console.error('The key is shown once, below; hand it to the provider over a secure channel.');
      console.log(issued.token);
    } else if (command === 'list') {
      for (const c of await store.list(values.provider))
        console.log(
          `${c.keyId}  ${c.providerOdsCode}  created ${c.createdAt.toISOString()}  ` +
            `${c.revokedAt ? `revoked ${c.revokedAt.toISOString()}` : 'active'}  ${c.label}`,
        );
    } else {
      if (!values['key-id']) {
        console.error(USAGE);
        return 64;
      }
      const revoked = await store.revoke(values['key-id']);
      console.error(revoked ? `revoked ${values['key-id']}` : `no active key ${values['key-id']}`);
      return revoked ? 0 : 1;
    }
    return 0;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`ingest:credentials failed: ${errorMessage(error)}`);
    process.exit(1);
  },
);
