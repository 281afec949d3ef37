/**
 * `klDivergence(p, q)` and its registry, as torch.distributions.kl: closed forms registered per
 * pair of classes, dispatch to the most specific registration along each class's prototype
 * chain, a RuntimeWarning when the two orders of specificity disagree.
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
import { registerBuiltinKL } from './kl-pairs.js';

/** A closed-form KL(p || q) for one pair of classes. */
export type KLFunction<
  P extends Distribution = Distribution,
  Q extends Distribution = Distribution,
> = (p: P, q: Q) => Tensor;

const registry = new Map<DistributionClass, Map<DistributionClass, KLFunction>>();
const memo = new Map<DistributionClass, Map<DistributionClass, KLFunction | null>>();
let builtins = false;

/** The built-in pairs go in before anything else reads or writes the registry. */
function ensureBuiltins(): void {
  if (builtins) return;
  builtins = true;
  registerBuiltinKL();
}

function checkClass(cls: unknown, argument: string): asserts cls is DistributionClass {
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

/**
 * Registers (or replaces) the closed form for KL(p || q) with `p` an instance of `P` and `q` of
 * `Q` (torch's `register_kl`). Called with a function it registers it and returns it; called
 * without, it returns a decorator-like registrar, as PyTorch's `@register_kl(P, Q)`.
 *
 * @example
 * ```ts
 * import { tensor } from 'kldiv';
 * import { Normal, klDivergence, registerKL } from 'kldiv/distributions';
 * class Wide extends Normal {}
 * registerKL(Wide, Normal, () => tensor(42));
 * const w = new Wide({ loc: 0, scale: 1 });
 * console.log(klDivergence(w, new Normal({ loc: 0, scale: 1 })).item()); // 42
 * ```
 */
export function registerKL<P extends Distribution, Q extends Distribution>(
  typeP: DistributionClass<P>,
  typeQ: DistributionClass<Q>,
  fn: KLFunction<P, Q>,
): KLFunction<P, Q>;
export function registerKL<P extends Distribution, Q extends Distribution>(
  typeP: DistributionClass<P>,
  typeQ: DistributionClass<Q>,
): (fn: KLFunction<P, Q>) => KLFunction<P, Q>;
export function registerKL<P extends Distribution, Q extends Distribution>(
  typeP: DistributionClass<P>,
  typeQ: DistributionClass<Q>,
  fn?: KLFunction<P, Q>,
): KLFunction<P, Q> | ((fn: KLFunction<P, Q>) => KLFunction<P, Q>) {
  ensureBuiltins();
  checkClass(typeP, 'typeP');
  checkClass(typeQ, 'typeQ');
  const register = (f: KLFunction<P, Q>) => {
    if (typeof f !== 'function') {
      throw new ArgumentError(
        `registerKL: argument 'fn' must be a function; received ${describe(f)}.`,
        {
          code: 'E_OPTION_TYPE',
          fn: 'registerKL',
          argument: 'fn',
          received: f,
          torchType: 'TypeError',
        },
      );
    }
    let row = registry.get(typeP);
    if (row === undefined) {
      row = new Map();
      registry.set(typeP, row);
    }
    row.set(typeQ, f as KLFunction);
    memo.clear(); // lookup order may have changed
    return f;
  };
  return fn === undefined ? register : register(fn);
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
 * KL(p || q) between two distributions (torch.distributions.kl_divergence): a Tensor of the
 * broadcast batch shape, from the registered closed form for the pair (see the README for the
 * list). `+inf` where p puts mass outside q's support.
 *
 * @throws {ArgumentError} `E_NOT_IMPLEMENTED` when no closed form is registered for the pair (or
 *   PyTorch raises NotImplementedError for these parameters), `E_SHAPE_MISMATCH` for Gaussians
 *   of different event sizes, `E_BROADCAST` for batch shapes that do not broadcast.
 *
 * @example
 * ```ts
 * import { Normal, klDivergence } from 'kldiv/distributions';
 * const p = new Normal({ loc: 0, scale: 1 });
 * const q = new Normal({ loc: 1, scale: 1 });
 * console.log(klDivergence(p, q).item()); // 0.5
 * ```
 */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  checkDistribution(p, 'klDivergence', 'p');
  checkDistribution(q, 'klDivergence', 'q');
  ensureBuiltins();
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

/**
 * Every registered pair of class names, sorted (what the README's table lists).
 *
 * @example
 * ```ts
 * import { registeredKLPairs } from 'kldiv/distributions';
 * console.log(registeredKLPairs().some(([p, q]) => p === 'Normal' && q === 'Normal')); // true
 * ```
 */
export function registeredKLPairs(): [string, string][] {
  ensureBuiltins();
  const out: [string, string][] = [];
  for (const [p, row] of registry) for (const q of row.keys()) out.push([familyOf(p), familyOf(q)]);
  return out.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
}
