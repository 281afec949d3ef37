/**
 * Shared by the `kldiv logits` / `kldiv merge` tests: running the built CLI, the committed cases
 * of tools/cli-logits/gen-cases.py, and comparing a report with its NumPy reference.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cli = join(root, 'packages', 'cli', 'dist', 'cli.js');
export const data = join(root, 'test', 'data', 'cli-logits');
export const file = (name: string) => join(data, name);

/** Runs the built CLI; `nodeArgs` go before the script (e.g. --import a hook). */
export function run(args: string[], options: { nodeArgs?: string[]; env?: object } = {}) {
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export type Json = number | string | boolean | null | Json[] | { [key: string]: Json };

export interface Case {
  name: string;
  note: string;
  /** The logits files; null for a state file written by the generator (`state`). */
  base: string;
  compare: string;
  tokens: string | null;
  options: string[];
  result: Record<string, Json>;
  perToken?: Record<string, Json[]>;
  error?: { file: string; row: number; text: string };
  shards?: [string, string, string][];
  state?: string;
}

const all = (JSON.parse(readFileSync(file('expected.json'), 'utf8')) as { cases: Case[] }).cases;
/** The cases of logits files. */
export const cases = all.filter((c) => c.state === undefined);
/** The cases of state files. */
export const stateCases = all.filter((c) => c.state !== undefined);
export const byName = (name: string) => all.find((c) => c.name === name) as Case;

/** The `kldiv logits` arguments of a case (its files in test/data/cli-logits). */
export function caseArgs(c: Case): string[] {
  const args = ['logits', file(c.base), file(c.compare), ...c.options];
  if (c.tokens !== null) args.push('--tokens', file(c.tokens));
  return args;
}

/** A number of the generator's JSON or the CLI's: 'nan', 'inf', '-inf' as strings. */
export function decode(v: Json): number {
  if (typeof v === 'number') return v;
  const map: Record<string, number> = {
    nan: Number.NaN,
    inf: Number.POSITIVE_INFINITY,
    '-inf': Number.NEGATIVE_INFINITY,
  };
  if (typeof v !== 'string' || !(v in map)) throw new Error(`not a number: ${JSON.stringify(v)}`);
  return map[v];
}

/**
 * |actual - expected| <= 2e-15 + 1e-12 |expected|; NaN only for NaN, an infinity only for the
 * same one. Both sides are float64 on the values the files decode to, with different operations
 * (SciPy's softmax + rel_entr and pairwise sums; the library's fused exponential sums and
 * compensated sums; libm within an ulp): per-token values agree to ~1e-14 relative, and the
 * statistics add nothing above that. KL and Δp are sums of p log(p/q) terms or differences of
 * probabilities, whose absolute rounding is a few eps whatever their size: hence the 9-eps floor
 * (test/report/report-cases.test.ts derives the same bound for the library).
 */
export function close(actual: number, expected: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= 2e-15 + 1e-12 * Math.abs(expected);
}

/** Every field of `expected` (nested) is in `actual` and close to it; integers exactly equal. */
export function expectReport(actual: Json, expected: Json, path = 'result'): void {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    expect(typeof actual, path).toBe('object');
    for (const [k, v] of Object.entries(expected)) {
      expectReport((actual as Record<string, Json>)[k], v, `${path}.${k}`);
    }
    return;
  }
  if (typeof expected === 'number' && Number.isInteger(expected) && typeof actual === 'number') {
    if (Number.isInteger(actual)) {
      expect(actual, path).toBe(expected);
      return;
    }
  }
  const a = decode(actual);
  const e = decode(expected);
  expect(close(a, e), `${path}: ${a} vs NumPy ${e}`).toBe(true);
}
