import {
  ADT_FIXTURE_NHS_NUMBERS,
  CERNER_ADT,
  oruFor,
  ORU_FIXTURE_NHS_NUMBER,
  PATHOLOGY_ORU,
  withControlId,
  withSecurity,
} from '@crosscare/hl7v2/testing';
import type { Provider } from '@crosscare/governance';
import { uniqueName } from '@crosscare/testing';
import { Hl7Message } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import { randomInt } from 'node:crypto';
import { messageCorrelationId } from './intake/hl7v2-intake';
import { send, startIngest, type IngestUnderTest } from './testing/ingest-under-test';

/** HL7 v2 ADT from a hospital PAS, over HTTP and over MLLP, through the real ingest, broker, registry and Postgres. */
describe('ingest: HL7 v2 ADT over HTTP and MLLP (real broker, registry and Postgres)', () => {
  let ingest: IngestUnderTest;
  let trust: Provider;
  let token: string;

  beforeAll(async () => {
    ingest = await startIngest('hl7v2');
    trust = ingest.provider('ACUTE_TRUST', 'QNC');
    token = await ingest.credentialFor(trust.odsCode);
  });
  afterAll(() => ingest?.close());

  /** A fixture as this trust sends it: its ODS code in MSH-4, a control id of its own. */
  const fromTrust = (message: string, sender = trust.odsCode) =>
    withControlId(
      message.replace(/^MSH\|\^~\\&\|CERNER\|RRK\|/, `MSH|^~\\&|CERNER|${sender}|`),
      uniqueName('msg'),
    );

  const ackCode = (ack: string) => Hl7Message.parse(ack).getSegment('MSA')?.getField(1)?.toString();

  // A merge is published only by a provider holding records under the number it retires (patient-standing.ts): the
  // trust first registers David's duplicate record, the one the A40 retires, as its PAS would have.
  beforeAll(async () => {
    const duplicate = fromTrust(
      CERNER_ADT.A28.replace(
        '9990001014^^^NHS^NH~3034567',
        `${ADT_FIXTURE_NHS_NUMBERS.davidRetired}^^^NHS^NH~3045600`,
      ),
    );
    const answer = await send(ingest.url, 'POST', '/hl7v2', {
      token,
      body: duplicate,
      contentType: 'x-application/hl7-v2+er7',
    });
    expect(ackCode(answer.text)).toBe('AA');
  });

  const cases: [keyof typeof CERNER_ADT, string[]][] = [
    ['A01', ['EncounterStarted']],
    ['A02', ['EncounterStarted']],
    ['A03', ['EncounterEnded']],
    ['A04', ['EncounterStarted']],
    ['A08', ['PatientDetailsChanged']],
    ['A11', ['RecordRemoved']],
    ['A13', ['EncounterStarted']],
    ['A28', ['PatientRegistered']],
    ['A31', ['PatientDetailsChanged']],
    ['A40', ['PatientMerged']],
  ];

  it.each(cases)(
    '%s over HTTP: AA, and %p on the trust ICS topic keyed by NHS number',
    async (trigger, types) => {
      const correlationId = uniqueName('corr');
      const answer = await send(ingest.url, 'POST', '/hl7v2', {
        token,
        body: fromTrust(CERNER_ADT[trigger]),
        contentType: 'x-application/hl7-v2+er7',
        correlationId,
      });
      expect(answer.status).toBe(202);
      expect(ackCode(answer.text)).toBe('AA');
      const events = await ingest.events(ingest.topic(trust.ics), types.length, { correlationId });
      expect(events.map((e) => e.event.header.eventType).sort()).toEqual(expect.arrayContaining(types));
      for (const { key, event } of events) {
        expect(key).toBe(event.header.nhsNumber);
        expect(event.header.providerOdsCode).toBe(trust.odsCode);
        expect(answer.text).toContain(event.header.eventId);
      }
    },
  );

  it('an unsupported trigger event is AE naming MSH-9, with nothing published', async () => {
    const before = await ingest.offsetsWritten(ingest.topic(trust.ics));
    const answer = await send(ingest.url, 'POST', '/hl7v2', {
      token,
      body: fromTrust(CERNER_ADT.A05),
      contentType: 'x-application/hl7-v2+er7',
    });
    expect(answer.status).toBe(422);
    expect(ackCode(answer.text)).toBe('AE');
    expect(answer.text).toMatch(/ERR\|[^\r]*MSH\^1\^9/);
    expect(await ingest.offsetsWritten(ingest.topic(trust.ics))).toBe(before);
  });

  it('a body that is not ER7 by its Content-Type is 415 with an AR saying what to send', async () => {
    const answer = await send(ingest.url, 'POST', '/hl7v2', {
      token,
      body: { message: CERNER_ADT.A01 },
      contentType: 'application/json',
    });
    expect(answer.status).toBe(415);
    expect(ackCode(answer.text)).toBe('AR');
    expect(answer.text).toContain('x-application/hl7-v2+er7');
  });

  it('MSH-4 naming another organisation is AR (403): a trust sends only as itself', async () => {
    const answer = await send(ingest.url, 'POST', '/hl7v2', {
      token,
      body: fromTrust(CERNER_ADT.A01, 'RXX'),
      contentType: 'x-application/hl7-v2+er7',
    });
    expect(answer.status).toBe(403);
    expect(ackCode(answer.text)).toBe('AR');
    expect(answer.text).toContain(`credential belongs to ${trust.odsCode}`);
  });

  describe('MLLP', () => {
    let client: Hl7Client;

    beforeAll(() => {
      client = new Hl7Client({ host: '127.0.0.1', port: ingest.mllpPort });
    });
    afterAll(() => client?.close());

    const exchange = async (er7: string) => (await client.sendAndWait(Hl7Message.parse(er7))).toString();
    /**
     * The message as a version of its own (MSH-7, the message time, is the record's version): the HTTP tests send the
     * fixtures' own versions, which this describe's messages would otherwise take first, leaving those duplicates.
     */
    const ownVersion = (er7: string) => {
      const fields = [2024, randomInt(1, 13), randomInt(1, 29), randomInt(24), randomInt(60), randomInt(60)];
      const at = fields.map((n) => String(n).padStart(2, '0')).join('');
      return er7.replace(/^(MSH(?:\|[^|\r]*){5}\|)\d{14}\|/, `$1${at}|`);
    };

    it('a message with the key in MSH-8 is published and answered AA; the ACK does not echo the key', async () => {
      const message = withSecurity(ownVersion(fromTrust(CERNER_ADT.A28)), token);
      const ack = await exchange(message);
      expect(ackCode(ack)).toBe('AA');
      expect(ack).not.toContain(token);
      const controlId = Hl7Message.parse(message).header.getField(10).toString();
      expect(Hl7Message.parse(ack).getSegment('MSA')?.getField(2)?.toString()).toBe(controlId);
      const eventId = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(ack)![0];
      // This message's own event, waited for by its correlation id: other tests' events may be on the topic already.
      const events = await ingest.events(ingest.topic(trust.ics), 1, {
        correlationId: messageCorrelationId(trust.odsCode, controlId),
        settleMs: 0,
      });
      expect(events.map((e) => e.event.header.eventId)).toContain(eventId);
    });

    it("a laboratory's ORU^R01 is published as one DiagnosticReportIssued and answered ACK^R01 AA", async () => {
      const accession = uniqueName('acc')
        .replace(/[^A-Za-z0-9]/g, '')
        .slice(-16);
      const controlId = uniqueName('oru');
      const message = withSecurity(
        withControlId(
          oruFor(PATHOLOGY_ORU.fbcFinal, ORU_FIXTURE_NHS_NUMBER, trust.odsCode, accession),
          controlId,
        ),
        token,
      );
      const ack = await exchange(message);
      expect(ackCode(ack)).toBe('AA');
      expect(Hl7Message.parse(ack).header.getField(9).toString()).toMatch(/^ACK\^R01/);
      const events = await ingest.events(ingest.topic(trust.ics), 1, {
        correlationId: messageCorrelationId(trust.odsCode, controlId),
      });
      expect(events).toHaveLength(1);
      const published = events[0].event;
      expect(published?.header).toMatchObject({
        eventType: 'DiagnosticReportIssued',
        sourceRecordId: `DiagnosticReport/${accession}`,
        nhsNumber: ORU_FIXTURE_NHS_NUMBER,
      });
    });

    it('an invalid message is answered AE naming the field, and the connection stays usable', async () => {
      const before = await ingest.offsetsWritten(ingest.topic(trust.ics));
      const invalid = withSecurity(
        fromTrust(CERNER_ADT.A01.replace('9990000018^^^NHS^NH', '9990000019^^^NHS^NH')),
        token,
      );
      const ack = await exchange(invalid);
      expect(ackCode(ack)).toBe('AE');
      expect(ack).toMatch(/PID\^1\^3/);
      expect(await ingest.offsetsWritten(ingest.topic(trust.ics))).toBe(before);
      expect(ackCode(await exchange(withSecurity(ownVersion(fromTrust(CERNER_ADT.A31)), token)))).toBe('AA');
    });

    it('no key or a wrong key in MSH-8 is AR, and nothing is published', async () => {
      const before = await ingest.offsetsWritten(ingest.topic(trust.ics));
      const noKey = await exchange(fromTrust(CERNER_ADT.A01));
      const wrongKey = await exchange(
        withSecurity(fromTrust(CERNER_ADT.A01), `cck_0123456789abcdef_${'B'.repeat(43)}`),
      );
      for (const ack of [noKey, wrongKey]) {
        expect(ackCode(ack)).toBe('AR');
        expect(ack).toMatch(/UNAUTHENTICATED/);
      }
      expect(await ingest.offsetsWritten(ingest.topic(trust.ics))).toBe(before);
    });

    it('re-sending the same message publishes nothing new', async () => {
      const message = withSecurity(ownVersion(fromTrust(CERNER_ADT.A04)), token);
      const first = await exchange(message);
      const again = await exchange(message);
      expect([ackCode(first), ackCode(again)]).toEqual(['AA', 'AA']);
      const ids = (ack: string) => ack.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g);
      expect(ids(again)).toEqual(ids(first));
      const controlId = Hl7Message.parse(message).header.getField(10).toString();
      const published = await ingest.events(ingest.topic(trust.ics), 1, {
        correlationId: messageCorrelationId(trust.odsCode, controlId),
        settleMs: 1000,
      });
      expect(published.map((e) => e.event.header.eventId)).toEqual(ids(first));
    });
  });
});
