/**
 * `kldiv logits`: per-token KL(base || compare) between two [tokens, vocab] logit matrices and
 * the report llama.cpp's `perplexity --kl-divergence` users know (mean with standard error,
 * median, percentiles, max, top-1 agreement), plus top-k overlap. .npy inputs stream in row
 * chunks through kldiv's LogitsKLAccumulator, so memory is O(chunk x vocab + tokens).
 */
import { klDivWithLogits, LogitsKLAccumulator, tensor } from 'kldiv';
import { CliError } from './errors.js';
import { NpyReader } from './npy.js';
import { readArray } from './read.js';

/** A [tokens, vocab] matrix read in row chunks. */
interface RowSource {
  rows: number;
  vocab: number;
  read(start: number, count: number): Float32Array | Float64Array;
  close(): void;
}

function open(path: string): RowSource {
  if (path !== '-' && path.toLowerCase().endsWith('.npy')) {
    const r = new NpyReader(path);
    const shape = r.header.shape;
    if (shape.length !== 2) {
      r.close();
      throw new CliError(
        path,
        `expected a [tokens, vocab] matrix; the array has shape [${shape.join(', ')}]`,
      );
    }
    return { rows: r.rows, vocab: r.rowSize, read: (s, n) => r.read(s, n), close: () => r.close() };
  }
  const a = readArray(path);
  if (a.shape.length !== 2) {
    throw new CliError(
      path === '-' ? 'stdin' : path,
      `expected a [tokens, vocab] matrix; the array has shape [${a.shape.join(', ')}]`,
    );
  }
  const [rows, vocab] = a.shape;
  return {
    rows,
    vocab,
    read: (s, n) => a.data.subarray(s * vocab, (s + n) * vocab),
    close: () => {},
  };
}

