/** Every case of torch-repr.json: `toString()` equals PyTorch 1.13.1's `repr()` exactly. */
import { describe, expect, test } from 'vitest';
import { loadFixture } from '../helpers/fixtures.js';
import { type ReprCase, runReprCase } from '../helpers/runners.js';

const { cases } = loadFixture<ReprCase>('torch-repr.json');

describe('torch-repr.json (PyTorch 1.13.1 repr)', () => {
  test('holds the full reference set', () => {
    expect(cases.length).toBe(22);
  });
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const problems = runReprCase(c);
    expect(problems, `case ${c.name}:\n${problems.join('\n')}`).toEqual([]);
  });
});
