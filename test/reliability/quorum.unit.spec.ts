import { parseQuorumView } from './quorum';

describe('parseQuorumView', () => {
  it('reads the leader, its epoch and the voters', () => {
    expect(parseQuorumView('leader 2 epoch 7\nvoter 1 1200\nvoter 2 1201\nvoter 3 1190\n')).toEqual({
      leaderId: 2,
      leaderEpoch: 7,
      voters: [1, 2, 3],
    });
  });

  it('gives no answer while the quorum has no leader (an election under way)', () => {
    expect(parseQuorumView('leader -1 epoch 8\nvoter 1 1200\nvoter 3 1190\n')).toBeUndefined();
  });

  it('gives no answer for output that is not the tool’s', () => {
    expect(parseQuorumView('Exception in thread "main" java.lang.NoClassDefFoundError')).toBeUndefined();
  });
});
