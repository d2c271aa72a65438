/**
 * npm run compose:secrets | compose:init-script
 *
 *   secrets                  write docker-compose.yml's secrets: Kafka's under .crosscare/compose, the registry's and
 *                            the database passwords and the SDE publisher's keys (the local stack's) in
 *                            .crosscare/compose.env, the record API's development issuer
 *                            of readers' tokens under .crosscare/compose/identity (once; idempotent)
 *   init-script [--check]    render deploy/kafka/compose/kafka-init.sh from the access definitions; --check only
 *                            says whether the committed one is current (exit 1 when not)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMPOSE_KAFKA_INIT_SCRIPT, renderComposeKafkaInit } from './compose-kafka-init';
import { composeStackPaths, ensureComposeSecrets } from './compose-secrets';
import { REPO_ROOT, stackPaths } from './paths';
import { writeComposeEnv } from './registry-credentials';
import { consoleProgress } from './progress';
import { developmentIssuerDirectories } from './record-api-process';
import { optOutTopicSpec, recordChangeTopicSpecs } from './record-change-topics';
import { StackError } from './stack-error';

/** The services' principals as docker-compose.yml runs them: default naming, the release's provider directory. */
export async function composeServicePrincipals() {
  const { DEFAULT_ACCESS_NAMING, loadProviderDirectory, servicePrincipals } =
    await import('@crosscare/governance');
  return servicePrincipals(loadProviderDirectory().collaboratives(), DEFAULT_ACCESS_NAMING);
}

/** The kafka-init script as the definitions make it today. */
export async function currentComposeKafkaInit(): Promise<string> {
  return renderComposeKafkaInit(await composeServicePrincipals(), [
    ...recordChangeTopicSpecs(1),
    optOutTopicSpec(1),
  ]);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const progress = consoleProgress();
  switch (command) {
    case 'secrets': {
      const principals = (await composeServicePrincipals()).map((p) => p.name);
      const secrets = await ensureComposeSecrets(principals, progress);
      // The SDE publisher's keys: one per approved project, as the local stack's (made if missing).
      const { loadSdeProjects } = await import('@crosscare/sde');
      const keyNames = loadSdeProjects().map((p) => p.pseudonymisationKey);
      const environment = writeComposeEnv(stackPaths(), keyNames);
      // docker-compose.yml mounts the public half (the JWKS and the trusted-issuers file) into the record API.
      const { ensureDevelopmentIssuer } = await import('@crosscare/identity');
      const issuer = await ensureDevelopmentIssuer(developmentIssuerDirectories(composeStackPaths()));
      const relative = (file: string) => path.relative(process.cwd(), file) || '.';
      progress.info(
        [
          '',
          `docker-compose.yml's Kafka secrets are in ${relative(secrets.home)} (owner-only; never commit them).`,
          `The registry's users, the services' registry and database passwords and the SDE publisher's ` +
            `pseudonymisation keys are in ${relative(environment)}.`,
          `The record API trusts the development issuer in ${relative(issuer.trustedIssuersFile)}; ` +
            "npm run record-api:token -- --compose signs readers' tokens with its key.",
          `Start the stack with: docker compose --env-file ${relative(environment)} up -d --wait`,
          `Clients on the host connect as the admin with the variables in ${relative(secrets.adminEnvironmentFile)}:`,
          `  set -a; . ${relative(secrets.adminEnvironmentFile)}; set +a`,
        ].join('\n'),
      );
      return 0;
    }
    case 'init-script': {
      const file = path.join(REPO_ROOT, COMPOSE_KAFKA_INIT_SCRIPT);
      const wanted = await currentComposeKafkaInit();
      const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
      if (args.includes('--check')) {
        if (current === wanted) return 0;
        process.stderr.write(`${COMPOSE_KAFKA_INIT_SCRIPT} is stale: run npm run compose:init-script\n`);
        return 1;
      }
      if (current !== wanted) fs.writeFileSync(file, wanted, { mode: 0o755 });
      progress.info(`${COMPOSE_KAFKA_INIT_SCRIPT} ${current === wanted ? 'is current' : 'written'}`);
      return 0;
    }
    default:
      process.stderr.write('usage: compose secrets | init-script [--check]\n');
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `error: ${error instanceof StackError ? error.message : String((error as Error)?.stack ?? error)}\n`,
      );
      process.exit(1);
    },
  );
}
