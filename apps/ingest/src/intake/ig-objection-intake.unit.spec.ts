import type { AnyRecordChangeDraft } from '@crosscare/events';
import { icbObjectionPolicy, icbSenderOf, igObjectionProblem } from './ig-objection-intake';

const qua = icbSenderOf({ code: 'QUA', name: 'Black Country ICB', collaborative: 'OHC', councils: [] });
const draftOf = (type: string) => ({ type }) as AnyRecordChangeDraft;
const TODAY = 20_000;
const request = {
  action: 'record' as const,
  nhsNumber: '9990000018',
  reference: 'IG/2025/0042',
  statedOn: TODAY,
};

describe('an ICB as sender of objections', () => {
  it('is the ICS itself: its ODS code is the ICS code, in that collaborative', () => {
    expect(qua).toEqual({
      kind: 'ICB_INFORMATION_GOVERNANCE',
      odsCode: 'QUA',
      ics: 'QUA',
      collaborative: 'OHC',
    });
  });

  it('may publish a SharingObjectionRecorded and nothing else, saying why', () => {
    expect(icbObjectionPolicy(qua, draftOf('SharingObjectionRecorded'))).toBeNull();
    expect(icbObjectionPolicy(qua, draftOf('RecordRemoved'))).toBe(
      "QUA's information governance team may publish only SharingObjectionRecorded, not RecordRemoved",
    );
  });
});

describe('igObjectionProblem', () => {
  it('given a valid request, finds none', () => {
    expect(igObjectionProblem(request, TODAY)).toBeNull();
  });

  it.each([
    ['an invalid NHS number', { nhsNumber: '9990000019' }, 'is not a valid NHS number'],
    [
      'a reference with spaces, like a name',
      { reference: 'Jane Smith' },
      '--reference must be the IG case reference',
    ],
    ['a date in the future', { statedOn: TODAY + 1 }, '--stated-on is in the future'],
  ])('given %s, names it', (_, change, message) => {
    expect(igObjectionProblem({ ...request, ...change }, TODAY)).toContain(message);
  });
});
