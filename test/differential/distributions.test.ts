/**
 * Differential harness for `kldiv/distributions` against torch.distributions 1.13: every case of
 * test/data/differential/distributions-{methods,errors,kl}.json (written by
 * tools/differential/gen-distributions.py, which states how each tolerance follows from the
 * conditioning). Distributions compute in plain JS (no kernels), so these run on JS only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { registeredKLPairs } from '../../src/distributions/index.js';
import {
  type DistributionKlCase,
  type DistributionMethodCase,
  describeSpec,
  runDistributionKlCase,
  runDistributionMethodCase,
} from '../helpers/distribution-runners.js';
import { FIXTURE_DIR, type FixtureFile, loadFixture } from '../helpers/fixtures.js';

const DATA = join(FIXTURE_DIR, '..', 'data', 'differential');
const methods = loadFixture<DistributionMethodCase>(join(DATA, 'distributions-methods.json'));
const errors = loadFixture<DistributionMethodCase>(join(DATA, 'distributions-errors.json'));
const kl = loadFixture<DistributionKlCase>(join(DATA, 'distributions-kl.json'));

/** The documented differences a case may name in `parity`: entry -> docs/parity.md anchor. */
const PARITY: Record<string, string> = methods.meta.parity as Record<string, string>;

const rows = <C extends { name: string }>(f: FixtureFile<C>) =>
  f.cases.map((c) => [c.name, c] as [string, C]);

function report(
  c: { name: string; source: string; torchError?: string; parity?: string },
  what: string,
  problems: string[],
): string {
  return [
    `${c.name} (from ${c.source})`,
    `  ${what}`,
    ...(c.torchError ? [`  note: ${c.torchError}; expected from expanded parameters`] : []),
    ...(c.parity
      ? [`  note: expected is torch under kldiv's documented semantics (${PARITY[c.parity]})`]
      : []),
    ...problems.map((p) => `  - ${p}`),
  ].join('\n');
}

function methodLine(c: DistributionMethodCase): string {
  const value = c.value
    ? `(value ${c.value.dtype}[${c.value.shape}] ${JSON.stringify(c.value.data?.slice(0, 6))})`
    : '';
  const outcome = c.error
    ? ` -> torch raises ${c.error.type}: ${c.error.message.split('\n')[0]}`
    : '';
  return `${describeSpec(c.dist)}.${c.method}${value}${outcome}`;
}

describe('distributions vs torch 1.13: documented differences', () => {
  const all = [...methods.cases, ...errors.cases, ...kl.cases];
  test('every parity mark names a documented entry', () => {
    const unknown = all.filter((c) => c.parity !== undefined && !(c.parity in PARITY));
    expect(unknown.map((c) => `${c.name}: ${c.parity}`)).toEqual([]);
  });
  test('every documented entry a mark names is in docs/parity.md', () => {
    const parity = readFileSync(join(FIXTURE_DIR, '..', '..', 'docs', 'parity.md'), 'utf8');
    const missing = Object.entries(PARITY).filter(([, where]) => {
      const title = /"(.+)"/.exec(where)?.[1];
      return title === undefined || !parity.includes(`**${title}`);
    });
    expect(missing).toEqual([]);
  });
  test('parity marks are the exception', () => {
    const marked = all.filter((c) => c.parity !== undefined).length;
    expect(marked).toBeGreaterThan(0);
    expect(marked).toBeLessThan(all.length / 20);
  });
});

describe('distributions vs torch 1.13: methods and properties', () => {
  test('the data set is there', () => {
    expect(methods.cases.length).toBeGreaterThan(1000);
  });
  test.each(rows(methods))('%s', (_, c) => {
    const problems = runDistributionMethodCase(c);
    expect(problems, report(c, methodLine(c), problems)).toEqual([]);
  });
});

describe('distributions vs torch 1.13: errors', () => {
  test('the data set is there', () => {
    expect(errors.cases.length).toBeGreaterThan(100);
  });
  test.each(rows(errors))('%s', (_, c) => {
    const problems = runDistributionMethodCase(c);
    expect(problems, report(c, methodLine(c), problems)).toEqual([]);
  });
});

describe('distributions vs torch 1.13: klDivergence', () => {
  test("registeredKLPairs() is torch's _KL_REGISTRY", () => {
    expect(registeredKLPairs()).toEqual(kl.meta.registry);
  });
  test.each(rows(kl))('%s', (_, c) => {
    const problems = runDistributionKlCase(c);
    const outcome = c.error ? ` -> torch raises ${c.error.type}: ${c.error.message}` : '';
    const line = `kl_divergence(${describeSpec(c.p)}, ${describeSpec(c.q)})${outcome}`;
    expect(problems, report(c, line, problems)).toEqual([]);
  });
});
