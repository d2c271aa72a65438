import { CrosscareError } from './crosscare-error';

class PartsMissingError extends CrosscareError {
  constructor(readonly parts: readonly string[]) {
    super(`missing ${parts.join(', ')}`, { retriable: false });
  }
}

describe('CrosscareError', () => {
  it('is an Error with its message and retriable flag, named after its class', () => {
    const error = new PartsMissingError(['head', 'items']);

    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(CrosscareError);
    expect(error.name).toBe('PartsMissingError');
    expect(error.message).toBe('missing head, items');
    expect(error.retriable).toBe(false);
    expect(error.parts).toEqual(['head', 'items']);
    expect(new CrosscareError('broker gone', { retriable: true }).retriable).toBe(true);
  });

  it('keeps a cause as ES2022 Error.cause, and sets none when there is none', () => {
    const refusal = new Error('connection refused');

    expect(new CrosscareError('unavailable', { retriable: true, cause: refusal }).cause).toBe(refusal);
    expect('cause' in new CrosscareError('unavailable', { retriable: true })).toBe(false);
  });

  it('lets a subclass keep the name it sets itself', () => {
    class Renamed extends CrosscareError {
      constructor() {
        super('x', { retriable: false });
        this.name = 'SomethingElse';
      }
    }

    expect(new Renamed().name).toBe('SomethingElse');
  });
});
