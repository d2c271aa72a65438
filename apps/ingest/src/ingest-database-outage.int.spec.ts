import { fhirFixtures } from '@crosscare/fhir/testing';
import { CERNER_ADT, withControlId, withSecurity } from '@crosscare/hl7v2/testing';
import { TestDatabase, uniqueName } from '@crosscare/testing';
import { Hl7Message } from '@medplum/core';
import type { Bundle } from '@medplum/fhirtypes';
import { Hl7Client } from '@medplum/hl7';
import {
  receiptLines,
  responseEntries,
  send,
  startIngest,
  type IngestUnderTest,
} from './testing/ingest-under-test';

jest.setTimeout(120_000);

/**
 * Ingest with its ledger's database gone (reliability finding 6): an outage, not a bug. FHIR answers 503 with
 * Retry-After and an OperationOutcome, MLLP AR with ERR-5 UNAVAILABLE (send again later), never a 500 or an AR the
 * sender takes as final; once the database is back the same input is accepted.
 */
describe('ingest while its database is unreachable (real Postgres, broker and registry)', () => {
  let database: TestDatabase;
  let ingest: IngestUnderTest;
  let token: string;

  beforeAll(async () => {
    database = await TestDatabase.create('ingest_db_outage');
    ingest = await startIngest('db_outage', {
      DATABASE_URL: database.databaseUrl,
      INGEST_RETRY_AFTER_SECONDS: '5',
    });
    token = await ingest.credentialFor(ingest.provider('ACUTE_TRUST', 'QHL').odsCode);
  });

  afterAll(async () => {
    await database?.bringBack();
    await ingest?.close();
    await database?.drop();
  });

  /** A transaction Bundle with record ids of its own. */
  function admission(nhsNumber: string): Bundle {
    let json = JSON.stringify(fhirFixtures.admissionTransaction(nhsNumber));
    const suffix = uniqueName('x').slice(-8);
    for (const entry of fhirFixtures.admissionTransaction().entry ?? []) {
      const id = (entry.resource as { id: string }).id;
      json = json.split(id).join(`${id}-${suffix}`);
    }
    return JSON.parse(json) as Bundle;
  }

  it('answers FHIR 503 with Retry-After, then accepts the same Bundle once the database is back', async () => {
    const bundle = admission('9990000018');
    await database.takeDown();
    try {
      const refused = await send(ingest.url, 'POST', '/fhir', { token, body: bundle });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect((refused.body as { resourceType?: string }).resourceType).toBe('OperationOutcome');
      expect(JSON.stringify(refused.body)).toContain('ingest database (Postgres) is unavailable');
      expect(receiptLines(refused.body)).toEqual([]);
    } finally {
      await database.bringBack();
    }
    const accepted = await send(ingest.url, 'POST', '/fhir', { token, body: bundle });
    expect(accepted.status).toBe(202);
    expect(responseEntries(accepted.body).length).toBeGreaterThan(0);
  });

  it('answers an MLLP message AR UNAVAILABLE, then AA for the same message once the database is back', async () => {
    const trust = ingest.provider('ACUTE_TRUST', 'QHL');
    const message = withSecurity(
      withControlId(
        CERNER_ADT.A28.replace(
          /^MSH\|\^~\\&\|CERNER\|RRK\|CROSSCARE\|CCR\|20240301120012\|/,
          `MSH|^~\\&|CERNER|${trust.odsCode}|CROSSCARE|CCR|20240302120012|`,
        ),
        uniqueName('db-outage'),
      ),
      token,
    );
    const ackCode = (ack: string) => Hl7Message.parse(ack).getSegment('MSA')?.getField(1)?.toString();
    const client = new Hl7Client({ host: '127.0.0.1', port: ingest.mllpPort });
    const exchange = async (er7: string) => (await client.sendAndWait(Hl7Message.parse(er7))).toString();
    try {
      await database.takeDown();
      try {
        const refused = await exchange(message);
        expect(ackCode(refused)).toBe('AR');
        expect(refused).toMatch(/UNAVAILABLE/);
      } finally {
        await database.bringBack();
      }
      expect(ackCode(await exchange(message))).toBe('AA');
    } finally {
      await client.close();
    }
  });
});
