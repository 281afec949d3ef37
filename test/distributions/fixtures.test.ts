/**
 * kldiv/distributions against PyTorch 1.13: every case of torch-distributions.json
 * (kl_divergence for all 85 concrete pairs, including the NotImplementedError) and of
 * torch-distribution-stats.json (shapes, log_prob, entropy, mean, variance per family).
 */
import { describe, expect, test } from 'vitest';
import { loadFixture } from '../helpers/fixtures.js';
import {
  type DistributionCase,
  type DistributionStatsCase,
  runDistributionCase,
  runDistributionStatsCase,
} from '../helpers/runners.js';

const kl = loadFixture<DistributionCase>('torch-distributions.json').cases;
const stats = loadFixture<DistributionStatsCase>('torch-distribution-stats.json').cases;

describe('torch-distributions.json (PyTorch 1.13 kl_divergence)', () => {
  test('holds the full reference set: 170 cases over 85 pairs', () => {
    expect(kl.length).toBe(170);
    expect(new Set(kl.map((c) => `${c.p.family}-${c.q.family}`)).size).toBe(85);
  });
  test.each(kl.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const problems = runDistributionCase(c);
    expect(problems, `case ${c.name}:\n${problems.join('\n')}`).toEqual([]);
  });
});

describe('torch-distribution-stats.json (PyTorch 1.13 families)', () => {
  test('holds all 21 families', () => {
    expect(stats.length).toBe(21);
  });
  test.each(stats.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const problems = runDistributionStatsCase(c);
    expect(problems, `case ${c.name}:\n${problems.join('\n')}`).toEqual([]);
  });
});
