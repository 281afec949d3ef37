/**
 * The serialisable state of a {@link LogitsReport}: its options and its per-token values, the
 * arrays as base64 of little-endian Float64 / Int32 bytes (so JSON keeps every bit, infinities
 * and NaN included), and the strict validation of a state read back.
 *
 * @module
 */

import { ArgumentError, describe } from '../errors.js';

/** @internal The version of {@link LogitsReportState} this kldiv writes and reads. */
export const STATE_VERSION = 1;

/**
 * @internal What a row is when it is skipped: `top1Base`, `top1Compare` and `topKShared` hold -1,
 * the rest NaN.
 */
export const SKIPPED = -1;

/**
 * The JSON-serialisable state of a {@link LogitsReport} (what `merge` and `fromState` read):
 * `JSON.stringify` and `JSON.parse` keep it whole and bit-exact. Its size is O(tokens): 16 bytes
 * per token, 4 more with `topK`, 16 more with tokens (base64 adds a third).
 */
export interface LogitsReportState {
  /** Format version (1); other versions are refused, so old or foreign states fail loudly. */
  version: 1;
  /** Always `'logitsReport'`. */
  kind: 'logitsReport';
  /** The softmax temperature T (a finite number > 0). */
  temperature: number;
  /** The k of the top-k overlap, or null when not asked. */
  topK: number | null;
  /** What `add` does with invalid rows (merged states may hold skipped rows whatever this is). */
  nanRows: 'error' | 'skip';
  /** The vocabulary size, null before the first `add`. */
  vocab: number | null;
  /** Whether the adds gave next-token ids, null before the first `add`. */
  withTokens: boolean | null;
  /** Rows added, skipped ones included. */
  rows: number;
  /** Rows skipped (`nanRows: 'skip'`): their entries below are -1 or NaN. */
  skippedRows: number;
  /** Per-row KL(base || compare), base64 of `rows` little-endian float64. */
  kl: string;
  /** Per-row argmax of the base logits, base64 of `rows` little-endian int32. */
  top1Base: string;
  /** Per-row argmax of the compare logits, base64 of `rows` little-endian int32. */
  top1Compare: string;
  /** With `topK`: per-row size of the intersection of the two top-k sets (int32). */
  topKShared?: string;
  /** With tokens: per-row log p_base(token) (float64). */
  logProbBase?: string;
  /** With tokens: per-row log p_compare(token) (float64). */
  logProbCompare?: string;
}

/** @internal The per-row arrays of a report (exactly `rows` long once decoded). */
export interface ReportColumns {
  kl: Float64Array;
  top1Base: Int32Array;
  top1Compare: Int32Array;
  topKShared: Int32Array | null;
  logProbBase: Float64Array | null;
  logProbCompare: Float64Array | null;
}

/** @internal A validated state. */
export interface DecodedState {
  temperature: number;
  topK: number | undefined;
  nanRows: 'error' | 'skip';
  vocab: number | null;
  withTokens: boolean | null;
  rows: number;
  skippedRows: number;
  columns: ReportColumns;
}

const KEYS = [
  'version',
  'kind',
  'temperature',
  'topK',
  'nanRows',
  'vocab',
  'withTokens',
  'rows',
  'skippedRows',
  'kl',
  'top1Base',
  'top1Compare',
  'topKShared',
  'logProbBase',
  'logProbCompare',
];

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 (RFC 4648, padded) of bytes; no platform codec, so browsers and Node agree. */
function toBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    chunk +=
      ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63];
    if (chunk.length >= 65536) {
      parts.push(chunk);
      chunk = '';
    }
  }
  if (i < n) {
    const v = (bytes[i] << 16) | ((i + 1 < n ? bytes[i + 1] : 0) << 8);
    chunk += `${ALPHABET[v >> 18]}${ALPHABET[(v >> 12) & 63]}${i + 1 < n ? ALPHABET[(v >> 6) & 63] : '='}=`;
  }
  parts.push(chunk);
  return parts.join('');
}

