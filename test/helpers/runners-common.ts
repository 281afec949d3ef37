/**
 * What every fixture runner shares: warnings collected instead of printed, thrown errors caught
 * and printed, expected errors and per-output tolerances looked up the same way.
 */

import { setWarningHandler } from '../../src/index.js';
import type { Tolerance } from './fixtures.js';

/** The tolerance of one compared output: its own entry in `tolerances`, else `tolerance`. */
export function toleranceFor(
  c: { tolerance?: Tolerance; tolerances?: Record<string, Tolerance> },
  label: string,
): Tolerance {
  const tol = c.tolerances?.[label] ?? c.tolerance;
  if (tol === undefined) throw new Error(`case has no tolerance for ${label}`);
  return tol;
}

/** Problems with an expected error: none when the call threw with PyTorch's text in its message. */
export function expectError(run: { error?: unknown }, want: { message: string }): string[] {
  if (run.error === undefined)
    return [`expected an error containing "${want.message}", got a result`];
  const message = run.error instanceof Error ? run.error.message : String(run.error);
  return message.includes(want.message)
    ? []
    : [`error "${errorText(run.error)}" does not contain PyTorch's "${want.message}"`];
}

/** Runs `fn` with a warning handler that records texts; restores the default afterwards. */
export function collectWarnings<T>(fn: () => T): {
  result?: T;
  error?: unknown;
  warnings: string[];
} {
  const warnings: string[] = [];
  const previous = setWarningHandler((w) => warnings.push(w.message));
  try {
    return { result: fn(), warnings };
  } catch (error) {
    return { error, warnings };
  } finally {
    setWarningHandler(previous);
  }
}

/** `fn`'s result with the warnings it emits dropped; undefined when it throws. */
export const quiet = <T>(fn: () => T): T => collectWarnings(fn).result as T;

/** What `fn` throws, or undefined when it returns. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** A thrown value as text for a problem line: `Name: message` for an Error. */
export const errorText = (e: unknown) =>
  e instanceof Error ? `${e.name}: ${e.message}` : String(e);
