import { thrownBy } from '@crosscare/testing';
import { sdeTestProject } from '../testing/sde-test-project';
import { buildManifest, manifestText, sha256Sums, type ManifestInput } from './export-manifest';
import { SdeExportError } from './sde-export-error';

const hash = (c: string) => c.repeat(64);

const input: ManifestInput = {
  project: sdeTestProject('manifest', {
    PatientRegistered: ['gender'],
    ObservationRecorded: ['code'],
    PatientDied: ['dateOfDeath'],
  }),
  schema: {
    subject: 'uk.nhs.crosscare.sde.manifest.v1.ProjectRow',
    id: 12,
    version: 2,
    writerSchemaIds: [12, 7],
  },
  generatedAt: new Date('2026-12-04T10:00:00Z'),
  asOf: [
    { topic: 'crosscare.sde.opt-outs.v1', partition: 0, nextOffset: 5 },
    { topic: 'crosscare.ics.qhl.v1', partition: 1, nextOffset: 40 },
    { topic: 'crosscare.ics.qhl.v1', partition: 0, nextOffset: 31 },
  ],
  files: [
    {
      name: 'PatientRegistered.parquet',
      eventKind: 'PatientRegistered',
      rows: 3,
      bytes: 900,
      sha256: hash('b'),
    },
    {
      name: 'ObservationRecorded.parquet',
      eventKind: 'ObservationRecorded',
      rows: 10,
      bytes: 2000,
      sha256: hash('a'),
    },
  ],
  writer: {
    library: 'hyparquet-writer',
    version: '0.17.0',
    compression: 'SNAPPY',
    createdBy: 'hyparquet-writer version 0.17.0 (test)',
  },
};

describe('buildManifest', () => {
  // Exactly these fields: none counts rows left out (withheld, or of kinds no longer approved).
  it('states the project, schema, offsets and files in a stable order, with the total', () => {
    expect(buildManifest(input)).toEqual({
      format: 'crosscare-sde-export/1',
      project: {
        id: 'manifest',
        title: 'Test project manifest',
        agreement: 'DSA-TEST-0001',
        outputVersion: 1,
        precision: { birthDate: 'year', eventDate: 'month', geography: 'district' },
      },
      schema: {
        subject: 'uk.nhs.crosscare.sde.manifest.v1.ProjectRow',
        id: 12,
        version: 2,
        writerSchemaIds: [7, 12],
      },
      generatedAt: '2026-12-04T10:00:00.000Z',
      asOf: [
        { topic: 'crosscare.ics.qhl.v1', partition: 0, nextOffset: 31 },
        { topic: 'crosscare.ics.qhl.v1', partition: 1, nextOffset: 40 },
        { topic: 'crosscare.sde.opt-outs.v1', partition: 0, nextOffset: 5 },
      ],
      eventKinds: ['PatientRegistered', 'ObservationRecorded', 'PatientDied'],
      files: [input.files[1], input.files[0]],
      totalRows: 13,
      writer: {
        library: 'hyparquet-writer',
        version: '0.17.0',
        compression: 'SNAPPY',
        createdBy: 'hyparquet-writer version 0.17.0 (test)',
      },
    });
  });

  it('is indented JSON with a final newline', () => {
    const text = manifestText(buildManifest(input));
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(buildManifest(input));
  });
});

describe('sha256Sums', () => {
  it('writes the lines sha256sum -c reads, in name order', () => {
    expect(
      sha256Sums([
        { name: 'manifest.json', sha256: hash('c') },
        { name: 'ObservationRecorded.parquet', sha256: hash('a') },
      ]),
    ).toBe(`${hash('a')}  ObservationRecorded.parquet\n${hash('c')}  manifest.json\n`);
  });

  it.each([
    [
      'a name sha256sum would escape',
      { name: 'a\nb.parquet', sha256: hash('a') },
      '"a\\nb.parquet" is not a plain file name',
    ],
    ['a path', { name: '../x.parquet', sha256: hash('a') }, '"../x.parquet" is not a plain file name'],
    [
      'upper-case hex',
      { name: 'x.parquet', sha256: hash('A') },
      `x.parquet: ${hash('A')} is not a SHA-256 in lower-case hex`,
    ],
  ])('refuses %s', (_, entry, message) => {
    expect(thrownBy(SdeExportError, () => sha256Sums([entry])).message).toBe(message);
  });
});
