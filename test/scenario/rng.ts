// Seeded randomness for the scenario generator: xorshift32 (Marsaglia), as gen-pcap.mjs uses.
// Every behaviour draws from its own stream, forked by name from the scenario seed, so adding or
// changing one behaviour does not shift the random draws of the others.

/** FNV-1a of a string, for naming streams. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A 32-bit finaliser (murmur3's), so nearby seeds give unrelated streams. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  private s: number;

  constructor(readonly seed: number) {
    this.s = mix(seed >>> 0) || 0x9e3779b9; // xorshift's state must not be 0
  }

  /** An independent stream named `name`, derived from this stream's seed (not its position). */
  fork(name: string): Rng {
    return new Rng(mix((this.seed ^ fnv1a(name)) >>> 0) ^ 0x5bd1e995);
  }

  /** A uniform u32. */
  u32(): number {
    let x = this.s;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform in [a, b). */
  range(a: number, b: number): number {
    return a + this.next() * (b - a);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }

  /** Exponential with this mean. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Log-normal around `median`, spread `sigma` (of the underlying normal). */
  logNormal(median: number, sigma: number): number {
    const u = 1 - this.next(), v = this.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(sigma * z);
  }

  /** n bytes. */
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const x = this.u32();
      b[i] = x & 0xff;
      if (i + 1 < n) b[i + 1] = (x >>> 8) & 0xff;
      if (i + 2 < n) b[i + 2] = (x >>> 16) & 0xff;
      if (i + 3 < n) b[i + 3] = x >>> 24;
    }
    return b;
  }
}
