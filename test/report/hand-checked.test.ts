/**
 * Figures computed by hand on tiny cases (vocab 3), with the derivation beside each: the
 * perplexity and Δp statistics, KL under the rel_entr convention, and the empty report.
 *
 * Logits are the logs of the probabilities, so softmax gives the probabilities back up to the
 * rounding of log and exp: a few eps, hence `toBeCloseTo`-style checks at 1e-14 relative.
 */
import { describe, expect, test } from 'vitest';
import { formatLogitsReport, LogitsReport } from '../../src/report/index.js';

const L2 = Math.log(2);
const L3 = Math.log(3);
const logs = (...p: number[]) => p.map(Math.log);

function near(actual: number | undefined, expected: number, rtol = 1e-14): void {
  expect(actual).toBeDefined();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
    rtol * Math.abs(expected) + 1e-16,
  );
}

/**
 * Three tokens:
 *   1: p = (1/2, 1/4, 1/4), q = (1/4, 1/2, 1/4), next token 0
 *   2: p = q = (1/4, 1/4, 1/2), next token 0
 *   3: p = (1/4, 1/2, 1/4), q = (1/8, 3/4, 1/8), next token 1
 * so a = log p(token) = (-ln 2, -2 ln 2, -ln 2) and b = log q(token) = (-2 ln 2, -2 ln 2, ln 3/4).
 */
const BASE = [logs(1 / 2, 1 / 4, 1 / 4), logs(1 / 4, 1 / 4, 1 / 2), logs(1 / 4, 1 / 2, 1 / 4)];
const COMPARE = [logs(1 / 4, 1 / 2, 1 / 4), logs(1 / 4, 1 / 4, 1 / 2), logs(1 / 8, 3 / 4, 1 / 8)];
const TOKENS = [0, 0, 1];

