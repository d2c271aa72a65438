import {
  readSocialCareFixture,
  SOCIAL_CARE_FIXTURES,
  type SocialCareFixture,
} from '@crosscare/social-care/testing';
import { uniqueName } from '@crosscare/testing';
import { randomBytes } from 'node:crypto';
import { send, startIngest, type IngestUnderTest } from './testing/ingest-under-test';

/** Councils' social care extracts through the real ingest, broker, registry and Postgres. */
describe('ingest: social care extracts (real broker, registry and Postgres)', () => {
  let ingest: IngestUnderTest;
  let token: string;
  const birmingham = () =>
    ingest.services.directory
      .providers({ type: 'LOCAL_AUTHORITY' })
      .find((p) => p.councilCode === 'E08000025')!;

  beforeAll(async () => {
    ingest = await startIngest('social_care');
    token = await ingest.credentialFor(birmingham().odsCode);
  });
  afterAll(() => ingest?.close());

  const post = (body: string, contentType: string) => {
    const correlationId = uniqueName('corr');
    return send(ingest.url, 'POST', '/social-care/extracts', {
      token,
      body,
      contentType,
      correlationId,
    }).then((answer) => ({ answer, correlationId }));
  };

  /**
   * The fixture extract with record ids of the calling test's own (`tag`), JSON or CSV alike: a record ingest has
   * seen is a duplicate, so a test that expects its records published must not send ids another test sent.
   */
  const extract = (file: SocialCareFixture, tag: string) =>
    readSocialCareFixture(file).replace(/\bLL-/g, `LL-${tag}-`);
  const newTag = () => randomBytes(4).toString('hex').toUpperCase();

  it('a JSON extract becomes one event per record on the council ICS topic; safeguarding is restricted', async () => {
    const { answer, correlationId } = await post(
      extract(SOCIAL_CARE_FIXTURES.extractJson, newTag()),
      'application/json',
    );
    expect(answer.status).toBe(202);
    expect(answer.body.events).toHaveLength(5);
    expect(outcomes(answer.body)).toEqual(Array(5).fill('accepted'));

    const events = await ingest.events(ingest.topic('QHL'), 5, { correlationId });
    expect(events.map((e) => e.event.header.eventType).sort()).toEqual([
      'RecordRemoved',
      'SocialCareInvolvementRecorded',
      'SocialCareInvolvementRecorded',
      'SocialCareInvolvementRecorded',
      'SocialCareInvolvementRecorded',
    ]);
    for (const { key, event } of events) {
      expect(key).toBe(event.header.nhsNumber);
      expect(event.header).toMatchObject({
        providerOdsCode: birmingham().odsCode,
        ics: 'QHL',
        collaborative: 'CCR',
      });
    }
    const involvements = events
      .map((e) => e.event)
      .filter((e) => e.header.eventType === 'SocialCareInvolvementRecorded');
    const safeguarding = involvements.filter(
      (e) => 'involvementType' in e && e.involvementType === 'SAFEGUARDING',
    );
    expect(safeguarding).toHaveLength(1);
    expect(safeguarding[0]).toMatchObject({ restricted: true, councilName: 'Birmingham City Council' });
    expect(involvements.filter((e) => 'restricted' in e && e.restricted)).toHaveLength(1);
  });

  it('the same records as CSV are duplicates: nothing new is published', async () => {
    const tag = newTag();
    const first = await post(extract(SOCIAL_CARE_FIXTURES.extractJson, tag), 'application/json');
    expect(outcomes(first.answer.body)).toEqual(Array(5).fill('accepted'));
    const { answer, correlationId } = await post(extract(SOCIAL_CARE_FIXTURES.extractCsv, tag), 'text/csv');
    expect(answer.status).toBe(202);
    expect(outcomes(answer.body)).toEqual(Array(5).fill('duplicate'));
    expect(await ingest.events(ingest.topic('QHL'), 0, { correlationId, settleMs: 1500 })).toEqual([]);
  });

  it.each([
    ['JSON', SOCIAL_CARE_FIXTURES.invalidJson, 'application/json', /^\/records\/0\/nhsNumber$/],
    ['CSV', SOCIAL_CARE_FIXTURES.invalidCsv, 'text/csv', /^row 2, column nhs_number$/],
  ] as const)(
    'an invalid %s extract is 422 naming each element, and nothing is published',
    async (_, file, type, first) => {
      const before = await ingest.offsetsWritten(ingest.topic('QHL'));
      const { answer } = await post(readSocialCareFixture(file), type);
      expect(answer.status).toBe(422);
      expect(answer.type).toContain('application/problem+json');
      expect(answer.body.issues.length).toBeGreaterThan(1);
      expect(answer.body.issues[0].location).toMatch(first);
      expect(await ingest.offsetsWritten(ingest.topic('QHL'))).toBe(before);
    },
  );

  it('a council may only send its own extract: another council named is 403', async () => {
    const extract = JSON.parse(readSocialCareFixture(SOCIAL_CARE_FIXTURES.extractJson)) as {
      council: string;
    };
    extract.council = 'E08000029'; // Solihull
    const { answer } = await post(JSON.stringify(extract), 'application/json');
    expect(answer.status).toBe(403);
    expect(answer.body.issues[0]).toMatchObject({ location: '/council', code: 'forbidden' });
  });
});

const outcomes = (receipt: unknown) =>
  (receipt as { events: { outcome: string }[] }).events.map((e) => e.outcome);
