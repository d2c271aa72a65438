import { EventSerde } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { InMemoryRegistry } from '../testing/in-memory-registry';
import { recordAccessedEvent, type RecordAccess, type RecordAccessed } from './record-accessed';
import { AUDIT_NAMESPACE, RECORD_ACCESSED_SCHEMA } from './record-accessed-schema';

const access: RecordAccess = {
  reader: { userId: 'u1', name: 'Dr A Clinician', role: 'R8000', organisationOdsCode: 'RHA', issuer: 'test' },
  purpose: 'EMERGENCY_CARE',
  requestedNhsNumber: testNhsNumber(2),
  resolvedNhsNumber: testNhsNumber(1),
  outcome: 'RETURNED',
  format: 'FHIR',
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
      outcome: 'RETURNED',
      format: 'FHIR',
      sources: access.sources,
      itemCount: 12,
      restrictedWithheld: 1,
      correlationId: 'corr-1',
      clientIp: '10.1.2.3',
    });
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