describe('perplexity and Δp by hand', () => {
  const r = new LogitsReport().add(BASE, COMPARE, { tokens: TOKENS }).result();
  const ppl = r.perplexity;
  const dp = r.deltaP;

  test('PPL(base), PPL(compare) and their standard errors', () => {
    // nll_base = (ln 2, 2 ln 2, ln 2): mean 4 ln 2 / 3, so PPL(base) = 2^(4/3). Deviations
    // (-1, 2, -1) ln 2 / 3: sum of squares 6 ln^2 2 / 9, / (n - 1) / n = ln^2 2 / 9, SE = ln 2 / 3;
    // the PPL's error is PPL SE = 2^(4/3) ln 2 / 3.
    const pb = 2 ** (4 / 3);
    near(ppl?.base, pb);
    near(ppl?.baseStandardError, (pb * L2) / 3);
    // nll_compare = (2 ln 2, 2 ln 2, 2 ln 2 - ln 3): mean 2 ln 2 - ln 3 / 3, PPL = 4 / 3^(1/3).
    // Deviations (1, 1, -2) ln 3 / 3: SE = ln 3 / 3 likewise.
    const pc = 4 / 3 ** (1 / 3);
    near(ppl?.compare, pc);
    near(ppl?.compareStandardError, (pc * L3) / 3);
  });

  test('ln ratio, ratio, difference, correlation', () => {
    // ln(PPL(compare)/PPL(base)) = 2 ln 2 - ln 3 / 3 - 4 ln 2 / 3 = ln(4/3) / 3; ratio (4/3)^(1/3).
    // llama.cpp's SE: sqrt(SE_b^2 + SE_c^2 - 2 cov), cov = sum of products of the deviations
    // (-1, 2, -1) ln 2 / 3 and (1, 1, -2) ln 3 / 3 = 3 ln 2 ln 3 / 9, / (n - 1) / n = ln 2 ln 3 / 18:
    // SE^2 = (ln^2 2 + ln^2 3 - ln 2 ln 3) / 9.
    const se = Math.sqrt(L2 * L2 + L3 * L3 - L2 * L3) / 3;
    near(ppl?.logRatio, Math.log(4 / 3) / 3);
    near(ppl?.logRatioStandardError, se);
    near(ppl?.ratio, (4 / 3) ** (1 / 3));
    near(ppl?.ratioStandardError, (4 / 3) ** (1 / 3) * se);
    // difference: se_c^2 + se_b^2 - 2 Pc Pb cov = (Pc^2 ln^2 3 + Pb^2 ln^2 2 - Pc Pb ln 2 ln 3) / 9
    const pb = 2 ** (4 / 3);
    const pc = 4 / 3 ** (1 / 3);
    near(ppl?.difference, pc - pb);
    near(
      ppl?.differenceStandardError,
      Math.sqrt(pc * pc * L3 * L3 + pb * pb * L2 * L2 - pc * pb * L2 * L3) / 3,
    );
    // correlation of a and b: deviations proportional to (1, -2, 1) and (-1, -1, 2):
    // (-1 + 2 + 2) / (sqrt 6 sqrt 6) = 1/2
    near(ppl?.correlation, 0.5);
  });

  test('Δp mean, SE, order statistics, RMS', () => {
    // Δp = q(token) - p(token) = (1/4 - 1/2, 1/4 - 1/4, 3/4 - 1/2) = (-1/4, 0, 1/4)
    // exactly 0 up to rounding
    expect(Math.abs(dp?.mean as number)).toBeLessThan(1e-16);
    // SE: sum of squares 1/8, / 2 / 3 = 1/48
    near(dp?.standardError, 1 / Math.sqrt(48));
    expect(Math.abs(dp?.median as number)).toBeLessThan(1e-16);
    near(dp?.min, -1 / 4);
    near(dp?.max, 1 / 4);
    // linear percentiles over the sorted (-1/4, 0, 1/4): index 2 q / 100; 90 -> 1.8 -> 0.2
    near(dp?.percentiles['90'], 0.2);
    near(dp?.percentiles['25'], -0.125);
    // RMS: mean of (1/16, 0, 1/16) = 1/24; SE of the squares: deviations (1/48, -1/24, 1/48),
    // sum of squares 6 / 2304, / 2 / 3 = 1 / 2304, SE 1/48; RMS SE = (1/48) / (2 / sqrt 24)
    near(dp?.rms, 1 / Math.sqrt(24));
    near(dp?.rmsStandardError, Math.sqrt(24) / 96);
  });

  test('KL and top-1 agreement', () => {
    // KL_1 = 1/2 ln 2 + 1/4 ln(1/2) + 0 = ln 2 / 4; KL_2 = 0; KL_3 = 1/4 ln 2 + 1/2 ln(2/3) +
    // 1/4 ln 2 = ln(4/3) / 2
    near(r.max, L2 / 4);
    near(r.median, Math.log(4 / 3) / 2);
    expect(Math.abs(r.min)).toBeLessThan(1e-16);
    near(r.mean, (L2 / 4 + Math.log(4 / 3) / 2) / 3);
    // argmax: (0 vs 1), (2 vs 2), (1 vs 1): 2 of 3, SE sqrt(2/3 1/3 / 2) = 1/3
    near(r.sameTop1, 2 / 3);
    near(r.sameTop1StandardError, 1 / 3);
  });

  test('the text report prints these figures in llama.cpp layout', () => {
    // KL sorted (0, ln(4/3)/2, ln 2/4) = (0, 0.143841, 0.173287): q = 90 is index 1.8, so
    // 0.143841 + 0.8 (0.029446) = 0.167398; KL SE: deviations from the mean 0.105709 are
    // (0.067578, -0.105709, 0.038132), squares summing to 0.017195, / 2 / 3 -> 0.053534.
    // Δp sorted (-1/4, 0, 1/4): q = 99.9 is index 1.998 -> 0.2495.
    expect(formatLogitsReport(r, { title: 'hand' }).split('\n')).toEqual([
      'KL(base || compare) per token: hand, 3 tokens x 3 vocab, T = 1',
      '',
      '====== Perplexity statistics ======',
      'Mean PPL(compare)                   : 2.773445 ± 1.015647',
      'Mean PPL(base)                      : 2.519842 ± 0.582207',
      'Cor(ln(PPL(compare)), ln(PPL(base))): 50.00%',
      'Mean ln(PPL(compare)/PPL(base))     : 0.095894 ± 0.320746',
      'Mean PPL(compare)/PPL(base)         : 1.100642 ± 0.353027',
      'Mean PPL(compare)-PPL(base)         : 0.253603 ± 0.882716',
      '',
      '====== KL divergence statistics ======',
      'Mean    KLD: 0.105709 ± 0.053534',
      'Maximum KLD: 0.173287',
      '99.9%   KLD: 0.173228',
      '99%     KLD: 0.172698',
      '95%     KLD: 0.170342',
      '90%     KLD: 0.167398',
      'Median  KLD: 0.143841',
      '10%     KLD: 0.028768',
      '5%      KLD: 0.014384',
      '1%      KLD: 0.002877',
      '0.1%    KLD: 0.000288',
      'Minimum KLD: 0.000000',
      '',
      '====== Token probability statistics ======',
      'Mean    Δp: 0.000 ± 14.434 %',
      'Maximum Δp: 25.000%',
      '99.9%   Δp: 24.950%',
      '99%     Δp: 24.500%',
      '95%     Δp: 22.500%',
      '90%     Δp: 20.000%',
      '75%     Δp: 12.500%',
      'Median  Δp: 0.000%',
      '25%     Δp: -12.500%',
      '10%     Δp: -20.000%',
      '5%      Δp: -22.500%',
      '1%      Δp: -24.500%',
      '0.1%    Δp: -24.950%',
      'Minimum Δp: -25.000%',
      'RMS Δp    : 20.412 ± 5.103 %',
      'Same top-1: 66.667 ± 33.333 %',
    ]);
  });
});

