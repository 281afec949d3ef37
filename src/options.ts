/**
 * Option-object checks shared by every public function.
 *
 * @module
 */

import { ArgumentError, describe } from './errors.js';

/** @internal Throws unless `options` is undefined or a plain object; returns it or `{}`. */
export function checkOptionsObject<T extends object>(options: unknown, fn: string): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(
      `${fn}: argument 'options' must be an object; received ${describe(options)}.`,
      { code: 'E_OPTION_TYPE', fn, argument: 'options', received: options, torchType: 'TypeError' },
    );
  }
  return options as Partial<T>;
}

/** @internal Throws unless `value` is a boolean (or, with `nullable`, null/undefined). */
export function checkBoolean(value: unknown, fn: string, argument: string, nullable = false): void {
  if (typeof value === 'boolean' || (nullable && (value === null || value === undefined))) return;
  throw new ArgumentError(
    `${fn}: option '${argument}' must be a boolean${nullable ? ' or null' : ''}; received ${describe(value)}.`,
    { code: 'E_OPTION_TYPE', fn, argument, received: value, torchType: 'TypeError' },
  );
}

/**
 * @internal The one check of an options object: undefined or a plain object (else
 * `E_OPTION_TYPE`) whose own keys are all in `known` (else `E_UNKNOWN_OPTION`); returns it or `{}`.
 */
export function checkOptions<T extends object>(
  options: unknown,
  known: readonly string[],
  fn: string,
): Partial<T> {
  const opts = checkOptionsObject<T>(options, fn);
  checkOptionKeys(opts, known, fn);
  return opts;
}

/**
 * @internal Checks a number option: a number (else `E_OPTION_TYPE`) for which `ok` holds (else
 * `E_OPTION_RANGE`, the message ending "must be `rule`"); returns it, or `fallback` when undefined.
 */
export function numberOption<F extends number | undefined>(
  value: unknown,
  fallback: F,
  fn: string,
  name: string,
  ok: (v: number) => boolean,
  rule: string,
): number | F {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') {
    throw new ArgumentError(
      `${fn}: option '${name}' must be a number; received ${describe(value)}.`,
      { code: 'E_OPTION_TYPE', fn, argument: name, received: value, torchType: 'TypeError' },
    );
  }
  if (!ok(value)) {
    throw new ArgumentError(
      `${fn}: option '${name}' must be ${rule}; received ${describe(value)}.`,
      { code: 'E_OPTION_RANGE', fn, argument: name, received: value, torchType: 'ValueError' },
    );
  }
  return value;
}

/** Edit distance, for "did you mean" suggestions on misspelt option names. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/**
 * @internal Rejects option names a function does not know, suggesting the closest known one
 * (`logtarget` and `log_target` suggest `logTarget`).
 */
export function checkOptionKeys(options: object, known: readonly string[], fn: string): void {
  // own enumerable string keys only; `known.includes`, never `key in`, so 'constructor' or
  // 'toString' are unknown options like any other
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const norm = (s: string) => s.replace(/_/g, '').toLowerCase();
    let best: string | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    for (const k of known) {
      const score = norm(k) === norm(key) ? 0 : distance(key.toLowerCase(), k.toLowerCase());
      if (score < bestScore) {
        best = k;
        bestScore = score;
      }
    }
    const hint = best !== undefined && bestScore <= 3 ? ` Did you mean '${best}'?` : '';
    throw new ArgumentError(
      `${fn}: unknown option '${key}'.${hint} Known options: ${known.map((k) => `'${k}'`).join(', ')}.`,
      {
        code: 'E_UNKNOWN_OPTION',
        fn,
        argument: key,
        received: (options as Record<string, unknown>)[key],
        torchType: 'TypeError',
      },
    );
  }
}

/**
 * @internal True for an options object standing where an optional tensor may (`entropy(pk,
 * { base: 2 })`, `sample({ rng })`): a plain object literal that is not tensor-like, i.e. has no
 * `data` (an ndarray-style `{ data, shape }` literal is a tensor).
 */
export function isOptionsBag(value: unknown): value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if (ArrayBuffer.isView(value) || Object.hasOwn(value, 'data')) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
