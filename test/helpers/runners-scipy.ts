/** The runner of the SciPy fixtures (test/data/scipy-divergence.json). */

import * as scipy from '../../src/scipy/index.js';
import { compareTensor, specTensor, type TensorSpec, type Tolerance } from './fixtures.js';
import { collectWarnings, errorText } from './runners-common.js';

export interface SciPyCase {
  name: string;
  fn: 'relEntr' | 'scipyKlDiv' | 'entropy' | 'jensenShannon';
  args: TensorSpec[];
  options?: { axis?: number; base?: number } | null;
  expected: TensorSpec;
  tolerance: Tolerance;
}

/** A `scipy-divergence.json` case (SciPy 1.10). */
export function runSciPyCase(c: SciPyCase): string[] {
  const [a, b] = c.args.map(specTensor);
  const opts = c.options ?? undefined;
  const run = collectWarnings(() => {
    switch (c.fn) {
      case 'relEntr':
        return scipy.relEntr(a, b);
      case 'scipyKlDiv':
        return scipy.klDiv(a, b);
      case 'entropy':
        return scipy.entropy(a, b ?? null, opts);
      default:
        return scipy.jensenShannon(a, b, opts);
    }
  });
  if (run.error !== undefined) return [`threw ${errorText(run.error)}`];
  return compareTensor('output', run.result!, c.expected, c.tolerance);
}