describe('edge values by hand', () => {
  test('a -inf compare logit for the next token: PPL(compare) is +inf, its errors NaN', () => {
    // token 1: p = (1/2, 1/2, 0), q = (1, 0, 0) with q's -inf at the token
    const r = new LogitsReport()
      .add(
        [logs(1 / 2, 1 / 2, 1e-300), logs(1 / 2, 1 / 4, 1 / 4)],
        [[0, -Infinity, -Infinity], logs(1 / 2, 1 / 4, 1 / 4)],
        { tokens: [1, 0] },
      )
      .result();
    expect(r.perplexity?.compare).toBe(Number.POSITIVE_INFINITY);
    expect(r.perplexity?.compareStandardError).toBeNaN();
    expect(r.perplexity?.correlation).toBeNaN();
    // Δp stays finite: (0 - 1/2, 1/2 - 1/2)
    near(r.deltaP?.min, -1 / 2);
    // the first token has KL +inf (p_1 > 0 = q_1), left out of the KL statistics
    expect(r.infiniteTokens).toBe(1);
    expect(r.finiteTokens).toBe(1);
    expect(Math.abs(r.mean)).toBeLessThan(1e-16);
  });

  test('temperature: KL at T, not multiplied by T^2', () => {
    // logits (0, 2 ln 3) at T = 2 are (0, ln 3): p = (1/4, 3/4); compare (0, 0): q = (1/2, 1/2)
    // KL = 1/4 ln(1/2) + 3/4 ln(3/2) = 3/4 ln 3 - ln 2
    const r = new LogitsReport({ temperature: 2 }).add([[0, 2 * L3]], [[0, 0]]).result();
    near(r.mean, 0.75 * L3 - L2);
    expect(r.temperature).toBe(2);
  });

  test('an empty report: tokens 0 and NaN statistics, no exception', () => {
    const r = new LogitsReport({ topK: 2 }).result();
    expect(r.tokens).toBe(0);
    expect(r.vocab).toBe(0);
    for (const v of [r.mean, r.standardError, r.median, r.min, r.max, r.sameTop1, r.topKOverlap]) {
      expect(v).toBeNaN();
    }
    expect(Object.values(r.percentiles).every(Number.isNaN)).toBe(true);
    expect(r.perplexity).toBeUndefined();
    expect(formatLogitsReport(r).split('\n').slice(0, 2)).toEqual([
      'KL(base || compare) per token, 0 tokens x 0 vocab, T = 1',
      'Mean    KLD: nan ± nan',
    ]);
  });

  test('with tokens but every row skipped: NaN perplexity and Δp', () => {
    const r = new LogitsReport({ nanRows: 'skip' })
      .add([[Number.NaN, 0]], [[0, 0]], { tokens: [0] })
      .result();
    expect(r.tokens).toBe(0);
    expect(r.skippedRows).toBe(1);
    expect(r.perplexity?.base).toBeNaN();
    expect(r.deltaP?.rms).toBeNaN();
  });

  test('one token: values, and NaN standard errors (n - 1 = 0)', () => {
    const r = new LogitsReport().add([logs(1 / 2, 1 / 4, 1 / 4)], [logs(1 / 4, 1 / 2, 1 / 4)], {
      tokens: [0],
    });
    const res = r.result();
    near(res.mean, L2 / 4);
    expect(res.standardError).toBeNaN();
    expect(res.sameTop1StandardError).toBeNaN();
    near(res.perplexity?.base, 2);
    expect(res.perplexity?.baseStandardError).toBeNaN();
    expect(res.deltaP?.rmsStandardError).toBeNaN();
  });

  test('the infinite and skipped lines of the text report', () => {
    const r = new LogitsReport({ nanRows: 'skip' })
      .add(
        [
          [0, 0],
          [0, 1],
          [Number.NaN, 0],
        ],
        [
          [0, -Infinity],
          [0, 1],
          [0, 0],
        ],
      )
      .result();
    expect(formatLogitsReport(r).split('\n').slice(0, 4)).toEqual([
      'KL(base || compare) per token, 2 tokens x 2 vocab, T = 1',
      'Skipped rows: 1 (NaN or +inf logits, or no finite logit)',
      'Infinite KLD: 1 tokens (compare gives probability 0 where base does not); the KLD lines are over the other 1',
      'Mean    KLD: 0.000000 ± nan',
    ]);
  });
});
