/**
 * LogitsReport against the independent NumPy/SciPy implementation of every statistic
 * (tools/report/gen-report-cases.py -> test/data/report/cases.json), and the exactness of
 * merging: the merge of shards (reports or JSON states) is bitwise the report of one run.
 *
 * Tolerance (the file's meta.tolerance): |actual - expected| <= 2e-15 + 1e-12 |expected|, NaN
 * only for NaN, an infinity only for the same one. Both sides are float64 with different
 * operations (SciPy's softmax + rel_entr and pairwise sums against fused exponential sums and
 * compensated sums; libm exp/log within an ulp): values agree to ~1e-14 relative. KL,
 * log-ratios and Δp are sums of p_j log(p_j / q_j) or differences of probabilities, whose
 * absolute rounding is a few eps whatever their size: the close-models case has tokens of
 * KL ~ 5e-8, hence the floor of 9 eps (observed: 1.3 eps). Integer outputs (counts, top-1 ids,
 * top-k intersections) are exact.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { tensor } from '../../src/index.js';
import { LogitsReport, type LogitsReportResult } from '../../src/report/index.js';

interface Case {
  name: string;
  note: string;
  dtype: 'float32' | 'float64';
  shape: number[];
  temperature: number;
  topK: number | null;
  nanRows: 'error' | 'skip';
  base: (number | string)[];
  compare: (number | string)[];
  tokens: number[] | null;
  tokensShape: number[] | null;
  expected: { result: Record<string, unknown>; perToken: Record<string, (number | string)[]> };
}

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'report', 'cases.json');
const data = JSON.parse(readFileSync(file, 'utf8')) as {
  meta: { tolerance: { rtol: number; atol: number } };
  cases: Case[];
};
const { rtol, atol } = data.meta.tolerance;

function decode(v: number | string): number {
  if (typeof v === 'number') return v;
  const map: Record<string, number> = {
    nan: Number.NaN,
    inf: Number.POSITIVE_INFINITY,
    '-inf': Number.NEGATIVE_INFINITY,
  };
  if (!(v in map)) throw new Error(`unknown number ${v}`);
  return map[v];
}

function close(actual: number, expected: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

/** Every mismatch between an actual and an expected (JSON-encoded) tree, as paths. */
function mismatches(actual: unknown, expected: unknown, path: string, out: string[]): void {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(e)]);
    for (const k of keys) mismatches(a?.[k], e[k], `${path}.${k}`, out);
    return;
  }
  if (typeof expected === 'number' || typeof expected === 'string') {
    const ev = decode(expected);
    if (typeof actual !== 'number' || !close(actual, ev)) {
      out.push(`${path}: ${String(actual)} vs ${String(ev)}`);
    }
    return;
  }
  out.push(`${path}: unexpected ${JSON.stringify(expected)}`);
}

/** Logits of a case as a Tensor of its dtype and shape. */
function logitsOf(c: Case, which: 'base' | 'compare') {
  const values = c[which].map(decode);
  const data = c.dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  return tensor(data, { shape: c.shape });
}

const options = (c: Case) => ({
  temperature: c.temperature,
  nanRows: c.nanRows,
  ...(c.topK === null ? {} : { topK: c.topK }),
});

/** Rows [a, b) of a case, flattened to [rows, vocab], with their tokens. */
function rowsOf(c: Case, a: number, b: number) {
  const V = c.shape[c.shape.length - 1];
  const slice = (which: 'base' | 'compare') => {
    const t = logitsOf(c, which);
    return tensor(t.data.slice(a * V, b * V), { shape: [b - a, V] });
  };
  return {
    base: slice('base'),
    compare: slice('compare'),
    tokens: c.tokens === null ? undefined : Int32Array.from(c.tokens.slice(a, b)),
  };
}

function runWhole(c: Case): LogitsReport {
  const tokens =
    c.tokens === null
      ? undefined
      : tensor(Int32Array.from(c.tokens), {
          shape: c.tokensShape as number[],
        });
  return new LogitsReport(options(c)).add(
    logitsOf(c, 'base'),
    logitsOf(c, 'compare'),
    tokens === undefined ? undefined : { tokens },
  );
}

/** Every number of a result, NaN and -0 distinguished, for bitwise comparison. */
function bits(r: LogitsReportResult): string {
  return JSON.stringify(r, (_k, v) =>
    typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : v,
  );
}