/** Options of the report. */
export interface LogitsReportOptions {
  temperature: number;
  topK?: number;
  /** Rows per chunk (default: about 4 M elements per chunk). */
  chunkRows?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Everything the report prints. */
export interface LogitsReport {
  tokens: number;
  vocab: number;
  temperature: number;
  perRow: Float64Array;
  top1Base: Int32Array;
  top1Compare: Int32Array;
  mean: number;
  standardError: number;
  median: number;
  min: number;
  max: number;
  percentiles: Record<string, number>;
  sameTop1: number;
  sameTop1StandardError: number;
  topK?: number;
  topKOverlap?: number;
}

/** Percentile by linear interpolation between order statistics (NumPy's default). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(idx);
  const hi = Math.ceil(idx);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (idx - lo);
}

function argmax(row: ArrayLike<number>, off: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (row[off + j] > row[off + best]) best = j;
  return best;
}

/** Indices of the k largest entries (ties: lower index first). */
function topK(row: ArrayLike<number>, off: number, n: number, k: number): Set<number> {
  const idx: number[] = [];
  for (let j = 0; j < n; j++) {
    const v = row[off + j];
    if (idx.length === k && v <= row[off + idx[k - 1]]) continue;
    let pos = idx.length;
    while (pos > 0 && row[off + idx[pos - 1]] < v) pos--;
    idx.splice(pos, 0, j);
    if (idx.length > k) idx.pop();
  }
  return new Set(idx);
}

export const PERCENTILES = [99.9, 99, 95, 90, 10, 5, 1];

/** Computes the report for two logit files. */
export function logitsReport(
  basePath: string,
  comparePath: string,
  opts: LogitsReportOptions,
): LogitsReport {
  const base = open(basePath);
  let compare: RowSource;
  try {
    compare = open(comparePath);
  } catch (e) {
    base.close();
    throw e;
  }
  try {
    if (base.rows !== compare.rows || base.vocab !== compare.vocab) {
      throw new CliError(
        `${basePath} and ${comparePath}`,
        `shapes [${base.rows}, ${base.vocab}] and [${compare.rows}, ${compare.vocab}] differ`,
      );
    }
    const { rows, vocab } = base;
    const T = opts.temperature;
    const chunk = Math.max(1, opts.chunkRows ?? Math.floor(4_194_304 / Math.max(1, vocab)));
    const perRow = new Float64Array(rows);
    const top1Base = new Int32Array(rows);
    const top1Compare = new Int32Array(rows);
    const acc = new LogitsKLAccumulator({ temperature: T });
    let overlap = 0;
    for (let start = 0; start < rows; start += chunk) {
      const n = Math.min(chunk, rows - start);
      const b = base.read(start, n);
      const c = compare.read(start, n);
      const bt = tensor(b, { shape: [n, vocab], dtype: 'float64' });
      const ct = tensor(c, { shape: [n, vocab], dtype: 'float64' });
      acc.add(ct, bt); // KL(base || compare): base is the target distribution
      // per element T^2 p (log p - log q): the row sums divided by T^2 are the KL at temperature T
      const l = klDivWithLogits(ct, bt, { temperature: T, reduction: 'none' }).data;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < vocab; j++) s += l[i * vocab + j];
        perRow[start + i] = s / (T * T);
        top1Base[start + i] = argmax(b, i * vocab, vocab);
        top1Compare[start + i] = argmax(c, i * vocab, vocab);
        if (opts.topK !== undefined) {
          const a = topK(b, i * vocab, vocab, opts.topK);
          let shared = 0;
          for (const j of topK(c, i * vocab, vocab, opts.topK)) if (a.has(j)) shared++;
          overlap += shared / opts.topK;
        }
      }
      opts.onProgress?.(start + n, rows);
    }
    const mean = acc.result('batchmean').item() / (T * T);
    let ss = 0;
    for (const v of perRow) ss += (v - mean) ** 2;
    const sorted = Float64Array.from(perRow).sort();
    let same = 0;
    for (let i = 0; i < rows; i++) if (top1Base[i] === top1Compare[i]) same++;
    const p = rows > 0 ? same / rows : Number.NaN;
    return {
      tokens: rows,
      vocab,
      temperature: T,
      perRow,
      top1Base,
      top1Compare,
      mean,
      standardError: rows > 1 ? Math.sqrt(ss / (rows - 1) / rows) : Number.NaN,
      median: percentile(sorted, 50),
      min: sorted[0] ?? Number.NaN,
      max: sorted[rows - 1] ?? Number.NaN,
      percentiles: Object.fromEntries(PERCENTILES.map((q) => [String(q), percentile(sorted, q)])),
      sameTop1: p,
      sameTop1StandardError: rows > 1 ? Math.sqrt((p * (1 - p)) / (rows - 1)) : Number.NaN,
      ...(opts.topK !== undefined
        ? { topK: opts.topK, topKOverlap: rows > 0 ? overlap / rows : Number.NaN }
        : {}),
    };
  } finally {
    base.close();
    compare.close();
  }
}

const f = (v: number) => v.toFixed(6);

/** The report as text, one statistic per line. */
export function formatReport(r: LogitsReport, basePath: string, comparePath: string): string {
  const lines = [
    `KL(base || compare) per token: ${basePath} vs ${comparePath}, ${r.tokens} tokens x ${r.vocab} vocab, T = ${r.temperature}`,
    `Mean    KLD: ${f(r.mean)} ± ${f(r.standardError)}`,
    `Maximum KLD: ${f(r.max)}`,
    ...PERCENTILES.filter((q) => q > 50).map(
      (q) => `${`${q}%`.padEnd(7)} KLD: ${f(r.percentiles[String(q)])}`,
    ),
    `Median  KLD: ${f(r.median)}`,
    ...PERCENTILES.filter((q) => q < 50).map(
      (q) => `${`${q}%`.padEnd(7)} KLD: ${f(r.percentiles[String(q)])}`,
    ),
    `Minimum KLD: ${f(r.min)}`,
    `Same top-1: ${(100 * r.sameTop1).toFixed(3)} ± ${(100 * r.sameTop1StandardError).toFixed(3)} %`,
  ];
  if (r.topK !== undefined)
    lines.push(`Top-${r.topK} overlap: ${(100 * (r.topKOverlap ?? Number.NaN)).toFixed(3)} %`);
  return lines.join('\n');
}
