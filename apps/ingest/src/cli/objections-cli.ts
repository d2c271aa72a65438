import { configOrExit } from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { createRecordChangeSerde, epochDay, MILLIS_PER_DAY, SchemaRegistryClient } from '@crosscare/events';
import { createKafka } from '@crosscare/kafka';
import { parseArgs } from 'node:util';
import { loadIngestConfig } from '../ingest-config';
import { ingestOutboxRelay, loadDirectoryOf, optOutOutlet } from '../ingest-services';
import {
  icbObjectionPolicy,
  icbSenderOf,
  igObjectionProblem,
  publishIgObjection,
  type IcbSender,
  type IgObjectionRequest,
} from '../intake/ig-objection-intake';
import { RecordChangeIntake } from '../intake/record-change-intake';
import { openIngestDatabase } from '../storage/data-source';
import { IngestOutbox } from '../storage/ingest-outbox';
import { SharedRecordLedger } from '../storage/shared-record-ledger';

const USAGE = `usage: npm run objections -- record|withdraw --nhs-number <n> --ics <ICB code> --reference <IG case ref>
                                [--stated-on YYYY-MM-DD]
  record    the patient objects to their record being shared beyond the organisation that holds it
  withdraw  the patient withdraws the objection this ICB recorded
  --ics        the ICB whose IG team took the request (QHL, QWU, QGH, QOC, QUA or QNC); it publishes as the ICB
  --reference  the IG case reference (never a person's name)
  --stated-on  the day the patient stated it; today (UTC) by default`;

/**
 * A collaborative's IG team records a patient's objection to sharing (or its withdrawal) as the ICS's ICB, through
 * ingest's own intake against the same database and topics ingest uses. Progress on stderr; the event id on stdout.
 */
async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'nhs-number': { type: 'string' },
      ics: { type: 'string' },
      reference: { type: 'string' },
      'stated-on': { type: 'string' },
    },
  });
  const action = positionals[0];
  if (
    (action !== 'record' && action !== 'withdraw') ||
    !values['nhs-number'] ||
    !values.ics ||
    !values.reference
  ) {
    console.error(USAGE);
    return 64;
  }
  const statedOn = values['stated-on'] === undefined ? today() : isoDay(values['stated-on']);
  if (statedOn === undefined) {
    console.error(`--stated-on must be a date, YYYY-MM-DD (got ${values['stated-on']})`);
    return 64;
  }
  const request: IgObjectionRequest = {
    action,
    nhsNumber: values['nhs-number'].replace(/\s/g, ''),
    reference: values.reference,
    statedOn,
  };
  const problem = igObjectionProblem(request, today());
  if (problem) {
    console.error(problem);
    return 64;
  }

  const config = configOrExit('objections', () => loadIngestConfig());
  const ics = loadDirectoryOf(config).ics(values.ics.toUpperCase());
  if (!ics) {
    console.error(
      `--ics must be an ICB code of the directory: QHL, QWU, QGH, QOC, QUA or QNC (got ${values.ics})`,
    );
    return 64;
  }
  const icb = icbSenderOf(ics);
  console.error(
    `${action === 'record' ? 'recording' : 'withdrawing'} the objection of ${request.nhsNumber} as ${icb.odsCode} (${ics.name}, ${icb.collaborative})`,
  );

  const db = await openIngestDatabase(config.database, config.databaseSchema);
  const kafka = createKafka(config.kafka, { defaultClientId: 'crosscare-ingest-objections' });
  // The deployment's relay: while ingest runs, it holds the relay lock and publishes what this accepts; otherwise
  // this command publishes it itself before it exits.
  const relay = ingestOutboxRelay(config, db, kafka);
  try {
    const ledger = new SharedRecordLedger();
    const registry = new SchemaRegistryClient(config.schemaRegistry);
    const intake = new RecordChangeIntake<IcbSender>(
      db,
      ledger,
      createRecordChangeSerde(registry),
      new IngestOutbox(),
      { refusal: () => Promise.resolve(undefined), accepted: () => undefined },
      icbObjectionPolicy,
      // An ICB publishes no opt-out (its policy refuses them); the outlet is there because the intake takes one.
      optOutOutlet(kafka, registry, config.topicPrefix),
      {
        topicPrefix: config.topicPrefix,
        retryAfterSeconds: config.retryAfterSeconds,
        maxEventBytes: config.limits.maxEventBytes,
      },
    );
    const { sourceRecordId, event } = await publishIgObjection({ db, ledger, intake }, icb, request);
    const what = `SharingObjectionRecorded ${sourceRecordId} version ${event.sourceRecordVersion} on ${event.topic}`;
    if (event.outcome === 'duplicate') console.error(`already accepted: ${what}`);
    else if (await relay.publishAccepted(PUBLISH_WAIT_MS)) console.error(`published ${what}`);
    else {
      console.error(
        `accepted ${what}, not yet published after ${PUBLISH_WAIT_MS / 1000} s (is Kafka reachable?): it is kept ` +
          "in ingest's outbox and published by the next ingest relay",
      );
      console.log(event.eventId);
      return 75;
    }
    console.log(event.eventId);
    return 0;
  } finally {
    await relay.stop(0);
    await db.destroy();
  }
}

/** How long the command waits for its objection to be published before it exits, leaving it to ingest's relay. */
const PUBLISH_WAIT_MS = 60_000;

function today(): number {
  return Math.floor(Date.now() / MILLIS_PER_DAY);
}

function isoDay(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? epochDay(Number(match[1]), Number(match[2]), Number(match[3])) : undefined;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`objections failed: ${errorMessage(error)}`);
    process.exit(1);
  },
);
