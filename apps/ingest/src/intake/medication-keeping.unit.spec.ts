import { IngestError } from '../ingest-error';
import { decideMedicationVersion, type MedicationToKeep } from './medication-keeping';

const sha = (text: string) => Buffer.from(text.padEnd(32, '.'));
const code = { system: 'https://dmd.nhs.uk', code: '325278007', display: 'Metformin 500mg tablets' };

function medication(overrides: Partial<MedicationToKeep> = {}): MedicationToKeep {
  return {
    id: 'm1',
    code,
    resourceSha256: sha('a'),
    declaredVersion: null,
    location: 'Bundle.entry[0]',
    ifMatchLocation: 'Bundle.entry[0].request.ifMatch',
    ...overrides,
  };
}

function refusal(decide: () => unknown): [number, string[]] {
  try {
    decide();
  } catch (error) {
    if (error instanceof IngestError) return [error.status, error.issues.map((i) => i.location)];
  }
  throw new Error('expected a refusal');
}

describe('decideMedicationVersion', () => {
  it('given a Medication never kept, keeps it as version 1, or as the version it declares', () => {
    expect(decideMedicationVersion(medication(), undefined)).toEqual({ version: 1, outcome: 'kept' });
    expect(decideMedicationVersion(medication({ declaredVersion: 4 }), undefined)).toEqual({
      version: 4,
      outcome: 'kept',
    });
  });

  it('given the content kept, changes nothing; given other content, keeps the next version', () => {
    const kept = { version: 2, resourceSha256: sha('a'), code };

    expect(decideMedicationVersion(medication(), kept)).toEqual({ version: 2, outcome: 'unchanged' });
    expect(decideMedicationVersion(medication({ resourceSha256: sha('b') }), kept)).toEqual({
      version: 3,
      outcome: 'kept',
    });
  });

  it('given a declared version not after the one kept with other content, refuses it as a conflict at the entry', () => {
    const kept = { version: 2, resourceSha256: sha('a'), code };

    expect(
      refusal(() =>
        decideMedicationVersion(medication({ declaredVersion: 2, resourceSha256: sha('b') }), kept),
      ),
    ).toEqual([409, ['Bundle.entry[0]']]);
    expect(decideMedicationVersion(medication({ declaredVersion: 2 }), kept)).toEqual({
      version: 2,
      outcome: 'unchanged',
    });
  });

  it('given If-Match naming another version than the one kept, refuses it at the If-Match', () => {
    const kept = { version: 2, resourceSha256: sha('a'), code };

    expect(
      refusal(() =>
        decideMedicationVersion(medication({ ifMatch: 'W/"1"', resourceSha256: sha('b') }), kept),
      ),
    ).toEqual([412, ['Bundle.entry[0].request.ifMatch']]);
    expect(decideMedicationVersion(medication({ ifMatch: 'W/"2"', resourceSha256: sha('b') }), kept)).toEqual(
      {
        version: 3,
        outcome: 'kept',
      },
    );
  });
});
