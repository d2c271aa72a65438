import { configOrExit, loadConfig } from '@crosscare/config';
import { localRecordApiJwtSecret, recordApiJwtSecretFile, stackPaths } from '@crosscare/local-stack';
import { parseArgs } from 'node:util';
import { signReaderToken } from '../../apps/record-api/src/auth/reader-token';
import { recordApiVariables } from '../../apps/record-api/src/record-api-config';

const USAGE = `usage: npm run record-api:token -- --user <id> --name <display name> --role <role> --org <ODS code> [--ttl <seconds>]
  Prints a DEVELOPMENT reader token (HS256) for the record API, signed with RECORD_API_JWT_SECRET, or with the local
  stack's development secret when that is not set. Issuer: RECORD_API_JWT_ISSUER (default crosscare-local).`;

const MAX_TTL_SECONDS = 7 * 24 * 3600;

/** Mints a token for demos and manual testing; readers' real tokens come from their organisation's issuer. */
function main(): number {
  const { values } = parseArgs({
    options: {
      user: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      org: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
    },
  });
  const ttl = Number(values.ttl);
  if (!values.user || !values.name || !values.role || !values.org || !Number.isInteger(ttl) || ttl < 1) {
    console.error(USAGE);
    return 64;
  }
  if (ttl > MAX_TTL_SECONDS) {
    console.error(`--ttl is at most ${MAX_TTL_SECONDS} seconds (7 days)`);
    return 64;
  }

  const fromEnvironment = Boolean(process.env.RECORD_API_JWT_SECRET?.trim());
  const paths = stackPaths();
  const env = fromEnvironment
    ? process.env
    : { ...process.env, RECORD_API_JWT_SECRET: localRecordApiJwtSecret(paths) };
  const { secret, issuer } = configOrExit('record-api:token', () =>
    loadConfig(
      {
        RECORD_API_JWT_SECRET: recordApiVariables.RECORD_API_JWT_SECRET,
        RECORD_API_JWT_ISSUER: recordApiVariables.RECORD_API_JWT_ISSUER,
      },
      (v) => ({ secret: Buffer.from(v.RECORD_API_JWT_SECRET, 'utf8'), issuer: v.RECORD_API_JWT_ISSUER }),
      env,
    ),
  );

  const now = Math.floor(Date.now() / 1000);
  const token = signReaderToken(
    {
      sub: values.user,
      name: values.name,
      role: values.role,
      org: values.org,
      iss: issuer,
      iat: now,
      exp: now + ttl,
    },
    secret,
  );
  console.error(
    `token for ${values.user} (${values.role} at ${values.org}), issuer ${issuer}, valid ${ttl} s, signed with ` +
      (fromEnvironment
        ? 'RECORD_API_JWT_SECRET'
        : `the local stack's development secret (${
            process.env.CROSSCARE_RECORD_API_JWT_SECRET?.trim()
              ? 'CROSSCARE_RECORD_API_JWT_SECRET'
              : recordApiJwtSecretFile(paths)
          })`),
  );
  console.log(token);
  return 0;
}

process.exitCode = main();
