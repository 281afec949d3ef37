/**
 * What the benchmark times and how: the peer interface, the rows, the inputs, the repetition
 * counts, round-robin and series timing with peak memory, and the joining of rounds.
 */
import { measurePeak } from '../memory.js';
import { type DType, type FloatArray, type Op, ROUNDS } from './options.js';

export interface Peer {
  name: string;
  /** Holds no state between calls (kldiv, naive loop): timed round-robin with the others. */
  stateless?: boolean;
  /**
   * Timed on the second of two consecutive calls, as in a series of calls (PyTorch's
   * repetitions run back to back): a worker thread asleep since the peer's previous turn takes
   * 0.3-0.7 ms to wake on this VM (bench/wake-up.mjs).
   */
  warm?: boolean;
  skip?(n: number, dtype: DType): string | undefined;
  /** The ops it runs (default all). */
  ops?: Op[];
  prepare?(x: FloatArray, y: FloatArray): void;
  run(op: Op, x: FloatArray, y: FloatArray): unknown;
  release?(): void;
}

/** Deterministic inputs: input log-probabilities in [-8, -0.05], targets in (0, 0.2]. */
export function inputs(n: number, dtype: DType): { x: FloatArray; y: FloatArray } {
  const T = dtype === 'float32' ? Float32Array : Float64Array;
  const x = new T(n);
  const y = new T(n);
  let a = 0x9e3779b9;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < n; i++) {
    x[i] = -0.05 - next() * 7.95;
    y[i] = 1e-6 + next() * 0.2;
  }
  return { x, y };
}

export function repsFor(n: number): number {
  if (n <= 1e4) return 200;
  if (n <= 1e6) return 21;
  if (n <= 1e7) return 7;
  return 3;
}

export const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/**
 * Times stateless peers round-robin: each repetition runs every peer once, in a rotating
 * order, so a slow phase of this shared machine hits all of them alike instead of one peer's
 * whole series.
 */
export function timeInterleaved(
  group: Peer[],
  op: Op,
  x: FloatArray,
  y: FloatArray,
  reps: number,
  round = 0,
) {
  // warm-up (JIT, wasm tier-up, worker start) in the first round only
  if (round === 0) for (const peer of group) peer.run(op, x, y);
  const times = group.map(() => [] as number[]);
  for (let r = 0; r < reps; r++) {
    // the order rotates, so no peer always runs right after the same one (the 2-thread peer
    // leaves its worker spinning for a moment on the other core)
    for (let k = 0; k < group.length; k++) {
      const i = (k + r) % group.length;
      if (group[i].warm) group[i].run(op, x, y);
      const t0 = performance.now();
      group[i].run(op, x, y);
      times[i].push((performance.now() - t0) / 1000);
    }
  }
  // peak memory once, in the last round
  return group.map((peer, i) => ({
    times: times[i],
    peakBytes: round === ROUNDS - 1 ? measurePeak(() => peer.run(op, x, y)).peakBytes : undefined,
  }));
}

/**
 * Joins the rows of every round: one row per peer and op, the median of all its times, the
 * largest peak.
 */
export function joinRounds(rows: Row[]): Row[] {
  const joined = new Map<string, Row>();
  for (const r of rows) {
    const key = `${r.shape}|${r.size}|${r.dtype}|${r.op}|${r.peer}`;
    const j = joined.get(key);
    if (j === undefined) {
      joined.set(key, { ...r, times: [...(r.times ?? [])] });
      continue;
    }
    j.times!.push(...(r.times ?? []));
    if (r.peakExtraBytes !== undefined)
      j.peakExtraBytes = Math.max(j.peakExtraBytes ?? 0, r.peakExtraBytes);
  }
  return [...joined.values()].map(({ times, ...r }) =>
    times !== undefined && times.length > 0 ? { ...r, medianSeconds: median(times) } : r,
  );
}

export function timePeer(peer: Peer, op: Op, x: FloatArray, y: FloatArray, reps: number) {
  peer.run(op, x, y); // warm-up (JIT, wasm tier-up, worker start)
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    peer.run(op, x, y);
    times.push((performance.now() - t0) / 1000);
  }
  const { peakBytes } = measurePeak(() => peer.run(op, x, y));
  return { times, peakBytes };
}

export interface Row {
  /** Set for distillation cases: 'BxV'. */
  shape?: string;
  size: number;
  dtype: DType;
  op: Op;
  peer: string;
  /** Raw times of one round (joined by joinRounds, not written out). */
  times?: number[];
  medianSeconds?: number;
  nsPerElement?: number;
  melemPerSecond?: number;
  ratioToKldiv?: number;
  peakExtraBytes?: number;
  skipped?: string;
}

/** A timing result as the fields of a row. */
export function toRow(r: { times: number[]; peakBytes: number | undefined }) {
  return { times: r.times, peakExtraBytes: r.peakBytes };
}
