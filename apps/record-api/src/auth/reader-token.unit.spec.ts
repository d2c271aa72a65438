import { createHmac } from 'node:crypto';
import {
  bearerTokenOf,
  signReaderToken,
  verifyReaderToken,
  type ReaderClaims,
  type TokenVerification,
} from './reader-token';

const SECRET = Buffer.from('a-test-secret-of-at-least-32-bytes-long', 'utf8');
const NOW = Date.UTC(2026, 0, 15, 10);
const NOW_SECONDS = NOW / 1000;
const VERIFY: TokenVerification = { secret: SECRET, issuer: 'crosscare-test', now: NOW };

const claims = (overrides: Partial<Record<keyof ReaderClaims, unknown>> = {}) =>
  ({
    sub: 'u1',
    name: 'Dr A Clinician',
    role: 'R8000',
    org: 'rha',
    iss: 'crosscare-test',
    iat: NOW_SECONDS - 60,
    exp: NOW_SECONDS + 3600,
    ...overrides,
  }) as ReaderClaims;

/** A token with any header and payload, signed (or not) as given: for the forgeries a verifier must refuse. */
function handMade(header: object, payload: object, secret: Buffer | null = SECRET): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = secret ? createHmac('sha256', secret).update(input).digest('base64url') : '';
  return `${input}.${signature}`;
}

describe('reader tokens', () => {
  it('given a token signed with the key, when verified, then names the reader with the org canonical', () => {
    const result = verifyReaderToken(signReaderToken(claims(), SECRET), VERIFY);
    expect(result).toEqual({
      ok: true,
      reader: { userId: 'u1', name: 'Dr A Clinician', role: 'R8000', organisationOdsCode: 'RHA' },
    });
  });

  it('given a token signed with another key, when verified, then the signature is refused', () => {
    const other = Buffer.from('another-secret-of-at-least-32-bytes!!', 'utf8');
    expect(verifyReaderToken(signReaderToken(claims(), other), VERIFY)).toEqual({
      ok: false,
      reason: 'the token signature is not valid',
    });
  });

  it('given a payload changed after signing, when verified, then the signature is refused', () => {
    const [header, , signature] = signReaderToken(claims(), SECRET).split('.');
    const forged = Buffer.from(JSON.stringify(claims({ role: 'caldicott-guardian' }))).toString('base64url');
    expect(verifyReaderToken(`${header}.${forged}.${signature}`, VERIFY)).toMatchObject({ ok: false });
  });

  it.each([
    ['alg none, unsigned', { alg: 'none', typ: 'JWT' }, null],
    ['RS256 (algorithm confusion)', { alg: 'RS256', typ: 'JWT' }, SECRET],
    ['HS512', { alg: 'HS512', typ: 'JWT' }, SECRET],
  ])(
    'given a token with %s, when verified, then it is refused before its payload is read',
    (_, header, key) => {
      expect(verifyReaderToken(handMade(header, claims(), key), VERIFY)).toMatchObject({ ok: false });
    },
  );

  it.each(['', 'abc', 'a.b', 'a.b.c.d', 'a b.c.d', 'eyJ.e30.'])(
    'given the malformed token %j, when verified, then it is refused',
    (token) => expect(verifyReaderToken(token, VERIFY)).toMatchObject({ ok: false }),
  );

  it('given another issuer, when verified, then it is refused', () => {
    expect(verifyReaderToken(signReaderToken(claims({ iss: 'elsewhere' }), SECRET), VERIFY)).toEqual({
      ok: false,
      reason: 'the token was not issued by the expected issuer',
    });
  });

  it('given no exp, when verified, then it is refused: every token must expire', () => {
    const { exp: _exp, ...withoutExp } = claims();
    expect(verifyReaderToken(handMade({ alg: 'HS256', typ: 'JWT' }, withoutExp), VERIFY)).toEqual({
      ok: false,
      reason: 'the token has no expiry (exp)',
    });
  });

  it('given an expiry inside the clock skew, when verified, then it passes; beyond it, it is refused', () => {
    const justExpired = signReaderToken(claims({ exp: NOW_SECONDS - 30 }), SECRET);
    const longExpired = signReaderToken(claims({ exp: NOW_SECONDS - 61 }), SECRET);
    expect(verifyReaderToken(justExpired, VERIFY)).toMatchObject({ ok: true });
    expect(verifyReaderToken(longExpired, VERIFY)).toEqual({ ok: false, reason: 'the token has expired' });
    expect(verifyReaderToken(justExpired, { ...VERIFY, clockSkewSeconds: 10 })).toMatchObject({ ok: false });
  });

  it('given nbf in the future beyond the skew, when verified, then it is refused', () => {
    const early = signReaderToken(claims({ nbf: NOW_SECONDS + 600 }), SECRET);
    expect(verifyReaderToken(early, VERIFY)).toEqual({
      ok: false,
      reason: 'the token is not valid yet (nbf)',
    });
  });

  it('given missing or empty identity claims, when verified, then the reason names them', () => {
    const token = signReaderToken(claims({ name: '', role: undefined }), SECRET);
    expect(verifyReaderToken(token, VERIFY)).toEqual({
      ok: false,
      reason: 'the token lacks name, role (each a text of 1 to 200 characters)',
    });
  });

  it('given an org that is not an ODS code, when verified, then it is refused', () => {
    const token = signReaderToken(claims({ org: 'Royal Hospital' }), SECRET);
    expect(verifyReaderToken(token, VERIFY)).toEqual({
      ok: false,
      reason: 'the token org claim is not an ODS code',
    });
  });

  it('never repeats the token in a reason', () => {
    const token = signReaderToken(claims({ exp: NOW_SECONDS - 3600 }), SECRET);
    const result = verifyReaderToken(token, VERIFY);
    expect(result.ok).toBe(false);
    if (!result.ok) for (const part of token.split('.')) expect(result.reason).not.toContain(part);
  });

  it('reads only the Bearer scheme from Authorization', () => {
    expect(bearerTokenOf('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerTokenOf('bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerTokenOf('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerTokenOf('Bearer a b')).toBeUndefined();
    expect(bearerTokenOf(undefined)).toBeUndefined();
  });
});
