import { fhirFixtures } from '@crosscare/fhir/testing';
import { ICS_CODES, type Provider } from '@crosscare/governance';
import { CERNER_ADT, withControlId, withSecurity } from '@crosscare/hl7v2/testing';
import { readSocialCareFixture, SOCIAL_CARE_FIXTURES } from '@crosscare/social-care/testing';
import { fuzzRuns, mutateJson, mutateText, uniqueName } from '@crosscare/testing';
import { Hl7Message } from '@medplum/core';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { startIngest, type IngestUnderTest } from './testing/ingest-under-test';

const {
  gpCondition,
  gpPatient,
  admissionTransaction,
  acuteAdmission,
  metforminMedication,
  medicationBatch,
  prescriptionWithMedicationTransaction,
} = fhirFixtures;

interface Footprint {
  readonly offsets: number;
  readonly ledger: number;
  /** The sum of the versions kept, as text: a sender's version may be epoch milliseconds. */
  readonly medications: string;
}

interface RawAnswer {
  readonly status: number;
  readonly type: string;
  readonly text: string;
}

/**
 * Bad input through the real ingest, broker, registry and Postgres: what probing the running service found (deep
 * JSON, bytes that are not UTF-8, numbers never issued, MLLP senders that never finish), and property-based fuzzing
 * of every route: arbitrary input never gets a 5xx, and a refusal never publishes anything.
 */
