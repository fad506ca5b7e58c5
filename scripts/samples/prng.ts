/**
 * Seeded pseudo-random numbers, so that every generated report is byte-for-byte reproducible.
 * Never use Math.random() in the sample generators.
 */

/** FNV-1a, 32 bit: turns a label into a seed. */
export function hashSeed(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const HEX = "0123456789abcdef";
const ALNUM_LOWER = "bcdfghjklmnpqrstvwxz2456789";

/** mulberry32: small, fast, good enough for test data. */
export class Rng {
  #state: number;

  constructor(seed: number | string) {
    this.#state = (typeof seed === "string" ? hashSeed(seed) : seed) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: [[item, weight], …]. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1][0];
  }

  hex(length: number): string {
    let s = "";
    for (let i = 0; i < length; i++) s += HEX[Math.floor(this.next() * 16)];
    return s;
  }

  /** Kubernetes-style random suffix ("7bf8546cfb", "j2rtr"): consonants and digits without vowels. */
  kubeSuffix(length: number): string {
    let s = "";
    for (let i = 0; i < length; i++) s += ALNUM_LOWER[Math.floor(this.next() * ALNUM_LOWER.length)];
    return s;
  }

  uuid(): string {
    const h = this.hex(32);
    const variant = HEX[8 + Math.floor(this.next() * 4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** A uint64 as a decimal string (dqlite node ids do not fit a JS number). */
  uint64(): string {
    const hi = BigInt(Math.floor(this.next() * 4294967296));
    const lo = BigInt(Math.floor(this.next() * 4294967296));
    return ((hi << 32n) | lo).toString();
  }

  /** Exponentially distributed gap with the given mean (for event spacing). */
  expo(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** A new generator derived from this one's seed and a label; does not advance this one. */
  fork(label: string): Rng {
    return new Rng((this.#state ^ hashSeed(label)) >>> 0);
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}
