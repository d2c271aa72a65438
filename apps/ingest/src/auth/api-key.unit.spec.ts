import { apiKeyFromHeaders, generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key';

describe('provider API keys', () => {
  it('generates keys that parse back to their id and secret', () => {
    const key = generateApiKey();
    expect(key.token).toMatch(/^cck_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(key.token)).toEqual({ keyId: key.keyId, secret: key.secret });
  });

  it('never generates the same key twice', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => generateApiKey().token));
    expect(tokens.size).toBe(100);
  });

  it.each([
    '',
    'Bearer',
    'cck_123_abc',
    'cck_zzzzzzzzzzzzzzzz_' + 'a'.repeat(43),
    'xyz_0123456789abcdef_' + 'a'.repeat(43),
  ])('refuses the malformed token %j', (token) => expect(parseApiKey(token)).toBeNull());

  it('matches only the secret whose hash is stored', () => {
    const key = generateApiKey();
    const stored = hashSecret(key.secret);
    expect(secretMatches(key.secret, stored)).toBe(true);
    expect(secretMatches(generateApiKey().secret, stored)).toBe(false);
  });

  it('reads Authorization: Bearer first, then X-API-Key', () => {
    expect(apiKeyFromHeaders({ authorization: 'Bearer cck_a', 'x-api-key': 'cck_b' })).toBe('cck_a');
    expect(apiKeyFromHeaders({ 'x-api-key': 'cck_b' })).toBe('cck_b');
    expect(apiKeyFromHeaders({})).toBeNull();
  });
});
