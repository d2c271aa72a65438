import { databaseUrlFromEnvironment, eventually, uniqueName } from '@crosscare/testing';
import { DataSource } from 'typeorm';
import { RelayLoop } from './relay-loop';

/**
 * The relay loop on real Postgres advisory locks: one of two instances relays, a failed round gives the lock to the
 * other, notify cuts the wait short, and stop drains what is left before letting go.
 */
describe('RelayLoop (real Postgres)', () => {
  const sources: DataSource[] = [];
  const loops: RelayLoop[] = [];
  const quiet = { log: () => undefined, warn: () => undefined };

  async function dataSource(): Promise<DataSource> {
    const db = new DataSource({ type: 'postgres', url: databaseUrlFromEnvironment(), extra: { max: 2 } });
    await db.initialize();
    sources.push(db);
    return db;
  }

  /** An outbox of `pending` messages that each round empties by up to `perRound`, counting the rounds it ran. */
  function outbox(pending: number, perRound = 1) {
    const state = { pending, rounds: 0, fail: false };
    const round = () => {
      state.rounds += 1;
      if (state.fail) return Promise.reject(new Error('broker unavailable'));
      const sent = Math.min(perRound, state.pending);
      state.pending -= sent;
      return Promise.resolve(sent);
    };
    return { state, round };
  }

  async function loop(lock: string, round: () => Promise<number>, intervalMs = 60_000): Promise<RelayLoop> {
    const relay = new RelayLoop(await dataSource(), round, {
      leaderLockName: lock,
      intervalMs,
      what: 'a test outbox',
      log: quiet,
    });
    loops.push(relay);
    return relay;
  }

  afterAll(async () => {
    for (const relay of loops) await relay.stop(0).catch(() => undefined);
    for (const db of sources) await db.destroy();
  });

  it('lets one instance of two relay, and the other take over when its round fails', async () => {
    const lock = uniqueName('relay-lock');
    const a = outbox(0);
    const b = outbox(0);
    const first = await loop(lock, a.round, 50);
    first.start();
    await eventually('the first instance leads', () => (first.isLeader ? true : undefined));
    const second = await loop(lock, b.round, 50);
    second.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(second.isLeader).toBe(false);
    expect(b.state.rounds).toBe(0);

    a.state.fail = true;
    await eventually('the second instance leads after the first failed', () =>
      second.isLeader && b.state.rounds > 0 ? true : undefined,
    );
    await first.stop(0);
    await second.stop(0);
  });

  it('relays at once when notified, not an interval later, and drains at stop', async () => {
    const o = outbox(0);
    const relay = await loop(uniqueName('relay-lock'), o.round);
    relay.start();
    await eventually('it leads', () => (relay.isLeader && o.state.rounds > 0 ? true : undefined));
    o.state.pending = 3;
    relay.notify();
    // The interval is a minute: only notify can have woken it.
    await eventually('the notified round ran', () => (o.state.pending < 3 ? true : undefined));

    o.state.pending = 5;
    await relay.stop(10_000);
    expect(o.state.pending).toBe(0);
    expect(relay.isLeader).toBe(false);
  });
});
