/**
 * PyTorch's `warnings.warn` calls, reproduced: same texts, same moments, a replaceable sink.
 *
 * @module
 */

import { ArgumentError, describe } from './errors.js';

/** Stable codes of the warnings kldiv raises. */
export type WarningCode =
  | 'W_MEAN_REDUCTION'
  | 'W_LEGACY_REDUCTION'
  | 'W_ELEMENTWISE_MEAN'
  | 'W_AMBIGUOUS_KL';

/** One raised warning: PyTorch's exact text, its Python category, and a stable code. */
export interface KLDivWarning {
  /** The text PyTorch warns, verbatim. */
  readonly message: string;
  /** Python warning category PyTorch uses (`RuntimeWarning` only for an ambiguous KL dispatch). */
  readonly category: 'UserWarning' | 'RuntimeWarning';
  /** Stable code, e.g. `'W_MEAN_REDUCTION'`. */
  readonly code: WarningCode;
}

/** A function that receives every warning at the moment it is raised. */
export type WarningHandler = (warning: KLDivWarning) => void;

const seen = new Set<string>();

// Python's default filter shows a warning once per location; kldiv raises each text from one
// place, so "once per distinct message per process" is the same rule.
const defaultHandler: WarningHandler = (warning) => {
  if (seen.has(warning.message)) return;
  seen.add(warning.message);
  const proc = (globalThis as { process?: { emitWarning?: (...args: unknown[]) => void } }).process;
  if (typeof proc?.emitWarning === 'function') {
    proc.emitWarning(warning.message, { type: warning.category, code: warning.code });
  } else if (typeof console !== 'undefined') {
    console.warn(`${warning.category}: ${warning.message}`);
  }
};

let handler: WarningHandler = defaultHandler;

/**
 * Replaces the warning sink. The handler set here receives every warning as it is raised (no
 * de-duplication). `null` restores the default sink, which prints each distinct message once
 * per process (Node: `process.emitWarning` with type `UserWarning`, so `--no-warnings` silences
 * it; browsers: `console.warn`). Returns the handler that was in place.
 *
 * @example
 * ```ts
 * import { klDiv, setWarningHandler } from 'kldiv';
 * const texts: string[] = [];
 * setWarningHandler((w) => texts.push(w.code));
 * klDiv([-1, -2], [0.5, 0.5]); // default reduction 'mean' warns
 * setWarningHandler(null);
 * console.log(texts); // [ 'W_MEAN_REDUCTION' ]
 * ```
 */
export function setWarningHandler(fn: WarningHandler | null): WarningHandler {
  if (fn !== null && typeof fn !== 'function') {
    throw new ArgumentError(
      `setWarningHandler: argument 'fn' must be a function or null; received ${describe(fn)}.`,
      { code: 'E_OPTION_TYPE', fn: 'setWarningHandler', argument: 'fn', received: fn },
    );
  }
  const previous = handler;
  handler = fn ?? defaultHandler;
  return previous;
}

/** @internal Raises a warning through the current handler. */
export function warn(
  code: WarningCode,
  message: string,
  category: KLDivWarning['category'] = 'UserWarning',
): void {
  handler({ message, category, code });
}
