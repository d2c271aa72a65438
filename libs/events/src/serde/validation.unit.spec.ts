import { Type } from 'avsc';
import { invalidFields } from './validation';

const referral = Type.forSchema({
  type: 'record',
  name: 'uk.nhs.crosscare.test.Referral',
  fields: [
    { name: 'priority', type: ['null', 'int', 'string'], default: null },
    {
      name: 'clinicians',
      type: {
        type: 'array',
        items: { type: 'record', name: 'Clinician', fields: [{ name: 'gmc', type: 'string' }] },
      },
    },
  ],
});

describe('invalidFields', () => {
  it('given a valid value, finds nothing', () => {
    expect(invalidFields(referral, { priority: 2, clinicians: [{ gmc: '7012345' }] })).toEqual([]);
  });

  it('given a value no union branch accepts, lists the branches', () => {
    expect(invalidFields(referral, { priority: true, clinicians: [] })).toEqual([
      { path: 'priority', problem: 'should be one of null, int, string' },
    ]);
  });

  it('given a bad and an undeclared field inside array items, paths them by index', () => {
    const problems = invalidFields(referral, {
      clinicians: [{ gmc: '1' }, { gmc: 2 }, { gmc: '3', name: 'x' }],
    });

    expect(problems).toEqual([
      { path: 'clinicians.1.gmc', problem: 'should be string' },
      { path: 'clinicians.2.name', problem: 'is not in the schema' },
    ]);
  });
});