describe('LogitsReport against NumPy/SciPy (cases.json)', () => {
  test('the file holds the cases the tests rely on', () => {
    expect(data.cases.map((c) => c.name)).toEqual([
      'plain',
      'masked',
      'infinite-kl',
      'float32',
      'rank-3',
      'skipped-rows',
      'close-models',
      'ties',
    ]);
  });

  test.each(data.cases.map((c) => [c.name, c] as const))('%s: result', (_name, c) => {
    const out: string[] = [];
    mismatches(runWhole(c).result(), c.expected.result, 'result', out);
    expect(out).toEqual([]);
  });

  test.each(data.cases.map((c) => [c.name, c] as const))('%s: per token', (_name, c) => {
    const per = runWhole(c).perToken() as unknown as Record<string, ArrayLike<number>>;
    expect(Object.keys(per).sort()).toEqual(Object.keys(c.expected.perToken).sort());
    const out: string[] = [];
    for (const [key, expected] of Object.entries(c.expected.perToken)) {
      const actual = per[key];
      expect(actual.length, key).toBe(expected.length);
      for (let i = 0; i < expected.length; i++) {
        if (!close(actual[i], decode(expected[i]))) {
          out.push(`${key}[${i}]: ${actual[i]} vs ${expected[i]}`);
        }
      }
    }
    expect(out).toEqual([]);
  });

  test('the cases exercise what they are named for', () => {
    const by = Object.fromEntries(data.cases.map((c) => [c.name, runWhole(c).result()]));
    expect(by['infinite-kl'].infiniteTokens).toBe(3);
    expect(by['infinite-kl'].finiteTokens).toBe(57);
    expect(by['skipped-rows'].skippedRows).toBe(6);
    expect(by['close-models'].mean).toBeLessThan(1e-4);
    expect(by['rank-3'].tokens).toBe(36);
    expect(by.masked.perplexity).toBeDefined();
    expect(by.plain.perplexity).toBeUndefined();
  });
});

describe('merging shards is bitwise one run', () => {
  test.each(data.cases.map((c) => [c.name, c] as const))('%s: 3 shards', (_name, c) => {
    const whole = runWhole(c);
    const rows = whole.perToken().kl.length;
    const cuts = [0, Math.floor(rows / 3), Math.floor((2 * rows) / 3) + 1, rows];
    const shards = [0, 1, 2].map((s) => {
      const { base, compare, tokens } = rowsOf(c, cuts[s], cuts[s + 1]);
      return new LogitsReport(options(c)).add(base, compare, tokens ? { tokens } : undefined);
    });
    // reports, JSON states, and a mix
    const viaReports = shards[0].merge(shards[1]).merge(shards[2]);
    const json = (r: LogitsReport) => JSON.parse(JSON.stringify(r.state()));
    const again = [0, 1, 2].map((s) => {
      const { base, compare, tokens } = rowsOf(c, cuts[s], cuts[s + 1]);
      return new LogitsReport(options(c)).add(base, compare, tokens ? { tokens } : undefined);
    });
    const viaStates = LogitsReport.fromState(json(again[0]))
      .merge(json(again[1]))
      .merge(json(again[2]));
    expect(bits(viaReports.result())).toBe(bits(whole.result()));
    expect(bits(viaStates.result())).toBe(bits(whole.result()));
    expect(viaStates.state()).toEqual(whole.state());
  });

  test('chunked adds (one row at a time) are bitwise one add', () => {
    const c = data.cases.find((x) => x.name === 'skipped-rows') as Case;
    const whole = runWhole(c);
    const chunked = new LogitsReport(options(c));
    for (let i = 0; i < c.shape[0]; i++) {
      const { base, compare, tokens } = rowsOf(c, i, i + 1);
      chunked.add(base, compare, { tokens });
    }
    expect(bits(chunked.result())).toBe(bits(whole.result()));
    expect(chunked.state()).toEqual(whole.state());
  });

  test('a report merged into itself is the report of its inputs twice', () => {
    const c = data.cases.find((x) => x.name === 'infinite-kl') as Case;
    const twice = runWhole(c);
    twice.merge(twice);
    const { base, compare, tokens } = rowsOf(c, 0, c.shape[0]);
    const reference = new LogitsReport(options(c))
      .add(base, compare, { tokens })
      .add(base, compare, { tokens });
    expect(bits(twice.result())).toBe(bits(reference.result()));
    expect(twice.result().infiniteTokens).toBe(6);
  });
});
