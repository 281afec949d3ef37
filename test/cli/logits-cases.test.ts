/**
 * `kldiv logits` end to end against an independent NumPy/SciPy computation
 * (tools/cli-logits/gen-cases.py -> test/data/cli-logits): masked vocabularies, tokens of
 * infinite KL, NaN rows (the error, and --nan-rows skip), float16 .npy, bfloat16 .safetensors,
 * compressed .npz, rank-3 files, next-token ids (perplexity and Δp); the --json report, the text
 * report to its printed digits, and the per-token CSV.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { writeNpy } from '../helpers/npy.js';
import {
  byName,
  type Case,
  caseArgs,
  cases,
  close,
  decode,
  expectReport,
  file,
  type Json,
  run,
} from './logits-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'kldiv-logits-cases-'));
const at = (name: string) => join(dir, name);

/**
 * The numbers of each text line and the expected values they print, with their printed scale
 * and decimals: a line passes when each printed number is within half a unit of its last digit
 * (plus the reference tolerance) of the NumPy value.
 */
function textExpectations(r: Record<string, Json>): [string, number[], number][] {
  const n = (v: Json) => decode(v);
  const pct = (v: Json) => 100 * decode(v);
  const q = r.percentiles as Record<string, Json>;
  const lines: [string, number[], number][] = [
    ['Mean    KLD', [n(r.mean), n(r.standardError)], 6],
    ['Maximum KLD', [n(r.max)], 6],
    ['Median  KLD', [n(r.median)], 6],
    ['Minimum KLD', [n(r.min)], 6],
    ['Same top-1', [pct(r.sameTop1), pct(r.sameTop1StandardError)], 3],
  ];
  for (const p of ['99.9', '99', '95', '90', '10', '5', '1', '0.1']) {
    lines.push([`${`${p}%`.padEnd(7)} KLD`, [n(q[p])], 6]);
  }
  if (r.topK !== undefined) lines.push([`Top-${r.topK} overlap`, [pct(r.topKOverlap)], 3]);
  const ppl = r.perplexity as Record<string, Json> | undefined;
  if (ppl !== undefined) {
    lines.push(
      ['Mean PPL(compare)  ', [n(ppl.compare), n(ppl.compareStandardError)], 6],
      ['Mean PPL(base)  ', [n(ppl.base), n(ppl.baseStandardError)], 6],
      ['Cor(ln(PPL(compare)), ln(PPL(base)))', [pct(ppl.correlation)], 2],
      ['Mean ln(PPL(compare)/PPL(base))', [n(ppl.logRatio), n(ppl.logRatioStandardError)], 6],
      ['Mean PPL(compare)/PPL(base)', [n(ppl.ratio), n(ppl.ratioStandardError)], 6],
      ['Mean PPL(compare)-PPL(base)', [n(ppl.difference), n(ppl.differenceStandardError)], 6],
    );
    const dp = r.deltaP as Record<string, Json>;
    const dq = dp.percentiles as Record<string, Json>;
    lines.push(
      ['Mean    Δp', [pct(dp.mean), pct(dp.standardError)], 3],
      ['Maximum Δp', [pct(dp.max)], 3],
      ['Median  Δp', [pct(dp.median)], 3],
      ['Minimum Δp', [pct(dp.min)], 3],
      ['RMS Δp    ', [pct(dp.rms), pct(dp.rmsStandardError)], 3],
    );
    for (const p of ['99.9', '99', '95', '90', '75', '25', '10', '5', '1', '0.1']) {
      lines.push([`${`${p}%`.padEnd(7)} Δp`, [pct(dq[p])], 3]);
    }
  }
  return lines;
}

