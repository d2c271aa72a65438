import { progressBar } from './progress-bar';

/** A progress bar with its output captured and a clock the test moves. */
function barUnderTest(total: number, isTty: boolean) {
  const output: string[] = [];
  let clock = 1_000_000;
  const sut = progressBar('loading', total, {
    write: (s) => output.push(s),
    isTty,
    now: () => clock,
    width: 10,
  });
  return {
    sut,
    output,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('progressBar on a terminal', () => {
  it('redraws one line in place with the bar, percent, counts, rate and ETA', () => {
    const { sut, output, advance } = barUnderTest(1000, true);
    advance(2000);
    sut.update(250, 'QHL');
    expect(output).toEqual(['\rloading [###-------] 25% 250/1,000 125/s ETA 0:06 QHL\x1b[K']);
  });

  it('draws at most ten times a second, but always the last item', () => {
    const { sut, output, advance } = barUnderTest(100, true);
    for (let done = 1; done <= 100; done++) {
      advance(10);
      sut.update(done);
    }
    // 100 updates over one second: one every 100 ms, plus the final one.
    expect(output.length).toBeLessThanOrEqual(11);
    expect(output.at(-1)).toContain('100% 100/100');
  });

  it('ends with a summary line that clears the bar', () => {
    const { sut, output, advance } = barUnderTest(10, true);
    advance(4000);
    sut.update(10);
    sut.done('6 topics');
    expect(output.at(-1)).toBe('\r\x1b[Kloading: 10 in 4.0s (3/s), 6 topics\n');
  });
});

describe('progressBar in a log', () => {
  it('writes a plain line at each tenth of the work, never redrawing', () => {
    const { sut, output, advance } = barUnderTest(1000, false);
    for (let done = 0; done <= 1000; done += 10) {
      advance(10);
      sut.update(done);
    }
    expect(output).toHaveLength(11);
    expect(output.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(output[5]).toMatch(/^loading: 50% 500\/1,000 /);
  });

  it('writes a line every 5 seconds when a tenth takes longer', () => {
    const { sut, output, advance } = barUnderTest(1000, false);
    sut.update(0);
    advance(4000);
    sut.update(10);
    advance(1500);
    sut.update(20);
    expect(output.map((line) => line.split(' ')[1])).toEqual(['0%', '2%']);
  });

  it('shows no ETA before anything is done, then minutes, or hours for a long job', () => {
    const quick = barUnderTest(100_000, false);
    quick.sut.update(0);
    quick.advance(60_000);
    quick.sut.update(10_000);
    expect(quick.output[0]).toContain('ETA --:--');
    // 10,000 a minute: the other 90,000 take nine minutes.
    expect(quick.output[1]).toContain('ETA 9:00');

    const slow = barUnderTest(100_000, false);
    slow.advance(60_000);
    slow.sut.update(1_000);
    // 1,000 a minute: the other 99,000 take 99 minutes.
    expect(slow.output[0]).toContain('ETA 1:39:00');
  });
});
