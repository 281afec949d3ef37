/**
 * kldiv/tfjs against PyTorch 1.13: the float32 cases of torch-kl-div.json and
 * torch-kl-div-logits.json (outputs, warnings, errors, and both gradients through `tf.grads`),
 * on tfjs's cpu and wasm backends in Node, at the fixtures' float32 tolerance.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadFixture } from '../helpers/fixtures.js';
import type { KlDivCase, LogitsCase } from '../helpers/runners.js';
import { runTfKlDivCase, runTfLogitsCase } from '../helpers/tfjs-runners.js';

const float32 = (spec: { dtype: string }) => spec.dtype === 'float32';
const klCases = loadFixture<KlDivCase>('torch-kl-div.json').cases.filter(
  (c) => c.error !== undefined || (float32(c.input) && float32(c.target)),
);
const logitsCases = loadFixture<LogitsCase>('torch-kl-div-logits.json').cases.filter((c) =>
  float32((c.studentLogits ?? c.studentLogProbs)!),
);

describe.each(['cpu', 'wasm'])('tfjs %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
    await tf.ready();
  });
  test('runs on the requested backend', () => {
    expect(tf.getBackend()).toBe(backend);
    expect(klCases.length).toBeGreaterThanOrEqual(108);
    expect(logitsCases.length).toBe(58);
  });
  test.each(klCases.map((c) => [c.name, c] as const))('torch-kl-div.json %s', async (_n, c) => {
    await tf.setBackend(backend);
    const problems = runTfKlDivCase(c);
    expect(problems, `case ${c.name} on ${backend}:\n${problems.join('\n')}`).toEqual([]);
  });
  test.each(logitsCases.map((c) => [c.name, c] as const))(
    'torch-kl-div-logits.json %s',
    async (_n, c) => {
      await tf.setBackend(backend);
      const problems = runTfLogitsCase(c);
      expect(problems, `case ${c.name} on ${backend}:\n${problems.join('\n')}`).toEqual([]);
    },
  );
});
