import * as fs from 'node:fs';
import * as path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { DEFAULT_AUDIENCE } from './reader-token-verifier';
import type { JwsAlgorithm, TrustedIssuersFile } from './trusted-issuers';

/** The local stack's issuer of readers' tokens. Its private key sits on a developer's disk: never for production. */
export const DEVELOPMENT_ISSUER = 'crosscare-local-development';
const DEVELOPMENT_ALGORITHM = 'ES256';

/** Where the development issuer keeps its files: the private key with the stack's secrets, the rest public. */
export interface DevelopmentIssuerDirectories {
  /** Owner-only (0700); the private JWK is written 0600. */
  readonly secretsDir: string;
  /** The public JWKS and the trusted-issuers file naming it (readable by others, so a container can mount them). */
  readonly publicDir: string;
}

export interface DevelopmentIssuerFiles {
  readonly issuer: string;
  readonly kid: string;
  readonly privateKeyFile: string;
  readonly jwksFile: string;
  /** What RECORD_API_TRUSTED_ISSUERS_FILE points at; it names the JWKS by a path relative to itself. */
  readonly trustedIssuersFile: string;
}

/** A reader's claims as an issuer states them; anything else (nbf, extra claims) passes through. */
export interface ReaderTokenClaims {
  readonly sub: string;
  readonly name: string;
  readonly role: string;
  readonly org: string;
  readonly [claim: string]: unknown;
}

export const developmentIssuerFiles = (dirs: DevelopmentIssuerDirectories) => ({
  privateKeyFile: path.join(dirs.secretsDir, 'record-api-development-issuer.jwk'),
  jwksFile: path.join(dirs.publicDir, 'development-issuer.jwks.json'),
  trustedIssuersFile: path.join(dirs.publicDir, 'trusted-issuers.json'),
});

/**
 * Creates the development issuer once — an ES256 key pair, its private JWK owner-only — and (re)writes its public
 * JWKS and a trusted-issuers file naming it, both derived from the private key so they always match it. Two callers
 * at once keep the first key written (wx), so neither invalidates the other's tokens.
 */
export async function ensureDevelopmentIssuer(
  dirs: DevelopmentIssuerDirectories,
): Promise<DevelopmentIssuerFiles> {
  const files = developmentIssuerFiles(dirs);
  fs.mkdirSync(dirs.secretsDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dirs.secretsDir, 0o700);
  if (!fs.existsSync(files.privateKeyFile)) {
    const { privateKey } = await generateKeyPair(DEVELOPMENT_ALGORITHM, { extractable: true });
    const jwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(jwk);
    const privateJwk: JWK = { ...jwk, kid, alg: DEVELOPMENT_ALGORITHM, use: 'sig' };
    try {
      fs.writeFileSync(files.privateKeyFile, `${JSON.stringify(privateJwk, null, 2)}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const privateJwk = readPrivateJwk(files.privateKeyFile);
  const kid = privateJwk.kid!;

  fs.mkdirSync(dirs.publicDir, { recursive: true, mode: 0o755 });
  const publicJwk = {
    kty: privateJwk.kty,
    crv: privateJwk.crv,
    x: privateJwk.x,
    y: privateJwk.y,
    kid,
    alg: privateJwk.alg,
    use: 'sig',
  };
  writePublic(files.jwksFile, { keys: [publicJwk] });
  const trusted: TrustedIssuersFile = {
    comment:
      "The local stack's development issuer (npm run record-api:token signs with its key). Production lists NHS CIS2 " +
      "(and any organisation's own IdP) with its JWKS URL instead, and refuses this one.",
    issuers: [
      {
        issuer: DEVELOPMENT_ISSUER,
        jwks: { file: path.basename(files.jwksFile) },
        organisations: '*',
        algorithms: [DEVELOPMENT_ALGORITHM],
        development: true,
      },
    ],
  };
  writePublic(files.trustedIssuersFile, trusted);
  return { issuer: DEVELOPMENT_ISSUER, kid, ...files };
}

/** A reader's token from the development issuer, for the local stack's demos and tools. */
export async function signDevelopmentToken(
  claims: ReaderTokenClaims,
  options: { readonly secretsDir: string; readonly lifetimeSeconds: number; readonly now?: number },
): Promise<string> {
  const file = developmentIssuerFiles({ secretsDir: options.secretsDir, publicDir: '' }).privateKeyFile;
  if (!fs.existsSync(file))
    throw new Error(`${file} does not exist: the development issuer is created by npm run stack:up`);
  const privateJwk = readPrivateJwk(file);
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  return signReaderToken(privateJwk, privateJwk.kid!, DEVELOPMENT_ALGORITHM, {
    iss: DEVELOPMENT_ISSUER,
    aud: DEFAULT_AUDIENCE,
    iat,
    exp: iat + options.lifetimeSeconds,
    ...claims,
  });
}

/** A compact JWS of `claims` as given (set iss, aud, iat and exp yourself), signed with a private JWK. */
export async function signReaderToken(
  privateJwk: JWK,
  kid: string,
  alg: JwsAlgorithm,
  claims: Record<string, unknown>,
): Promise<string> {
  const key = await importJWK(privateJwk, alg);
  return new SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key);
}

function readPrivateJwk(file: string): JWK {
  const jwk = JSON.parse(fs.readFileSync(file, 'utf8')) as JWK;
  if (typeof jwk.d !== 'string' || typeof jwk.kid !== 'string')
    throw new Error(`${file} is not a private JWK with a kid`);
  return jwk;
}

/** Written whole or not at all (a reader never sees half a file), readable by others. */
function writePublic(file: string, content: unknown): void {
  const text = `${JSON.stringify(content, null, 2)}\n`;
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.chmodSync(temporary, 0o644);
  fs.renameSync(temporary, file);
}
