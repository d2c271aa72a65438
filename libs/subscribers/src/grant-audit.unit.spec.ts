import { AUDIT_SCHEMAS } from '@crosscare/events';
import { Type, type Schema } from 'avsc';

interface RecordSchema {
  readonly fields: ReadonlyArray<{
    readonly name: string;
    readonly type: unknown;
    readonly default?: unknown;
  }>;
}

const now = AUDIT_SCHEMAS.SubscriberGrantChanged as unknown as RecordSchema;
/**
 * Version 1, before SDE grants: the same record without sdeProject, and with collaborative a plain string. Derived
 * from the current schema, and the derivation checked below to differ in exactly those two fields.
 */
const v1: RecordSchema = {
  ...now,
  fields: now.fields
    .filter((f) => f.name !== 'sdeProject')
    .map((f) => {
      if (f.name !== 'collaborative') return f;
      const { default: _default, ...field } = f;
      return { ...field, type: 'string' };
    }),
};

const v1Event = {
  auditId: '3f1c2b9e-4d5a-4e6f-8a7b-9c0d1e2f3a4b',
  occurredAt: 1_767_000_000_000,
  change: 'GRANTED',
  subscriber: 'ehr-one',
  principal: 'crosscare-sub-ehr-one',
  organisationOdsCode: 'VM1A2',
  collaborative: 'CCR',
  topics: ['crosscare.ccr.patient-records.v2'],
  agreement: 'DSA-2026-0042',
  expiresAt: null,
  changedBy: 'ig-operator',
};

describe('SubscriberGrantChanged version 2 (SDE grants)', () => {
  const current = Type.forSchema(now as unknown as Schema);
  const previous = Type.forSchema(v1 as unknown as Schema);

  it('differs from version 1 only in collaborative (now optional) and sdeProject (new, optional)', () => {
    const changed = now.fields.filter(
      (f) => JSON.stringify(f) !== JSON.stringify(v1.fields.find((g) => g.name === f.name)),
    );
    expect(changed.map((f) => [f.name, f.type, f.default])).toEqual([
      ['collaborative', ['null', 'string'], null],
      ['sdeProject', ['null', 'string'], null],
    ]);
  });

  it('reads every version 1 event (BACKWARD): a changelog grant, with no SDE project', () => {
    const decoded = current.fromBuffer(
      previous.toBuffer(v1Event),
      current.createResolver(previous),
    ) as Record<string, unknown>;
    expect(decoded).toMatchObject({ ...v1Event, sdeProject: null });
  });

  it('holds an SDE grant: no collaborative, the project', () => {
    const sde = { ...v1Event, collaborative: null, sdeProject: 'diabetes-outcomes' };
    expect(current.fromBuffer(current.toBuffer(sde))).toMatchObject(sde);
  });
});
