/**
 * Every error kldiv throws is a {@link KLDivError}: it names the public function and the
 * argument at fault, shows what was received, and carries a stable `code` to branch on.
 * Where PyTorch raises for the same input, its message text appears verbatim so that a
 * search for the PyTorch error finds the kldiv one too.
 *
 * @module
 */

/** Which Python exception PyTorch raises for the same fault (`'none'` where PyTorch has no equivalent check). */
export type TorchErrorType =
  | 'RuntimeError'
  | 'ValueError'
  | 'TypeError'
  | 'IndexError'
  | 'NotImplementedError'
  | 'none';

/** The classes of kldiv's errors, by name. */
export type ErrorClassName =
  | 'KLDivError'
  | 'ArgumentError'
  | 'ShapeError'
  | 'DTypeError'
  | 'NotImplementedError';

/** A row of {@link ERROR_TABLE}. */
export interface ErrorTableRow {
  /** The class every error of the code is an instance of (exactly: not a subclass). */
  readonly class: ErrorClassName;
  /**
   * The `torchType`s an error of the code may carry, the first the usual one: PyTorch raises a
   * `ValueError` for a distribution's shape fault but a `RuntimeError` for a tensor op's, and
   * `'none'` marks checks PyTorch does not make.
   */
  readonly torchTypes: readonly TorchErrorType[];
}

/**
 * The one table of error codes: each code's class and the Python exceptions PyTorch raises for
 * it. The error classes' constructors only accept their own codes (and each code's torchTypes),
 * a test checks every error the bad-input matrix provokes against it, and `docs/errors.md`'s
 * code table is checked against it.
 *
 * @example
 * ```ts
 * import { ERROR_TABLE } from 'kldiv';
 * console.log(ERROR_TABLE.E_INVALID_REDUCTION.class); // ArgumentError
 * console.log(ERROR_TABLE.E_NOT_IMPLEMENTED.torchTypes.join()); // NotImplementedError
 * ```
 */
export const ERROR_TABLE = {
  E_INVALID_REDUCTION: { class: 'ArgumentError', torchTypes: ['ValueError', 'none'] },
  E_INTEGRAL_INPUT: { class: 'DTypeError', torchTypes: ['RuntimeError'] },
  E_BROADCAST: { class: 'ShapeError', torchTypes: ['RuntimeError', 'ValueError'] },
  E_UNKNOWN_OPTION: { class: 'ArgumentError', torchTypes: ['TypeError'] },
  E_OPTION_TYPE: { class: 'ArgumentError', torchTypes: ['TypeError', 'none'] },
  E_INVALID_DATA: { class: 'ArgumentError', torchTypes: ['TypeError', 'none'] },
  E_RAGGED: { class: 'ShapeError', torchTypes: ['ValueError'] },
  E_DATA_LENGTH: { class: 'ShapeError', torchTypes: ['RuntimeError'] },
  E_INVALID_SHAPE: { class: 'ShapeError', torchTypes: ['none', 'ValueError'] },
  E_INVALID_DTYPE: { class: 'ArgumentError', torchTypes: ['TypeError', 'none'] },
  E_GRAD_SHAPE: { class: 'ShapeError', torchTypes: ['RuntimeError'] },
  E_TOO_LARGE: { class: 'ShapeError', torchTypes: ['none'] },
  E_NOT_SCALAR: { class: 'ShapeError', torchTypes: ['ValueError'] },
  E_BACKEND_UNAVAILABLE: { class: 'KLDivError', torchTypes: ['none'] },
  E_THREAD_FAILURE: { class: 'KLDivError', torchTypes: ['none'] },
  E_OPTION_RANGE: { class: 'ArgumentError', torchTypes: ['ValueError', 'none'] },
  E_INVALID_DIM: { class: 'ArgumentError', torchTypes: ['IndexError', 'TypeError', 'none'] },
  E_SHAPE_MISMATCH: { class: 'ShapeError', torchTypes: ['RuntimeError', 'ValueError', 'none'] },
  E_INVALID_PARAMETER: { class: 'ArgumentError', torchTypes: ['ValueError', 'RuntimeError'] },
  E_MISSING_PARAMETER: { class: 'ArgumentError', torchTypes: ['TypeError', 'ValueError'] },
  E_OUT_OF_SUPPORT: { class: 'ArgumentError', torchTypes: ['ValueError', 'RuntimeError'] },
  E_NOT_IMPLEMENTED: { class: 'NotImplementedError', torchTypes: ['NotImplementedError'] },
  E_OUT_OF_MEMORY: { class: 'KLDivError', torchTypes: ['none'] },
  E_INVALID_FREE: { class: 'ArgumentError', torchTypes: ['none'] },
  E_OUT_BUFFER: { class: 'ArgumentError', torchTypes: ['none'] },
  E_INVALID_STATE: { class: 'ArgumentError', torchTypes: ['none'] },
  E_NON_FINITE: { class: 'ArgumentError', torchTypes: ['none'] },
  E_DUPLICATE_SAMPLES: { class: 'ArgumentError', torchTypes: ['none'] },
} as const satisfies Record<string, ErrorTableRow>;

