/**
 * The drift measures of {@link binnedDivergence} on two histograms of the same bins, and their
 * delta-method standard errors.
 *
 * @module
 */

import { relEntrPoint } from '../scipy/elementwise.js';
import type { BinnedMeasure } from './binned-divergence.js';
import { CompensatedSum, chiSquareDivergence, multinomialVariance } from './counts.js';
export interface Measured {
  value: number;
  divergence?: number;
}

/**
 * One measure between the reference proportions r and the current proportions c of the same
 * bins. Empty bins: KL(r || c) is +inf where c_i = 0 < r_i unless epsilon replaces the zeros
 * (then both sides are renormalised, as scipy.stats.entropy does); PSI terms are +inf where
 * exactly one side is 0 unless epsilon replaces it (not renormalised: each term
 * (c - r) ln(c / r) is >= 0 anyway); JS and Hellinger are finite on empty bins.
 */
export function measureOf(
  measure: BinnedMeasure,
  refCounts: ArrayLike<number>,
  curCounts: ArrayLike<number>,
  epsilon: number,
  lnBase: number,
  infinite: number[] | null,
): Measured {
  const k = refCounts.length;
  let nr = 0;
  let nc = 0;
  for (let i = 0; i < k; i++) {
    nr += refCounts[i];
    nc += curCounts[i];
  }
  const r = new Float64Array(k);
  const c = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    r[i] = refCounts[i] / nr;
    c[i] = curCounts[i] / nc;
  }
  const sum = new CompensatedSum();
  switch (measure) {
    case 'kl': {
      if (epsilon > 0) {
        let sr = 0;
        let sc = 0;
        for (let i = 0; i < k; i++) {
          if (r[i] === 0) r[i] = epsilon;
          if (c[i] === 0) c[i] = epsilon;
          sr += r[i];
          sc += c[i];
        }
        for (let i = 0; i < k; i++) {
          r[i] /= sr;
          c[i] /= sc;
        }
      }
      for (let i = 0; i < k; i++) {
        const term = relEntrPoint(r[i], c[i]);
        if (term === Number.POSITIVE_INFINITY) infinite?.push(i);
        sum.add(term);
      }
      return { value: sum.value / lnBase };
    }
    case 'psi': {
      for (let i = 0; i < k; i++) {
        const a = c[i] === 0 ? epsilon : c[i];
        const e = r[i] === 0 ? epsilon : r[i];
        if (a === e) continue; // includes two empty bins without epsilon
        if (a === 0 || e === 0) {
          infinite?.push(i);
          sum.add(Number.POSITIVE_INFINITY);
        } else {
          sum.add((a - e) * Math.log(a / e));
        }
      }
      return { value: sum.value };
    }
    case 'js': {
      // scipy.spatial.distance.jensenshannon: sqrt((KL(r || m) + KL(c || m)) / 2), m the midpoint
      const left = new CompensatedSum();
      for (let i = 0; i < k; i++) {
        const m = (r[i] + c[i]) / 2.0;
        left.add(relEntrPoint(r[i], m));
        sum.add(relEntrPoint(c[i], m));
      }
      const divergence = (left.value + sum.value) / lnBase / 2.0;
      return { value: Math.sqrt(divergence), divergence };
    }
    default: {
      // Hellinger: ||sqrt r - sqrt c||_2 / sqrt 2, in [0, 1]; the squared-difference form avoids
      // the cancellation of sqrt(1 - sum sqrt(r c)) near 0
      for (let i = 0; i < k; i++) {
        const d = Math.sqrt(r[i]) - Math.sqrt(c[i]);
        sum.add(d * d);
      }
      return { value: Math.sqrt(sum.value / 2) };
    }
  }
}

