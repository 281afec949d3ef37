/**
 * PyTorch's `repr(tensor)` (torch/_tensor_str.py), reproduced character for character:
 * fixed/scientific/integer modes, column widths, line wrapping at 80 columns, `...`
 * summarisation above 1000 elements, and the `size=` / `dtype=` suffixes.
 *
 * @module
 */

import { ArgumentError, describe } from '../errors.js';
import { checkOptions } from '../options.js';
import type { DType, TensorData } from './dtype.js';
import { formatExponential, formatFixed } from './python-format.js';
import { contiguousStrides } from './shape.js';

/** PyTorch's print options (`torch.set_printoptions`). */
export interface PrintOptions {
  /** Digits after the decimal point (default 4). */
  precision: number;
  /** Element count above which the repr is summarised with `...` (default 1000; `Infinity` never summarises). */
  threshold: number;
  /** Items kept at each edge of a summarised dimension (default 3). */
  edgeitems: number;
  /** Characters per line before wrapping (default 80). */
  linewidth: number;
  /** Force scientific notation on (true) or off (false); null lets the formatter choose. */
  sciMode: boolean | null;
}

/**
 * What `setPrintOptions` accepts: any of {@link PrintOptions} (null or omitted leaves a numeric
 * option unchanged, as `None` does in PyTorch) plus PyTorch's `profile` presets.
 */
export interface SetPrintOptions {
  precision?: number | null;
  threshold?: number | null;
  edgeitems?: number | null;
  linewidth?: number | null;
  /** `'default'`, `'short'` or `'full'`: sets the four numeric options first; the others then override. */
  profile?: 'default' | 'short' | 'full' | null;
  /** Set on every call: omitting it resets it to null, as `torch.set_printoptions` does. */
  sciMode?: boolean | null;
}

const DEFAULTS: PrintOptions = {
  precision: 4,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 80,
  sciMode: null,
};

/** torch's `profile` presets; none of them mentions `sci_mode`, which the call then resets. */
const PROFILES: Record<'default' | 'short' | 'full', Omit<PrintOptions, 'sciMode'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Number.POSITIVE_INFINITY, edgeitems: 3, linewidth: 80 },
};

const KNOWN = ['precision', 'threshold', 'edgeitems', 'linewidth', 'profile', 'sciMode'] as const;
const NUMERIC = ['precision', 'threshold', 'edgeitems', 'linewidth'] as const;

const opts: PrintOptions = { ...DEFAULTS };

/**
 * `torch.set_printoptions`, with its semantics: `profile` (if given) sets precision, threshold,
 * edgeitems and linewidth; each numeric option given (not null) then overrides; the others keep
 * their value; `sciMode` is set on every call, so omitting it resets it to null (automatic).
 * `setPrintOptions(null)` restores every default (PyTorch: `profile='default'`). Returns the
 * options now in force.
 *
 * @example
 * ```ts
 * import { setPrintOptions, tensor } from 'kldiv';
 * setPrintOptions({ sciMode: true });
 * setPrintOptions({ precision: 3 }); // sciMode is back to automatic
 * console.log(tensor([0.1, 0.2]).toString()); // tensor([0.100, 0.200])
 * setPrintOptions(null);
 * ```
 */
