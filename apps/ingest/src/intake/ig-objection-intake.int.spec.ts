import { epochDay } from '@crosscare/events';
import type { Ics } from '@crosscare/governance';
import { startIngest, type IngestUnderTest } from '../testing/ingest-under-test';
import { IngestOutbox } from '../storage/ingest-outbox';
import { SharedRecordLedger } from '../storage/shared-record-ledger';
import { icbObjectionPolicy, icbSenderOf, publishIgObjection, type IcbSender } from './ig-objection-intake';
import { RecordChangeIntake } from './record-change-intake';

/** npm run objections' core: an ICB's IG team publishes through ingest's intake, ledger and broker (all real). */
describe('IG objections (real broker, registry and Postgres)', () => {
  let ingest: IngestUnderTest;
  let deps: Parameters<typeof publishIgObjection>[0];
  let qhl: IcbSender;

  beforeAll(async () => {
    ingest = await startIngest('objections');
    const { services } = ingest;
    const ledger = new SharedRecordLedger();
    deps = {
      db: services.db,
      ledger,
      intake: new RecordChangeIntake<IcbSender>(
        services.db,
        ledger,
        ingest.serde,
        new IngestOutbox(),
        { refusal: () => Promise.resolve(undefined), accepted: () => services.relay.notify() },
        icbObjectionPolicy,
        services.optOuts,
        {
          topicPrefix: services.config.topicPrefix,
          retryAfterSeconds: 1,
          maxEventBytes: services.config.limits.maxEventBytes,
        },
      ),
    };
    qhl = icbSenderOf(services.directory.ics('QHL') as Ics);
  });
  afterAll(() => ingest?.close());

  it('given a record then a withdraw, publishes versions 1 and 2 of one record on the ICS topic, as the ICB', async () => {
    const nhsNumber = '9990000042';
    const statedOn = epochDay(2025, 3, 1)!;

    const recorded = await publishIgObjection(deps, qhl, {
      action: 'record',
      nhsNumber,
      reference: 'IG-2025-0042',
      statedOn,
    });
    const withdrawn = await publishIgObjection(deps, qhl, {
      action: 'withdraw',
      nhsNumber,
      reference: 'IG-2025-0042',
      statedOn: statedOn + 40,
    });

    expect([recorded.event, withdrawn.event]).toMatchObject([
      { outcome: 'accepted', sourceRecordVersion: 1, topic: ingest.topic('QHL') },
      { outcome: 'accepted', sourceRecordVersion: 2, topic: ingest.topic('QHL') },
    ]);
    const consumed = (await ingest.events(ingest.topic('QHL'), 2)).filter(
      (e) => e.event.header.sourceRecordId === `ig-objection-${nhsNumber}`,
    );
    expect(consumed.map(({ key, event }) => ({ key, event }))).toEqual([
      {
        key: nhsNumber,
        event: expect.objectContaining({
          header: expect.objectContaining({
            eventId: recorded.event.eventId,
            eventType: 'SharingObjectionRecorded',
            providerOdsCode: 'QHL',
            ics: 'QHL',
            collaborative: 'CCR',
            nhsNumber,
            sourceRecordVersion: 1,
            operation: 'CREATE',
          }),
          status: 'ACTIVE',
          code: null,
          recordedBy: 'IG-2025-0042',
          statedOn,
        }),
      },
      {
        key: nhsNumber,
        event: expect.objectContaining({
          header: expect.objectContaining({
            eventId: withdrawn.event.eventId,
            sourceRecordVersion: 2,
            operation: 'UPDATE',
          }),
          status: 'WITHDRAWN',
          statedOn: statedOn + 40,
        }),
      },
    ]);
  });

  it('given a withdraw for a patient this ICB recorded no objection for, refuses it and publishes nothing', async () => {
    await expect(
      publishIgObjection(deps, qhl, {
        action: 'withdraw',
        nhsNumber: '9990000034',
        reference: 'IG-2025-0043',
        statedOn: epochDay(2025, 3, 1)!,
      }),
    ).rejects.toThrow('QHL has recorded no objection for 9990000034: there is nothing to withdraw');
  });

  it('given anything but an objection, the ICB sender is refused by its own policy (403): it is no provider', async () => {
    await expect(
      deps.intake.submit(
        qhl,
        [
          {
            location: 'test',
            drafts: [
              {
                type: 'PatientDied',
                source: {
                  nhsNumber: '9990000018',
                  sourceRecordId: 'death-1',
                  sourceRecordVersion: 1,
                  operation: 'CREATE',
                  occurredAt: Date.now(),
                },
                body: {
                  dateOfDeath: 20_000,
                  timeOfDeath: null,
                  notificationStatus: 'INFORMAL',
                  placeOfDeath: null,
                },
              },
            ],
          },
        ],
        'ig-test',
      ),
    ).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining(
        "QHL's information governance team may publish only SharingObjectionRecorded",
      ),
    });
  });
});
