import { RefusalWatch } from './refusal-watch';

describe('RefusalWatch', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('raises one alert when refusals reach the threshold within the window', () => {
    const watch = new RefusalWatch({ refusals: 3, windowMs: 60_000 }, clock);
    expect(watch.refused('u')).toBeNull();
    expect(watch.refused('u')).toBeNull();
    expect(watch.refused('u')).toEqual({ key: 'u', refusals: 3, windowMs: 60_000 });
    expect(watch.refused('u')).toBeNull();
    expect(watch.refused('other')).toBeNull();
  });

  it('does not count refusals that fell out of the window', () => {
    const watch = new RefusalWatch({ refusals: 2, windowMs: 1000 }, clock);
    watch.refused('u');
    now += 1001;
    expect(watch.refused('u')).toBeNull();
  });

  it('alerts again for a caller who keeps going after a window', () => {
    const watch = new RefusalWatch({ refusals: 2, windowMs: 1000 }, clock);
    watch.refused('u');
    expect(watch.refused('u')).not.toBeNull();
    now += 500;
    expect(watch.refused('u')).toBeNull();
    now += 600;
    expect(watch.refused('u')).not.toBeNull();
  });
});
