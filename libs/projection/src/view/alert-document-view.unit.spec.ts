import { epochDay } from '@crosscare/events';
import { TEST_NOW, testEvents } from '../testing';
import { alertsOf } from './alert-view';
import { documentsOf } from './document-view';

const day = (year: number, month: number, date: number) => epochDay(year, month, date) as number;

describe('alertsOf', () => {
  it('shows alerts in force, reasonable adjustment flags first, then the most recently raised', () => {
    const older = testEvents.AlertRecorded({
      reasonableAdjustment: false,
      text: 'Risk to staff',
      period: { start: day(2023, 1, 1), end: null },
      header: { sourceRecordId: 'Flag/risk' },
    });
    const newer = testEvents.AlertRecorded({
      reasonableAdjustment: false,
      text: 'Lives alone',
      period: { start: day(2025, 1, 1), end: null },
      header: { sourceRecordId: 'Flag/alone' },
    });
    const adjustment = testEvents.AlertRecorded({ period: { start: day(2020, 1, 1), end: null } });

    expect(alertsOf([older, newer, adjustment], TEST_NOW, undefined).map((alert) => alert.text)).toEqual([
      'Use hearing aid',
      'Lives alone',
      'Risk to staff',
    ]);
  });

  it('leaves out alerts made inactive and those whose period has ended, and keeps one ending today', () => {
    const inactive = testEvents.AlertRecorded({ status: 'INACTIVE' });
    const ended = testEvents.AlertRecorded({
      period: { start: day(2024, 1, 1), end: day(2025, 2, 28) },
      header: { sourceRecordId: 'Flag/ended' },
    });
    const endsToday = testEvents.AlertRecorded({
      period: { start: day(2024, 1, 1), end: day(2025, 3, 1) },
      header: { sourceRecordId: 'Flag/today' },
    });

    const shown = alertsOf([inactive, ended, endsToday], TEST_NOW, undefined);

    expect(shown.map((alert) => alert.provenance.sourceRecordId)).toEqual(['Flag/today']);
    expect(shown[0]).toMatchObject({ period: { start: '2024-01-01', end: '2025-03-01' }, status: 'ACTIVE' });
  });
});

describe('documentsOf', () => {
  it('shows current documents newest first, inline ones with their data in base64', () => {
    const summary = testEvents.DocumentRecorded();
    const letter = testEvents.DocumentRecorded({
      type: { system: 'http://snomed.info/sct', code: '371531000', display: 'Report of clinical encounter' },
      documentDate: TEST_NOW - 1000,
      data: null,
      url: 'https://documents.example.nhs.uk/letter.pdf',
      header: { sourceRecordId: 'DocumentReference/letter' },
    });

    const shown = documentsOf([summary, letter], undefined);

    expect(shown.map((document) => [document.type.code, document.url, document.data])).toEqual([
      ['371531000', 'https://documents.example.nhs.uk/letter.pdf', null],
      ['373942005', null, Buffer.from('%PDF-1.4 synthetic').toString('base64')],
    ]);
    expect(shown[1]).toMatchObject({
      period: { start: '2025-02-24', end: '2025-02-28' },
      docStatus: 'FINAL',
    });
  });

  it('leaves out a superseded document, and one another document of the same provider replaces', () => {
    const original = testEvents.DocumentRecorded();
    const superseded = testEvents.DocumentRecorded({
      status: 'SUPERSEDED',
      header: { sourceRecordId: 'DocumentReference/old' },
    });
    const corrected = testEvents.DocumentRecorded({
      description: 'Corrected discharge summary',
      replacesSourceRecordId: original.header.sourceRecordId,
      header: { sourceRecordId: 'DocumentReference/summary-2' },
    });

    expect(documentsOf([original, superseded, corrected], undefined).map((d) => d.description)).toEqual([
      'Corrected discharge summary',
    ]);
  });

  it('does not let one provider hide another provider’s document by naming its id', () => {
    const theirs = testEvents.DocumentRecorded();
    const mine = testEvents.DocumentRecorded({
      replacesSourceRecordId: theirs.header.sourceRecordId,
      header: {
        providerOdsCode: 'M01358',
        ics: 'QHL',
        collaborative: 'CCR',
        sourceRecordId: 'DocumentReference/m',
      },
    });

    expect(documentsOf([theirs, mine], undefined)).toHaveLength(2);
  });
});
