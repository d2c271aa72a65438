import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkKafkaVariables, kafkaVariables, loadConfig, toKafkaConfig } from '@crosscare/config';
import { applyAcls, principalAcls, removeAcls, type AclPrincipal } from '@crosscare/kafka';
import {
  changeScramUsers,
  disablingChanges,
  checkJava,
  ensureKafkaDistribution,
  silentProgress,
  stackPaths,
} from '@crosscare/local-stack';
import { eventually } from './eventually';
import { TestKafka, testKafkaEnvironment } from './test-kafka';

/**
 * Principals of a test's own, on the run's secured cluster: a SCRAM-SHA-512 user each with a random password, and
 * exactly the ACLs its definition grants (libs/governance's servicePrincipals or subscriberPrincipal, built with a
 * unique AccessNaming so that names do not meet another test's). `environment(name)` connects a TestKafka, or a
 * service a test starts, as that principal; `cleanup()` removes the ACLs and the users.
 *
 * The users are made by one JVM run (a few seconds), so create every principal a suite needs in one call.
 */
export class TestPrincipals {
  private constructor(
    private readonly admin: Readonly<Record<string, string>>,
    private readonly principals: readonly AclPrincipal[],
    private readonly passwordDir: string,
  ) {}

  /**
   * @param admin how to connect as the cluster's admin (the run's KAFKA_* variables by default): it needs a SCRAM
   *   user and a CA file, so a PLAINTEXT cluster (testcontainers) cannot have principals.
   */
  static async create(
    principals: readonly AclPrincipal[],
    admin: Readonly<Record<string, string>> = testKafkaEnvironment(),
  ): Promise<TestPrincipals> {
    const config = loadConfig(kafkaVariables, toKafkaConfig, admin, checkKafkaVariables);
    const caFile = admin.KAFKA_SSL_CA_FILE;
    if (!config.sasl || !caFile) {
      throw new Error(
        'TestPrincipals need a SASL_SSL cluster: the admin environment names no SASL user or no KAFKA_SSL_CA_FILE',
      );
    }
    const names = principals.map((p) => p.name);
    if (new Set(names).size !== names.length) throw new Error(`principals named twice: ${names.join(', ')}`);

    const passwordDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-principals-'));
    const created = new TestPrincipals(admin, principals, passwordDir);
    try {
      const passwords = principals.map((p) => {
        const password = randomBytes(24).toString('base64url');
        fs.writeFileSync(created.passwordFile(p.name), `${password}\n`, { mode: 0o600 });
        return { upsert: p.name, password };
      });
      await scramUsers(admin, config.sasl.username, config.sasl.password, caFile, passwords);
      await created.withAdmin(async (kafka) => {
        const client = await kafka.connectedAdmin();
        for (const principal of principals) await applyAcls(client, principal);
        // The broker answers DescribeAcls from its own authorizer, so once it lists them, it enforces them.
        for (const principal of principals) {
          await eventually(
            `the broker to hold ${principal.name}'s ${principal.grants.length} ACLs`,
            async () =>
              (await principalAcls(client, principal.name)).length === principal.grants.length
                ? true
                : undefined,
          );
        }
      });
      // Likewise the users: each can sign in before the suite uses it.
      await Promise.all(
        principals.map((p) =>
          eventually(`${p.name} to authenticate`, async () => {
            const kafka = new TestKafka(created.environment(p.name), { retry: { retries: 0 } });
            try {
              await kafka.connectedAdmin();
              return true;
            } finally {
              await kafka.cleanup();
            }
          }),
        ),
      );
      return created;
    } catch (error) {
      await created.cleanup().catch(() => undefined);
      throw error;
    }
  }

  get names(): readonly string[] {
    return this.principals.map((p) => p.name);
  }

  /**
   * The KAFKA_* variables that connect as `name`, its password by file: spread over process.env, they replace the
   * admin's credentials whole (a password by value beside the admin's password file would be refused).
   */
  environment(name: string): Record<string, string> {
    if (!this.names.includes(name))
      throw new Error(`no test principal ${name} (have ${this.names.join(', ')})`);
    return {
      KAFKA_BROKERS: this.admin.KAFKA_BROKERS,
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: name,
      KAFKA_SASL_PASSWORD_FILE: this.passwordFile(name),
      KAFKA_SSL_CA_FILE: this.admin.KAFKA_SSL_CA_FILE,
    };
  }

  /** Removes every ACL of these principals and deletes their users (one JVM run). */
  async cleanup(): Promise<void> {
    try {
      await this.withAdmin(async (kafka) => {
        const client = await kafka.connectedAdmin();
        for (const name of this.names) await removeAcls(client, name);
      });
      const config = loadConfig(kafkaVariables, toKafkaConfig, this.admin, checkKafkaVariables);
      if (config.sasl && this.admin.KAFKA_SSL_CA_FILE) {
        await scramUsers(
          this.admin,
          config.sasl.username,
          config.sasl.password,
          this.admin.KAFKA_SSL_CA_FILE,
          disablingChanges(this.names),
        );
      }
    } finally {
      fs.rmSync(this.passwordDir, { recursive: true, force: true });
    }
  }

  private passwordFile(name: string): string {
    return path.join(this.passwordDir, name);
  }

  private async withAdmin<T>(work: (kafka: TestKafka) => Promise<T>): Promise<T> {
    const kafka = new TestKafka(this.admin);
    try {
      return await work(kafka);
    } finally {
      await kafka.cleanup();
    }
  }
}

async function scramUsers(
  admin: Readonly<Record<string, string>>,
  adminUser: string,
  adminPassword: string,
  caFile: string,
  changes: Parameters<typeof changeScramUsers>[3],
): Promise<void> {
  if (changes.length === 0) return;
  const distribution = await ensureKafkaDistribution(stackPaths(), silentProgress);
  await changeScramUsers(
    checkJava(),
    distribution.libs,
    { bootstrap: admin.KAFKA_BROKERS.split(',').map((b) => b.trim()), caFile, adminUser, adminPassword },
    changes,
  );
}
