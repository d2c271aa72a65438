import { projectRowSchema } from '@crosscare/sde';
import { rejectionOf } from '@crosscare/testing';
import { Type, type Schema } from 'avsc';
import { sdeTestProject } from '../testing/sde-test-project';
import { ProjectRowDecoder } from './project-row-decoder';
import { SdeExportError } from './sde-export-error';

const v1 = sdeTestProject('decoder', { ObservationRecorded: ['code'] });
const v2 = sdeTestProject('decoder', {
  ObservationRecorded: ['code', 'interpretation'],
  PatientDied: ['dateOfDeath'],
});
const schemas = new Map<number, object>([
  [1, projectRowSchema(v1)],
  [2, projectRowSchema(v2)],
  [3, projectRowSchema(sdeTestProject('other', { ObservationRecorded: ['code'] }))],
]);

const header = {
  pseudonym: 'p',
  rowId: 'r',
  recordId: 'c',
  eventType: 'ObservationRecorded',
  operation: 'CREATE',
  occurred: '2026-11',
};
const code = { system: 'http://snomed.info/sct', code: '1' };

describe('ProjectRowDecoder', () => {
  let fetched: number[];
  let decoder: ProjectRowDecoder;
  beforeEach(() => {
    fetched = [];
    decoder = new ProjectRowDecoder(Type.forSchema(projectRowSchema(v2) as Schema), (id) => {
      fetched.push(id);
      const schema = schemas.get(id);
      return schema ? Promise.resolve(JSON.stringify(schema)) : Promise.reject(new Error(`no schema ${id}`));
    });
  });

  it("reads a row written with an older version in today's shape, the new fields null", async () => {
    const old = Type.forSchema(projectRowSchema(v1) as Schema).toBuffer({
      ...header,
      observationRecorded: { code },
    });
    expect(await decoder.decode('k1', 1, old)).toEqual({
      ...header,
      observationRecorded: { code, interpretation: null },
      patientDied: null,
    });
  });

  it('fetches each writer schema once', async () => {
    const row = Type.forSchema(projectRowSchema(v2) as Schema).toBuffer({
      ...header,
      observationRecorded: { code, interpretation: 'HIGH' },
      patientDied: null,
    });
    await decoder.decode('k1', 2, row);
    await decoder.decode('k2', 2, row);
    expect(fetched).toEqual([2]);
    expect(decoder.writerSchemaIds).toEqual([2]);
  });

  it.each([
    [
      3,
      'row k1 was written with schema id 3 (uk.nhs.crosscare.sde.other.v1.ProjectRow), not a version of uk.nhs.crosscare.sde.decoder.v1.ProjectRow',
    ],
    [4, 'the writer schema of row k1 (id 4) could not be fetched: no schema 4'],
  ])('refuses schema id %d: %s', async (id, message) => {
    expect((await rejectionOf(SdeExportError, decoder.decode('k1', id, Buffer.alloc(0)))).message).toBe(
      message,
    );
  });

  it('names the row whose payload is not Avro of its schema', async () => {
    const error = await rejectionOf(SdeExportError, decoder.decode('k9', 2, Buffer.from([0x02, 0x41, 0xff])));
    expect(error.message).toMatch(/^row k9 is not Avro of schema id 2: /);
  });
});
