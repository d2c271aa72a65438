import { testNhsNumber } from '@crosscare/events/synthetic';
import { fhirFixtures } from '@crosscare/fhir/testing';
import type { IcsCode, ProviderType } from '@crosscare/governance';
import { uniqueName } from '@crosscare/testing';
import type {
  Bundle,
  BundleEntry,
  Medication,
  MedicationDispense,
  MedicationRequest,
} from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { receiptLines, send, startIngest, type IngestUnderTest } from './testing/ingest-under-test';

const { prescriptionWithMedicationTransaction, medicationBatch, pharmacyDispense } = fhirFixtures;

/** Each entry's response of a transaction- or batch-response: status, location, etag. */
function responseEntries(bundle: { entry?: { response?: Record<string, unknown> }[] }) {
  return (bundle.entry ?? []).map((e) => ({
    status: e.response?.status,
    location: e.response?.location,
    etag: e.response?.etag,
  }));
}

/** A product of the test's own (a fresh id), with a code of its choosing. */
function medication(code = '325278007'): Medication {
  return {
    resourceType: 'Medication',
    id: randomUUID(),
    code: { coding: [{ system: 'https://dmd.nhs.uk', code, display: `product ${code}` }] },
  };
}

/**
 * The fixture's transaction with fresh ids: the Medication entry (PUT, fullUrl urn:uuid) and an unversioned
 * prescription naming it by that fullUrl.
 */
function prescriptionTransaction(
  nhsNumber: string,
  product: Medication,
  prescriptionId = randomUUID(),
): Bundle {
  const bundle = prescriptionWithMedicationTransaction(nhsNumber);
  const [, prescriptionEntry] = bundle.entry!;
  const { meta: _meta, ...prescription } = prescriptionEntry.resource as MedicationRequest;
  return transaction(product, { ...prescription, id: prescriptionId });
}

/** A transaction of the Medication and a prescription naming it by a fullUrl fresh in every message. */
function transaction(product: Medication, prescription: MedicationRequest): Bundle {
  const fullUrl = `urn:uuid:${randomUUID()}`;
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl, resource: product, request: { method: 'PUT', url: `Medication/${product.id}` } },
      {
        fullUrl: `urn:uuid:${randomUUID()}`,
        resource: { ...prescription, medicationReference: { reference: fullUrl } },
        request: { method: 'PUT', url: `MedicationRequest/${prescription.id}` },
      },
    ],
  };
}

/**
 * Medications as entries of transaction and batch Bundles, through the real ingest, broker, registry and Postgres:
 * kept as reference data with the Bundle (all or nothing in a transaction, each on its own in a batch), named by the
 * other entries, never published.
 */
