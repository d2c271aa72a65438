/**
 * A small, fast, seeded generator (sfc32, seeded through murmur3's finaliser). The region is a pure function of
 * its seed, so nothing here may touch Math.random or the clock.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Any number of 32-bit words: the same words give the same stream on every machine. */
  constructor(...words: readonly number[]) {
    let h = 0x9e3779b9;
    for (const word of words) h = fmix32(h ^ fmix32(word >>> 0)) + 0x6d2b79f5;
    this.a = fmix32(h + 0x243f6a88);
    this.b = fmix32(h + 0x85a308d3);
    this.c = fmix32(h + 0x13198a2e);
    this.d = fmix32(h + 0x03707344);
    // sfc32's first outputs still echo the seed words.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** In [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [0, bound). */
  below(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  /** An integer in [min, max], both ends included. */
  between(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from an empty list');
    return items[this.below(items.length)];
  }

  /** One of the values, each as likely as its weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of choices) total += weight;
    let point = this.next() * total;
    for (const [value, weight] of choices) {
      point -= weight;
      if (point < 0) return value;
    }
    return choices[choices.length - 1][0];
  }

  /** How many events of a Poisson process with this mean happen (Knuth's method; means here are small). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let count = 0;
    let product = this.next();
    while (product > limit) {
      count++;
      product *= this.next();
    }
    return count;
  }
}

/** The seed as 32-bit words: seeds above 2^32 keep their high bits. */
export function seedWords(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / 0x100000000) >>> 0];
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