describe('ingest: bad input (real broker, registry and Postgres)', () => {
  let ingest: IngestUnderTest;
  let gp: Provider;
  let trust: Provider;
  let council: Provider;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    ingest = await startIngest('bad_input', {
      INGEST_MLLP_FRAME_TIMEOUT_SECONDS: '1',
      INGEST_MLLP_IDLE_TIMEOUT_SECONDS: '2',
      // Fuzzing sends hundreds of requests: the rate limit is not what is under test here.
      INGEST_RATE_LIMIT_PER_MINUTE: '1000000',
      INGEST_RATE_LIMIT_BURST: '1000000',
    });
    gp = ingest.provider('GP_PRACTICE', 'QHL');
    trust = ingest.provider('ACUTE_TRUST', 'QNC');
    council = ingest.services.directory
      .providers({ type: 'LOCAL_AUTHORITY' })
      .find((p) => p.councilCode === 'E08000025')!;
    for (const provider of [gp, trust, council])
      tokens.set(provider.odsCode, await ingest.credentialFor(provider.odsCode));
  });
  afterAll(() => ingest?.close());

  /** One request with a body of raw bytes, as the given provider. */
  async function post(
    provider: Provider,
    method: string,
    path: string,
    body: string | Uint8Array,
    contentType: string,
  ): Promise<RawAnswer> {
    const response = await fetch(`${ingest.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens.get(provider.odsCode)}`,
        'content-type': contentType,
        'x-correlation-id': uniqueName('corr'),
      },
      body,
    });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      text: await response.text(),
    };
  }

  /**
   * What a request can leave behind: offsets ever written to every topic ingest publishes to (aborted writes count
   * too), the ledger's record versions, and the Medications kept (by version, so a changed one counts). Unchanged
   * means nothing was published, kept or half-written.
   */
  async function offsetsWritten(): Promise<Footprint> {
    const topics = [...ICS_CODES.map((ics) => ingest.topic(ics)), ingest.optOutTopic];
    const counts = await Promise.all(topics.map((topic) => ingest.offsetsWritten(topic)));
    const schema = ingest.services.config.databaseSchema;
    const [{ n, medications }] = await ingest.services.db.query<{ n: number; medications: string }[]>(
      `select (select count(*)::int from "${schema}".shared_record_versions) as n,
              (select coalesce(sum(version), 0)::text from "${schema}".provider_medications) as medications`,
    );
    return { offsets: counts.reduce((a, b) => a + b, 0), ledger: n, medications };
  }

  /**
   * A Kafka commit is acknowledged before its commit markers are written to the partitions, so the offsets an
   * accepted request leaves can still grow just after its 202: after one, wait until they stop growing.
   */
  let markersMayBePending = false;
  async function settledFootprint(): Promise<Footprint> {
    let footprint = await offsetsWritten();
    while (markersMayBePending) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const again = await offsetsWritten();
      markersMayBePending = again.offsets !== footprint.offsets;
      footprint = again;
    }
    return footprint;
  }

  /** The request is answered without a 5xx, and publishes or half-writes nothing if refused. */
  async function expectSafe(request: () => Promise<RawAnswer>): Promise<RawAnswer> {
    const before = await settledFootprint();
    const answer = await request();
    if (answer.status >= 500) throw new Error(`${answer.status}: ${answer.text.slice(0, 500)}`);
    if (answer.status < 300) markersMayBePending = true;
    if (answer.status >= 400) {
      const refusal = { status: answer.status, text: answer.text.slice(0, 300) };
      expect({ ...refusal, ...(await offsetsWritten()) }).toEqual({ ...refusal, ...before });
    }
    return answer;
  }

  const fromTrust = (message: string) =>
    withControlId(
      message.replace(/^MSH\|\^~\\&\|CERNER\|RRK\|/, `MSH|^~\\&|CERNER|${trust.odsCode}|`),
      uniqueName('m'),
    );
  const ackOf = (text: string) => Hl7Message.parse(text).getSegment('MSA')?.toString() ?? '';

  describe('what probing found', () => {
    it('JSON nested 100,000 deep is a 400 naming the limit, on FHIR and social care, and nothing is published', async () => {
      const deep = `{"resourceType":"Condition","note":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;

      const fhir = await expectSafe(() => post(gp, 'POST', '/fhir/Condition', deep, 'application/fhir+json'));
      const social = await expectSafe(() =>
        post(council, 'POST', '/social-care/extracts', deep, 'application/json'),
      );

      expect(fhir.status).toBe(400);
      // the object is level 1, so the 100th bracket opens level 101
      expect(JSON.parse(fhir.text).issue[0].diagnostics).toBe(
        `the JSON is nested deeper than 100 levels (at byte offset ${deep.indexOf('[') + 99})`,
      );
      expect(social.status).toBe(400);
      expect(JSON.parse(social.text).detail).toMatch(/nested deeper than 100 levels/);
    });

    it('bytes that are not UTF-8 inside a string are a 400 naming the byte offset, on every text route', async () => {
      const latin1 = (text: string) => Buffer.from(text, 'latin1');
      const condition = JSON.stringify({ ...gpCondition(), note: [{ text: 'Café' }] });
      const csv = readSocialCareFixture(SOCIAL_CARE_FIXTURES.extractCsv).replace('Sam Patel', 'Zoë Patel');
      const er7 = fromTrust(CERNER_ADT.A01).replace('SYNTHETIC^ALICE', 'SYNTHÉTIQUE^ALICE');

      const answers = [
        [
          condition.indexOf('é'),
          await expectSafe(() =>
            post(gp, 'POST', '/fhir/Condition', latin1(condition), 'application/fhir+json'),
          ),
        ],
        [
          csv.indexOf('ë'),
          await expectSafe(() => post(council, 'POST', '/social-care/extracts', latin1(csv), 'text/csv')),
        ],
        [
          er7.indexOf('É'),
          await expectSafe(() => post(trust, 'POST', '/hl7v2', latin1(er7), 'x-application/hl7-v2+er7')),
        ],
      ] as const;

      for (const [offset, answer] of answers) {
        expect(answer.status).toBe(400);
        expect(answer.text).toContain(`at byte offset ${offset}`);
      }
      expect(ackOf(answers[2][1].text)).toMatch(/^MSA\|AR\|\|/); // the refused message's control id is not echoed
    });

    it('the same bytes with their charset declared are read as sent', async () => {
      const er7 = fromTrust(CERNER_ADT.A01).replace('SYNTHETIC^ALICE', 'SYNTHÉTIQUE^ALICE');

      const answer = await post(
        trust,
        'POST',
        '/hl7v2',
        Buffer.from(er7, 'latin1'),
        'x-application/hl7-v2+er7; charset=iso-8859-1',
      );

      expect(answer.status).toBe(202);
      markersMayBePending = true;
    });

    it('NHS numbers that are never issued are refused, though their check digits hold', async () => {
      const patient = gpPatient('0000000000');
      const fhir = await expectSafe(() =>
        post(gp, 'PUT', `/fhir/Patient/${patient.id}`, JSON.stringify(patient), 'application/fhir+json'),
      );
      const csv = readSocialCareFixture(SOCIAL_CARE_FIXTURES.extractCsv).replace(
        /999 000 0018/,
        '111 111 1111',
      );
      const social = await expectSafe(() => post(council, 'POST', '/social-care/extracts', csv, 'text/csv'));
      const hl7 = await expectSafe(() =>
        post(
          trust,
          'POST',
          '/hl7v2',
          fromTrust(CERNER_ADT.A01).replace('9990000018^^^NHS', '0000000000^^^NHS'),
          'x-application/hl7-v2+er7',
        ),
      );

      expect([fhir.status, social.status, hl7.status]).toEqual([422, 422, 422]);
      expect(fhir.text).toContain('in no range NHS numbers are issued from');
      expect(social.text).toContain("Scotland's CHI number range");
    });

    it("a council's formula-like cell is kept as sent, in the event published", async () => {
      // Records of this test's own: the fuzzing tests may have had the fixture's own ids accepted already (with other
      // content, which makes the same version a 409).
      const ours = `LL-${randomBytes(4).toString('hex').toUpperCase()}-`;
      const csv = readSocialCareFixture(SOCIAL_CARE_FIXTURES.extractCsv)
        .replace(/^LL-/gm, ours)
        .replace('North Locality Adult Social Care Team', '"=HYPERLINK(""http://example.org"",""Team"")"');
      const correlationId = uniqueName('corr');
      const response = await fetch(`${ingest.url}/social-care/extracts`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens.get(council.odsCode)}`,
          'content-type': 'text/csv',
          'x-correlation-id': correlationId,
        },
        body: csv,
      });
      expect(response.status).toBe(202);
      markersMayBePending = true;

      const events = await ingest.events(ingest.topic(council.ics), 5, { correlationId, settleMs: 0 });
      const teams = events.map((e) => (e.event as { allocatedTeam?: string }).allocatedTeam);
      expect(teams).toContain('=HYPERLINK("http://example.org","Team")');
    });
  });

  describe('MLLP', () => {
    /** Connects, writes, and collects what comes back until the server hangs up (or 10 s pass). */
    function session(bytes: Buffer): Promise<{ received: Buffer; closedAfterMs: number }> {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const chunks: Buffer[] = [];
        const socket = net.connect({ host: '127.0.0.1', port: ingest.mllpPort }, () => socket.write(bytes));
        const guard = setTimeout(
          () => socket.destroy(new Error('the server did not hang up within 10 s')),
          10_000,
        );
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', reject);
        socket.on('close', () => {
          clearTimeout(guard);
          resolve({ received: Buffer.concat(chunks), closedAfterMs: Date.now() - started });
        });
      });
    }

    it('a frame that never ends is answered AR after the frame timeout, and the connection closed', async () => {
      const before = await settledFootprint();
      const partial = withSecurity(fromTrust(CERNER_ADT.A28), tokens.get(trust.odsCode)!).slice(0, 200);

      const { received, closedAfterMs } = await session(Buffer.from(`\x0b${partial}`));

      expect(closedAfterMs).toBeGreaterThanOrEqual(900);
      expect(ackOf(received.toString().slice(1, -2))).toMatch(/^MSA\|AR\|\|the message did not end in time/);
      expect(await offsetsWritten()).toEqual(before);
    });

    it('a connection that sends nothing is closed after the idle timeout', async () => {
      const { received, closedAfterMs } = await session(Buffer.alloc(0));

      expect(received).toHaveLength(0);
      expect(closedAfterMs).toBeGreaterThanOrEqual(1900);
    });

    it('a binary message is answered AR without echoing any of its bytes', async () => {
      const binary = Buffer.concat([
        Buffer.from('MSH|^~\\&|CERNER|'),
        Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x41]),
      ]);
      const socket = net.connect({ host: '127.0.0.1', port: ingest.mllpPort });
      const ack = await new Promise<Buffer>((resolve, reject) => {
        socket.on('error', reject);
        socket.on('data', (chunk: Buffer) => resolve(chunk));
        socket.write(Buffer.concat([Buffer.from([0x0b]), binary, Buffer.from([0x1c, 0x0d])]));
      });
      socket.destroy();

      expect(ackOf(ack.toString('utf8').slice(1, -2))).toMatch(/^MSA\|AR\|\|not a readable HL7 v2 message/);
      for (const byte of [0x00, 0xff, 0xfe, 0x01]) expect(ack.subarray(1, -2).includes(byte)).toBe(false);
      expect(ack.toString()).not.toContain('CERNER');
    });
  });

  describe('fuzzing every route: no 5xx, and nothing published when refused', () => {
    const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Parameters<typeof mutateJson>[2]>;
    const mutation = fc.record({ pick: fc.nat(), replacement: fc.option(json, { nil: undefined }) });
    const bytes = fc.uint8Array({ maxLength: 256 });
    const runs = { numRuns: fuzzRuns(15) };

    it('POST /fhir/:type and PUT /fhir/:type/:id', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(gpCondition(), gpPatient(), acuteAdmission(), metforminMedication()),
          fc.oneof(
            mutation.map(
              (m) => (resource: object) => JSON.stringify(mutateJson(resource, m.pick, m.replacement)),
            ),
            bytes.map((b) => () => b),
            json.map((value) => () => JSON.stringify(value)),
          ),
          fc.boolean(),
          async (resource, body, put) => {
            const { resourceType, id } = resource as { resourceType: string; id: string };
            await expectSafe(() =>
              post(
                gp,
                put ? 'PUT' : 'POST',
                put ? `/fhir/${resourceType}/${id}` : `/fhir/${resourceType}`,
                body(resource),
                'application/fhir+json',
              ),
            );
          },
        ),
        runs,
      );
    });

    it('POST /fhir (transaction and batch Bundles)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc
              .tuple(
                fc.constantFrom(
                  admissionTransaction(),
                  prescriptionWithMedicationTransaction(),
                  medicationBatch(),
                ),
                mutation,
              )
              .map(([bundle, m]) => JSON.stringify(mutateJson(bundle, m.pick, m.replacement))),
            bytes,
          ),
          async (body) => {
            await expectSafe(() => post(trust, 'POST', '/fhir', body, 'application/fhir+json'));
          },
        ),
        runs,
      );
    });

    it('POST /hl7v2', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc
              .tuple(
                fc.constantFrom(...Object.values(CERNER_ADT)),
                fc.nat(),
                fc.nat(),
                fc.string({ unit: 'binary' }),
              )
              .map(([message, at, length, insert]) => mutateText(fromTrust(message), at, length, insert)),
            bytes,
          ),
          async (body) => {
            await expectSafe(() => post(trust, 'POST', '/hl7v2', body, 'x-application/hl7-v2+er7'));
          },
        ),
        runs,
      );
    });

    it('POST /social-care/extracts, JSON and CSV', async () => {
      const extractJson = JSON.parse(readSocialCareFixture(SOCIAL_CARE_FIXTURES.extractJson)) as unknown;
      const extractCsv = readSocialCareFixture(SOCIAL_CARE_FIXTURES.extractCsv);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            mutation.map(
              (m) =>
                [JSON.stringify(mutateJson(extractJson, m.pick, m.replacement)), 'application/json'] as const,
            ),
            fc
              .tuple(fc.nat(), fc.nat(), fc.string({ unit: 'binary' }))
              .map(
                ([at, length, insert]) => [mutateText(extractCsv, at, length, insert), 'text/csv'] as const,
              ),
            fc.tuple(bytes, fc.constantFrom('application/json', 'text/csv')),
          ),
          async ([body, contentType]) => {
            await expectSafe(() => post(council, 'POST', '/social-care/extracts', body, contentType));
          },
        ),
        runs,
      );
    });
  });
});
