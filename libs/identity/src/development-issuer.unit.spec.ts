import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { ensureDevelopmentIssuer, signDevelopmentToken, DEVELOPMENT_ISSUER } from './development-issuer';
import { ReaderTokenVerifier } from './reader-token-verifier';
import { loadTrustedIssuers } from './trusted-issuers';

describe('development issuer', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-dev-issuer-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));
  const dirs = () => ({ secretsDir: path.join(home, 'secrets'), publicDir: path.join(home, 'identity') });

  it('given none yet, when ensured, then an owner-only private key, a public JWKS and a trusted-issuers file are written', async () => {
    const files = await ensureDevelopmentIssuer(dirs());

    expect(fs.statSync(dirs().secretsDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(files.privateKeyFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(files.jwksFile).mode & 0o777).toBe(0o644);
    const jwks = JSON.parse(fs.readFileSync(files.jwksFile, 'utf8')) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toEqual([
      expect.objectContaining({ kty: 'EC', crv: 'P-256', kid: files.kid, alg: 'ES256', use: 'sig' }),
    ]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(loadTrustedIssuers(files.trustedIssuersFile, 'development')).toEqual([
      {
        issuer: DEVELOPMENT_ISSUER,
        jwks: { file: files.jwksFile },
        organisations: '*',
        algorithms: ['ES256'],
        development: true,
      },
    ]);
  });

  it('given callers at once or again, when ensured, then they all keep the first key', async () => {
    const [a, b] = await Promise.all([ensureDevelopmentIssuer(dirs()), ensureDevelopmentIssuer(dirs())]);
    const c = await ensureDevelopmentIssuer(dirs());
    expect(new Set([a.kid, b.kid, c.kid]).size).toBe(1);
  });

  it('given its token, when verified against its trusted-issuers file in development, then the reader is accepted', async () => {
    const files = await ensureDevelopmentIssuer(dirs());
    const token = await signDevelopmentToken(
      { sub: 'demo', name: 'Dr Demo', role: 'clinician', org: 'rha' },
      { secretsDir: dirs().secretsDir, lifetimeSeconds: 300 },
    );

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: files.kid, typ: 'JWT' });
    const verifier = new ReaderTokenVerifier({
      issuers: loadTrustedIssuers(files.trustedIssuersFile, 'development'),
    });
    expect(await verifier.verify(token)).toEqual({
      ok: true,
      reader: {
        userId: 'demo',
        name: 'Dr Demo',
        role: 'clinician',
        organisationOdsCode: 'RHA',
        issuer: DEVELOPMENT_ISSUER,
      },
    });
  });

  it('given no key yet, when a token is signed, then it says the stack creates it', async () => {
    await expect(
      signDevelopmentToken(
        { sub: 's', name: 'n', role: 'r', org: 'RHA' },
        { secretsDir: dirs().secretsDir, lifetimeSeconds: 60 },
      ),
    ).rejects.toThrow('npm run stack:up');
  });
});
