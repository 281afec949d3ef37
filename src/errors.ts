/**
 * Every error kldiv throws is a {@link KLDivError}: it names the public function and the
 * argument at fault, shows what was received, and carries a stable `code` to branch on.
 * Where PyTorch raises for the same input, its message text appears verbatim so that a
 * search for the PyTorch error finds the kldiv one too.
 *
 * @module
 */

/** Stable machine-readable error codes; `docs/errors.md` lists what raises each. */
export type ErrorCode =
  | 'E_INVALID_REDUCTION'
  | 'E_INTEGRAL_INPUT'
  | 'E_BROADCAST'
  | 'E_UNKNOWN_OPTION'
  | 'E_OPTION_TYPE'
  | 'E_INVALID_DATA'
  | 'E_RAGGED'
  | 'E_DATA_LENGTH'
  | 'E_INVALID_SHAPE'
  | 'E_INVALID_DTYPE'
  | 'E_GRAD_SHAPE'
  | 'E_TOO_LARGE'
  | 'E_NOT_SCALAR'
  | 'E_BACKEND_UNAVAILABLE'
  | 'E_THREAD_FAILURE'
  | 'E_OPTION_RANGE'
  | 'E_INVALID_DIM'
  | 'E_SHAPE_MISMATCH'
  | 'E_INVALID_PARAMETER'
  | 'E_MISSING_PARAMETER'
  | 'E_OUT_OF_SUPPORT'
  | 'E_NOT_IMPLEMENTED'
  | 'E_OUT_OF_MEMORY'
  | 'E_INVALID_FREE'
  | 'E_OUT_BUFFER'
  | 'E_INVALID_STATE';

/** Which Python exception PyTorch raises for the same fault (`'none'` where PyTorch has no equivalent check). */
export type TorchErrorType =
  | 'RuntimeError'
  | 'ValueError'
  | 'TypeError'
  | 'IndexError'
  | 'NotImplementedError'
  | 'none';

/** Fields every {@link KLDivError} carries. */
export interface KLDivErrorDetails {
  /** Stable code, e.g. `'E_INVALID_REDUCTION'`. */
  code: ErrorCode;
  /** Public function that rejected the call, e.g. `'klDiv'`. */
  fn: string;
  /** Argument at fault, e.g. `'reduction'` or `'input'`. */
  argument: string;
  /** The offending value as received (or a short description of it). */
  received?: unknown;
  /** The Python exception PyTorch raises for the same input. */
  torchType?: TorchErrorType;
}

/**
 * Base class of every error thrown by kldiv.
 *
 * @example
 * ```ts
 * import { klDiv, KLDivError } from 'kldiv';
 * try {
 *   klDiv([[-1]], [[1]], { reduction: 'avg' as never });
 * } catch (e) {
 *   console.log(e instanceof KLDivError && e.code); // E_INVALID_REDUCTION
 * }
 * ```
 */
export class KLDivError extends Error {
  readonly code: ErrorCode;
  readonly fn: string;
  readonly argument: string;
  readonly received: unknown;
  readonly torchType: TorchErrorType;

  constructor(message: string, details: KLDivErrorDetails) {
    super(message);
    this.name = new.target.name;
    this.code = details.code;
    this.fn = details.fn;
    this.argument = details.argument;
    this.received = details.received;
    this.torchType = details.torchType ?? 'none';
  }
}

/**
 * A value of the wrong type or outside the allowed set (PyTorch: `TypeError` / `ValueError`).
 *
 * @example
 * ```ts
 * import { ArgumentError, klDiv } from 'kldiv';
 * try {
 *   klDiv([-1], [1], { logtarget: true } as never);
 * } catch (e) {
 *   console.log(e instanceof ArgumentError, (e as ArgumentError).argument); // true logtarget
 * }
 * ```
 */
export class ArgumentError extends KLDivError {}

/**
 * Shapes that do not fit: broadcasting, data length, gradient shape (PyTorch: `RuntimeError`).
 *
 * @example
 * ```ts
 * import { ShapeError, klDiv } from 'kldiv';
 * try {
 *   klDiv([[-1, -2, -3]], [[0.5, 0.5]]);
 * } catch (e) {
 *   console.log(e instanceof ShapeError, (e as ShapeError).code); // true E_BROADCAST
 * }
 * ```
 */
export class ShapeError extends KLDivError {}

/**
 * A dtype the operation does not support (PyTorch: `RuntimeError`).
 *
 * @example
 * ```ts
 * import { DTypeError, klDiv, tensor } from 'kldiv';
 * try {
 *   klDiv(tensor([1], { dtype: 'int32' }), [1]);
 * } catch (e) {
 *   console.log(e instanceof DTypeError, (e as DTypeError).torchType); // true RuntimeError
 * }
 * ```
 */
export class DTypeError extends KLDivError {}

/**
 * Short, bounded rendering of a received value for error messages: strings quoted, arrays
 * and typed arrays summarised, never a dump of a large buffer.
 */
export function describe(value: unknown): string {
  if (typeof value === 'string')
    return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'symbol') return value.toString();
  if (ArrayBuffer.isView(value)) {
    return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const head = value.slice(0, 4).map((v) => (Array.isArray(v) ? '[...]' : describe(v)));
    return `[${head.join(', ')}${value.length > 4 ? `, ... (${value.length} items)` : ''}]`;
  }
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `${name} object` : 'object';
}

/** Formats a shape the way kldiv messages print it: `[2, 3]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