/**
 * The delta-method standard error of a measure's value. r^ and c^ are independent multinomial
 * proportions (n and m draws, Cov = (diag r - r r^T) / n), so a measure with derivatives a_i in
 * r_i and b_i in c_i has Var ~ Var_r[a] / n + Var_c[b] / m (multinomialVariance).
 *   kl:  a = ln(r/c) + 1, b = -r/c                (as klDivergenceFromCounts)
 *   psi: a = ln(r/c) + 1 - c/r, b = ln(c/r) + 1 - r/c   (PSI = KL(r||c) + KL(c||r))
 *   js:  a = ln(r/mid) / 2, b = ln(c/mid) / 2     (JSD = H(mid) - (H(r) + H(c)) / 2), then the
 *        distance sqrt(JSD) divides by 2 sqrt(JSD)
 *   hellinger: H^2 = 1 - BC, BC = sum sqrt(r c): a = -sqrt(c/r) / 2, b = -sqrt(r/c) / 2, so
 *        Var_r[a] = (sum_{r>0} c - BC^2) / 4 = (H^2 (2 - H^2) - c0) / 4, c0 the current mass on
 *        bins the reference lacks, and the distance divides by 2H.
 * Bins without mass on a side carry no weight there (their proportion does not vary).
 */
export function measureStandardError(
  measure: BinnedMeasure,
  refCounts: ArrayLike<number>,
  curCounts: ArrayLike<number>,
  epsilon: number,
  lnBase: number,
  measured: Measured,
): number {
  if (measured.value === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  const k = refCounts.length;
  let n = 0;
  let m = 0;
  for (let i = 0; i < k; i++) {
    n += refCounts[i];
    m += curCounts[i];
  }
  const r = new Float64Array(k);
  const c = new Float64Array(k);
  let r0 = 0; // reference mass on bins the current lacks
  let c0 = 0;
  let bothEmpty = false;
  for (let i = 0; i < k; i++) {
    r[i] = refCounts[i] / n;
    c[i] = curCounts[i] / m;
    if (c[i] === 0) r0 += r[i];
    if (r[i] === 0) c0 += c[i];
    if (r[i] === 0 && c[i] === 0) bothEmpty = true;
  }
  // a zero filled by epsilon changes the value by a jump the delta method cannot see
  if (epsilon > 0 && (r0 > 0 || c0 > 0 || (measure === 'kl' && bothEmpty))) return Number.NaN;
  const scale = 1 / n + 1 / m;
  switch (measure) {
    case 'kl': {
      const vr = multinomialVariance(r, (i) => Math.log(r[i] / c[i]));
      const vc = chiSquareDivergence(r, c);
      return Math.sqrt(vr / n + vc / m) / Math.abs(lnBase);
    }
    case 'psi': {
      const vr = multinomialVariance(r, (i) => Math.log(r[i] / c[i]) - c[i] / r[i]);
      const vc = multinomialVariance(c, (i) => Math.log(c[i] / r[i]) - r[i] / c[i]);
      return Math.sqrt(vr / n + vc / m);
    }
    case 'js': {
      const vr = multinomialVariance(r, (i) => Math.log(r[i] / ((r[i] + c[i]) / 2)) / 2);
      const vc = multinomialVariance(c, (i) => Math.log(c[i] / ((r[i] + c[i]) / 2)) / 2);
      // at JSD = 0 the distance is not differentiable: report the limit of the ratio, the
      // same sqrt(scale / 8) in every direction of departure
      if (measured.value === 0) return Math.sqrt(scale / 8 / Math.abs(lnBase));
      return Math.sqrt(vr / n + vc / m) / Math.abs(lnBase) / (2 * measured.value);
    }
    default: {
      const h2 = measured.value * measured.value;
      const shared = h2 * (2 - h2);
      if (r0 === 0 && c0 === 0) return Math.sqrt((2 - h2) * scale) / 4;
      const vr = Math.max(shared - c0, 0) / 4;
      const vc = Math.max(shared - r0, 0) / 4;
      return Math.sqrt(vr / n + vc / m) / (2 * measured.value);
    }
  }
}
