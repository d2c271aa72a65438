import { fhirFixtures } from '@crosscare/fhir/testing';
import { uniqueName } from '@crosscare/testing';
import { INestApplication, RequestMethod } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { parseApiKey } from './auth/api-key';
import { send, startIngest, type IngestUnderTest } from './testing/ingest-under-test';

const { gpCondition, acuteAdmission, pharmacyConsultation } = fhirFixtures;

/** Who may send what, and the limits: against the real ingest, broker and Postgres. Nothing refused is published. */
describe('ingest: authentication, authorisation and limits (real broker, registry and Postgres)', () => {
  let ingest: IngestUnderTest;

  beforeAll(async () => {
    ingest = await startIngest('access', {
      // One a minute: no token comes back while a slow machine sends the burst, so the 429 test cannot flake.
      INGEST_RATE_LIMIT_PER_MINUTE: '1',
      INGEST_RATE_LIMIT_BURST: '3',
      INGEST_MAX_BODY_BYTES: '20000',
      INGEST_MAX_EVENT_BYTES: '8000',
      INGEST_MAX_ENTRIES: '5',
      INGEST_CREDENTIAL_CACHE_SECONDS: '1',
    });
  });
  afterAll(() => ingest?.close());

  const condition = () => {
    const c = gpCondition();
    c.id = randomUUID();
    return c;
  };

  describe('authentication (401)', () => {
    it.each([
      ['no credential', undefined, /no credential/],
      ['a malformed key', 'not-a-key', /not valid/],
      ['an unknown key', `cck_0123456789abcdef_${'A'.repeat(43)}`, /not valid/],
    ])('%s is 401 with a reason and WWW-Authenticate, and nothing is published', async (_, token, reason) => {
      const c = condition();
      const before = await ingest.offsetsWritten(ingest.topic('QHL'));
      const answer = await send(ingest.url, 'PUT', `/fhir/Condition/${c.id}`, { token, body: c });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(answer.body.issue[0].code).toBe('login');
      expect(answer.body.resourceType).toBe('OperationOutcome');
      expect(answer.body.issue[0].details.text).toMatch(reason);
      expect(await ingest.offsetsWritten(ingest.topic('QHL'))).toBe(before);
    });

    it('a revoked key stops working (within the credential cache time)', async () => {
      const gp = ingest.provider('GP_PRACTICE', 'QWU');
      const issued = await ingest.services.credentials.issue(gp.odsCode, 'to revoke');
      const c = condition();
      expect(
        (await send(ingest.url, 'PUT', `/fhir/Condition/${c.id}`, { token: issued.token, body: c })).status,
      ).toBe(202);
      await ingest.services.credentials.revoke(issued.keyId);
      await new Promise((r) => setTimeout(r, 1100));
      const c2 = condition();
      expect(
        (await send(ingest.url, 'PUT', `/fhir/Condition/${c2.id}`, { token: issued.token, body: c2 })).status,
      ).toBe(401);
    });

    it('the key is never stored or logged: the database holds only a hash', async () => {
      const gp = ingest.provider('GP_PRACTICE', 'QGH');
      const issued = await ingest.services.credentials.issue(gp.odsCode);
      const rows = await ingest.services.db.query<{ row: string }[]>(
        `select row_to_json(c)::text as row from provider_credentials c where key_id = $1`,
        [issued.keyId],
      );
      // The whole secret: base64url may itself contain '_', so splitting the token on '_' could leave a fragment.
      const { secret } = parseApiKey(issued.token)!;
      expect(secret).toHaveLength(43);
      expect(rows[0].row).not.toContain(secret);
      expect(rows[0].row).toContain(gp.odsCode);
    });
  });

  describe('authorisation (403)', () => {
    it('a community pharmacy may not send an admission', async () => {
      const pharmacy = ingest.provider('COMMUNITY_PHARMACY', 'QNC');
      const token = await ingest.credentialFor(pharmacy.odsCode);
      const admission = acuteAdmission();
      const before = await ingest.offsetsWritten(ingest.topic('QNC'));
      const answer = await send(ingest.url, 'PUT', `/fhir/Encounter/${admission.id}`, {
        token,
        body: admission,
      });
      expect(answer.status).toBe(403);
      expect(answer.body.issue[0].code).toBe('forbidden');
      expect(answer.body.issue[0].details.text).toMatch(/community pharmacy may not publish admission/);
      expect(await ingest.offsetsWritten(ingest.topic('QNC'))).toBe(before);

      // The same pharmacy's own consultation goes through.
      const consultation = pharmacyConsultation();
      const ok = await send(ingest.url, 'PUT', `/fhir/Encounter/${consultation.id}`, {
        token,
        body: consultation,
      });
      expect(ok.status).toBe(202);
    });

    it('a council may not use FHIR, a GP practice may not send social care or HL7 v2', async () => {
      const council = ingest.provider('LOCAL_AUTHORITY', 'QHL');
      const gp = ingest.provider('GP_PRACTICE', 'QHL');
      const c = condition();
      const asCouncil = await send(ingest.url, 'PUT', `/fhir/Condition/${c.id}`, {
        token: await ingest.credentialFor(council.odsCode),
        body: c,
      });
      expect(asCouncil.status).toBe(403);
      expect(asCouncil.body.resourceType).toBe('OperationOutcome');
      expect(asCouncil.body.issue[0].expression).toEqual([`/fhir/Condition/${c.id}`]);
      const gpToken = await ingest.credentialFor(gp.odsCode);
      const socialCare = await send(ingest.url, 'POST', '/social-care/extracts', {
        token: gpToken,
        body: { council: 'E08000025', records: [] },
        contentType: 'application/json',
      });
      expect(socialCare.status).toBe(403);
      expect(socialCare.type).toContain('application/problem+json');
      const hl7 = await send(ingest.url, 'POST', '/hl7v2', {
        token: gpToken,
        body: 'MSH|^~\\&|X',
        contentType: 'x-application/hl7-v2+er7',
      });
      expect(hl7.status).toBe(403);
      expect(hl7.text).toMatch(/^MSH\|/);
      expect(hl7.text).toMatch(/MSA\|AR\|/);
    });

    it('an event is always published as the authenticated provider, whatever the resource claims', async () => {
      const gp = ingest.provider('GP_PRACTICE', 'QOC');
      const c = condition();
      (c as { meta: { source?: string } }).meta.source = 'https://other.example/ODS/M99999';
      const correlationId = uniqueName('corr');
      const answer = await send(ingest.url, 'PUT', `/fhir/Condition/${c.id}`, {
        token: await ingest.credentialFor(gp.odsCode),
        body: c,
        correlationId,
      });
      expect(answer.status).toBe(202);
      const [{ event }] = await ingest.events(ingest.topic('QOC'), 1, { correlationId });
      expect(event.header.providerOdsCode).toBe(gp.odsCode);
    });
  });

  describe('limits', () => {
    it('a provider over its burst gets 429 with Retry-After; other providers are not affected', async () => {
      const [busy, other] = ingest.services.directory.providers({ type: 'GP_PRACTICE', ics: 'QUA' });
      const token = await ingest.credentialFor(busy.odsCode);
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const c = condition();
        const answer = await send(ingest.url, 'PUT', `/fhir/Condition/${c.id}`, { token, body: c });
        statuses.push(answer.status);
        if (answer.status === 429) retryAfter = answer.headers.get('retry-after');
      }
      expect(statuses.slice(0, 3)).toEqual([202, 202, 202]);
      expect(statuses.slice(3)).toEqual([429, 429]);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(retryAfter)).toBeLessThanOrEqual(60);
      const c = condition();
      const fromOther = await send(ingest.url, 'PUT', `/fhir/Condition/${c.id}`, {
        token: await ingest.credentialFor(other.odsCode),
        body: c,
      });
      expect(fromOther.status).toBe(202);
    });

    it('a body over the size limit is 413 and a Bundle over the entry limit is 413; nothing is published', async () => {
      const gp = ingest.provider('GP_PRACTICE', 'QNC');
      const token = await ingest.credentialFor(gp.odsCode);
      const before = await ingest.offsetsWritten(ingest.topic('QNC'));
      const big = { ...condition(), note: [{ text: 'x'.repeat(30_000) }] };
      const tooBig = await send(ingest.url, 'PUT', `/fhir/Condition/${big.id}`, { token, body: big });
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.issue[0].code).toBe('too-costly');
      const bundle = {
        resourceType: 'Bundle',
        type: 'batch',
        entry: Array.from({ length: 6 }, () => {
          const c = condition();
          return { resource: c, request: { method: 'PUT', url: `Condition/${c.id}` } };
        }),
      };
      const tooMany = await send(ingest.url, 'POST', '/fhir', { token, body: bundle });
      expect(tooMany.status).toBe(413);
      expect(tooMany.body.issue[0].details.text).toMatch(/at most 5/);
      expect(await ingest.offsetsWritten(ingest.topic('QNC'))).toBe(before);
    });

    it('a body within its limit whose event would be over the event limit is 413; nothing is kept or claimed', async () => {
      const gp = ingest.provider('GP_PRACTICE', 'QWU');
      const token = await ingest.credentialFor(gp.odsCode);
      const before = await ingest.offsetsWritten(ingest.topic('QWU'));
      const c = condition();
      const large = await send(ingest.url, 'PUT', `/fhir/Condition/${c.id}`, {
        token,
        // A coding's display is carried into the event (a note is not).
        body: { ...c, code: { coding: [{ ...c.code!.coding![0], display: 'x'.repeat(10_000) }] } },
      });
      expect(large.status).toBe(413);
      expect(large.body.resourceType).toBe('OperationOutcome');
      expect(large.body.issue[0].code).toBe('too-costly');
      expect(large.body.issue[0].details.text).toMatch(/event would be \d+ bytes, over the limit of 8000/);
      expect(await ingest.offsetsWritten(ingest.topic('QWU'))).toBe(before);
      // Nothing was claimed: the same record, within the limit, is new rather than a conflict.
      const small = await send(ingest.url, 'PUT', `/fhir/Condition/${c.id}`, {
        token,
        body: { ...c, code: { coding: [{ ...c.code!.coding![0], display: 'x'.repeat(100) }] } },
      });
      expect(small.status).toBe(202);
    });

    it('an unsupported content type is 415', async () => {
      const gp = ingest.provider('GP_PRACTICE', 'QGH');
      const answer = await send(ingest.url, 'POST', '/fhir/Condition', {
        token: await ingest.credentialFor(gp.odsCode),
        body: 'resourceType=Condition',
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(answer.status).toBe(415);
      expect(answer.body.issue[0].details.text).toMatch(/application\/fhir\+json .*application\/fhir\+xml/);
    });
  });

  describe('the API is described', () => {
    it('serves an OpenAPI document naming every route the app serves', async () => {
      const answer = await send(ingest.url, 'GET', '/openapi.json');
      expect(answer.status).toBe(200);
      expect(answer.body.openapi).toMatch(/^3\./);
      const documented = new Set(
        Object.entries(answer.body.paths as Record<string, Record<string, unknown>>).flatMap(
          ([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
        ),
      );
      for (const route of routesOf(ingest.app)) expect(documented).toContain(route);
    });

    it('answers directory queries: 848 providers plus onboarded pharmacies, filterable', async () => {
      const summary = await send(ingest.url, 'GET', '/directory');
      expect(summary.body.counts.total).toBe(848 + summary.body.counts.byType.COMMUNITY_PHARMACY);
      const pharmacies = await send(
        ingest.url,
        'GET',
        '/directory/providers?type=COMMUNITY_PHARMACY&ics=QHL',
      );
      expect(pharmacies.body.total).toBeGreaterThan(0);
      const one = await send(
        ingest.url,
        'GET',
        `/directory/providers/${pharmacies.body.providers[0].odsCode}`,
      );
      expect(one.body.recordKinds).toContain('dispensing');
      expect(one.body.recordKinds).not.toContain('admission');
      expect((await send(ingest.url, 'GET', '/directory/providers?ics=XYZ')).status).toBe(400);
      expect((await send(ingest.url, 'GET', '/directory/providers/ZZZ99')).status).toBe(404);
    });
  });
});

/** `METHOD /path` of every controller route, with Nest's :param written as OpenAPI's {param}. */
function routesOf(app: INestApplication): string[] {
  const router = (app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] } }).router;
  return router.stack
    .filter((layer) => layer.route)
    .flatMap((layer) =>
      Object.keys(layer.route!.methods).map(
        (m) => `${m.toUpperCase()} ${layer.route!.path.replace(/:([A-Za-z]+)/g, '{$1}')}`,
      ),
    )
    .filter((r) => !r.startsWith(`${RequestMethod[RequestMethod.ALL]} `));
}

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}
