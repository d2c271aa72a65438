import { ingestWhenTheBrokerGoesAway } from './ingest-outage';
import { PrivateBroker } from './private-broker';
import { recordApiWhenTheBrokerGoesAway } from './record-api-outage';

jest.setTimeout(240_000);

/**
 * The services that must refuse rather than lose or leak while the broker is gone, each on a broker of the suites' own
 * (the shared stack's must never go down): one start serves them all, since each suite leaves it running, and the
 * suites run one after the other, so no kill reaches another suite's service.
 */
describe('when the broker goes away', () => {
  let broker: PrivateBroker;

  beforeAll(async () => {
    // Client 22592, controller 32592: below the ephemeral port range.
    broker = await PrivateBroker.start('outage', 22592);
  });

  afterAll(() => broker?.stop());

  ingestWhenTheBrokerGoesAway(() => broker);
  recordApiWhenTheBrokerGoesAway(() => broker);
});
