import { DEVELOPMENT_ISSUER, developmentIssuerFiles, signDevelopmentToken } from '@crosscare/identity';
import { composeStackPaths, developmentIssuerDirectories, stackPaths } from '@crosscare/local-stack';
import { parseArgs } from 'node:util';

const USAGE = `usage: npm run record-api:token -- --sub <user id> --name <display name> --role <role> --org <ODS code> [--lifetime <seconds>] [--audience <aud>] [--compose]
       npm run subscriptions:token -- (the same options: a token for the subscription service)
  Prints a DEVELOPMENT reader token for the record API (or, with --audience crosscare-subscriptions, the subscription service) on stdout: ES256, signed with the key of the local stack's
  development issuer (${DEVELOPMENT_ISSUER}, created by npm run stack:up), or with docker-compose's (--compose, created
  by npm run compose:secrets). Only a record API run with CROSSCARE_ENVIRONMENT=development trusts that issuer.`;

/** The record API refuses longer-lived tokens unless RECORD_API_TOKEN_MAX_LIFETIME_SECONDS says otherwise. */
const DEFAULT_LIFETIME_SECONDS = 3600;

/** Mints a token for demos and manual testing; readers' real tokens come from NHS CIS2 or their organisation's IdP. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      org: { type: 'string' },
      lifetime: { type: 'string', default: String(DEFAULT_LIFETIME_SECONDS) },
      // Each service takes tokens for its own audience only: one for the record API is not one for subscriptions.
      audience: { type: 'string' },
      compose: { type: 'boolean', default: false },
    },
  });
  const lifetime = Number(values.lifetime);
  if (
    !values.sub ||
    !values.name ||
    !values.role ||
    !values.org ||
    !Number.isInteger(lifetime) ||
    lifetime < 1
  ) {
    console.error(USAGE);
    return 64;
  }
  const directories = developmentIssuerDirectories(values.compose ? composeStackPaths() : stackPaths());
  const token = await signDevelopmentToken(
    {
      sub: values.sub,
      name: values.name,
      role: values.role,
      org: values.org,
      ...(values.audience ? { aud: values.audience } : {}),
    },
    { secretsDir: directories.secretsDir, lifetimeSeconds: lifetime },
  );
  console.error(
    `token for ${values.sub} (${values.role} at ${values.org}), issuer ${DEVELOPMENT_ISSUER}, valid ${lifetime} s, ` +
      `signed with ${developmentIssuerFiles(directories).privateKeyFile}` +
      (lifetime > DEFAULT_LIFETIME_SECONDS
        ? `; the record API refuses it unless RECORD_API_TOKEN_MAX_LIFETIME_SECONDS is at least ${lifetime}`
        : ''),
  );
  console.log(token);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`record-api:token: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
