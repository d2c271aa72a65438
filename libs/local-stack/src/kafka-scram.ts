import { pbkdf2Sync, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { runKafkaJavaTool } from './kafka-java-tool';
import { REPO_ROOT } from './paths';
import { StackError } from './stack-error';

/** Iterations of SCRAM's key derivation: Kafka's minimum for SCRAM-SHA-512 is 4096; its tools use 8192. */
export const SCRAM_ITERATIONS = 8192;

/**
 * The `--add-scram` argument that puts a SCRAM-SHA-512 user in a new cluster's bootstrap metadata, as a salted
 * password (RFC 5802's Hi(), which is PBKDF2), so the password itself is never on a command line.
 */
export function scramBootstrapArgument(
  user: string,
  password: string,
  salt: Buffer = randomBytes(24),
  iterations = SCRAM_ITERATIONS,
): string {
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 64, 'sha512');
  return (
    `SCRAM-SHA-512=[name=${user},iterations=${iterations},` +
    `salt="${salt.toString('base64')}",saltedpassword="${salted.toString('base64')}"]`
  );
}

export interface ScramAdminConnection {
  readonly bootstrap: readonly string[];
  readonly caFile: string;
  readonly adminUser: string;
  readonly adminPassword: string;
}

/**
 * Users are created and updated, never deleted. Kafka 4.1's ScramDelta.apply, replaying the metadata log onto an
 * empty image when a broker starts, drops every credential of a mechanism when a removed user happens to come first
 * in its (hash-ordered) changes: the map it empties is taken out of the image, and the users put after that go into a
 * map nothing holds. The broker then refuses every SCRAM login until the cluster is rebuilt. Seen here after test runs
 * that deleted users; the controller (its own bookkeeping) still lists them. So a user is withdrawn by disabling it:
 * its ACLs removed and its password replaced by a random one that nobody keeps (disablingChanges).
 */
export interface ScramChange {
  readonly upsert: string;
  readonly password: string;
}

/** Disabling changes: each user's password becomes 256 random bits that are thrown away. */
export function disablingChanges(users: readonly string[]): ScramChange[] {
  return users.map((user) => ({ upsert: user, password: randomBytes(32).toString('base64url') }));
}

const TOOL = path.join(REPO_ROOT, 'deploy', 'kafka', 'tools', 'ScramUsers.java');

/**
 * Creates or updates SCRAM-SHA-512 users on a running cluster (ScramChange says why it never deletes). kafkajs cannot (it lacks
 * AlterUserScramCredentials), so the JDK runs deploy/kafka/tools/ScramUsers.java from source against the Kafka
 * client jars; every secret goes through its standard input.
 */
export async function changeScramUsers(
  java: string,
  kafkaLibs: string,
  connection: ScramAdminConnection,
  changes: readonly ScramChange[],
): Promise<string[]> {
  const lines = [
    `connect ${connection.bootstrap.join(',')} ${connection.caFile} ${connection.adminUser} ${connection.adminPassword}`,
    ...changes.map((c) => `upsert ${c.upsert} ${c.password}`),
  ];
  for (const word of lines.flatMap((l) => l.split(' '))) {
    if (word === '' || /\s/.test(word))
      throw new StackError('SCRAM users: names and passwords may not be empty or hold spaces');
  }
  const run = await runKafkaJavaTool(java, kafkaLibs, TOOL, `${lines.join('\n')}\n`).catch((e: Error) => {
    throw new StackError(`java could not be run for ScramUsers: ${e.message}`);
  });
  if (run.code === 0) return run.out.trim().split('\n').filter(Boolean);
  throw new StackError(
    `changing SCRAM users failed (exit ${run.code}): ${run.err.trim().split('\n').slice(-5).join('\n')}`,
  );
}
