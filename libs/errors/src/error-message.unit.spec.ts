import { errorMessage, errorStack } from './error-message';

describe('errorMessage', () => {
  it("gives an Error's message, without its name", () => {
    expect(errorMessage(new TypeError('x is undefined'))).toBe('x is undefined');
  });

  it.each([
    ['a string', 'boom', 'boom'],
    ['a number', 42, '42'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['an object', { code: 'E' }, '[object Object]'],
  ])('gives %s thrown as text', (_what, thrown, text) => {
    expect(errorMessage(thrown)).toBe(text);
  });
});

describe('errorStack', () => {
  it("gives an Error's stack, which starts with its name and message", () => {
    const error = new Error('disk full');

    expect(errorStack(error)).toBe(error.stack);
    expect(errorStack(error)).toMatch(/^Error: disk full\n/);
  });

  it('falls back to the message when an Error has no stack, and to text for what is not an Error', () => {
    const error = new Error('no trace');
    error.stack = undefined;

    expect(errorStack(error)).toBe('no trace');
    expect(errorStack('boom')).toBe('boom');
  });
});
