import { EventSerde } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { InMemoryRegistry } from '../testing/in-memory-registry';
import { recordAccessedEvent, type RecordAccess, type RecordAccessed } from './record-accessed';
import { AUDIT_NAMESPACE, RECORD_ACCESSED_SCHEMA } from './record-accessed-schema';

const access: RecordAccess = {
  caller: {
    userId: 'u1',
    name: 'Dr A Clinician',
    role: 'R8000',
    organisationOdsCode: 'RHA',
    issuer: 'https://idp.test',
    verified: true,
  },
  purpose: 'EMERGENCY_CARE',
  requestedNhsNumber: testNhsNumber(2),
  resolvedNhsNumber: testNhsNumber(1),
  outcome: 'BREAK_GLASS',
  format: 'FHIR',
  relationship: 'NONE',
  breakGlassReason: 'collapsed in the street, no history',
  sectionsWithheld: ['social-care'],
  sources: [
    { collaborative: 'CCR', nhsNumber: testNhsNumber(1), sequence: 7 },
    { collaborative: 'OHC', nhsNumber: testNhsNumber(1), sequence: 3 },
  ],
  itemCount: 12,
  restrictedWithheld: 1,
  correlationId: 'corr-1',
  clientIp: '10.1.2.3',
};
const stamp = { auditId: '3f1c2b9e-4d5a-4e6f-8a7b-9c0d1e2f3a4b', occurredAt: Date.UTC(2026, 0, 15, 10) };

const serdeOver = (registry: InMemoryRegistry) =>
  new EventSerde<{ RecordAccessed: RecordAccessed }>({
    registry,
    schemas: { RecordAccessed: RECORD_ACCESSED_SCHEMA },
    namespace: AUDIT_NAMESPACE,
    autoRegister: true,
  });

describe('the RecordAccessed audit event', () => {
  it('given a read, when built, then it records who, why, which patient and which versions', () => {
    expect(recordAccessedEvent(access, stamp)).toEqual({
      auditId: stamp.auditId,
      occurredAt: stamp.occurredAt,
      user: { id: 'u1', name: 'Dr A Clinician', role: 'R8000' },
      organisationOdsCode: 'RHA',
      purposeOfUse: 'EMERGENCY_CARE',
      nhsNumber: testNhsNumber(2),
      resolvedNhsNumber: testNhsNumber(1),
      outcome: 'BREAK_GLASS',
      format: 'FHIR',
      sources: access.sources,
      itemCount: 12,
      restrictedWithheld: 1,
      correlationId: 'corr-1',
      clientIp: '10.1.2.3',
      identityVerified: true,
      tokenIssuer: 'https://idp.test',
      denial: null,
      reason: null,
      relationship: 'NONE',
      breakGlassReason: 'collapsed in the street, no history',
      objectionApplied: false,
      sectionsWithheld: ['social-care'],
      search: null,
    });
  });

  it('given a search, when built, then it keeps what was searched and how many matched and were returned', () => {
    const event = recordAccessedEvent(
      {
        ...access,
        search: {
          resourceType: 'Observation',
          query: 'code=4548-4',
          continued: true,
          total: 62,
          returned: 12,
        },
      },
      stamp,
    );
    expect(event.search).toEqual({
      resourceType: 'Observation',
      query: 'code=4548-4',
      continued: true,
      total: 62,
      returned: 12,
    });
  });

  it('given a refused token, when built, then what it claimed is kept as unverified, and nothing of a patient', () => {
    const refused = recordAccessedEvent(
      {
        caller: { userId: 'mallory', organisationOdsCode: 'ZZZ99', verified: false },
        purpose: null,
        requestedNhsNumber: null,
        resolvedNhsNumber: null,
        outcome: 'DENIED',
        denial: 'BAD_TOKEN',
        reason: 'the token signature is not valid',
        format: 'JSON',
        correlationId: 'c',
        clientIp: '192.0.2.1',
      },
      stamp,
    );
    expect(refused).toMatchObject({
      user: { id: 'mallory', name: '', role: '' },
      organisationOdsCode: 'ZZZ99',
      identityVerified: false,
      tokenIssuer: null,
      purposeOfUse: null,
      nhsNumber: null,
      sources: [],
      itemCount: 0,
      denial: 'BAD_TOKEN',
    });
    expect(recordAccessedEvent({ ...access, caller: { verified: false } }, stamp).user).toBeNull();
  });

  it('given sources carrying more than the schema declares, when built, then only the declared fields remain', () => {
    const wider = {
      ...access,
      sources: [{ collaborative: 'CCR', nhsNumber: 'x', sequence: 1, updatedAt: 5 }],
    };
    expect(recordAccessedEvent(wider, stamp).sources).toEqual([
      { collaborative: 'CCR', nhsNumber: 'x', sequence: 1 },
    ]);
  });

  it('given the event, when encoded and decoded with the registered schema, then it reads back unchanged', async () => {
    const registry = new InMemoryRegistry();
    const serde = serdeOver(registry);
    const event = recordAccessedEvent(access, stamp);
    const decoded = await serde.decode(await serde.encode('RecordAccessed', event));
    expect(decoded).toMatchObject({ type: 'RecordAccessed', event });
    expect(registry.registered.map((r) => r.subject)).toEqual(['uk.nhs.crosscare.audit.RecordAccessed']);
  });

  it('given a refusal of an anonymous request, when encoded, then the nulls are valid', async () => {
    const serde = serdeOver(new InMemoryRegistry());
    const refused = recordAccessedEvent(
      {
        caller: { verified: false },
        purpose: null,
        requestedNhsNumber: null,
        resolvedNhsNumber: null,
        outcome: 'DENIED',
        denial: 'BAD_TOKEN',
        reason: 'send Authorization: Bearer <token>',
        format: 'JSON',
        correlationId: 'c',
        clientIp: '192.0.2.1',
      },
      stamp,
    );
    expect((await serde.decode(await serde.encode('RecordAccessed', refused))).event).toEqual(refused);
  });

  it('given a not-found read, when encoded, then empty sources and zero counts are valid', async () => {
    const serde = serdeOver(new InMemoryRegistry());
    const notFound = recordAccessedEvent(
      { ...access, outcome: 'NOT_FOUND', sources: [], itemCount: 0, restrictedWithheld: 0 },
      stamp,
    );
    expect((await serde.decode(await serde.encode('RecordAccessed', notFound))).event).toEqual(notFound);
  });

  it('documents every type and field, and gives every enum a default, as the record change schemas do', () => {
    const undocumented: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((branch, i) => visit(branch, `${where}[${i}]`));
      if (typeof node !== 'object' || node === null) return;
      const schema = node as {
        type?: unknown;
        name?: string;
        doc?: string;
        default?: unknown;
        items?: unknown;
      };
      if (schema.type === 'record' || schema.type === 'enum') {
        if (!schema.doc?.trim()) undocumented.push(`${where} ${schema.name}`);
        if (schema.type === 'enum' && schema.default === undefined)
          undocumented.push(`${schema.name} default`);
      }
      if (schema.type === 'array') visit(schema.items, `${where}.items`);
      for (const field of (node as { fields?: { name: string; doc?: string; type: unknown }[] }).fields ??
        []) {
        if (!field.doc?.trim()) undocumented.push(`${where}.${field.name}`);
        visit(field.type, `${where}.${field.name}`);
      }
    };
    visit(RECORD_ACCESSED_SCHEMA, 'RecordAccessed');
    expect(undocumented).toEqual([]);
  });
});