describe('ingest: Medication entries of a Bundle (real broker, registry and Postgres)', () => {
  let ingest: IngestUnderTest;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    ingest = await startIngest('fhir_medication_bundles');
  });
  afterAll(() => ingest?.close());

  async function sendAs(type: ProviderType, ics: IcsCode, method: string, path: string, body?: unknown) {
    const provider = ingest.provider(type, ics);
    if (!tokens.has(provider.odsCode))
      tokens.set(provider.odsCode, await ingest.credentialFor(provider.odsCode));
    const correlationId = uniqueName('corr');
    const answer = await send(ingest.url, method, path, {
      token: tokens.get(provider.odsCode),
      body,
      correlationId,
    });
    return { provider, correlationId, answer, topic: ingest.topic(provider.ics) };
  }

  /** The Medication the provider has kept under this id, as ingest's own table holds it; undefined when none. */
  async function kept(odsCode: string, id: string): Promise<{ version: number; code: string } | undefined> {
    const schema = ingest.services.config.databaseSchema;
    const rows = await ingest.services.db.query<{ version: string; code: { code: string } }[]>(
      `select version, code from "${schema}".provider_medications
        where provider_ods_code = $1 and medication_id = $2`,
      [odsCode, id],
    );
    return rows[0] && { version: Number(rows[0].version), code: rows[0].code.code };
  }

  describe('in a transaction', () => {
    it('keeps the Medication and publishes the prescription with its product; the same Bundle again publishes nothing', async () => {
      const product = medication('325278007');
      const bundle = prescriptionTransaction(testNhsNumber(7101), product);

      const sent = await sendAs('GP_PRACTICE', 'QHL', 'POST', '/fhir', bundle);

      expect(sent.answer.status).toBe(202);
      expect(responseEntries(sent.answer.body).map((e) => [e.status, e.location])).toEqual([
        ['200 OK', `Medication/${product.id}/_history/1`],
        ['200 OK', `MedicationRequest/${bundle.entry![1].resource!.id}/_history/1`],
      ]);
      expect(sent.answer.body.entry[0].response.outcome.issue[0].details.text).toContain(
        'nothing is published for a Medication',
      );
      const [event] = await ingest.events(sent.topic, 1, { correlationId: sent.correlationId });
      expect(event.event).toMatchObject({
        header: { eventType: 'MedicationPrescribed', nhsNumber: testNhsNumber(7101) },
        medication: { code: '325278007' },
      });
      expect(await kept(sent.provider.odsCode, product.id!)).toEqual({ version: 1, code: '325278007' });

      // The same resources in a new message: fresh fullUrls, as a supplier makes them for every message.
      const offsets = await ingest.offsetsWritten(sent.topic);
      const again = await sendAs(
        'GP_PRACTICE',
        'QHL',
        'POST',
        '/fhir',
        transaction(product, bundle.entry![1].resource as MedicationRequest),
      );

      expect(again.answer.status).toBe(202);
      expect(responseEntries(again.answer.body).map((e) => e.etag)).toEqual(['W/"1"', 'W/"1"']);
      expect(again.answer.body.entry[0].response.outcome.issue[0].details.text).toContain('nothing changed');
      const [repeat] = receiptLines(again.answer.body.entry[1].response.outcome);
      expect(repeat).toMatchObject({ eventId: event.event.header.eventId });
      expect(repeat.text).toContain('was already accepted');
      expect(await ingest.offsetsWritten(sent.topic)).toBe(offsets);
    });

    it('keeps no Medication when another entry is refused in the same database transaction (409)', async () => {
      const prescriptionId = randomUUID();
      const first = prescriptionTransaction(testNhsNumber(7102), medication('111'), prescriptionId);
      const versioned = (entry: BundleEntry) => ({
        ...(entry.resource as MedicationRequest),
        meta: { versionId: '1' },
      });
      first.entry![1].resource = versioned(first.entry![1]);
      const shared = await sendAs('GP_PRACTICE', 'QWU', 'POST', '/fhir', first);
      expect(shared.answer.status).toBe(202);

      // Version 1 of the prescription again, now naming another product: a conflict the ledger finds only inside
      // the transaction, after the Medication entry was written in it.
      const other = medication('222');
      const conflicting = prescriptionTransaction(testNhsNumber(7102), other, prescriptionId);
      conflicting.entry![1].resource = versioned(conflicting.entry![1]);
      const offsets = await ingest.offsetsWritten(shared.topic);

      const refused = await sendAs('GP_PRACTICE', 'QWU', 'POST', '/fhir', conflicting);

      expect(refused.answer.status).toBe(409);
      expect(refused.answer.body.issue[0].expression).toEqual(['Bundle.entry[1]']);
      expect(await kept(refused.provider.odsCode, other.id!)).toBeUndefined();
      expect(await ingest.offsetsWritten(shared.topic)).toBe(offsets);
    });

    it('refuses the whole transaction when its Medication entry names a stale If-Match (412), publishing nothing', async () => {
      const product = medication('333');
      const bundle = prescriptionTransaction(testNhsNumber(7103), product);
      bundle.entry![0].request = { ...bundle.entry![0].request!, ifMatch: 'W/"4"' };
      const offsets = await ingest.offsetsWritten(ingest.topic('QHL'));

      const refused = await sendAs('GP_PRACTICE', 'QHL', 'POST', '/fhir', bundle);

      expect(refused.answer.status).toBe(412);
      expect(refused.answer.body.issue[0].expression).toEqual(['Bundle.entry[0].request.ifMatch']);
      expect(await kept(refused.provider.odsCode, product.id!)).toBeUndefined();
      expect(await ingest.offsetsWritten(refused.topic)).toBe(offsets);
    });
  });

  describe('in a batch', () => {
    /** The fixture's batch with fresh ids: the Medication (POST), a dispense by fullUrl and one by Medication/id. */
    function batch(nhsNumber: string, product: Medication): Bundle {
      const bundle = medicationBatch(nhsNumber);
      const [medicationEntry, byFullUrl, byId] = bundle.entry!;
      const fresh = (entry: BundleEntry, reference: string): BundleEntry => {
        const id = randomUUID();
        return {
          resource: {
            ...(entry.resource as MedicationDispense),
            id,
            medicationReference: { reference },
          },
          request: { method: 'PUT', url: `MedicationDispense/${id}` },
        };
      };
      return {
        ...bundle,
        entry: [
          { ...medicationEntry, resource: product },
          fresh(byFullUrl, medicationEntry.fullUrl!),
          fresh(byId, `Medication/${product.id}`),
        ],
      };
    }

    it('keeps the Medication on its own and resolves both entries naming it, by fullUrl and by Medication/id', async () => {
      const product = medication('444');

      const sent = await sendAs('ACUTE_TRUST', 'QOC', 'POST', '/fhir', batch(testNhsNumber(7104), product));

      expect(sent.answer.status).toBe(202);
      expect(responseEntries(sent.answer.body).map((e) => [e.status, e.etag])).toEqual([
        ['201 Created', 'W/"1"'],
        ['200 OK', 'W/"1"'],
        ['200 OK', 'W/"1"'],
      ]);
      expect(sent.answer.body.entry[0].response.location).toBe(`Medication/${product.id}/_history/1`);
      const events = await ingest.events(sent.topic, 2, { correlationId: sent.correlationId });
      expect(
        events.map((e) => [
          e.event.header.eventType,
          (e.event as { medication?: { code: string } }).medication?.code,
        ]),
      ).toEqual([
        ['MedicationDispensed', '444'],
        ['MedicationDispensed', '444'],
      ]);
      expect(await kept(sent.provider.odsCode, product.id!)).toEqual({ version: 1, code: '444' });
    });

    it('refuses a Medication entry on its own (412) and the entry naming it, and publishes the rest', async () => {
      const product = medication('555');
      const bundle = batch(testNhsNumber(7105), product);
      bundle.entry![0].request = { method: 'PUT', url: `Medication/${product.id}`, ifMatch: 'W/"2"' };
      const independent = { ...pharmacyDispense(testNhsNumber(7105)), id: randomUUID() };
      bundle.entry = [
        bundle.entry![0],
        bundle.entry![1],
        { resource: independent, request: { method: 'PUT', url: `MedicationDispense/${independent.id}` } },
      ];

      const sent = await sendAs('ACUTE_TRUST', 'QOC', 'POST', '/fhir', bundle);

      expect(sent.answer.status).toBe(202);
      expect(responseEntries(sent.answer.body).map((e) => e.status)).toEqual([
        '412 Precondition Failed',
        '422 Unprocessable Entity',
        '200 OK',
      ]);
      expect(sent.answer.body.entry[1].response.outcome.issue[0].diagnostics).toContain(
        'Bundle.entry[0], the Medication it names, was refused (412)',
      );
      const events = await ingest.events(sent.topic, 1, { correlationId: sent.correlationId });
      expect(events.map((e) => e.event.header.sourceRecordId)).toEqual([
        `MedicationDispense/${independent.id}`,
      ]);
      expect(await kept(sent.provider.odsCode, product.id!)).toBeUndefined();
    });

    it("leaves a provider's Medication its own: another provider's dispense naming it is 422", async () => {
      const product = medication('666');
      const keptBy = await sendAs('ACUTE_TRUST', 'QOC', 'POST', '/fhir', batch(testNhsNumber(7106), product));
      expect(responseEntries(keptBy.answer.body)[0].status).toBe('201 Created');

      const dispense: MedicationDispense = {
        ...pharmacyDispense(testNhsNumber(7106)),
        id: randomUUID(),
        medicationCodeableConcept: undefined,
        medicationReference: { reference: `Medication/${product.id}` },
      };
      const offsets = await ingest.offsetsWritten(ingest.topic('QNC'));
      const refused = await sendAs(
        'ACUTE_TRUST',
        'QNC',
        'PUT',
        `/fhir/MedicationDispense/${dispense.id}`,
        dispense,
      );

      expect(refused.answer.status).toBe(422);
      expect(refused.answer.body.issue[0].expression).toEqual([
        'MedicationDispense.medicationReference.reference',
      ]);
      expect(await ingest.offsetsWritten(refused.topic)).toBe(offsets);
    });
  });
});
