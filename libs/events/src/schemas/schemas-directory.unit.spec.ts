import * as path from 'node:path';

import { Schema, Type } from 'avsc';

import { AllergyRecorded } from '../generated/record-changes';
import { syntheticAllergyRecorded } from '../synthetic/synthetic-record-changes';
import { AvroRecordSchema } from './avro-schema';
import { loadSchemaDirectory } from './load-schema-directory';

const NS = 'uk.nhs.crosscare.events';
const { events, sharedTypes, changelog, audit } = loadSchemaDirectory(
  path.resolve(__dirname, '../../../../schemas'),
);

const compile = (schema: object): Type => Type.forSchema(schema as Schema);

describe('the schemas/ directory', () => {
  it('holds the 21 events of the contract', () => {
    expect(events.map((e) => e.name).sort()).toEqual(
      [
        'PatientRegistered',
        'PatientDetailsChanged',
        'PatientDied',
        'PatientMerged',
        'EncounterStarted',
        'EncounterEnded',
        'ProblemRecorded',
        'AllergyRecorded',
        'MedicationPrescribed',
        'MedicationDispensed',
        'ObservationRecorded',
        'ImmunisationRecorded',
        'CarePlanRecorded',
        'ReferralMade',
        'SocialCareInvolvementRecorded',
        'EndOfLifePreferencesRecorded',
        'SharingObjectionRecorded',
        'DiagnosticReportIssued',
        'ProcedureRecorded',
        'RecordRemoved',
        'AlertRecorded',
        'DocumentRecorded',
      ].sort(),
    );
  });

  it('holds the changelog records and the audit records, each under its own namespace (its subject)', () => {
    expect(changelog.map((r) => r.fullName)).toEqual([
      'uk.nhs.crosscare.changelog.PatientRecordHead',
      'uk.nhs.crosscare.changelog.PatientRecordItem',
    ]);
    expect(audit.map((r) => r.fullName)).toEqual([
      'uk.nhs.crosscare.audit.AccessAlertRaised',
      'uk.nhs.crosscare.audit.RecordAccessed',
      'uk.nhs.crosscare.audit.SubscriberGrantChanged',
    ]);
    for (const record of [...changelog, ...audit]) expect(compile(record.schema).name).toBe(record.fullName);
  });

  it.each(events.map((e) => [e.name, e] as const))(
    '%s compiles with avsc and declares the header first',
    (_n, e) => {
      expect(e.fullName).toBe(`${NS}.${e.name}`);
      expect(() => compile(e.schema)).not.toThrow();
      const [header] = e.schema.fields;
      expect(header.name).toBe('header');
      expect(header.type).toMatchObject({ type: 'record', name: 'RecordChangeHeader', namespace: NS });
      expect(e.schema.fields.length - 1).toBeGreaterThanOrEqual(3);
    },
  );

  it('has a header with the fields every consumer relies on', () => {
    const header = sharedTypes.find((t) => t.name === 'RecordChangeHeader')?.schema as AvroRecordSchema;
    expect(header.fields.map((f) => f.name)).toEqual([
      'eventId',
      'eventType',
      'occurredAt',
      'recordedAt',
      'providerOdsCode',
      'ics',
      'collaborative',
      'nhsNumber',
      'sourceRecordId',
      'sourceRecordVersion',
      'operation',
      'correlationId',
      'causationId',
    ]);
  });

  it('round-trips an event typed with the generated interface through avsc', () => {
    const allergy: AllergyRecorded = syntheticAllergyRecorded('9990000018', 'batch-1');
    const type = compile(events.find((e) => e.name === 'AllergyRecorded')!.schema);
    expect(type.fromBuffer(type.toBuffer(allergy))).toEqual(allergy);
  });

  it('lets a reader on the current schema read an enum symbol added later as its default', () => {
    const schema = sharedTypes.find((t) => t.name === 'RecordOperation')!.schema;
    const newer = compile({ ...schema, symbols: ['CREATE', 'UPDATE', 'DELETE', 'UNKNOWN', 'RESTORE'] });
    const reader = compile(schema);
    expect(reader.fromBuffer(newer.toBuffer('RESTORE'), reader.createResolver(newer))).toBe('UNKNOWN');
  });
});
