/**
 * The neighbour searches behind knnKLDivergence (src/samples/kd-tree.ts, brute-force.ts): the
 * k-th smallest squared distance, against a reference written here that sorts every distance,
 * on data made to stress a k-d tree (sorted, clustered at very different scales, on a grid with
 * many ties and many identical points) and with masks, self-exclusion and zero-skipping. Every
 * comparison is exact: all three add the squared differences in coordinate order, and the
 * tree's pruning is conservative in floating point.
 */
import { describe, expect, test } from 'vitest';
import { RandomGenerator } from '../../src/distributions/random.js';
import { bruteKth } from '../../src/samples/brute-force.js';
import { KDTree, type KthOptions } from '../../src/samples/kd-tree.js';

function reference(
  queries: Float64Array,
  nq: number,
  refs: Float64Array,
  nr: number,
  d: number,
  k: number,
  o: KthOptions,
): Float64Array {
  const out = new Float64Array(nq);
  for (let q = 0; q < nq; q++) {
    if (o.queryMask?.[q] === 0) {
      out[q] = Number.NaN;
      continue;
    }
    const all: number[] = [];
    for (let r = 0; r < nr; r++) {
      if ((o.self && r === q) || o.mask?.[r] === 0) continue;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const e = queries[q * d + t] - refs[r * d + t];
        s += e * e;
      }
      if (o.skipZero && s === 0) continue;
      all.push(s);
    }
    all.sort((a, b) => a - b);
    out[q] = all.length >= k ? all[k - 1] : Number.POSITIVE_INFINITY;
  }
  return out;
}

const rng = new RandomGenerator(77);
const gauss = (n: number, d: number, scale = 1, shift = 0) =>
  Float64Array.from({ length: n * d }, () => shift + scale * rng.normal());

const datasets: Array<[string, number, Float64Array]> = [
  ['gaussian 2-D', 2, gauss(300, 2)],
  ['sorted 1-D', 1, Float64Array.from({ length: 250 }, (_, i) => i * 0.01)],
  [
    'clusters 1e-6 and 1e3 apart in 3-D',
    3,
    Float64Array.from([...gauss(150, 3, 1e-6), ...gauss(150, 3, 1e3, 50)]),
  ],
  [
    'grid with ties in 2-D',
    2,
    Float64Array.from({ length: 500 }, () => Math.round(rng.normal() * 2) / 2),
  ],
  [
    '60 copies of one point and 40 others in 4-D',
    4,
    Float64Array.from([...new Array(240).fill(0.5), ...gauss(40, 4)]),
  ],
];

function masked(n: number) {
  return Int32Array.from({ length: n }, () => (rng.random() < 0.4 ? 0 : 1));
}

describe('k-d tree and brute force against sorting every distance', () => {
  test.each(datasets)('%s', (_name, d, data) => {
    const n = data.length / d;
    const tree = new KDTree(data, n, d);
    // the tree reorders its points: compare in tree order, as the estimator queries
    const pts = tree.points;
    const other = gauss(90, d, 2, 0.3);
    const otherTree = new KDTree(other, 90, d);
    for (const k of [1, 2, 5, 10]) {
      for (const skipZero of [false, true]) {
        for (const withMask of [false, true]) {
          const mask = withMask ? masked(n) : null;
          const self: KthOptions = { self: true, mask, skipZero, queryMask: mask };
          const want = reference(pts, n, pts, n, d, k, self);
          const got = new Float64Array(n);
          tree.kth(pts, n, k, got, self);
          expect(got).toEqual(want);
          bruteKth(pts, n, pts, n, d, k, got, self);
          expect(got).toEqual(want);

          const mask2 = withMask ? masked(90) : null;
          const cross: KthOptions = { self: false, mask: mask2, skipZero, queryMask: mask };
          const want2 = reference(pts, n, otherTree.points, 90, d, k, cross);
          otherTree.kth(pts, n, k, got, cross);
          expect(got).toEqual(want2);
          bruteKth(pts, n, otherTree.points, 90, d, k, got, cross);
          expect(got).toEqual(want2);
        }
      }
    }
  });

  test('the tree keeps every point once, with its input row', () => {
    const data = gauss(300, 3);
    const tree = new KDTree(data, 300, 3);
    expect(Array.from(tree.index).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 300 }, (_, i) => i),
    );
    for (let p = 0; p < 300; p++) {
      const row = tree.index[p];
      expect(Array.from(tree.points.subarray(p * 3, p * 3 + 3))).toEqual(
        Array.from(data.subarray(row * 3, row * 3 + 3)),
      );
    }
  });
});
