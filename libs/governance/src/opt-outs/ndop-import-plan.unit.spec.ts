import { thrownBy } from '@crosscare/testing';
import { NdopFileError, parseNdopFile } from './ndop-file';
import { planNdopImport } from './ndop-import-plan';
import type { OptOutStatus } from './opt-out-changed';

const file = (name: string, ...nhsNumbers: string[]) =>
  parseNdopFile(name, nhsNumbers.map((n) => `${n},\n`).join(''));
const [A, B, C, D, E] = ['9990000018', '9990000026', '9990000034', '9990000042', '9990000050'];
const state = (entries: [string, OptOutStatus][]) => new Map(entries);

describe('what an answer of the national service changes', () => {
  it('given an empty topic, opts out every submitted number that was not returned', () => {
    const plan = planNdopImport(file('cohort.dat', A, B, C), file('returned.dat', B), state([]));

    expect(plan).toEqual({ cohort: 3, optedOut: 2, newlyActive: [A, C], withdrawn: [], unchanged: 1 });
  });

  it('withdraws an ACTIVE opt-out whose number is now returned, and leaves standing ones alone', () => {
    const current = state([
      [A, 'ACTIVE'],
      [B, 'ACTIVE'],
    ]);

    const plan = planNdopImport(file('cohort.dat', A, B, C), file('returned.dat', B, C), current);

    expect(plan).toEqual({ cohort: 3, optedOut: 1, newlyActive: [], withdrawn: [B], unchanged: 2 });
  });

  it('opts out again a number whose opt-out was WITHDRAWN, and withdraws one whose status is UNKNOWN (honoured as ACTIVE)', () => {
    const current = state([
      [A, 'WITHDRAWN'],
      [B, 'UNKNOWN'],
      [C, 'UNKNOWN'],
    ]);

    const plan = planNdopImport(file('cohort.dat', A, B, C), file('returned.dat', B), current);

    expect(plan).toMatchObject({ newlyActive: [A, C], withdrawn: [B], unchanged: 0 });
  });

  it('says nothing of numbers outside the cohort, whatever the topic holds for them', () => {
    const current = state([
      [D, 'ACTIVE'],
      [E, 'WITHDRAWN'],
    ]);

    const plan = planNdopImport(file('cohort.dat', A), file('returned.dat', A), current);

    expect(plan).toEqual({ cohort: 1, optedOut: 0, newlyActive: [], withdrawn: [], unchanged: 1 });
  });

  it('counts a number submitted twice once', () => {
    expect(planNdopImport(file('cohort.dat', A, A, B), file('returned.dat', B, B), state([]))).toMatchObject({
      cohort: 2,
      optedOut: 1,
      newlyActive: [A],
    });
  });

  it('refuses a returned number that was never submitted, naming it by file and line: the files are not a pair', () => {
    const error = thrownBy(NdopFileError, () =>
      planNdopImport(file('cohort.dat', A, B), file('returned.dat', A, C), state([])),
    );

    expect(error.message).toBe(
      'returned.dat line 2: this NHS number is not in the submission cohort.dat, so the two files are not a ' +
        'submission and its answer; nothing was imported',
    );
  });
});
