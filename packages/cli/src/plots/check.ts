/**
 * Argument checks of the plot functions, with kldiv's error classes and codes (the core's own
 * option checks are internal to it, so these mirror them for the few options plots take).
 */
import { ArgumentError } from 'kldiv';

const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : String(v));

/** Refuses anything but a plain object whose keys are all in `known`; returns it or `{}`. */
export function checkPlotOptions<T extends object>(
  options: unknown,
  known: readonly (keyof T & string)[],
  fn: string,
): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(
      `${fn}: argument 'options' must be an object; received ${show(options)}.`,
      {
        code: 'E_OPTION_TYPE',
        fn,
        argument: 'options',
        received: options,
        torchType: 'TypeError',
      },
    );
  }
  for (const key of Object.keys(options)) {
    if ((known as readonly string[]).includes(key)) continue;
    throw new ArgumentError(
      `${fn}: unknown option '${key}'. Known options: ${known.map((k) => `'${k}'`).join(', ')}.`,
      { code: 'E_UNKNOWN_OPTION', fn, argument: key, received: undefined, torchType: 'TypeError' },
    );
  }
  return options as Partial<T>;
}

/** A number option for which `ok` holds, or `fallback` when it is undefined. */
export function numberOpt<F extends number | undefined>(
  value: unknown,
  fallback: F,
  fn: string,
  name: string,
  ok: (v: number) => boolean,
  rule: string,
): number | F {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') {
    throw new ArgumentError(`${fn}: option '${name}' must be a number; received ${show(value)}.`, {
      code: 'E_OPTION_TYPE',
      fn,
      argument: name,
      received: value,
      torchType: 'TypeError',
    });
  }
  if (!ok(value)) {
    throw new ArgumentError(`${fn}: option '${name}' must be ${rule}; received ${show(value)}.`, {
      code: 'E_OPTION_RANGE',
      fn,
      argument: name,
      received: value,
      torchType: 'ValueError',
    });
  }
  return value;
}

/** A string option, or `fallback` when it is undefined. */
export function stringOpt(value: unknown, fallback: string, fn: string, name: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') {
    throw new ArgumentError(`${fn}: option '${name}' must be a string; received ${show(value)}.`, {
      code: 'E_OPTION_TYPE',
      fn,
      argument: name,
      received: value,
      torchType: 'TypeError',
    });
  }
  return value;
}

/** Throws unless `value` is a boolean or undefined. */
export function booleanOpt(value: unknown, fn: string, name: string): void {
  if (value === undefined || typeof value === 'boolean') return;
  throw new ArgumentError(`${fn}: option '${name}' must be a boolean; received ${show(value)}.`, {
    code: 'E_OPTION_TYPE',
    fn,
    argument: name,
    received: value,
    torchType: 'TypeError',
  });
}

/** Throws unless `values` is an array-like of numbers; returns it. */
export function checkValues(values: unknown, fn: string, argument: string): ArrayLike<number> {
  const ok =
    (ArrayBuffer.isView(values) && !(values instanceof DataView)) ||
    (Array.isArray(values) && values.every((v) => typeof v === 'number'));
  if (!ok) {
    throw new ArgumentError(
      `${fn}: argument '${argument}' must be a Float64Array (or an array of numbers); received ${Object.prototype.toString.call(values)}.`,
      { code: 'E_INVALID_DATA', fn, argument, received: values, torchType: 'TypeError' },
    );
  }
  return values as ArrayLike<number>;
}

/** A value that may not be plotted: NaN anywhere, or -Infinity in a KL; `rule` says what may. */
export function nonFinite(
  fn: string,
  argument: string,
  index: number,
  value: number,
  rule: string,
): never {
  throw new ArgumentError(
    `${fn}: argument '${argument}' holds ${value} at index ${index}; ${rule}.`,
    { code: 'E_NON_FINITE', fn, argument, received: value },
  );
}

/** The q-th percentile of ascending `sorted`, linear between order statistics (NumPy's default). */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (q / 100) * (sorted.length - 1);
  const lo = sorted[Math.floor(at)];
  const hi = sorted[Math.ceil(at)];
  // equal neighbours (Infinity too) need no interpolation; Infinity - Infinity would be NaN
  return lo === hi ? lo : lo + (hi - lo) * (at - Math.floor(at));
}
