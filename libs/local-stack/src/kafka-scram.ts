import { spawn } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import * as path from 'node:path';
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

export type ScramChange =
  { readonly upsert: string; readonly password: string } | { readonly delete: string };

const TOOL = path.join(REPO_ROOT, 'deploy', 'kafka', 'tools', 'ScramUsers.java');

/**
 * Creates, updates or deletes SCRAM-SHA-512 users on a running cluster. kafkajs cannot (it lacks
 * AlterUserScramCredentials), so the JDK runs deploy/kafka/tools/ScramUsers.java from source against the Kafka
 * client jars; every secret goes through its standard input.
 */
export function changeScramUsers(
  java: string,
  kafkaLibs: string,
  connection: ScramAdminConnection,
  changes: readonly ScramChange[],
): Promise<string[]> {
  const lines = [
    `connect ${connection.bootstrap.join(',')} ${connection.caFile} ${connection.adminUser} ${connection.adminPassword}`,
    ...changes.map((c) => ('upsert' in c ? `upsert ${c.upsert} ${c.password}` : `delete ${c.delete}`)),
  ];
  for (const word of lines.flatMap((l) => l.split(' '))) {
    if (word === '' || /\s/.test(word))
      throw new StackError('SCRAM users: names and passwords may not be empty or hold spaces');
  }
  return new Promise((resolve, reject) => {
    const child = spawn(java, ['-cp', `${kafkaLibs}/*`, '-Dlog4j2.level=warn', TOOL], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new StackError(`java could not be run for ScramUsers: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(out.trim().split('\n').filter(Boolean));
      else
        reject(
          new StackError(
            `changing SCRAM users failed (exit ${code}): ${err.trim().split('\n').slice(-5).join('\n')}`,
          ),
        );
    });
    child.stdin.end(`${lines.join('\n')}\n`);
  });
}
