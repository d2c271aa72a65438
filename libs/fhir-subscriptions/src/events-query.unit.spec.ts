import { eventsRange, MAX_EVENTS_PER_CALL, parseEventsQuery } from './events-query';

describe('parseEventsQuery', () => {
  it('given no parameters, asks for the latest events in the subscription’s content', () => {
    expect(parseEventsQuery({})).toEqual({ ok: true, value: { maxEvents: MAX_EVENTS_PER_CALL } });
  });

  it('given a range and a content, reads them; ignores parameters the operation does not define', () => {
    expect(
      parseEventsQuery({
        eventsSinceNumber: '5',
        eventsUntilNumber: '9',
        content: 'full-resource',
        _format: 'json',
      }),
    ).toEqual({
      ok: true,
      value: {
        eventsSinceNumber: 5,
        eventsUntilNumber: 9,
        content: 'full-resource',
        maxEvents: MAX_EVENTS_PER_CALL,
      },
    });
  });

  it.each(['0', '-1', '1.5', 'ten', '00', '99999999999999999'])(
    'given eventsSinceNumber %s, refuses it',
    (value) => {
      expect(parseEventsQuery({ eventsSinceNumber: value })).toEqual({
        ok: false,
        issues: [
          {
            severity: 'error',
            code: 'value',
            expression: 'eventsSinceNumber',
            diagnostics: 'eventsSinceNumber must be a whole number from 1',
          },
        ],
      });
    },
  );

  it('given since after until, refuses the range', () => {
    const parsed = parseEventsQuery({ eventsSinceNumber: '9', eventsUntilNumber: '5' });
    expect(parsed.ok ? [] : parsed.issues.map((found) => found.diagnostics)).toEqual([
      'eventsSinceNumber (9) is after eventsUntilNumber (5)',
    ]);
  });

  it('given a range wider than one call answers, refuses it; exactly as wide, accepts it', () => {
    expect(
      parseEventsQuery({ eventsSinceNumber: '1', eventsUntilNumber: String(MAX_EVENTS_PER_CALL + 1) }).ok,
    ).toBe(false);
    expect(
      parseEventsQuery({ eventsSinceNumber: '1', eventsUntilNumber: String(MAX_EVENTS_PER_CALL) }).ok,
    ).toBe(true);
  });

  it('given an unknown content, refuses it', () => {
    const parsed = parseEventsQuery({ content: 'everything' });
    expect(parsed.ok ? undefined : parsed.issues[0]).toMatchObject({ code: 'value', expression: 'content' });
  });
});

describe('eventsRange', () => {
  const query = (fields: object) => ({ maxEvents: 10, ...fields });

  it('given no range, is the latest maxEvents events', () => {
    expect(eventsRange(query({}), 25)).toEqual({ since: 16, until: 25 });
    expect(eventsRange(query({}), 4)).toEqual({ since: 1, until: 4 });
  });

  it('given one end, is at most maxEvents from it', () => {
    expect(eventsRange(query({ eventsSinceNumber: 3 }), 25)).toEqual({ since: 3, until: 12 });
    expect(eventsRange(query({ eventsUntilNumber: 12 }), 25)).toEqual({ since: 3, until: 12 });
  });

  it('given a range past the latest event, is cut to it; wholly past it, is nothing', () => {
    expect(eventsRange(query({ eventsSinceNumber: 20, eventsUntilNumber: 29 }), 25)).toEqual({
      since: 20,
      until: 25,
    });
    expect(eventsRange(query({ eventsSinceNumber: 26 }), 25)).toBeUndefined();
    expect(eventsRange(query({}), 0)).toBeUndefined();
  });
});