export function setPrintOptions(options?: SetPrintOptions | null): PrintOptions {
  if (options === null) {
    Object.assign(opts, DEFAULTS);
    return { ...opts };
  }
  const o = checkOptions<SetPrintOptions>(options, KNOWN, 'setPrintOptions');
  // Validate everything before changing anything, so a rejected call leaves the options intact.
  const profile = o.profile;
  if (profile !== undefined && profile !== null && !Object.hasOwn(PROFILES, profile)) {
    // torch ignores an unknown profile silently; a typo here would go unnoticed, so reject it.
    throw new ArgumentError(
      `setPrintOptions: option 'profile' must be 'default', 'short', 'full' or null; received ${describe(profile)}.`,
      {
        code: 'E_OPTION_RANGE',
        fn: 'setPrintOptions',
        argument: 'profile',
        received: profile,
        torchType: 'none',
      },
    );
  }
  for (const key of NUMERIC) {
    const value = o[key];
    if (value === undefined || value === null) continue;
    const ok =
      (Number.isSafeInteger(value) && value >= 0) ||
      (key === 'threshold' && value === Number.POSITIVE_INFINITY);
    if (!ok) {
      // a negative integer is out of range; anything but an integer is of the wrong type (Python's int)
      throw new ArgumentError(
        `setPrintOptions: option '${key}' must be a non-negative integer${key === 'threshold' ? ' or Infinity' : ''}; received ${describe(value)}.`,
        {
          code: Number.isInteger(value) ? 'E_OPTION_RANGE' : 'E_OPTION_TYPE',
          fn: 'setPrintOptions',
          argument: key,
          received: value,
        },
      );
    }
  }
  const sciMode = o.sciMode ?? null;
  if (typeof sciMode !== 'boolean' && sciMode !== null) {
    throw new ArgumentError(
      `setPrintOptions: option 'sciMode' must be a boolean or null; received ${describe(sciMode)}.`,
      { code: 'E_OPTION_TYPE', fn: 'setPrintOptions', argument: 'sciMode', received: sciMode },
    );
  }
  if (profile !== undefined && profile !== null) Object.assign(opts, PROFILES[profile]);
  for (const key of NUMERIC) {
    const value = o[key];
    if (value !== undefined && value !== null) opts[key] = value;
  }
  opts.sciMode = sciMode;
  return { ...opts };
}

/** What a formatter needs of a tensor: contiguous row-major data with a shape. */
interface View {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: TensorData;
}

/** torch's `_Formatter`: picks a mode and a common column width from the values shown. */
class Formatter {
  private readonly floating: boolean;
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(dtype: DType, values: ArrayLike<number>) {
    this.floating = dtype !== 'int32';
    const p = opts.precision;
    if (!this.floating) {
      for (let i = 0; i < values.length; i++) {
        this.maxWidth = Math.max(this.maxWidth, String(values[i]).length);
      }
      return;
    }
    const finite: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isFinite(v) && v !== 0) finite.push(v);
    }
    if (finite.length > 0) {
      let min = Number.POSITIVE_INFINITY;
      let max = 0;
      for (const v of finite) {
        const a = Math.abs(v);
        if (a < min) min = a;
        if (a > max) max = a;
        if (v !== Math.ceil(v)) this.intMode = false;
      }
      if (max / min > 1000 || max > 1e8 || (!this.intMode && min < 1e-4)) {
        this.sciMode = true;
        for (const v of finite) {
          this.maxWidth = Math.max(this.maxWidth, formatExponential(v, p).length);
        }
      } else {
        for (const v of finite) {
          const width = this.intMode ? formatFixed(v, 0).length + 1 : formatFixed(v, p).length;
          this.maxWidth = Math.max(this.maxWidth, width);
        }
      }
      // torch returns early when nothing is finite and nonzero, before applying sci_mode, so
      // tensor([0., inf]) prints in integer mode whatever the option.
      if (opts.sciMode !== null) this.sciMode = opts.sciMode;
    }
  }

  width(): number {
    return this.maxWidth;
  }

  format(value: number): string {
    let s: string;
    if (!this.floating) {
      s = String(value);
    } else if (this.sciMode) {
      s = formatExponential(value, opts.precision);
    } else if (this.intMode) {
      s = formatFixed(value, 0);
      if (Number.isFinite(value)) s += '.';
    } else {
      s = formatFixed(value, opts.precision);
    }
    return s.padStart(this.maxWidth, ' ');
  }
}

/** Indices of a dimension of size `n` that a summarised repr shows (all of them when short). */
function shownIndices(n: number, summarize: boolean): number[] {
  const e = opts.edgeitems;
  if (summarize && n > 2 * e) {
    const head = Array.from({ length: e }, (_, i) => i);
    return head.concat(Array.from({ length: e }, (_, i) => n - e + i));
  }
  return Array.from({ length: n }, (_, i) => i);
}

