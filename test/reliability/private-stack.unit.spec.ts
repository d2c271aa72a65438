import { CONTROLLER_PORT_OFFSET } from '@crosscare/local-stack';
import { EPHEMERAL_PORTS_START, kafkaBasePortCandidates } from './private-stack';

describe("the private cluster's base ports", () => {
  const candidates = kafkaBasePortCandidates(3);

  it('derive client and controller ports that all stay below the ephemeral range', () => {
    expect(candidates.length).toBeGreaterThan(50);
    for (const { base, ports } of candidates) {
      expect(ports).toHaveLength(6);
      expect(ports).toContain(base + 2 + CONTROLLER_PORT_OFFSET);
      expect(Math.max(...ports)).toBeLessThan(EPHEMERAL_PORTS_START);
    }
  });

  it('start clear of the development stack (9092 and its controllers 19092)', () => {
    expect(candidates[0].ports).toEqual([13_092, 23_092, 13_093, 23_093, 13_094, 23_094]);
  });
});
