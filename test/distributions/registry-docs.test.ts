/**
 * The built-in registry is PyTorch 1.13's (87 pairs) and the README's table lists exactly it.
 * (A file of its own: the registry tests elsewhere add registrations.)
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { registeredKLPairs } from '../../src/distributions/index.js';

test('the built-in registry has the 87 pairs of torch.distributions.kl._KL_REGISTRY', () => {
  expect(registeredKLPairs()).toHaveLength(87);
});

test("the README's table of supported pairs is exactly the built-in registry", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = readme.split('<!-- kl-pairs:start -->')[1]?.split('<!-- kl-pairs:end -->')[0] ?? '';
  const listed = [...block.matchAll(/^\| `(\w+)` +\| (.+?) +\|$/gm)].flatMap(([, p, qs]) =>
    qs.split(', ').map((q) => `${p}-${q.replace(/`/g, '')}`),
  );
  expect(listed.sort()).toEqual(
    registeredKLPairs()
      .map(([p, q]) => `${p}-${q}`)
      .sort(),
  );
});