/** torch's `get_summarized_data`, flattened: the values the formatter measures. */
function summarizedValues(t: View, summarize: boolean): number[] {
  const out: number[] = [];
  const strides = contiguousStrides(t.shape);
  const walk = (dim: number, offset: number): void => {
    if (dim === t.shape.length) {
      out.push(t.data[offset]);
      return;
    }
    for (const i of shownIndices(t.shape[dim], summarize)) walk(dim + 1, offset + i * strides[dim]);
  };
  walk(0, 0);
  return out;
}

function vectorStr(
  t: View,
  offset: number,
  indent: number,
  summarize: boolean,
  formatter: Formatter,
): string {
  const n = t.shape[t.shape.length - 1];
  const elementLength = formatter.width() + 2;
  const perLine = Math.max(1, Math.floor((opts.linewidth - indent) / elementLength));
  let items: string[];
  if (summarize && opts.edgeitems === 0) {
    items = ['...'];
  } else if (summarize && n > 2 * opts.edgeitems) {
    const e = opts.edgeitems;
    items = [];
    for (let i = 0; i < e; i++) items.push(formatter.format(t.data[offset + i]));
    items.push(' ...');
    for (let i = n - e; i < n; i++) items.push(formatter.format(t.data[offset + i]));
  } else {
    items = [];
    for (let i = 0; i < n; i++) items.push(formatter.format(t.data[offset + i]));
  }
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) {
    lines.push(items.slice(i, i + perLine).join(', '));
  }
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

function tensorStr(
  t: View,
  dim: number,
  offset: number,
  strides: readonly number[],
  indent: number,
  summarize: boolean,
  formatter: Formatter,
): string {
  const remaining = t.shape.length - dim;
  if (remaining === 0) return formatter.format(t.data[offset]);
  if (remaining === 1) return vectorStr(t, offset, indent, summarize, formatter);
  const n = t.shape[dim];
  const e = opts.edgeitems;
  const child = (i: number) =>
    tensorStr(t, dim + 1, offset + i * strides[dim], strides, indent + 1, summarize, formatter);
  let slices: string[];
  if (summarize && n > 2 * e) {
    slices = [];
    for (let i = 0; i < e; i++) slices.push(child(i));
    slices.push('...');
    for (let i = n - e; i < n; i++) slices.push(child(i));
  } else {
    slices = Array.from({ length: n }, (_, i) => child(i));
  }
  return `[${slices.join(`,${'\n'.repeat(remaining - 1)}${' '.repeat(indent + 1)}`)}]`;
}

function addSuffixes(body: string, suffixes: string[], indent: number): string {
  const parts = [body];
  let lastLineLength = body.length - body.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > opts.linewidth) {
      parts.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLength = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLength += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/**
 * `repr(tensor)` as PyTorch 1.13 prints it (default dtype float32; float64 and int32 carry a
 * `dtype=torch.*` suffix as non-default dtypes do in PyTorch).
 *
 * @internal Use `Tensor#toString()`.
 */
export function formatTensor(t: View): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  const numel = t.data.length;
  let body: string;
  if (numel === 0) {
    // NumPy prints the shape of an empty tensor unless it is (0,).
    if (t.shape.length !== 1) suffixes.push(`size=(${t.shape.join(', ')})`);
    if (t.dtype !== 'float32') suffixes.push(`dtype=torch.${t.dtype}`);
    body = '[]';
  } else {
    if (t.dtype !== 'float32') suffixes.push(`dtype=torch.${t.dtype}`);
    const summarize = numel > opts.threshold;
    const formatter = new Formatter(t.dtype, summarize ? summarizedValues(t, true) : t.data);
    body = tensorStr(t, 0, 0, contiguousStrides(t.shape), indent, summarize, formatter);
  }
  return addSuffixes(prefix + body, suffixes, indent);
}
