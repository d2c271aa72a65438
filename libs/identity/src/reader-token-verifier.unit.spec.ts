import * as fs from 'node:fs';
import { TestIssuer } from './testing/test-issuer';
import {
  ReaderTokenVerifier,
  type ReaderTokenVerifierOptions,
  type TokenCheck,
} from './reader-token-verifier';
import { loadTrustedIssuers, type TrustedIssuer } from './trusted-issuers';

const NOW = Date.UTC(2026, 0, 15, 10);

describe('reader token verifier', () => {
  const issuers: TestIssuer[] = [];
  let now: number;

  beforeEach(() => {
    now = NOW;
  });
  afterAll(() => Promise.all(issuers.map((issuer) => issuer.close())));

  async function issuer(options: Parameters<typeof TestIssuer.create>[0] = {}): Promise<TestIssuer> {
    const created = await TestIssuer.create(options);
    issuers.push(created);
    return created;
  }

  function verifierOf(trusted: TrustedIssuer[], options: Partial<ReaderTokenVerifierOptions> = {}) {
    return new ReaderTokenVerifier({ issuers: trusted, clock: () => now, ...options });
  }

  function verifierFor(test: TestIssuer, options: Partial<ReaderTokenVerifierOptions> = {}) {
    return verifierOf(loadTrustedIssuers(test.trustedIssuersFile, 'production'), options);
  }

  const refusal = (check: TokenCheck) => (check.ok ? 'accepted' : check.reason);

  it('given a good ES256 token, when verified, then names the reader with the org uppercase and the issuer', async () => {
    const test = await issuer();
    const verifier = verifierFor(test);

    const check = await verifier.verify(test.token({ org: 'rha' }, { now }));

    expect(check).toEqual({
      ok: true,
      reader: {
        userId: 'u-test-1',
        name: 'Dr Test Clinician',
        role: 'clinician',
        organisationOdsCode: 'RHA',
        issuer: test.issuer,
      },
    });
  });

  it('given a good RS256 token and an aud list holding the audience, when verified, then it is accepted', async () => {
    const test = await issuer({ algorithm: 'RS256' });
    const verifier = verifierFor(test);

    const check = await verifier.verify(test.token({ aud: ['other-api', 'crosscare-record-api'] }, { now }));

    expect(check.ok).toBe(true);
  });

  it('given a token of an issuer not on the list, when verified, then it is refused, with what it claimed', async () => {
    const trusted = await issuer();
    const stranger = await issuer({ issuer: 'https://stranger.example' });
    const verifier = verifierFor(trusted);

    const check = await verifier.verify(stranger.token({ name: 'x'.repeat(300) }, { now }));

    expect(check).toEqual({
      ok: false,
      reason: 'the token issuer is not trusted',
      claimed: {
        userId: 'u-test-1',
        name: 'x'.repeat(200),
        role: 'clinician',
        organisationOdsCode: 'RHA',
        issuer: 'https://stranger.example',
      },
    });
  });

  it('given a trusted iss on a token signed by another issuer with the same kid, when verified, then the signature is refused', async () => {
    const trusted = await issuer();
    const forger = await issuer({ issuer: trusted.issuer });
    const verifier = verifierFor(trusted);

    const check = await verifier.verify(forger.token({}, { now, kid: trusted.kid }));

    expect(refusal(check)).toBe('the token signature is not valid');
  });

  it('given a token changed after signing, when verified, then the signature is refused', async () => {
    const test = await issuer();
    const verifier = verifierFor(test);
    const [header, , signature] = test.token({}, { now }).split('.');
    const payload = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(test.token({}, { now }).split('.')[1], 'base64url').toString()),
        role: 'R8013',
      }),
    ).toString('base64url');

    expect(refusal(await verifier.verify(`${header}.${payload}.${signature}`))).toBe(
      'the token signature is not valid',
    );
  });

  it.each([
    ['another audience', { aud: 'someone-else' }, 'the token is not for this service (aud)'],
    ['no audience', { aud: undefined }, 'the token has no aud claim'],
    ['no exp', { exp: undefined }, 'the token has no exp claim'],
    ['no iat', { iat: undefined }, 'the token has no iat claim'],
    ['an expiry beyond the skew', { iat: NOW / 1000 - 600, exp: NOW / 1000 - 61 }, 'the token has expired'],
    ['an nbf beyond the skew', { nbf: NOW / 1000 + 61 }, 'the token is not valid yet (nbf)'],
    [
      'an iat beyond the skew',
      { iat: NOW / 1000 + 61, exp: NOW / 1000 + 600 },
      'the token was issued in the future (iat)',
    ],
    [
      'a lifetime over the maximum',
      { exp: NOW / 1000 + 3601 },
      'the token lives longer than 3600 s (exp - iat)',
    ],
    ['no sub', { sub: undefined }, 'the token lacks sub (each a text of 1 to 200 characters)'],
    [
      'no name nor role',
      { name: undefined, role: '' },
      'the token lacks name, role (each a text of 1 to 200 characters)',
    ],
    ['a numeric org', { org: 42 }, 'the token lacks org (each a text of 1 to 200 characters)'],
    [
      'a name over 200 characters',
      { name: 'n'.repeat(201) },
      'the token lacks name (each a text of 1 to 200 characters)',
    ],
    ['an org that is no ODS code', { org: 'RHA; drop' }, 'the token org claim is not an ODS code'],
    ['a short org', { org: 'RH' }, 'the token org claim is not an ODS code'],
  ])('given %s, when verified, then it is refused', async (_, claims, reason) => {
    const test = await issuer();
    const verifier = verifierFor(test);

    expect(refusal(await verifier.verify(test.token(claims, { now })))).toBe(reason);
  });

  it('given an expiry or nbf within the clock skew, when verified, then it is accepted', async () => {
    const test = await issuer();
    const verifier = verifierFor(test);

    expect(
      refusal(await verifier.verify(test.token({ iat: NOW / 1000 - 600, exp: NOW / 1000 - 59 }, { now }))),
    ).toBe('accepted');
    expect(refusal(await verifier.verify(test.token({ nbf: NOW / 1000 + 59 }, { now })))).toBe('accepted');
  });

  it('given the lifetime and skew configured, when verified, then they are the limits', async () => {
    const test = await issuer();
    const verifier = verifierFor(test, { maxLifetimeSeconds: 300, clockSkewSeconds: 0 });

    expect(refusal(await verifier.verify(test.token({}, { now, lifetimeSeconds: 301 })))).toBe(
      'the token lives longer than 300 s (exp - iat)',
    );
    expect(refusal(await verifier.verify(test.token({ nbf: NOW / 1000 + 1 }, { now })))).toBe(
      'the token is not valid yet (nbf)',
    );
    expect(refusal(await verifier.verify(test.token({}, { now, lifetimeSeconds: 300 })))).toBe('accepted');
  });

  it('given another configured audience, when verified, then only tokens for it are accepted', async () => {
    const test = await issuer({ audience: 'https://record-api.example' });
    const verifier = verifierFor(test, { audience: 'https://record-api.example' });

    expect(refusal(await verifier.verify(test.token({}, { now })))).toBe('accepted');
    expect(refusal(await verifier.verify(test.token({ aud: 'crosscare-record-api' }, { now })))).toBe(
      'the token is not for this service (aud)',
    );
  });

  it.each([
    ['alg none, unsigned', { alg: 'none' }],
    ['HS256 keyed with the public JWK', { alg: 'HS256' }],
    ['HS256 keyed with some secret', { alg: 'HS256', hmacKey: 'a-secret-of-at-least-thirty-two-bytes' }],
    ['HS512', { alg: 'HS512', hmacKey: 'a-secret' }],
    ['PS256', { alg: 'PS256' }],
    ['no alg', { alg: '' }],
  ])('given %s, when verified, then it is refused before any key is used', async (_, options) => {
    const test = await issuer({ jwks: 'url' });
    const verifier = verifierFor(test);

    const check = await verifier.verify(test.token({}, { now, ...options }));

    expect(refusal(check)).toBe('the token must be signed with RS256 or ES256');
    expect(test.jwksRequests).toBe(0);
  });

  it('given HS256 keyed with the PEM of the public key, when verified, then it is refused', async () => {
    const test = await issuer({ algorithm: 'RS256' });
    const verifier = verifierFor(test);
    const { createPublicKey } = await import('node:crypto');
    const pem = createPublicKey({ key: test.jwks().keys[0] as never, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });

    expect(refusal(await verifier.verify(test.token({}, { now, alg: 'HS256', hmacKey: pem })))).toBe(
      'the token must be signed with RS256 or ES256',
    );
  });

  it('given RS256 from an issuer trusted for ES256 only, when verified, then it is refused', async () => {
    const test = await issuer({ algorithm: 'RS256', algorithms: ['ES256'] });
    const verifier = verifierFor(test);

    expect(refusal(await verifier.verify(test.token({}, { now })))).toBe(
      'the token issuer does not sign with RS256',
    );
  });

  it('given an organisation IdP and a national issuer, when each vouches for an org, then only the IdP is limited', async () => {
    const trust = await issuer({ organisations: ['rha', 'RHA01'] });
    const national = await issuer();
    const file = trust.writeTrustedIssuers([trust.entry(), national.entry()]);
    const verifier = verifierOf(loadTrustedIssuers(file, 'production'));

    expect(refusal(await verifier.verify(trust.token({ org: 'RHA' }, { now })))).toBe('accepted');
    expect(refusal(await verifier.verify(trust.token({ org: 'rha01' }, { now })))).toBe('accepted');
    expect(refusal(await verifier.verify(trust.token({ org: 'RNB' }, { now })))).toBe(
      'the token issuer may not vouch for organisation RNB',
    );
    expect(refusal(await verifier.verify(national.token({ org: 'RNB' }, { now })))).toBe('accepted');
  });

  it('given an unknown kid or none, when verified, then it is refused', async () => {
    const test = await issuer();
    const verifier = verifierFor(test);

    expect(refusal(await verifier.verify(test.token({}, { now, kid: 'not-a-kid' })))).toBe(
      "the token key (kid) is not one of its issuer's keys",
    );
    expect(refusal(await verifier.verify(test.token({}, { now, kid: null })))).toBe(
      'the token header names no key (kid)',
    );
  });

  it.each(['', 'abc', 'a.b', 'a.b.c.d', 'a b.c.d', 'eyJ.e30.', '..'])(
    'given the malformed token %j, when verified, then it is refused',
    async (token) => {
      const test = await issuer();
      const verifier = verifierFor(test);
      const check = await verifier.verify(token);
      expect(check.ok).toBe(false);
    },
  );

  it('given a refusal, then its reason never repeats the token', async () => {
    const test = await issuer();
    const verifier = verifierFor(test);
    const token = test.token({ aud: 'x' }, { now });
    const check = await verifier.verify(token);
    expect(check.ok).toBe(false);
    const [, payload, signature] = token.split('.');
    expect(JSON.stringify(check)).not.toContain(payload);
    expect(JSON.stringify(check)).not.toContain(signature);
  });

  describe('rotation of a JWKS file', () => {
    it('given a key added to the file, when its token arrives, then it is accepted without restart', async () => {
      const test = await issuer();
      const verifier = verifierFor(test);
      const old = test.kid;
      expect(refusal(await verifier.verify(test.token({}, { now })))).toBe('accepted');

      test.addKey();
      now += 31_000;

      expect(refusal(await verifier.verify(test.token({}, { now })))).toBe('accepted');
      expect(refusal(await verifier.verify(test.token({}, { now, kid: old })))).toBe(
        'the token signature is not valid',
      );
    });

    it('given an unknown kid, then the file is read again at most once per 30 s', async () => {
      const test = await issuer();
      const verifier = verifierFor(test);
      now += 31_000;
      // An unknown kid at +31 s takes a new copy: the key added just after it is not in it.
      expect(refusal(await verifier.verify(test.token({}, { now, kid: 'unknown' })))).toBe(
        "the token key (kid) is not one of its issuer's keys",
      );
      test.addKey();

      now += 29_000;
      expect(refusal(await verifier.verify(test.token({}, { now })))).toBe(
        "the token key (kid) is not one of its issuer's keys",
      );
      now += 1_000;
      expect(refusal(await verifier.verify(test.token({}, { now })))).toBe('accepted');
    });

    it('given a key removed from the file, when its token arrives after the refresh, then it is refused', async () => {
      const test = await issuer();
      const verifier = verifierFor(test);
      const old = test.kid;
      const oldToken = test.token({}, { now, lifetimeSeconds: 3600 });
      test.addKey();
      test.removeKey(old);
      // The file's modification time must differ from the first read's, however fast the test runs.
      fs.utimesSync(test.jwksFile, new Date(), new Date(Date.now() + 5000));

      expect(refusal(await verifier.verify(oldToken))).toBe('accepted');
      now += 31_000;
      expect(refusal(await verifier.verify(oldToken))).toBe(
        "the token key (kid) is not one of its issuer's keys",
      );
    });

    it('given the file broken during an edit, then the last good keys still verify', async () => {
      const test = await issuer();
      const problems: unknown[] = [];
      const verifier = verifierFor(test, { onKeysUnavailable: (_, error) => problems.push(error) });
      fs.writeFileSync(test.jwksFile, '{ "keys": [');
      fs.utimesSync(test.jwksFile, new Date(), new Date(Date.now() + 5000));
      now += 31_000;

      expect(refusal(await verifier.verify(test.token({}, { now })))).toBe('accepted');
      expect(problems).toHaveLength(1);
    });
  });

  describe('a JWKS served over HTTP on 127.0.0.1', () => {
    it('given a good token, when verified, then the keys are fetched once and cached', async () => {
      const test = await issuer({ jwks: 'url', algorithm: 'RS256' });
      const verifier = verifierFor(test);

      expect(refusal(await verifier.verify(test.token({}, { now })))).toBe('accepted');
      expect(refusal(await verifier.verify(test.token({ sub: 'u2' }, { now })))).toBe('accepted');
      expect(test.jwksRequests).toBe(1);
    });

    it('given a new key served, when its token arrives, then it is fetched and accepted; a withdrawn key is refused after the cache ages', async () => {
      const test = await issuer({ jwks: 'url' });
      const verifier = verifierFor(test, { remoteCooldownMs: 0, remoteCacheMaxAgeMs: 200 });
      const old = test.kid;
      const oldToken = test.token({}, { now });
      expect(refusal(await verifier.verify(oldToken))).toBe('accepted');

      test.addKey();
      expect(refusal(await verifier.verify(test.token({}, { now })))).toBe('accepted');
      expect(test.jwksRequests).toBe(2);

      test.removeKey(old);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(refusal(await verifier.verify(oldToken))).toBe(
        "the token key (kid) is not one of its issuer's keys",
      );
    });

    it('given the JWKS server down, when a token arrives, then it is refused with a reason, not thrown', async () => {
      const test = await issuer({ jwks: 'url' });
      const problems: string[] = [];
      const verifier = verifierFor(test, { onKeysUnavailable: (iss) => problems.push(iss) });
      const token = test.token({}, { now });
      await test.close();

      expect(refusal(await verifier.verify(token))).toBe("the token issuer's keys could not be fetched");
      expect(problems).toEqual([test.issuer]);
    });

    it('given a JWKS server that does not answer in time, when a token arrives, then it is refused', async () => {
      const { createServer } = await import('node:http');
      const server = createServer(() => undefined);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const test = await issuer();
        const { port } = server.address() as { port: number };
        const file = test.writeTrustedIssuers([
          test.entry({ jwks: { url: `http://127.0.0.1:${port}/jwks` } }),
        ]);
        const verifier = verifierOf(loadTrustedIssuers(file, 'production'), { jwksTimeoutMs: 100 });

        expect(refusal(await verifier.verify(test.token({}, { now })))).toBe(
          "the token issuer's keys could not be fetched in time",
        );
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });
  });

  it('given a JWKS file that does not exist, when the verifier is built, then it stops naming the file', async () => {
    const test = await issuer();
    const trusted = loadTrustedIssuers(test.trustedIssuersFile, 'production');
    fs.rmSync(test.jwksFile);

    expect(() => verifierOf(trusted)).toThrow(test.jwksFile);
  });
});
