import { thrownBy } from '@crosscare/testing';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTrustedIssuers, mayVouchFor, TrustedIssuersError } from './trusted-issuers';

describe('trusted-issuer list', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-trusted-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (content: unknown) => {
    const file = path.join(dir, 'trusted-issuers.json');
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('given a national and an organisation issuer, then each is read with its defaults and codes uppercase', () => {
    const file = write({
      comment: 'CIS2 and one trust',
      issuers: [
        {
          issuer: 'https://am.nhsidentity.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/oidc',
          jwks: {
            url: 'https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/oidc/connect/jwk_uri',
          },
          organisations: '*',
        },
        {
          issuer: 'https://idp.rha.example',
          jwks: { file: 'keys/rha.json' },
          organisations: ['rha', 'RHA'],
          algorithms: ['RS256'],
        },
      ],
    });

    const [national, trust] = loadTrustedIssuers(file, 'production');

    expect(national).toMatchObject({
      organisations: '*',
      algorithms: ['RS256', 'ES256'],
      development: false,
    });
    expect('url' in national.jwks && national.jwks.url.hostname).toBe('am.nhsidentity.spineservices.nhs.uk');
    expect(trust).toEqual({
      issuer: 'https://idp.rha.example',
      jwks: { file: path.join(dir, 'keys', 'rha.json') },
      organisations: ['RHA'],
      algorithms: ['RS256'],
      development: false,
    });
    expect(mayVouchFor(trust, 'RHA')).toBe(true);
    expect(mayVouchFor(trust, 'RNB')).toBe(false);
    expect(mayVouchFor(national, 'RNB')).toBe(true);
  });

  it('given a JWKS over http, then only a loopback address is allowed', () => {
    const entry = (url: string) => ({ issuer: 'i', jwks: { url }, organisations: '*' });
    expect(
      loadTrustedIssuers(write({ issuers: [entry('http://127.0.0.1:1234/jwks')] }), 'production'),
    ).toHaveLength(1);
    expect(
      loadTrustedIssuers(write({ issuers: [entry('http://localhost/jwks')] }), 'production'),
    ).toHaveLength(1);
    const error = thrownBy(TrustedIssuersError, () =>
      loadTrustedIssuers(write({ issuers: [entry('http://idp.example/jwks')] }), 'production'),
    );
    expect(error.problems).toEqual([
      { element: 'issuers[0].jwks.url', reason: expect.stringContaining('must be an https:// URL') },
    ]);
  });

  it('given a broken list, then every fault is named with the file', () => {
    const file = write({
      issuers: [
        { issuer: 'a', jwks: { file: 'a.json' }, organisations: ['R'], algorithms: ['HS256'] },
        { issuer: 'a', jwks: { path: 'b.json' }, organisations: '*', extra: 1 },
        { issuer: 'c', jwks: { file: 'c.json' }, organisations: [] },
      ],
    });

    const error = thrownBy(TrustedIssuersError, () => loadTrustedIssuers(file, 'production'));

    expect(error.message).toContain(file);
    expect(error.problems.map((p) => p.element)).toEqual([
      'issuers[0].organisations[0]',
      'issuers[0].algorithms[0]',
      'issuers[1].jwks',
      'issuers[1]',
      'issuers[2].organisations',
    ]);
  });

  it('given the same issuer twice, then the list is refused', () => {
    const entry = { issuer: 'a', jwks: { file: 'a.json' }, organisations: '*' };
    const error = thrownBy(TrustedIssuersError, () =>
      loadTrustedIssuers(write({ issuers: [entry, entry] }), 'production'),
    );
    expect(error.problems).toEqual([{ element: 'issuers[1].issuer', reason: '"a" is listed twice' }]);
  });

  it.each([
    ['a missing file', undefined, 'does not exist'],
    ['a file that is not JSON', '{ issuers: ', 'is not JSON'],
    ['an empty list', { issuers: [] }, 'must list an issuer'],
  ])('given %s, then the start stops naming the file and the fault', (_, content, reason) => {
    const file = content === undefined ? path.join(dir, 'missing.json') : write(content);
    const error = thrownBy(TrustedIssuersError, () => loadTrustedIssuers(file, 'production'));
    expect(error.message).toContain(path.basename(file));
    expect(error.message).toContain(reason);
  });

  it('given a development issuer, then production refuses it naming the issuer and the variable; development reads it', () => {
    const file = write({
      issuers: [
        {
          issuer: 'crosscare-local-development',
          jwks: { file: 'j.json' },
          organisations: '*',
          development: true,
        },
      ],
    });

    const error = thrownBy(TrustedIssuersError, () => loadTrustedIssuers(file, 'production'));
    expect(error.message).toContain('crosscare-local-development');
    expect(error.message).toContain('CROSSCARE_ENVIRONMENT=production');
    expect(loadTrustedIssuers(file, 'development')).toEqual([
      expect.objectContaining({ issuer: 'crosscare-local-development', development: true }),
    ]);
  });
});
