/** Shared by the format tests: the committed files, their expected values, scratch files, helpers. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { CliError } from '../../packages/cli/src/errors.js';
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const data = join(root, 'test', 'data', 'cli-formats');
export const at = (name: string) => join(data, name);
export const dir = mkdtempSync(join(tmpdir(), 'kldiv-formats-'));
export const tmp = (name: string) => join(dir, name);

export interface Case {
  file: string;
  array: string | null;
  kind: 'logits' | 'tokens';
  dtype: string;
  shape: number[];
  values: (number | string)[];
  bits32?: number[];
}
export const expected = JSON.parse(readFileSync(at('expected.json'), 'utf8')) as { cases: Case[] };
export const decodeNumber = (v: number | string) =>
  v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number);
export const label = (c: Case) => `${c.file}${c.array === null ? '' : ` [${c.array}]`}`;
export const logitCases = expected.cases.filter((c) => c.kind === 'logits');
export const tokenCases = expected.cases.filter((c) => c.kind === 'tokens');

/** The CliError `f` throws (fails the test if it returns or throws anything else). */
export function cliError(f: () => unknown): CliError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    return e as CliError;
  }
  throw new Error('expected a CliError; nothing was thrown');
}

export const bytesOf = (a: Float32Array | Float64Array) =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A .safetensors file from a header JSON text (or bytes) and `dataBytes` zero bytes of data. */
export function rawSafetensors(header: string | Buffer, dataBytes = 0): Buffer {
  const h = typeof header === 'string' ? Buffer.from(header) : header;
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, Buffer.alloc(dataBytes)]);
}

/** A .safetensors file of zero-filled tensors {name: [dtype, shape, bytes]}. */
export function safetensors(tensors: Record<string, [string, number[], number]>): Buffer {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, [dtype, shape, bytes]] of Object.entries(tensors)) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  return rawSafetensors(JSON.stringify(header), offset);
}
