import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand } from './commands';
import { envValue } from './env';
import type { StackPaths } from './paths';
import { silentProgress, type Progress } from './progress';
import { localSecret, secretFile } from './secrets';

/** The local stack's TLS material: a private CA and the broker's key and certificate, signed by it. */
export interface LocalTls {
  /** The CA certificate (PEM), public: what every client verifies the broker against (KAFKA_SSL_CA_FILE). */
  readonly caFile: string;
  /** The broker's PKCS12 keystore: its key, its certificate and the CA's. */
  readonly keystoreFile: string;
  /** The file holding the keystore's password (owner-only, under the secrets folder). */
  readonly keystorePasswordFile: string;
}

export function localTlsPaths(paths: StackPaths): LocalTls {
  const dir = path.join(paths.home, 'tls');
  return {
    caFile: path.join(dir, 'ca.pem'),
    keystoreFile: path.join(dir, 'broker.p12'),
    keystorePasswordFile: secretFile(paths, 'kafka-broker-keystore'),
  };
}

/** Days the local CA and broker certificate are valid; a new machine, or deleting `<home>/tls` with the stack
 * down, makes new ones. */
const VALIDITY_DAYS = 825;

function keytool(): string {
  const home = envValue('JAVA_HOME');
  return home ? `${home}/bin/keytool` : 'keytool';
}

/** The names the local broker's certificate is valid for: where the local stack's clients reach it. */
export const LOCAL_BROKER_NAMES: readonly string[] = ['ip:127.0.0.1', 'dns:localhost'];

/**
 * Creates the CA and broker certificate with the JDK's keytool once (nothing fetched, no openssl needed); later
 * calls return what exists. The CA's key stays in an owner-only keystore beside the secrets and signs nothing
 * else. The broker's certificate names `brokerNames` (keytool SAN entries), by default 127.0.0.1 and localhost,
 * which is where the local stack's clients reach it; they apply only when the material is first made.
 */
export async function ensureLocalTls(
  paths: StackPaths,
  progress: Progress = silentProgress,
  brokerNames: readonly string[] = LOCAL_BROKER_NAMES,
): Promise<LocalTls> {
  const tls = localTlsPaths(paths);
  if (fs.existsSync(tls.caFile) && fs.existsSync(tls.keystoreFile)) return tls;
  const dir = path.dirname(tls.caFile);
  fs.mkdirSync(paths.home, { recursive: true });
  const work = fs.mkdtempSync(path.join(paths.home, '.tls-'));
  const storePassword = localSecret(paths, 'kafka-broker-keystore');
  const caPassword = localSecret(paths, 'local-ca-keystore');
  const caStore = secretFile(paths, 'local-ca.p12');
  // Passwords reach keytool through its environment (-storepass:env), never its command line.
  const env = { ...process.env, CROSSCARE_KS: storePassword, CROSSCARE_CA: caPassword };
  const run = (args: string[]) => runCommand(keytool(), args, { env });
  const brokerStore = path.join(work, 'broker.p12');
  const caPem = path.join(work, 'ca.pem');
  const request = path.join(work, 'broker.csr');
  const signed = path.join(work, 'broker.pem');
  try {
    await progress.step('Creating the local CA and the broker certificate (keytool)', async () => {
      fs.rmSync(caStore, { force: true });
      await run([
        '-genkeypair',
        '-alias',
        'ca',
        '-keyalg',
        'EC',
        '-groupname',
        'secp256r1',
        '-dname',
        'CN=Crosscare local development CA',
        '-ext',
        'bc:c',
        '-ext',
        'KeyUsage:c=keyCertSign,cRLSign',
        '-validity',
        String(VALIDITY_DAYS),
        '-keystore',
        caStore,
        '-storetype',
        'PKCS12',
        '-storepass:env',
        'CROSSCARE_CA',
      ]);
      fs.chmodSync(caStore, 0o600);
      await run([
        '-exportcert',
        '-rfc',
        '-alias',
        'ca',
        '-keystore',
        caStore,
        '-storepass:env',
        'CROSSCARE_CA',
        '-file',
        caPem,
      ]);
      await run([
        '-genkeypair',
        '-alias',
        'broker',
        '-keyalg',
        'EC',
        '-groupname',
        'secp256r1',
        '-dname',
        'CN=localhost',
        '-validity',
        String(VALIDITY_DAYS),
        '-keystore',
        brokerStore,
        '-storetype',
        'PKCS12',
        '-storepass:env',
        'CROSSCARE_KS',
      ]);
      await run([
        '-certreq',
        '-alias',
        'broker',
        '-keystore',
        brokerStore,
        '-storepass:env',
        'CROSSCARE_KS',
        '-file',
        request,
      ]);
      await run([
        '-gencert',
        '-alias',
        'ca',
        '-keystore',
        caStore,
        '-storepass:env',
        'CROSSCARE_CA',
        '-infile',
        request,
        '-outfile',
        signed,
        '-rfc',
        '-validity',
        String(VALIDITY_DAYS),
        '-ext',
        `SAN=${brokerNames.join(',')}`,
        '-ext',
        'KeyUsage:c=digitalSignature,keyAgreement',
        '-ext',
        'ExtendedKeyUsage=serverAuth,clientAuth',
      ]);
      await run([
        '-importcert',
        '-noprompt',
        '-alias',
        'ca',
        '-file',
        caPem,
        '-keystore',
        brokerStore,
        '-storepass:env',
        'CROSSCARE_KS',
      ]);
      await run([
        '-importcert',
        '-alias',
        'broker',
        '-file',
        signed,
        '-keystore',
        brokerStore,
        '-storepass:env',
        'CROSSCARE_KS',
      ]);
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(brokerStore, tls.keystoreFile);
      fs.chmodSync(tls.keystoreFile, 0o600);
      // The CA certificate last: its presence is what marks the material complete.
      fs.copyFileSync(caPem, tls.caFile);
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return tls;
}
