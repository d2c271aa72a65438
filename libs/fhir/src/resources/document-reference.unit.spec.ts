import { at, days, draftsOf, issuesOf } from '../expect-mapping.spec';
import { acuteClinicLetter, acuteDischargeSummary, FIXTURE_PDF_BASE64 } from '../fixtures';
import { MAX_INLINE_DOCUMENT_BYTES } from './document-reference';

const trust = { providerOdsCode: 'RRK' };

describe('DocumentReference', () => {
  it('given a discharge summary inline, yields DocumentRecorded with its metadata and the document itself', () => {
    expect(draftsOf(acuteDischargeSummary(), trust)).toEqual([
      {
        type: 'DocumentRecorded',
        source: {
          nhsNumber: '9990000026',
          sourceRecordId: 'DocumentReference/9e4b1c7d-2a6f-4c38-8d51-0f3a7b2e6c94',
          sourceRecordVersion: 1,
          operation: 'CREATE',
          occurredAt: at('2024-03-14T11:45:00Z'),
        },
        body: {
          status: 'CURRENT',
          docStatus: 'FINAL',
          type: { system: 'http://snomed.info/sct', code: '373942005', display: 'Discharge summary' },
          category: { system: 'http://snomed.info/sct', code: '823691000000103', display: 'Clinical letter' },
          documentDate: at('2024-03-14T11:45:00Z'),
          authorOdsCode: 'RRK',
          authorName: 'Queen Elizabeth Hospital Birmingham',
          custodianOdsCode: 'RRK',
          encounterSourceRecordId: 'Encounter/4f8a2c6e-1b9d-4e3f-a7c5-0d2e6b8f1a39',
          period: { start: days('2024-03-10'), end: days('2024-03-14') },
          description: 'Discharge summary: chest pain, NSTEMI',
          contentType: 'application/pdf',
          title: 'Discharge summary 14 March 2024',
          url: null,
          data: Buffer.from(FIXTURE_PDF_BASE64, 'base64'),
          size: Buffer.from(FIXTURE_PDF_BASE64, 'base64').length,
          replacesSourceRecordId: null,
        },
      },
    ]);
  });

  it('given a clinic letter by URL, carries where it is and the size the sender stated, and no data', () => {
    const [letter] = draftsOf(acuteClinicLetter(), trust);

    expect(letter.body).toMatchObject({
      url: 'https://documents.rrk.nhs.uk/letters/3c7f0a9e.pdf',
      data: null,
      size: 48213,
      docStatus: null,
      authorOdsCode: null,
      authorName: 'Dr A Okafor, Cardiology',
      encounterSourceRecordId: null,
      period: null,
    });
  });

  it('given a corrected summary that replaces another, names the one it replaces', () => {
    const corrected = {
      ...acuteDischargeSummary(),
      id: 'b2d4f6a8-1c3e-4a5b-9d7f-0e2c4a6b8d10',
      relatesTo: [
        {
          code: 'replaces' as const,
          target: { reference: 'DocumentReference/9e4b1c7d-2a6f-4c38-8d51-0f3a7b2e6c94' },
        },
      ],
    };

    expect(draftsOf(corrected, trust)[0].body).toMatchObject({
      replacesSourceRecordId: 'DocumentReference/9e4b1c7d-2a6f-4c38-8d51-0f3a7b2e6c94',
    });
  });

  it('given a superseded document, yields SUPERSEDED; given one entered in error, withdraws it', () => {
    expect(draftsOf({ ...acuteDischargeSummary(), status: 'superseded' }, trust)[0].body).toMatchObject({
      status: 'SUPERSEDED',
    });
    expect(draftsOf({ ...acuteDischargeSummary(), status: 'entered-in-error' }, trust)).toEqual([
      expect.objectContaining({
        type: 'RecordRemoved',
        body: expect.objectContaining({ removedEventType: 'DocumentRecorded' }),
      }),
    ]);
  });

  it('given inline data over the limit, refuses it as too costly, naming the limit and saying to send a URL', () => {
    const large = acuteDischargeSummary();
    large.content[0].attachment.data = Buffer.alloc(MAX_INLINE_DOCUMENT_BYTES + 1, 7).toString('base64');

    const [issue] = issuesOf(large, trust);

    expect(issue).toMatchObject({
      code: 'too-costly',
      location: 'DocumentReference.content[0].attachment.data',
    });
    expect(issue.message).toContain('262144');
    expect(issue.message).toContain('attachment.url');
  });

  it('given inline data of exactly the limit, takes it', () => {
    const largest = acuteDischargeSummary();
    largest.content[0].attachment.data = Buffer.alloc(MAX_INLINE_DOCUMENT_BYTES, 7).toString('base64');

    expect(draftsOf(largest, trust)[0].body).toMatchObject({ size: MAX_INLINE_DOCUMENT_BYTES });
  });

  it('given neither url nor data, or no contentType, or no type, names each', () => {
    const bare = acuteDischargeSummary();
    bare.content = [{ attachment: { title: 'summary' } }];
    delete bare.type;

    expect(issuesOf(bare, trust).map((issue) => [issue.code, issue.location])).toEqual([
      ['required', 'DocumentReference.type'],
      ['required', 'DocumentReference.content[0].attachment.contentType'],
      ['required', 'DocumentReference.content[0].attachment'],
    ]);
  });
});