/** The bytes of padded base64 text, or undefined when it is not exactly that. */
function fromBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let v = 0;
    for (let j = 0; j < 4; j++) {
      const ch = text.charCodeAt(i + j);
      const last = i + 4 === text.length;
      if (last && ch === 61 /* = */ && j >= 4 - pad) {
        v <<= 6;
        continue;
      }
      const d = ch < 128 ? DECODE[ch] : -1;
      if (d < 0) return undefined;
      v = (v << 6) | d;
    }
    out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

/** @internal base64 of the first `n` entries of a typed array, as little-endian bytes. */
export function encodeArray(a: Float64Array | Int32Array, n: number): string {
  const size = a.BYTES_PER_ELEMENT;
  if (LITTLE_ENDIAN) return toBase64(new Uint8Array(a.buffer, a.byteOffset, n * size));
  const bytes = new Uint8Array(n * size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    if (a instanceof Float64Array) view.setFloat64(i * 8, a[i], true);
    else view.setInt32(i * 4, a[i], true);
  }
  return toBase64(bytes);
}

function decodeArray<T extends Float64Array | Int32Array>(
  bytes: Uint8Array,
  Type: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number },
): T {
  // a fresh, aligned buffer (the decoded bytes are one already)
  if (LITTLE_ENDIAN) return new Type(bytes.buffer as ArrayBuffer);
  const out = new Type(new ArrayBuffer(bytes.length));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < out.length; i++) {
    out[i] =
      Type.BYTES_PER_ELEMENT === 8 ? view.getFloat64(i * 8, true) : view.getInt32(i * 4, true);
  }
  return out;
}

/** @internal The error of a malformed or incompatible state, naming the field. */
export function badState(
  fn: string,
  argument: string,
  rule: string,
  received: unknown,
): ArgumentError {
  return new ArgumentError(
    `${fn}: argument '${argument}' must be ${rule}; received ${describe(received)}.`,
    { code: 'E_INVALID_STATE', fn, argument, received },
  );
}

/**
 * @internal Validates a state (possibly parsed from JSON) and decodes its arrays. `fn` and `name`
 * (the argument, e.g. `'other'`) go into the messages, which name the faulty field.
 *
 * @throws {ArgumentError} `E_INVALID_STATE`.
 */
