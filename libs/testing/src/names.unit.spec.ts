import { uniqueIdentifier, uniqueName } from './names';

describe('uniqueName', () => {
  it('is a legal Kafka topic name that includes the kind and the test', () => {
    const name = uniqueName('Record Changes', 'ingest publishes a PatientRegistered!');
    expect(name).toMatch(/^[a-z0-9._-]{1,249}$/);
    expect(name).toContain('record-changes');
    expect(name).toContain('ingest-publishes-a-patientregistered');
  });

  it('differs on every call for the same test', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueName('topic', 'same test')));
    expect(names.size).toBe(100);
  });

  it('takes the running test name by default', () => {
    expect(uniqueName('group')).toContain('takes-the-running-test-name-by-default');
  });
});

describe('uniqueIdentifier', () => {
  it('is a legal unquoted Postgres identifier of at most 63 characters', () => {
    const id = uniqueIdentifier('test_Projector-CCR');
    expect(id).toMatch(/^[a-z_][a-z0-9_]{0,62}$/);
  });
});
