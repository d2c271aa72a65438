import { testNhsNumber } from '@crosscare/events/synthetic';
import { changelogKey, parseChangelogKey, patientOfChangelogKey } from './changelog-key';

const nhsNumber = testNhsNumber(7);

describe('changelogKey and parseChangelogKey', () => {
  it('given a patient, when keyed, then the head key is the NHS number alone', () => {
    expect(changelogKey(nhsNumber)).toBe(nhsNumber);
    expect(parseChangelogKey(nhsNumber)).toEqual({ nhsNumber });
  });

  it('given an item, when keyed, then the key is readable and reads back as the same item', () => {
    const item = {
      providerOdsCode: 'M85001',
      sourceRecordId: 'Observation/o-1',
      part: 'ObservationRecorded',
    };

    const key = changelogKey(nhsNumber, item);

    expect(key).toBe(`${nhsNumber}|M85001|Observation%2Fo-1|ObservationRecorded`);
    expect(parseChangelogKey(key)).toEqual({ nhsNumber, item });
  });

  it('given ids holding the separator and other characters, when keyed, then no two items share a key', () => {
    const a = { providerOdsCode: 'RHA', sourceRecordId: 'x|y', part: 'p' };
    const b = { providerOdsCode: 'RHA|x', sourceRecordId: 'y', part: 'p' };

    expect(changelogKey(nhsNumber, a)).not.toBe(changelogKey(nhsNumber, b));
    for (const item of [a, b, { providerOdsCode: 'RHA', sourceRecordId: 'ü 💊 %7C', part: 'p' }])
      expect(parseChangelogKey(changelogKey(nhsNumber, item))).toEqual({ nhsNumber, item });
  });

  it('given a key no projector writes, when parsed, then it is refused by name', () => {
    for (const key of ['', `${nhsNumber}|RHA|x`, `${nhsNumber}||x|p`])
      expect(() => parseChangelogKey(key)).toThrow('is not a changelog key');
  });

  it('given either kind of key, when asked whose it is, then it is the patient the topic is partitioned by', () => {
    expect(patientOfChangelogKey(nhsNumber)).toBe(nhsNumber);
    expect(
      patientOfChangelogKey(
        changelogKey(nhsNumber, { providerOdsCode: 'A', sourceRecordId: 'b', part: 'c' }),
      ),
    ).toBe(nhsNumber);
  });
});