function expectText(text: string, c: Case): void {
  const r = c.result;
  const lines = text.trimEnd().split('\n');
  const option = (name: string) => {
    const i = c.options.indexOf(name);
    return i < 0 ? '' : `:${c.options[i + 1]}`;
  };
  const name = (path: string, side: string) =>
    `${file(path)}${option('--array') || option(`--${side}-array`)}`;
  expect(lines[0]).toBe(
    `KL(base || compare) per token: ${name(c.base, 'base')} vs ${name(c.compare, 'compare')}, ${r.tokens} tokens x ${r.vocab} vocab, T = ${r.temperature}`,
  );
  const expectations = textExpectations(r);
  for (const [label, values, digits] of expectations) {
    const line = lines.find((l) => l.startsWith(label) && l.includes(':'));
    expect(line, `a line starting '${label}'`).toBeDefined();
    const printed = (line as string)
      .slice((line as string).indexOf(':') + 1)
      .match(/-?\d+\.\d+|-?inf|nan/g)
      ?.map((t) => (/\d/.test(t) ? Number(t) : decode(t)));
    expect(printed?.length, line).toBe(values.length);
    values.forEach((v, i) => {
      const p = (printed as number[])[i];
      const ok = close(p, v) || Math.abs(p - v) <= 0.5 * 10 ** -digits + 1e-12 * Math.abs(v);
      expect(ok, `${line}: ${p} vs NumPy ${v}`).toBe(true);
    });
  }
  // 1 title + (tokens: 2 headers, 6 PPL lines, 3 blank lines) + 13 KLD lines + (tokens: 15 Δp)
  // + top-1, top-k, skipped and infinite lines
  const withTokens = r.perplexity !== undefined;
  const extra =
    (r.topK !== undefined ? 1 : 0) +
    ((r.skippedRows as number) > 0 ? 1 : 0) +
    ((r.infiniteTokens as number) > 0 ? 1 : 0);
  expect(lines).toHaveLength(1 + 12 + 1 + (withTokens ? 3 * 2 + 6 + 15 : 0) + extra);
  if ((r.infiniteTokens as number) > 0) {
    expect(lines[1]).toBe(
      `Infinite KLD: ${r.infiniteTokens} tokens (compare gives probability 0 where base does not); the KLD lines are over the other ${r.finiteTokens}`,
    );
  }
  if ((r.skippedRows as number) > 0) {
    expect(lines[1]).toBe(
      `Skipped rows: ${r.skippedRows} (NaN or +inf logits, or no finite logit)`,
    );
  }
}

describe('kldiv logits matches NumPy on generated files', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s: --json', (_name, c) => {
    const r = run([...caseArgs(c), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('null');
    const report = JSON.parse(r.stdout) as Record<string, Json>;
    expectReport(report, c.result);
    // nothing beyond what the library's result holds: the keys NumPy computes, and no others
    expect(Object.keys(report).sort()).toEqual(Object.keys(c.result).sort());
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s: text', (_name, c) => {
    const r = run(caseArgs(c));
    expect(r.code, r.stderr).toBe(0);
    expectText(r.stdout, c);
  });

  test.each(cases.filter((c) => c.perToken !== undefined).map((c) => [c.name, c] as const))(
    '%s: the per-token CSV',
    (_name, c) => {
      const csv = at(`${c.name}.csv`);
      const r = run([...caseArgs(c), '--out', csv]);
      expect(r.code, r.stderr).toBe(0);
      const [header, ...rows] = readFileSync(csv, 'utf8').trimEnd().split('\n');
      const per = c.perToken as Record<string, Json[]>;
      const columns: [string, string][] = [
        ['kl', 'kl'],
        ['top1_base', 'top1Base'],
        ['top1_compare', 'top1Compare'],
      ];
      if (c.result.topK !== undefined) columns.push(['top_k_shared', 'topKShared']);
      if (per.deltaP !== undefined) {
        columns.push(
          ['logp_base', 'logProbBase'],
          ['logp_compare', 'logProbCompare'],
          ['delta_p', 'deltaP'],
        );
      }
      expect(header).toBe(['token', ...columns.map(([h]) => h)].join(','));
      expect(rows).toHaveLength(per.kl.length);
      rows.forEach((line, i) => {
        const f = line.split(',');
        expect(f[0]).toBe(String(i));
        columns.forEach(([name, key], j) => {
          // inf and nan as NumPy's loadtxt reads them; -1 for a skipped row's top-1
          expect(f[j + 1], `${name} ${i}`).toMatch(/^(-?\d+(\.\d+)?(e[+-]\d+)?|inf|-inf|nan)$/);
          const a = decode(f[j + 1] === 'inf' || f[j + 1] === 'nan' ? f[j + 1] : Number(f[j + 1]));
          expect(close(a, decode(per[key][i])), `${name} ${i}: ${a} vs ${per[key][i]}`).toBe(true);
        });
      });
    },
  );
});

describe('invalid rows', () => {
  const c = byName('nan-rows');
  const outputs = ['out.csv', 'kl.svg', 'cdf.svg', 'state.json'].map(at);
  const withOutputs = [
    '--out',
    outputs[0],
    '--plot',
    outputs[1],
    '--plot-cdf',
    outputs[2],
    '--state',
    outputs[3],
  ];

  test('a NaN row: exit 2, one line naming the file and the row, no output at all', () => {
    const err = c.error as { file: string; row: number; text: string };
    const args = caseArgs(c).filter((a) => a !== '--nan-rows' && a !== 'skip');
    for (const threads of ['1', '3']) {
      const r = run([...args, ...withOutputs, '--threads', threads, '--chunk-rows', '4']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `kldiv: ${file(err.file)}: row ${err.row} ${err.text}; such rows are refused by default: --nan-rows skip leaves them out of the statistics and counts them\n`,
      );
      for (const o of outputs) expect(existsSync(o), o).toBe(false);
    }
  });

  test('the row of the compare file names the compare file; +inf and all -inf rows too', () => {
    // swapped: nan-base.npy is now compare, and its row 7 is the first invalid one
    const swapped = run(['logits', file(c.compare), file(c.base)]);
    expect(swapped.code).toBe(2);
    expect(swapped.stderr).toContain(`kldiv: ${file(c.base)}: row 7 contains NaN at vocab index 3`);
    // rows 12 (+inf) and 20 (all -inf) of nan-compare.npy, alone
    const rest = run(['logits', file(c.compare), file(c.compare)]);
    expect(rest.stderr).toContain(
      `kldiv: ${file(c.compare)}: row 12 contains +inf at vocab index 0`,
    );
  });

  test('--nan-rows skip counts them (3) and reports the rest', () => {
    const r = JSON.parse(run([...caseArgs(c), '--json']).stdout);
    expect(r.skippedRows).toBe(3);
    expect(r.tokens).toBe(27);
  });
});

