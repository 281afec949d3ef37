/**
 * The KL registry, as torch.distributions.kl keeps it: closed forms stored per pair of
 * classes, dispatch to the most specific registration along each class's prototype chain
 * (memoised), and a RuntimeWarning when the two orders of specificity disagree. Holds no
 * built-ins: `kl.ts` installs them on first use, and the pairs in `kl-pairs/` import only this.
 *
 * @module
 */

import { ArgumentError, describe } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { warn } from '../warnings.js';
import {
  checkDistribution,
  Distribution,
  type DistributionClass,
  familyOf,
  notImplemented,
} from './distribution.js';

/** A closed-form KL(p || q) for one pair of classes. */
export type KLFunction<
  P extends Distribution = Distribution,
  Q extends Distribution = Distribution,
> = (p: P, q: Q) => Tensor;

/** @internal One registration: KL(p || q) for p of the first class and q of the second. */
export type KLPair = readonly [DistributionClass, DistributionClass, KLFunction];

/** @internal A typed registration row (the pair's classes fix the function's argument types). */
export function klPair<P extends Distribution, Q extends Distribution>(
  typeP: DistributionClass<P>,
  typeQ: DistributionClass<Q>,
  fn: KLFunction<P, Q>,
): KLPair {
  return [typeP, typeQ, fn as KLFunction];
}

const registry = new Map<DistributionClass, Map<DistributionClass, KLFunction>>();
const memo = new Map<DistributionClass, Map<DistributionClass, KLFunction | null>>();

/** @internal Throws registerKL's TypeError unless `cls` is a Distribution class. */
export function checkKLClass(cls: unknown, argument: string): asserts cls is DistributionClass {
  if (
    typeof cls !== 'function' ||
    !(cls.prototype instanceof Distribution || cls === Distribution)
  ) {
    throw new ArgumentError(
      `registerKL: Expected ${argument} to be a Distribution subclass but got ${describe(cls)}.`,
      { code: 'E_OPTION_TYPE', fn: 'registerKL', argument, received: cls, torchType: 'TypeError' },
    );
  }
}

/** @internal Stores (or replaces) `fn` for the pair and clears the dispatch cache. */
export function addKL<P extends Distribution, Q extends Distribution>(
  typeP: DistributionClass<P>,
  typeQ: DistributionClass<Q>,
  fn: KLFunction<P, Q>,
): KLFunction<P, Q> {
  if (typeof fn !== 'function') {
    throw new ArgumentError(
      `registerKL: argument 'fn' must be a function; received ${describe(fn)}.`,
      {
        code: 'E_OPTION_TYPE',
        fn: 'registerKL',
        argument: 'fn',
        received: fn,
        torchType: 'TypeError',
      },
    );
  }
  let row = registry.get(typeP);
  if (row === undefined) {
    row = new Map();
    registry.set(typeP, row);
  }
  row.set(typeQ, fn as KLFunction);
  memo.clear(); // lookup order may have changed
  return fn;
}

/** Distance of `cls` from `ancestor` along the prototype chain, or -1. */
function depth(cls: DistributionClass, ancestor: DistributionClass): number {
  let d = 0;
  for (let c: unknown = cls; typeof c === 'function'; c = Object.getPrototypeOf(c), d++) {
    if (c === ancestor) return d;
  }
  return -1;
}

function dispatch(typeP: DistributionClass, typeQ: DistributionClass): KLFunction | null {
  const matches: [DistributionClass, DistributionClass, number, number][] = [];
  for (const [sp, row] of registry) {
    const dp = depth(typeP, sp);
    if (dp < 0) continue;
    for (const sq of row.keys()) {
      const dq = depth(typeQ, sq);
      if (dq >= 0) matches.push([sp, sq, dp, dq]);
    }
  }
  if (matches.length === 0) return null;
  const left = matches.reduce((a, b) => (b[2] < a[2] || (b[2] === a[2] && b[3] < a[3]) ? b : a));
  const right = matches.reduce((a, b) => (b[3] < a[3] || (b[3] === a[3] && b[2] < a[2]) ? b : a));
  const leftFn = registry.get(left[0])?.get(left[1]) as KLFunction;
  const rightFn = registry.get(right[0])?.get(right[1]) as KLFunction;
  if (leftFn !== rightFn) {
    warn(
      'W_AMBIGUOUS_KL',
      `Ambiguous kl_divergence(${familyOf(typeP)}, ${familyOf(typeQ)}). Please registerKL(${familyOf(left[0])}, ${familyOf(right[1])})`,
      'RuntimeWarning',
    );
  }
  return leftFn;
}

/**
 * @internal KL(p || q) from the registry as it stands (klDivergence without installing the
 * built-ins; the pairs that recurse into a base distribution call this).
 */
export function dispatchKL(p: Distribution, q: Distribution): Tensor {
  checkDistribution(p, 'klDivergence', 'p');
  checkDistribution(q, 'klDivergence', 'q');
  const typeP = p.constructor as DistributionClass;
  const typeQ = q.constructor as DistributionClass;
  let row = memo.get(typeP);
  if (row === undefined) {
    row = new Map();
    memo.set(typeP, row);
  }
  let fn = row.get(typeQ);
  if (fn === undefined) {
    fn = dispatch(typeP, typeQ);
    row.set(typeQ, fn);
  }
  if (fn === null) {
    throw notImplemented(
      'klDivergence',
      `No KL(p || q) is implemented for p type ${familyOf(p)} and q type ${familyOf(q)}.`,
      'p',
    );
  }
  return fn(p, q);
}

/** @internal Every registered pair of class names, sorted. */
export function listKLPairs(): [string, string][] {
  const out: [string, string][] = [];
  for (const [p, row] of registry) for (const q of row.keys()) out.push([familyOf(p), familyOf(q)]);
  return out.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
}
