/**
 * `klDivergence(p, q)`, `registerKL` and `registeredKLPairs`, as torch.distributions.kl: the
 * public face of the registry in `kl-registry.ts`. PyTorch's closed forms (`kl-pairs/`) are
 * installed on first use, so importing the package changes no state and later user
 * registrations win.
 *
 * @module
 */

import type { Tensor } from '../tensor/tensor.js';
import type { Distribution, DistributionClass } from './distribution.js';
import { BUILTIN_KL_PAIRS } from './kl-pairs/index.js';
import { addKL, checkKLClass, dispatchKL, type KLFunction, listKLPairs } from './kl-registry.js';

export type { KLFunction } from './kl-registry.js';

let builtins = false;

/** The built-in pairs go in before anything else reads or writes the registry. */
function ensureBuiltins(): void {
  if (builtins) return;
  builtins = true;
  for (const [typeP, typeQ, fn] of BUILTIN_KL_PAIRS) addKL(typeP, typeQ, fn);
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
  checkKLClass(typeP, 'typeP');
  checkKLClass(typeQ, 'typeQ');
  const register = (f: KLFunction<P, Q>) => addKL(typeP, typeQ, f);
  return fn === undefined ? register : register(fn);
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
  ensureBuiltins();
  return dispatchKL(p, q);
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
  return listKLPairs();
}
