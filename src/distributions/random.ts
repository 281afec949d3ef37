/**
 * A seedable pseudo-random generator and the samplers the distributions draw with.
 *
 * The uniform stream is xoshiro128** on 32-bit integer arithmetic (`Math.imul`, shifts), so a
 * seed gives the same bits on every JavaScript engine and platform. Continuous samplers then
 * apply `Math.log` / `Math.exp` / `Math.sqrt`; see docs/decisions.md for what that means for
 * cross-engine reproducibility.
 *
 * @module
 */

import { ArgumentError, describe } from '../errors.js';
import { lgamma } from './special.js';

function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

/**
 * A seedable random generator (xoshiro128**), the counterpart of `torch.Generator`: pass one as
 * `{ rng }` to `sample` and `klDivergenceMonteCarlo` to make draws reproducible.
 *
 * @example
 * ```ts
 * import { RandomGenerator } from 'kldiv/distributions';
 * const a = new RandomGenerator(42);
 * const b = new RandomGenerator(42);
 * console.log(a.random() === b.random(), a.random() < 1); // true true
 * ```
 */
export class RandomGenerator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare = Number.NaN;

  /** `seed`: any safe integer (default 0). */
  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Re-seeds in place (torch's `manual_seed`) and returns the generator. */
  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed)) {
      throw new ArgumentError(
        `RandomGenerator: argument 'seed' must be a safe integer; received ${describe(seed)}.`,
        { code: 'E_OPTION_TYPE', fn: 'RandomGenerator', argument: 'seed', received: seed },
      );
    }
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    let st = lo ^ Math.imul(hi, 0x27d4eb2d);
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
      let v: number;
      [st, v] = splitmix32(st);
      out.push(v);
    }
    [this.s0, this.s1, this.s2, this.s3] = out;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = Number.NaN;
    return this;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A uniform double in (0, 1]: safe to take the log of. */
  randomOpen(): number {
    return 1 - this.random();
  }

  /** A standard normal draw (Marsaglia's polar method). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = Number.NaN;
      return s;
    }
    for (;;) {
      const u = 2 * this.random() - 1;
      const v = 2 * this.random() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const m = Math.sqrt((-2 * Math.log(s)) / s);
      this.spare = v * m;
      return u * m;
    }
  }
}

let defaultGenerator = new RandomGenerator(0);

/**
 * Re-seeds the generator used when no `{ rng }` is passed (torch's `torch.manual_seed`). The
 * default generator starts from seed 0, so unseeded programs are reproducible too.
 *
 * @example
 * ```ts
 * import { Normal, manualSeed } from 'kldiv/distributions';
 * manualSeed(7);
 * const a = new Normal({ loc: 0, scale: 1 }).sample([2]).data;
 * manualSeed(7);
 * const b = new Normal({ loc: 0, scale: 1 }).sample([2]).data;
 * console.log(a[0] === b[0] && a[1] === b[1]); // true
 * ```
 */
export function manualSeed(seed: number): RandomGenerator {
  defaultGenerator = new RandomGenerator(seed);
  return defaultGenerator;
}

/** @internal The generator to use: the given one or the default. */
export function generatorOf(rng: unknown, fn: string): RandomGenerator {
  if (rng === undefined) return defaultGenerator;
  if (rng instanceof RandomGenerator) return rng;
  throw new ArgumentError(
    `${fn}: option 'rng' must be a RandomGenerator; received ${describe(rng)}.`,
    { code: 'E_OPTION_TYPE', fn, argument: 'rng', received: rng, torchType: 'TypeError' },
  );
}

/** @internal Gamma(a, 1) (Marsaglia-Tsang; a < 1 boosted by U^(1/a)). */
export function standardGamma(rng: RandomGenerator, a: number): number {
  if (!(a > 0)) return Number.NaN;
  if (a < 1) {
    const boost = rng.randomOpen() ** (1 / a);
    return standardGamma(rng, a + 1) * boost;
  }
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.randomOpen();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** @internal Poisson(lam): multiplication below 10, Hoermann's PTRS above. */
export function poisson(rng: RandomGenerator, lam: number): number {
  if (!(lam >= 0)) return Number.NaN;
  if (lam === 0) return 0;
  if (lam < 10) {
    const limit = Math.exp(-lam);
    let k = 0;
    let prod = rng.random();
    while (prod > limit) {
      k++;
      prod *= rng.random();
    }
    return k;
  }
  const slam = Math.sqrt(lam);
  const loglam = Math.log(lam);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.random() - 0.5;
    const v = rng.random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
      -lam + k * loglam - lgamma(k + 1)
    )
      return k;
  }
}

/**
 * @internal Binomial(n, p): exact. Large n splits on a Beta-distributed order statistic
 * (Knuth's recursion) until n is small, then counts geometric waiting times.
 */
export function binomial(rng: RandomGenerator, n: number, p: number): number {
  if (!(p >= 0 && p <= 1) || !(n >= 0)) return Number.NaN;
  let k = 0;
  while (n > 64) {
    const i = Math.floor((n + 1) / 2);
    const x = standardGamma(rng, i);
    const beta = x / (x + standardGamma(rng, n + 1 - i));
    if (beta >= p) {
      n = i - 1;
      p /= beta;
    } else {
      k += i;
      n -= i;
      p = (p - beta) / (1 - beta);
    }
  }
  if (p === 0 || n === 0) return k;
  if (p === 1) return k + n;
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  const logq = Math.log1p(-q);
  let count = 0;
  let pos = 0;
  for (;;) {
    pos += Math.floor(Math.log(rng.randomOpen()) / logq) + 1;
    if (pos > n) break;
    count++;
  }
  return k + (flip ? n - count : count);
}
