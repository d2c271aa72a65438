import { at, draftsOf } from '../expect-mapping.spec';
import { gpReferral } from '../fixtures';

describe('ServiceRequest', () => {
  it('given an urgent e-RS referral to cardiology, yields ReferralMade with recipient and UBRN', () => {
    expect(draftsOf(gpReferral())).toEqual([
      {
        type: 'ReferralMade',
        source: {
          nhsNumber: '9990000018',
          sourceRecordId: 'ServiceRequest/e41b7c9d-6a2f-4e8b-b3d0-5f9c1a7e2d64',
          sourceRecordVersion: 1,
          operation: 'CREATE',
          occurredAt: at('2024-02-28T12:15:00Z'),
        },
        body: {
          service: {
            system: 'http://snomed.info/sct',
            code: '183519002',
            display: 'Referral to cardiology service',
          },
          recipientOdsCode: 'RRK',
          priority: 'URGENT',
          status: 'ACTIVE',
          reason: { system: 'http://snomed.info/sct', code: '49436004', display: 'Atrial fibrillation' },
          ubrn: '000049731234',
        },
      },
    ]);
  });

  it.each([
    ['routine', 'ROUTINE'],
    ['asap', 'TWO_WEEK_WAIT'],
    ['stat', 'EMERGENCY'],
  ] as const)('given priority %s, maps it to %s', (priority, expected) => {
    const [referral] = draftsOf({ ...gpReferral(), priority });

    expect(referral.body).toMatchObject({ priority: expected });
  });

  it('given a draft referral sent to an e-RS service pool, has status UNKNOWN and no recipient', () => {
    const request = gpReferral();
    request.status = 'draft';
    delete request.performer;

    const [referral] = draftsOf(request);

    expect(referral.body).toMatchObject({ status: 'UNKNOWN', recipientOdsCode: null });
  });
});
