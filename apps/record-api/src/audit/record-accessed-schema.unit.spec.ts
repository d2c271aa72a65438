import { ACCESS_DENIALS, PURPOSES_OF_USE, RELATIONSHIPS } from '@crosscare/governance';
import { Type, type Schema } from 'avsc';
import { AUDIT_NAMESPACE, RECORD_ACCESSED_SCHEMA } from './record-accessed-schema';

/*
 * RecordAccessed version 1, as the record API wrote every audit event until refused requests were audited too
 * (issue 15). Kept here to prove that the audit consumer, once upgraded, still reads every event already on the
 * audit topic (kept forever). Not FORWARD: a refusal names no user or patient, which version 1 cannot say, so audit
 * consumers upgrade before the record API does (docs/schemas.md).
 */
const UNKNOWN_SYMBOL_DOC =
  'UNKNOWN is what a reader built on an older schema sees when a newer writer uses a symbol it does not know; the record API never writes it.';

/**
 * The audit event of one read of a shared record (or of an attempted read of a patient Crosscare does not know),
 * written before the answer is sent. Self-contained, with a doc on every type and field and a default on every enum,
 * like the record change schemas. The record API owns it and registers it at start.
 */
const SCHEMA_AS_IT_WAS = {
  type: 'record',
  name: 'RecordAccessed',
  namespace: 'uk.nhs.crosscare.audit',
  doc: 'One read of a patient shared care record through the record API: who read it, in what role and organisation, why, which patient, and exactly which versions of the record were shown. Keyed by the resolved NHS number.',
  fields: [
    {
      name: 'auditId',
      type: { type: 'string', logicalType: 'uuid' },
      doc: 'Unique id of this audit event (a random UUID); consumers drop a repeated id.',
    },
    {
      name: 'occurredAt',
      type: { type: 'long', logicalType: 'timestamp-millis' },
      doc: 'When the record API answered the read (before the answer was sent).',
    },
    {
      name: 'user',
      type: {
        type: 'record',
        name: 'RecordAccessUser',
        doc: 'The person who read the record, as the verified token names them.',
        fields: [
          { name: 'id', type: 'string', doc: 'User id: the sub claim of the token.' },
          { name: 'name', type: 'string', doc: 'Display name of the user: the name claim of the token.' },
          {
            name: 'role',
            type: 'string',
            doc: 'Role the user acted in: the role claim (a national RBAC code or a role name).',
          },
        ],
      },
      doc: 'The person who read the record.',
    },
    {
      name: 'organisationOdsCode',
      type: 'string',
      doc: "ODS code of the user's organisation (the org claim), uppercase.",
    },
    {
      name: 'purposeOfUse',
      type: {
        type: 'enum',
        name: 'PurposeOfUse',
        doc: `Why the record was read, as declared in X-Purpose-Of-Use. ${UNKNOWN_SYMBOL_DOC}`,
        symbols: ['DIRECT_CARE', 'EMERGENCY_CARE', 'SAFEGUARDING', 'UNKNOWN'],
        default: 'UNKNOWN',
      },
      doc: 'Why the record was read.',
    },
    {
      name: 'nhsNumber',
      type: 'string',
      doc: 'The NHS number the user asked for: 10 digits, valid modulus-11 check digit.',
    },
    {
      name: 'resolvedNhsNumber',
      type: 'string',
      doc: 'The NHS number whose record was shown: the one asked for, or its survivor when it was retired by a merge. Equals the message key.',
    },
    {
      name: 'outcome',
      type: {
        type: 'enum',
        name: 'RecordAccessOutcome',
        doc: `RETURNED: the record was sent. NOT_FOUND: Crosscare holds nothing for the patient, and said so. ${UNKNOWN_SYMBOL_DOC}`,
        symbols: ['RETURNED', 'NOT_FOUND', 'UNKNOWN'],
        default: 'UNKNOWN',
      },
      doc: 'What the read returned.',
    },
    {
      name: 'format',
      type: {
        type: 'enum',
        name: 'RecordFormat',
        doc: `JSON: the shared record view. FHIR: a FHIR R4 Bundle. ${UNKNOWN_SYMBOL_DOC}`,
        symbols: ['JSON', 'FHIR', 'UNKNOWN'],
        default: 'UNKNOWN',
      },
      doc: 'The format the record was asked for and sent in.',
    },
    {
      name: 'sources',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'RecordAccessSource',
          doc: "One collaborative's snapshot of the patient that the answer was built from.",
          fields: [
            {
              name: 'collaborative',
              type: 'string',
              doc: 'The collaborative whose record it is: CCR or OHC.',
            },
            {
              name: 'nhsNumber',
              type: 'string',
              doc: 'The NHS number the snapshot is kept under: the resolved one, or a number merged into it that this collaborative has not merged.',
            },
            {
              name: 'sequence',
              type: 'long',
              doc: "The snapshot's per-patient changelog sequence number: which version of the collaborative's record was shown.",
            },
          ],
        },
      },
      doc: 'The snapshots shown, by collaborative and NHS number; empty when nothing was found.',
    },
    {
      name: 'itemCount',
      type: 'int',
      doc: 'How many record items (provider record versions) the answer showed.',
    },
    {
      name: 'restrictedWithheld',
      type: 'int',
      doc: 'How many restricted social care items were left out because the purpose of use and role did not allow them.',
    },
    {
      name: 'correlationId',
      type: 'string',
      doc: "The request's X-Correlation-Id, or the one the record API gave it; echoed in the response.",
    },
    {
      name: 'clientIp',
      type: 'string',
      doc: 'IP address the request came from, as the record API saw it.',
    },
  ],
} as const;

