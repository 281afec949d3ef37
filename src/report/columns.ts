/** The per-row arrays of a report: growth and appending (logits-report.ts owns them). */
import type { ReportColumns } from './state.js';

/**
 * Grows `c` (valid up to `used` rows, `capacity` long) to hold `rows` rows, and adds the token
 * arrays once tokens are given; returns the new capacity.
 */
export function reserveColumns(
  c: ReportColumns,
  used: number,
  capacity: number,
  rows: number,
  withTokens: boolean,
): number {
  let cap = capacity;
  if (rows > capacity) {
    cap = Math.max(rows, 2 * capacity, 1024);
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, used) as never);
      return b;
    };
    const f64 = (n: number) => new Float64Array(n);
    const i32 = (n: number) => new Int32Array(n);
    c.kl = grow(c.kl, f64);
    c.top1Base = grow(c.top1Base, i32);
    c.top1Compare = grow(c.top1Compare, i32);
    if (c.topKShared !== null) c.topKShared = grow(c.topKShared, i32);
    if (c.logProbBase !== null) c.logProbBase = grow(c.logProbBase, f64);
    if (c.logProbCompare !== null) c.logProbCompare = grow(c.logProbCompare, f64);
  }
  if (withTokens && c.logProbBase === null) {
    c.logProbBase = new Float64Array(cap);
    c.logProbCompare = new Float64Array(cap);
  }
  return cap;
}

/** Copies the first `rows` rows of `src` into `dst` from row `at` (`dst` already reserved). */
export function copyColumns(
  dst: ReportColumns,
  at: number,
  src: ReportColumns,
  rows: number,
  withTokens: boolean,
): void {
  dst.kl.set(src.kl.subarray(0, rows), at);
  dst.top1Base.set(src.top1Base.subarray(0, rows), at);
  dst.top1Compare.set(src.top1Compare.subarray(0, rows), at);
  if (dst.topKShared !== null && src.topKShared !== null) {
    dst.topKShared.set(src.topKShared.subarray(0, rows), at);
  }
  if (withTokens && src.logProbBase !== null && src.logProbCompare !== null) {
    (dst.logProbBase as Float64Array).set(src.logProbBase.subarray(0, rows), at);
    (dst.logProbCompare as Float64Array).set(src.logProbCompare.subarray(0, rows), at);
  }
}
