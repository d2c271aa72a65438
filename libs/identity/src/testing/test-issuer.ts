import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_AUDIENCE } from '../reader-token-verifier';
import type { JwsAlgorithm, TrustedIssuersFile } from '../trusted-issuers';

type TrustedIssuerEntry = TrustedIssuersFile['issuers'][number];

export interface TestIssuerOptions {
  /** The `iss`; unique by default. */
  readonly issuer?: string;
  /** What its keys are made for and its tokens signed with (default ES256). */
  readonly algorithm?: JwsAlgorithm;
  /** What the trusted-issuers entry allows (default: the issuer's own algorithm). */
  readonly algorithms?: readonly JwsAlgorithm[];
  /** Default "*". */
  readonly organisations?: '*' | readonly string[];
  /** Publish the JWKS in a file (default) or serve it over HTTP on 127.0.0.1. */
  readonly jwks?: 'file' | 'url';
  readonly development?: boolean;
  /** The `aud` of its tokens (default crosscare-record-api). */
  readonly audience?: string;
}

/** What a test may change in a token; a claim set to undefined is left out. */
export interface TestTokenOptions {
  /** The header's alg; "none" sends no signature, HS256 signs with `hmacKey`. */
  readonly alg?: string;
  /** The header's kid (default: the current key's); null leaves it out. */
  readonly kid?: string | null;
  /** For HS256: the HMAC key, by default the current public key's JWK text (the confusion attack). */
  readonly hmacKey?: Buffer | string;
  /** Default 600 s. */
  readonly lifetimeSeconds?: number;
  /** Epoch ms the token is made at (default now). */
  readonly now?: number;
}

interface TestKey {
  readonly kid: string;
  readonly algorithm: JwsAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicJwk: Record<string, unknown>;
}

/**
 * An identity provider for tests: RS256 or ES256 keys made in memory, its JWKS published in a temporary folder or
 * served from 127.0.0.1, a trusted-issuers file naming it, and tokens signed synchronously (node:crypto) with any
 * override a refusal test needs — another alg, kid, aud or iss, a long lifetime, missing claims, `alg: none`, HS256.
 */
export class TestIssuer {
  /** JWKS requests served (the URL case). */
  jwksRequests = 0;
  private readonly keys: TestKey[] = [];
  private current!: TestKey;

  private constructor(
    readonly issuer: string,
    readonly algorithm: JwsAlgorithm,
    readonly audience: string,
    readonly dir: string,
    private readonly options: TestIssuerOptions,
    private server?: Server,
    private url?: string,
  ) {}

  static async create(options: TestIssuerOptions = {}): Promise<TestIssuer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-issuer-'));
    const issuer = new TestIssuer(
      options.issuer ?? `https://issuer.test/${randomUUID()}`,
      options.algorithm ?? 'ES256',
      options.audience ?? DEFAULT_AUDIENCE,
      dir,
      options,
    );
    issuer.addKey();
    if (options.jwks === 'url') await issuer.serve();
    issuer.writeTrustedIssuers([issuer.entry()]);
    return issuer;
  }

  get kid(): string {
    return this.current.kid;
  }

  get jwksFile(): string {
    return path.join(this.dir, 'jwks.json');
  }

  get jwksUrl(): string | undefined {
    return this.url;
  }

  get trustedIssuersFile(): string {
    return path.join(this.dir, 'trusted-issuers.json');
  }

  /** The issuer's entry in a trusted-issuers file; overrides for a test's variant. */
  entry(overrides: Partial<TrustedIssuerEntry> = {}): TrustedIssuerEntry {
    return {
      issuer: this.issuer,
      jwks: this.url ? { url: this.url } : { file: this.jwksFile },
      organisations: this.options.organisations
        ? (this.options.organisations as TrustedIssuerEntry['organisations'])
        : '*',
      algorithms: [...(this.options.algorithms ?? [this.algorithm])],
      ...(this.options.development ? { development: true } : {}),
      ...overrides,
    };
  }

  /** Writes a trusted-issuers file (this issuer's own by default) and returns its path. */
  writeTrustedIssuers(entries: readonly TrustedIssuerEntry[], file = this.trustedIssuersFile): string {
    fs.writeFileSync(file, JSON.stringify({ issuers: entries }, null, 2));
    return file;
  }

  /** Rotation: a new key becomes the signing key and joins the published JWKS; returns its kid. */
  addKey(): string {
    const pair =
      this.algorithm === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = `${this.algorithm.toLowerCase()}-${randomUUID()}`;
    const publicJwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg: this.algorithm, use: 'sig' };
    this.current = { kid, algorithm: this.algorithm, privateKey: pair.privateKey, publicJwk };
    this.keys.push(this.current);
    this.publish();
    return kid;
  }

  /** Withdraws a key from the published JWKS (tokens it signed should then be refused). */
  removeKey(kid: string): void {
    const index = this.keys.findIndex((key) => key.kid === kid);
    if (index >= 0) this.keys.splice(index, 1);
    this.publish();
  }

  /** The published JWKS, as the file holds it or the server answers. */
  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: this.keys.map((key) => key.publicJwk) };
  }

  /**
   * A reader's token: sub, name, role, org, iss, aud, iat and exp by default, then `claims` over them (undefined
   * removes one), signed as `options` say.
   */
  token(claims: Record<string, unknown> = {}, options: TestTokenOptions = {}): string {
    const iat = Math.floor((options.now ?? Date.now()) / 1000);
    const payload = Object.fromEntries(
      Object.entries({
        sub: 'u-test-1',
        name: 'Dr Test Clinician',
        role: 'clinician',
        org: 'RHA',
        iss: this.issuer,
        aud: this.audience,
        iat,
        exp: iat + (options.lifetimeSeconds ?? 600),
        ...claims,
      }).filter(([, value]) => value !== undefined),
    );
    const alg = options.alg ?? this.current.algorithm;
    const kid = options.kid === undefined ? this.current.kid : options.kid;
    const header = { alg, typ: 'JWT', ...(kid === null ? {} : { kid }) };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    return `${input}.${this.signature(alg, input, options).toString('base64url')}`;
  }

  async close(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private signature(alg: string, input: string, options: TestTokenOptions): Buffer {
    const data = Buffer.from(input, 'utf8');
    switch (alg) {
      case 'none':
        return Buffer.alloc(0);
      case 'HS256':
        return createHmac('sha256', options.hmacKey ?? JSON.stringify(this.current.publicJwk))
          .update(data)
          .digest();
      case 'ES256':
        // JWS wants r || s (IEEE P1363), not node's default DER.
        return sign('sha256', data, { key: this.current.privateKey, dsaEncoding: 'ieee-p1363' });
      default:
        // RS256, or any other alg a test names: signed with the current key as RS256 would be.
        return sign('sha256', data, this.current.privateKey);
    }
  }

  private publish(): void {
    fs.writeFileSync(this.jwksFile, JSON.stringify(this.jwks(), null, 2));
  }

  private async serve(): Promise<void> {
    const server = createServer((request, response) => {
      this.jwksRequests++;
      if (request.url !== '/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.jwks()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