describe('statistics with nothing to count', () => {
  test('every token infinite: "nan" in --json (never null), nan in the text, inf in the CSV', () => {
    // p = (1/2, 1/2) against q = (1, 0) in both rows: KL = +inf, so no finite token is left
    writeFileSync(at('all-inf-base.csv'), '0,0\n0,0\n');
    writeFileSync(at('all-inf-compare.csv'), '0,-inf\n0,-inf\n');
    const args = ['logits', at('all-inf-base.csv'), at('all-inf-compare.csv')];
    const json = run([...args, '--json', '--out', at('all-inf.csv')]);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).not.toContain('null');
    const r = JSON.parse(json.stdout);
    expect([r.tokens, r.finiteTokens, r.infiniteTokens]).toEqual([2, 0, 2]);
    expect([r.mean, r.median, r.percentiles['99'], r.sameTop1]).toEqual(['nan', 'nan', 'nan', 1]);
    expect(readFileSync(at('all-inf.csv'), 'utf8')).toBe(
      'token,kl,top1_base,top1_compare\n0,inf,0,0\n1,inf,0,0\n',
    );
    const text = run(args).stdout;
    expect(text).toContain('Infinite KLD: 2 tokens');
    expect(text).toContain('Mean    KLD: nan ± nan\n');
  });
});

describe('the inputs', () => {
  test('rank 3: an invalid row is named by its batch and position too', () => {
    const logits = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.sin(i));
    logits[4 * 4 + 2] = Number.NaN; // row 4 = batch 1, position 1; vocab index 2
    writeNpy(at('rank3-nan.npy'), logits, [2, 3, 4]);
    const r = run(['logits', at('rank3-nan.npy'), at('rank3-nan.npy')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `kldiv: ${at('rank3-nan.npy')}: row 4 (batch 1, position 1) contains NaN at vocab index 2;`,
    );
  });

  test('shapes that differ: an error naming both files (rank 3 against rank 2 as well)', () => {
    const r = run(['logits', file('rank3-base.npy'), file('shards-base.npy')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `kldiv: ${file('rank3-base.npy')} and ${file('shards-base.npy')}: shapes [3, 10, 20] and [60, 30] differ (base and compare must hold the same tokens and vocabulary)\n`,
    );
  });

  test('tokens: one id per token, each in the vocabulary, else an error naming the ids file', () => {
    const base = file('shard0-base.npy');
    const compare = file('shard0-compare.npy');
    const few = run(['logits', base, compare, '--tokens', file('masked-tokens.npy')]);
    expect(few.code).toBe(2);
    expect(few.stderr).toBe(
      `kldiv: ${file('masked-tokens.npy')}: holds 48 token ids; the logits have 20 tokens (shape [20, 30] in ${base}), one id per token is needed\n`,
    );
    const ids = new Int32Array(20);
    ids[4] = 30; // shard0's vocabulary is 30
    writeNpy(at('ids-30.npy'), ids, [20]);
    const out = run(['logits', base, compare, '--tokens', at('ids-30.npy')]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      `kldiv: ${at('ids-30.npy')}: token id 30 at index 4 is outside the vocabulary [0, 30) of ${base}\n`,
    );
  });

  test('--plot-delta-p needs --tokens: a usage error, exit 2, nothing written', () => {
    const c = byName('shards');
    const svg = at('dp-usage.svg');
    const r = run(['logits', file(c.base), file(c.compare), '--plot-delta-p', svg]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "error: option '--plot-delta-p <file>' needs --tokens <ids>: Δp is the change in the probability of the next token\n",
    );
    expect(existsSync(svg)).toBe(false);
  });

  test('with --tokens, the Δp plot of the same tokens', () => {
    const c = byName('masked');
    const svg = at('dp.svg');
    const r = run([...caseArgs(c), '--plot-delta-p', svg]);
    expect(r.code, r.stderr).toBe(0);
    const plot = readFileSync(svg, 'utf8');
    expect(plot.startsWith('<svg')).toBe(true);
    expect(plot).toContain(`${c.result.tokens} tokens`);
    expect(plot).toContain('Δp of the next token');
  });
});