export function decodeState(state: unknown, fn: string, name: string): DecodedState {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    throw badState(fn, name, 'a LogitsReport or the object its state() returned', state);
  }
  const o = state as Record<string, unknown>;
  const field = (key: string) => `${name}.${key}`;
  for (const key of Object.keys(o)) {
    if (!KEYS.includes(key)) throw badState(fn, field(key), 'absent (not a state field)', o[key]);
  }
  if (o.version !== STATE_VERSION) {
    throw badState(
      fn,
      field('version'),
      `${STATE_VERSION} (the state format this kldiv reads)`,
      o.version,
    );
  }
  if (o.kind !== 'logitsReport') throw badState(fn, field('kind'), "'logitsReport'", o.kind);
  const temperature = o.temperature;
  if (typeof temperature !== 'number' || !(temperature > 0 && Number.isFinite(temperature))) {
    throw badState(fn, field('temperature'), 'a finite number > 0', temperature);
  }
  const count = (key: string, max = 2 ** 31 - 1): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
      throw badState(fn, field(key), `an integer in [0, ${max}]`, v);
    }
    return v;
  };
  const positiveOrNull = (key: string): number | null => {
    const v = o[key];
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 2 ** 31 - 1) {
      throw badState(fn, field(key), 'null or an integer >= 1', v);
    }
    return v;
  };
  const topK = positiveOrNull('topK') ?? undefined;
  if (o.nanRows !== 'error' && o.nanRows !== 'skip') {
    throw badState(fn, field('nanRows'), "'error' or 'skip'", o.nanRows);
  }
  const rows = count('rows');
  const vocab = positiveOrNull('vocab');
  const withTokens = o.withTokens;
  if (withTokens !== null && typeof withTokens !== 'boolean') {
    throw badState(fn, field('withTokens'), 'a boolean or null', withTokens);
  }
  if ((vocab === null) !== (withTokens === null) || (vocab === null && rows > 0)) {
    throw badState(
      fn,
      field(vocab === null ? 'vocab' : 'withTokens'),
      'null exactly when nothing was added (vocab and withTokens both null, rows 0)',
      vocab === null ? vocab : withTokens,
    );
  }
  if (topK !== undefined && vocab !== null && topK > vocab) {
    throw badState(fn, field('topK'), `at most vocab (${vocab})`, topK);
  }
  const skippedRows = count('skippedRows', rows);
  const array = <T extends Float64Array | Int32Array>(
    key: string,
    present: boolean,
    Type: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number },
  ): T | null => {
    const v = o[key];
    if (!present) {
      if (v !== undefined) {
        throw badState(
          fn,
          field(key),
          `absent (${key.startsWith('topK') ? 'topK is null' : 'the state has no tokens'})`,
          v,
        );
      }
      return null;
    }
    const bytes = typeof v === 'string' ? fromBase64(v) : undefined;
    const size = Type.BYTES_PER_ELEMENT;
    if (bytes === undefined || bytes.length !== rows * size) {
      throw badState(
        fn,
        field(key),
        `base64 of ${rows} little-endian ${size === 8 ? 'float64' : 'int32'} values (${rows * size} bytes)`,
        typeof v === 'string' && bytes !== undefined ? `${bytes.length} bytes` : v,
      );
    }
    return decodeArray(bytes, Type);
  };
  const columns: ReportColumns = {
    kl: array('kl', true, Float64Array) as Float64Array,
    top1Base: array('top1Base', true, Int32Array) as Int32Array,
    top1Compare: array('top1Compare', true, Int32Array) as Int32Array,
    topKShared: array('topKShared', topK !== undefined, Int32Array),
    logProbBase: array('logProbBase', withTokens === true, Float64Array),
    logProbCompare: array('logProbCompare', withTokens === true, Float64Array),
  };
  checkRows(columns, rows, vocab ?? 0, topK, skippedRows, fn, field);
  return { temperature, topK, nanRows: o.nanRows, vocab, withTokens, rows, skippedRows, columns };
}

/** Row by row: a skipped row is -1 / NaN everywhere, a kept one has its indices in range. */
function checkRows(
  c: ReportColumns,
  rows: number,
  vocab: number,
  topK: number | undefined,
  skippedRows: number,
  fn: string,
  field: (key: string) => string,
): void {
  let skipped = 0;
  for (let i = 0; i < rows; i++) {
    const skip = c.top1Base[i] === SKIPPED;
    if (skip) skipped++;
    const rule = skip
      ? 'NaN / -1 in every array at a skipped row (top1Base -1)'
      : `in range at a kept row (top1 in [0, ${vocab}), topKShared in [0, ${topK}], kl not NaN)`;
    const fail = (key: string, v: number) => badState(fn, `${field(key)}[${i}]`, rule, v);
    if (!skip && !(c.top1Base[i] >= 0 && c.top1Base[i] < vocab)) {
      throw fail('top1Base', c.top1Base[i]);
    }
    const t1 = c.top1Compare[i];
    if (skip ? t1 !== SKIPPED : !(t1 >= 0 && t1 < vocab)) throw fail('top1Compare', t1);
    if (Number.isNaN(c.kl[i]) !== skip) throw fail('kl', c.kl[i]);
    const shared = c.topKShared?.[i];
    if (
      shared !== undefined &&
      topK !== undefined &&
      (skip ? shared !== SKIPPED : !(shared >= 0 && shared <= topK))
    ) {
      throw fail('topKShared', shared);
    }
    for (const key of ['logProbBase', 'logProbCompare'] as const) {
      const v = c[key]?.[i];
      if (v !== undefined && Number.isNaN(v) !== skip) throw fail(key, v);
    }
  }
  if (skipped !== skippedRows) {
    throw badState(
      fn,
      field('skippedRows'),
      `the number of skipped rows in the arrays (${skipped})`,
      skippedRows,
    );
  }
}