describe('RECORD_ACCESSED_SCHEMA from schemas/audit/RecordAccessed.avsc', () => {
  const now = Type.forSchema(RECORD_ACCESSED_SCHEMA as Schema);
  const v1 = Type.forSchema(SCHEMA_AS_IT_WAS as unknown as Schema);
  const v1Event = {
    auditId: '3f1c2b9e-4d5a-4e6f-8a7b-9c0d1e2f3a4b',
    occurredAt: 1_767_000_000_000,
    user: { id: 'u1', name: 'Dr A', role: 'R8000' },
    organisationOdsCode: 'RHA',
    purposeOfUse: 'DIRECT_CARE',
    nhsNumber: '9990000018',
    resolvedNhsNumber: '9990000018',
    outcome: 'RETURNED',
    format: 'JSON',
    sources: [{ collaborative: 'CCR', nhsNumber: '9990000018', sequence: 3 }],
    itemCount: 4,
    restrictedWithheld: 0,
    correlationId: 'c',
    clientIp: '10.0.0.1',
  };

  it('names exactly the outcomes, denials and relationships the record API writes (and UNKNOWN for older readers)', () => {
    const symbols = (name: string): string[] => {
      let found: string[] = [];
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) return node.forEach(visit);
        if (typeof node !== 'object' || node === null) return;
        const schema = node as {
          type?: unknown;
          name?: string;
          symbols?: string[];
          fields?: { type: unknown }[];
        };
        if (schema.type === 'enum' && schema.name === name) found = schema.symbols ?? [];
        schema.fields?.forEach((field) => visit(field.type));
        if (typeof schema.type === 'object') visit(schema.type);
      };
      visit(RECORD_ACCESSED_SCHEMA);
      return found;
    };
    expect(symbols('AccessDenial')).toEqual([...ACCESS_DENIALS, 'UNKNOWN']);
    expect(symbols('LegitimateRelationship')).toEqual([...RELATIONSHIPS, 'NONE', 'UNKNOWN']);
    expect(symbols('PurposeOfUse')).toEqual([...PURPOSES_OF_USE, 'UNKNOWN']);
  });

  it('is in the audit namespace', () => {
    expect(AUDIT_NAMESPACE).toBe('uk.nhs.crosscare.audit');
  });

  it('reads every version 1 event (BACKWARD): a served read, with the defaults of what version 1 did not record', () => {
    const read = now.createResolver(v1);
    const decoded = now.fromBuffer(v1.toBuffer(v1Event), read) as Record<string, unknown>;
    expect(decoded).toMatchObject({
      ...v1Event,
      identityVerified: true,
      denial: null,
      relationship: null,
      breakGlassReason: null,
      objectionApplied: false,
      sectionsWithheld: [],
      search: null,
    });
  });
});