/** Stable machine-readable error codes ({@link ERROR_TABLE}); `docs/errors.md` lists what raises each. */
export type ErrorCode = keyof typeof ERROR_TABLE;

/** The codes of one error class. */
export type ErrorCodeOf<C extends ErrorClassName> = {
  [K in ErrorCode]: (typeof ERROR_TABLE)[K]['class'] extends C ? K : never;
}[ErrorCode];

/**
 * The details an error of code `C` takes, `torchType` one of its row's: for a union of codes, a
 * union of such objects, so that `{ code, torchType }` must match one row.
 */
export type KLDivErrorDetailsOf<C extends ErrorCode> = C extends ErrorCode
  ? KLDivErrorDetails & { code: C; torchType?: (typeof ERROR_TABLE)[C]['torchTypes'][number] }
  : never;

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

  /** Only the codes whose {@link ERROR_TABLE} row names `KLDivError` (subclasses: their own). */
  constructor(message: string, details: KLDivErrorDetailsOf<ErrorCodeOf<'KLDivError'>>) {
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
export class ArgumentError extends KLDivError {
  constructor(message: string, details: KLDivErrorDetailsOf<ErrorCodeOf<'ArgumentError'>>) {
    super(message, details as never);
  }
}

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
export class ShapeError extends KLDivError {
  constructor(message: string, details: KLDivErrorDetailsOf<ErrorCodeOf<'ShapeError'>>) {
    super(message, details as never);
  }
}

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
export class DTypeError extends KLDivError {
  constructor(message: string, details: KLDivErrorDetailsOf<ErrorCodeOf<'DTypeError'>>) {
    super(message, details as never);
  }
}

/**
 * An operation PyTorch does not implement either (PyTorch: `NotImplementedError`): a KL pair
 * without a closed form, an `entropy()` PyTorch does not define. Not an {@link ArgumentError}:
 * the arguments are valid, the operation is missing.
 *
 * @example
 * ```ts
 * import { NotImplementedError } from 'kldiv';
 * import { Normal, Categorical, klDivergence } from 'kldiv/distributions';
 * try {
 *   klDivergence(new Normal({ loc: 0, scale: 1 }), new Categorical({ probs: [0.5, 0.5] }));
 * } catch (e) {
 *   console.log(e instanceof NotImplementedError, (e as NotImplementedError).code); // true E_NOT_IMPLEMENTED
 * }
 * ```
 */
export class NotImplementedError extends KLDivError {
  constructor(message: string, details: KLDivErrorDetailsOf<ErrorCodeOf<'NotImplementedError'>>) {
    super(message, details as never);
  }
}

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

/**
 * @internal Runs `work` for the public function `fn`: a thread failure raised below it (the
 * worker pool knows no caller) is re-thrown naming `fn`, the function that was called.
 */
export function inPublicCall<T>(fn: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (!(e instanceof KLDivError) || e.code !== 'E_THREAD_FAILURE' || e.fn === fn) throw e;
    throw new KLDivError(e.message, {
      code: 'E_THREAD_FAILURE',
      fn,
      argument: e.argument,
      received: e.received,
    });
  }
}
