import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@crosscare/testing';
import { postNotification } from './rest-hook';

/** A real HTTP server on 127.0.0.1: what postNotification sends, and how it reads answers. */
describe('postNotification', () => {
  let server: Server;
  let url: string;
  let status = 200;
  let delayMs = 0;
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        setTimeout(() => {
          res.statusCode = status;
          if (status === 302) res.setHeader('Location', 'http://127.0.0.1:9/elsewhere');
          res.end();
        }, delayMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    received.length = 0;
    status = 200;
    delayMs = 0;
  });

  const local = { allowLocalEndpoints: true };

  it('POSTs FHIR JSON with the subscriber’s headers, and a 2xx is delivery', async () => {
    const outcome = await postNotification(
      url,
      ['Authorization: Bearer s3cret', 'X-Practice: M01358'],
      '{"a":1}',
      5000,
      local,
    );
    expect(outcome).toEqual({ ok: true, status: 200 });
    expect(received[0].body).toBe('{"a":1}');
    expect(received[0].headers.authorization).toBe('Bearer s3cret');
    expect(received[0].headers['x-practice']).toBe('M01358');
    expect(received[0].headers['content-type']).toBe('application/fhir+json');
  });

  it('never lets a subscriber header replace the content type', async () => {
    await postNotification(url, ['Content-Type: text/plain'], '{}', 5000, local);
    expect(received[0].headers['content-type']).toBe('application/fhir+json');
  });

  it('counts any other status a failure, and does not follow a redirect', async () => {
    status = 503;
    expect(await postNotification(url, [], '{}', 5000, local)).toEqual({
      ok: false,
      reason: 'the endpoint answered 503',
    });
    status = 302;
    expect(await postNotification(url, [], '{}', 5000, local)).toEqual({
      ok: false,
      reason: 'the endpoint answered 302',
    });
    expect(received).toHaveLength(2);
  });

  it('gives up on an endpoint that does not answer in time', async () => {
    delayMs = 2000;
    const outcome = await postNotification(url, [], '{}', 200, local);
    expect(outcome).toEqual({ ok: false, reason: 'the endpoint did not answer within 200 ms' });
  });

  it('names a refused connection without the headers', async () => {
    // A port nothing listens on (not 9 or another port fetch itself refuses to use).
    const closed = url.replace(/:\d+\//, `:${await freePort()}/`);
    const outcome = await postNotification(closed, ['Authorization: Bearer s3cret'], '{}', 5000, local);
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.reason).toMatch(/could not be reached: ECONNREFUSED/);
    expect(JSON.stringify(outcome)).not.toContain('s3cret');
  });

  it('refuses, unless local endpoints are allowed, a host that is or resolves to this machine, sending nothing', async () => {
    expect(await postNotification(url, [], '{}', 5000)).toEqual({
      ok: false,
      reason: "the endpoint's host 127.0.0.1 is on this host or a private network",
    });
    const byName = url.replace('127.0.0.1', 'localhost');
    const outcome = await postNotification(byName, [], '{}', 5000, { allowLocalEndpoints: false });
    expect(outcome.ok).toBe(false);
    expect(received).toHaveLength(0);
  });
});
