import { newClusterId } from './kafka-cluster';

describe('newClusterId', () => {
  it('is 22 characters of URL-safe base64, as kafka-storage expects', () => {
    expect(newClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });

  it('draws again when the id would start with "-", which kafka-storage reads as an option', () => {
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const random = jest.fn(() => draws.shift()!);
    const id = newClusterId(random);
    expect(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-')).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
    expect(random).toHaveBeenCalledTimes(2);
  });
});
