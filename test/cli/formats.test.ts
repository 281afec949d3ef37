/**
 * The CLI's file-format readers (packages/cli/src/formats): every value of the committed .npy,
 * .npz and .safetensors files (tools/cli-formats/gen-files.py) decodes bitwise to what NumPy and
 * PyTorch say; chunked reads equal one full read; float16 and bfloat16 convert exactly for all
 * 65536 bit patterns; every bad input is a CliError naming the file and the problem; and the
 * TSDoc examples print what they say.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { CliError } from '../../packages/cli/src/errors.js';
import { detectFormat } from '../../packages/cli/src/formats/detect.js';
import { MemoryFile } from '../../packages/cli/src/formats/file.js';
import { bfloat16ToFloat32, float16ToFloat32 } from '../../packages/cli/src/formats/float16.js';
import { NpyReader } from '../../packages/cli/src/formats/npy.js';
import { openLogits } from '../../packages/cli/src/formats/open.js';
import { readTokens } from '../../packages/cli/src/formats/tokens.js';
import { readArray } from '../../packages/cli/src/read.js';
import { npyBytes, writeNpy } from '../helpers/npy.js';
import { expectedOutputs, runExample } from '../helpers/run-example.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const data = join(root, 'test', 'data', 'cli-formats');
const at = (name: string) => join(data, name);
const dir = mkdtempSync(join(tmpdir(), 'kldiv-formats-'));
const tmp = (name: string) => join(dir, name);

interface Case {
  file: string;
  array: string | null;
  kind: 'logits' | 'tokens';
  dtype: string;
  shape: number[];
  values: (number | string)[];
  bits32?: number[];
}
const expected = JSON.parse(readFileSync(at('expected.json'), 'utf8')) as { cases: Case[] };
const decodeNumber = (v: number | string) =>
  v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number);
const label = (c: Case) => `${c.file}${c.array === null ? '' : ` [${c.array}]`}`;
const logitCases = expected.cases.filter((c) => c.kind === 'logits');
const tokenCases = expected.cases.filter((c) => c.kind === 'tokens');

/** The CliError `f` throws (fails the test if it returns or throws anything else). */
function cliError(f: () => unknown): CliError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    return e as CliError;
  }
  throw new Error('expected a CliError; nothing was thrown');
}

const bytesOf = (a: Float32Array | Float64Array) =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('every committed file decodes to the values NumPy and PyTorch give, bitwise', () => {
  test('the generator covers each format, dtype and rank', () => {
    const files = new Set(expected.cases.map((c) => c.file));
    expect(
      readdirSync(data)
        .filter((f) => f !== 'expected.json')
        .sort(),
    ).toEqual([...files].sort());
    const has = (ext: string, dtype: string, rank: number) =>
      logitCases.some((c) => c.file.endsWith(ext) && c.dtype === dtype && c.shape.length === rank);
    for (const d of ['float16', 'float32', 'float64']) {
      expect(has('.npy', d, 2) && has('.npy', d, 3), `.npy ${d}`).toBe(true);
    }
    for (const d of ['float16', 'bfloat16', 'float32', 'float64'])
      expect(has('.safetensors', d, 2), `.safetensors ${d}`).toBe(true);
    expect(has('.npz', 'float32', 2) && has('.npz', 'float16', 3)).toBe(true);
    expect(logitCases.length).toBe(25);
    expect(tokenCases.length).toBe(7);
  });

  test.each(logitCases.map((c) => [label(c), c] as const))('%s', (_name, c) => {
    const src = openLogits(at(c.file), c.array === null ? {} : { array: c.array });
    try {
      expect(src.shape).toEqual(c.shape);
      expect(src.dtype).toBe(c.dtype);
      expect(src.vocab).toBe(c.shape[c.shape.length - 1]);
      expect(src.rows).toBe(c.values.length / src.vocab);
      expect(src.name).toBe(c.file.endsWith('.npy') ? undefined : (c.array ?? src.name));
      const all = src.read(0, src.rows);
      // float64 files stay float64; the others come as float32 (float16/bfloat16 exactly)
      expect(all).toBeInstanceOf(c.dtype === 'float64' ? Float64Array : Float32Array);
      expect(all.length).toBe(c.values.length);
      const got = Array.from(all);
      const want = c.values.map(decodeNumber);
      const diff = got.findIndex((v, i) => !Object.is(v, want[i]));
      expect(diff, `first difference at ${diff}: ${got[diff]} vs ${want[diff]}`).toBe(-1);
      if (c.bits32 !== undefined) {
        // the float32 bit patterns, NaN payloads and signalling NaNs included
        const bits = new Uint32Array(all.buffer, all.byteOffset, all.length);
        expect(Array.from(bits)).toEqual(c.bits32);
      }
    } finally {
      src.close();
    }
  });

  test.each(tokenCases.map((c) => [label(c), c] as const))('%s', (_name, c) => {
    const ids = readTokens(at(c.file), c.array === null ? {} : { array: c.array });
    expect(ids).toBeInstanceOf(Int32Array);
    expect(Array.from(ids)).toEqual(c.values);
  });

  test('the one array of an archive is read without a name', () => {
    const one = openLogits(at('one-array.npz'));
    expect(one.name).toBe('arr_0');
    one.close();
    const single = openLogits(at('single.safetensors'));
    expect(single.name).toBe('logits');
    single.close();
  });

  test('readArray (kldiv loss and dist) reads the same formats whole', () => {
    const a = readArray(at('logits.safetensors'), { array: 'logits_bf16' });
    const c = logitCases.find((x) => x.file === 'logits.safetensors' && x.array === 'logits_bf16')!;
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([5, 7]);
    expect(Array.from(a.data)).toEqual(c.values.map(decodeNumber));
    const z = readArray(at('logits-compressed.npz'), { array: 'logits3' });
    expect(z.shape).toEqual([2, 3, 7]);
    const ints = cliError(() => readArray(at('tokens-i32.npy')));
    expect(ints.message).toMatch(/^unsupported dtype '<i4' \(int32;/);
  });
});

describe('chunked reads equal one full read', () => {
  const sources = logitCases.filter((c) => c.shape.length === 3 || c.file.endsWith('.npz'));
  test.each(sources.map((c) => [label(c), c] as const))('%s', (_name, c) => {
    const opts = c.array === null ? {} : { array: c.array };
    const full = openLogits(at(c.file), opts);
    const whole = bytesOf(full.read(0, full.rows));
    full.close();
    for (const chunk of [1, 2, 4, 5]) {
      const src = openLogits(at(c.file), { ...opts, chunkRows: chunk });
      expect(src.chunkRows).toBe(chunk);
      const parts: Uint8Array[] = [];
      for (let s = 0; s < src.rows; s += src.chunkRows)
        parts.push(bytesOf(src.read(s, Math.min(src.chunkRows, src.rows - s))));
      src.close();
      expect(Buffer.concat(parts).equals(Buffer.from(whole)), `chunks of ${chunk}`).toBe(true);
    }
  });

  test('out of order reads (backwards restarts the inflation) give the same rows', () => {
    const src = openLogits(at('logits-compressed.npz'), { array: 'logits' });
    const whole = src.read(0, 5);
    expect(Array.from(src.read(3, 2))).toEqual(Array.from(whole.subarray(21, 35)));
    expect(Array.from(src.read(1, 1))).toEqual(Array.from(whole.subarray(7, 14))); // back
    expect(Array.from(src.read(4, 1))).toEqual(Array.from(whole.subarray(28, 35))); // skip
    expect(src.read(5, 0).length).toBe(0);
    src.close();
    src.close(); // idempotent
  });

  test('the default chunk is about 4 Mi elements; chunkRows overrides it', () => {
    const src = openLogits(at('logits-f32.npy'));
    expect(src.chunkRows).toBe(Math.floor(4_194_304 / 7));
    src.close();
  });
});

describe('float16 and bfloat16 convert exactly, for every bit pattern', () => {
  // the definition, evaluated in float64: (-1)^s 2^(e - bias) (1 + m / 2^p) for normals,
  // (-1)^s 2^(1 - bias) m / 2^p for subnormals; all-ones exponent: inf (m = 0) or NaN
  const byFormula = (h: number, expBits: number, mantBits: number) => {
    const bias = 2 ** (expBits - 1) - 1;
    const s = h >> (expBits + mantBits) ? -1 : 1;
    const e = (h >> mantBits) & (2 ** expBits - 1);
    const m = h & (2 ** mantBits - 1);
    if (e === 2 ** expBits - 1) return m === 0 ? s * Infinity : Number.NaN;
    if (e === 0) return s * 2 ** (1 - bias) * (m / 2 ** mantBits);
    return s * 2 ** (e - bias) * (1 + m / 2 ** mantBits);
  };
  const all = Uint16Array.from({ length: 65536 }, (_, i) => i);

  test('float16: the value is the formula, and NaNs keep sign and payload (bits << 13)', () => {
    const f = float16ToFloat32(all);
    const bits = new Uint32Array(f.buffer);
    for (let h = 0; h < 65536; h++) {
      const want = byFormula(h, 5, 10);
      if (!Object.is(f[h], want)) expect.fail(`0x${h.toString(16)}: ${f[h]} vs ${want}`);
      if (Number.isNaN(want)) {
        const nanBits = ((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13);
        if (bits[h] !== nanBits >>> 0) expect.fail(`NaN 0x${h.toString(16)}: bits ${bits[h]}`);
      }
    }
  });

  test('bfloat16: the value is the formula, and NaNs keep sign and payload (bits << 16)', () => {
    const f = bfloat16ToFloat32(all);
    const bits = new Uint32Array(f.buffer);
    for (let h = 0; h < 65536; h++) {
      const want = byFormula(h, 8, 7);
      if (!Object.is(f[h], want)) expect.fail(`0x${h.toString(16)}: ${f[h]} vs ${want}`);
      if (Number.isNaN(want) && bits[h] !== (h << 16) >>> 0)
        expect.fail(`NaN 0x${h.toString(16)}: bits ${bits[h]}`);
    }
  });

  test('into a caller-given array', () => {
    const out = new Float32Array(4);
    expect(float16ToFloat32(Uint16Array.of(0x3c00, 0x4000), out.subarray(1, 3))).toEqual(
      Float32Array.of(1, 2),
    );
    expect(Array.from(out)).toEqual([0, 1, 2, 0]);
  });
});

describe('errors name the file, the array and the problem', () => {
  const npz = at('logits-stored.npz');
  const st = at('logits.safetensors');

  test('an unknown array name lists the names there are', () => {
    const e = cliError(() => openLogits(npz, { array: 'logit' }));
    expect(e.where).toBe(npz);
    expect(e.message).toBe("no array named 'logit'; the file holds 'logits', 'logits3', 'tokens'");
    const s = cliError(() => readTokens(st, { array: 'ids' }));
    expect(s.message).toBe(
      "no array named 'ids'; the file holds 'logits_f16', 'logits_bf16', 'logits_f32', 'logits_f64', 'logits3_bf16', 'special_f16', 'special_bf16', 'tokens'",
    );
  });

  test('no name and several arrays: the names, and a request to pick one', () => {
    expect(cliError(() => openLogits(npz)).message).toBe(
      "the file holds 3 arrays ('logits', 'logits3', 'tokens'): name the one to read",
    );
  });

  test('unsupported dtypes: integer logits, float token ids, complex, bool', () => {
    expect(cliError(() => openLogits(at('tokens-i32.npy'))).message).toBe(
      "unsupported dtype '<i4' for logits (int32; logits must be float16, bfloat16, float32 or float64)",
    );
    expect(cliError(() => openLogits(npz, { array: 'tokens' })).message).toMatch(
      /^array 'tokens': unsupported dtype '<i8' for logits/,
    );
    expect(cliError(() => readTokens(st, { array: 'logits_bf16' })).message).toBe(
      "array 'logits_bf16': unsupported dtype 'BF16' for token ids (bfloat16; token ids must be integers)",
    );
    writeNpy(tmp('complex.npy'), new Float32Array(4), [2, 1], { descr: '<c8' });
    expect(cliError(() => openLogits(tmp('complex.npy'))).message).toMatch(
      /^unsupported dtype '<c8' \(kldiv reads \.npy arrays of float16, float32, float64 and integers\)$/,
    );
    writeFileSync(tmp('bool.safetensors'), safetensors({ mask: ['BOOL', [2, 2], 4] }));
    expect(cliError(() => openLogits(tmp('bool.safetensors'))).message).toBe(
      "array 'mask': unsupported dtype 'BOOL' (kldiv reads F16, BF16, F32, F64 and integer tensors)",
    );
  });

  test('rank 1 and rank 4 logits, rank 3 token ids', () => {
    writeNpy(tmp('vector.npy'), new Float32Array(4), [4]);
    writeNpy(tmp('rank4.npy'), new Float32Array(16), [2, 2, 2, 2]);
    const v = cliError(() => openLogits(tmp('vector.npy')));
    expect(v.where).toBe(tmp('vector.npy'));
    expect(v.message).toBe(
      'expected a [tokens, vocab] matrix or a [batch, seq, vocab] array of logits; the array has shape [4]',
    );
    expect(cliError(() => openLogits(tmp('rank4.npy'))).message).toMatch(
      /the array has shape \[2, 2, 2, 2\]$/,
    );
    expect(cliError(() => readTokens(at('logits3-f64.npy'))).message).toMatch(
      /^unsupported dtype '<f8' for token ids/,
    );
    writeNpy(tmp('ids3.npy'), Int32Array.of(1, 2, 3, 4), [1, 2, 2]);
    expect(cliError(() => readTokens(tmp('ids3.npy'))).message).toBe(
      'expected token ids of shape [tokens] or [batch, seq]; the array has shape [1, 2, 2]',
    );
    writeFileSync(tmp('vector.json'), '[1, 2, 3]');
    expect(cliError(() => openLogits(tmp('vector.json'))).message).toMatch(/shape \[3\]$/);
  });

  test('truncated files', () => {
    const npy = readFileSync(at('logits-f32.npy'));
    writeFileSync(tmp('cut.npy'), npy.subarray(0, npy.length - 3));
    expect(cliError(() => openLogits(tmp('cut.npy'))).message).toBe(
      'truncated: the header declares shape [5, 7] float32 (140 bytes of data) but the file holds 137',
    );
    writeFileSync(tmp('cut-header.npy'), npy.subarray(0, 40));
    expect(cliError(() => openLogits(tmp('cut-header.npy'))).message).toBe('truncated .npy header');
    const zip = readFileSync(npz);
    writeFileSync(tmp('cut.npz'), zip.subarray(0, zip.length - 100));
    expect(cliError(() => openLogits(tmp('cut.npz'), { array: 'logits' })).message).toMatch(
      /^not a zip archive \(no end-of-central-directory record/,
    );
    const s = readFileSync(st);
    writeFileSync(tmp('cut.safetensors'), s.subarray(0, s.length - 1));
    expect(cliError(() => openLogits(tmp('cut.safetensors'), { array: 'tokens' })).message).toBe(
      "truncated or corrupt: tensor 'tokens' has data_offsets [772, 820] past the end of the data (819 bytes)",
    );
    writeFileSync(tmp('cut-header.safetensors'), s.subarray(0, 100));
    expect(cliError(() => openLogits(tmp('cut-header.safetensors'))).message).toMatch(
      /^truncated or not a \.safetensors file: the header length is \d+ bytes but 92 follow it$/,
    );
    writeFileSync(tmp('tiny.safetensors'), s.subarray(0, 5));
    expect(cliError(() => openLogits(tmp('tiny.safetensors'))).message).toMatch(/^truncated: /);
    writeFileSync(tmp('empty.npy'), '');
    expect(cliError(() => openLogits(tmp('empty.npy'))).message).toBe(
      'not a .npy file (it is empty)',
    );
  });

  test('corrupt .safetensors headers', () => {
    const cases: [string, Buffer, RegExp][] = [
      ['invalid JSON', rawSafetensors('{"a": {'), /^corrupt header: not valid JSON/],
      ['not an object', rawSafetensors('[1, 2]'), /^corrupt header: the JSON is not an object/],
      [
        'no dtype',
        rawSafetensors('{"a": {"shape": [1], "data_offsets": [0, 4]}}', 4),
        /^corrupt header: tensor 'a' has no dtype string/,
      ],
      [
        'a negative dimension',
        rawSafetensors('{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}', 4),
        /^corrupt header: tensor 'a' has a malformed shape \[-1\]$/,
      ],
      [
        'reversed offsets',
        rawSafetensors('{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}', 4),
        /^corrupt header: tensor 'a' has malformed data_offsets \[4,0\]$/,
      ],
      [
        'offsets past the data',
        rawSafetensors('{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}', 4),
        /^truncated or corrupt: tensor 'a' has data_offsets \[0, 8\] past the end of the data \(4 bytes\)$/,
      ],
      [
        'a size that does not match the shape',
        rawSafetensors('{"a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 8]}}', 8),
        /^corrupt header: tensor 'a' has 8 bytes of data but shape \[2, 3\] F32 needs 24$/,
      ],
      [
        'a huge header length',
        Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]), Buffer.from('{}')]),
        /^truncated or not a \.safetensors file: the header length is 4294967295 bytes but 2 follow it$/,
      ],
      [
        'invalid UTF-8',
        rawSafetensors(Buffer.from([0x7b, 0xff, 0x7d])),
        /^corrupt header: not valid JSON/,
      ],
      [
        '__metadata__ not an object',
        rawSafetensors('{"__metadata__": 3}'),
        /^corrupt header: __metadata__ is not an object$/,
      ],
    ];
    for (const [what, bytes, message] of cases) {
      writeFileSync(tmp('bad.safetensors'), bytes);
      const e = cliError(() => openLogits(tmp('bad.safetensors')));
      expect(e.where, what).toBe(tmp('bad.safetensors'));
      expect(e.message, what).toMatch(message);
    }
  });

  test('corrupt .npz data: a flipped byte fails the CRC-32 (stored) or the inflation (deflated)', () => {
    const stored = Buffer.from(readFileSync(npz));
    // the first entry (logits.npy) starts with its local header at 0; its data ends well
    // before 600 bytes, past the .npy header
    const local = 30 + stored.readUInt16LE(26) + stored.readUInt16LE(28);
    stored[local + 128 + 20] ^= 0x40;
    writeFileSync(tmp('flipped.npz'), stored);
    const src = openLogits(tmp('flipped.npz'), { array: 'logits', chunkRows: 2 });
    expect(src.read(0, 2).length).toBe(14); // no check until the last byte is read
    src.read(2, 2);
    expect(cliError(() => src.read(4, 1)).message).toMatch(
      /^array 'logits': corrupt: the data's CRC-32 is 0x[0-9a-f]{8} but the archive records 0x[0-9a-f]{8}$/,
    );
    src.close();
    // deflated: inverted bytes in the middle of the stream break it; one near its end makes
    // it inflate past the declared size (fflate's own wording is not asserted, only ours)
    const deflated = readFileSync(at('logits-compressed.npz'));
    const dl = 30 + deflated.readUInt16LE(26) + deflated.readUInt16LE(28);
    const corrupt = (from: number, to: number) => {
      const d = Buffer.from(deflated);
      for (let i = dl + from; i < dl + to; i++) d[i] ^= 0xff;
      writeFileSync(tmp('flipped-deflate.npz'), d);
      return cliError(() => {
        const z = openLogits(tmp('flipped-deflate.npz'), { array: 'logits' });
        z.read(0, z.rows);
      }).message;
    };
    expect(corrupt(40, 60)).toMatch(/^array 'logits': corrupt deflate data \(.+\)$/);
    expect(corrupt(150, 151)).toBe(
      "array 'logits': corrupt: the entry inflates to more than the 268 bytes it declares",
    );
  });

  test('token ids that do not fit in int32', () => {
    writeNpy(tmp('big-ids.npy'), new Int32Array(BigInt64Array.of(1n, 2n ** 40n).buffer), [2], {
      descr: '<i8',
    });
    expect(cliError(() => readTokens(tmp('big-ids.npy'))).message).toBe(
      'token id 1099511627776 at index 1 does not fit in int32 (<i8)',
    );
    writeNpy(tmp('u64.npy'), new Int32Array(BigUint64Array.of(2n ** 63n).buffer), [1], {
      descr: '<u8',
    });
    expect(cliError(() => readTokens(tmp('u64.npy'))).message).toBe(
      'token id 9223372036854775808 at index 0 does not fit in int32 (<u8)',
    );
    writeNpy(tmp('u32.npy'), Int32Array.of(5, -1), [2], { descr: '<u4' });
    expect(cliError(() => readTokens(tmp('u32.npy'))).message).toBe(
      'token id 4294967295 at index 1 does not fit in int32 (<u4)',
    );
    writeFileSync(tmp('ids.csv'), '1,2\n3,4.5\n');
    expect(cliError(() => readTokens(tmp('ids.csv'))).message).toBe(
      'token id 4.5 at index 3 is not an int32 integer',
    );
    writeFileSync(tmp('ids.json'), '[[1, 2], [-100, 4]]');
    expect(Array.from(readTokens(tmp('ids.json')))).toEqual([1, 2, -100, 4]);
  });

  test('missing files, unknown types, options and read ranges', () => {
    expect(cliError(() => openLogits(tmp('missing.npz'))).message).toBe('no such file');
    expect(cliError(() => openLogits(dir)).message).toBe('is a directory');
    writeFileSync(tmp('notes.txt'), 'hello');
    expect(cliError(() => openLogits(tmp('notes.txt'))).message).toBe(
      "unknown file type '.txt' (use .npy, .npz, .safetensors, .json, .csv or .tsv)",
    );
    const opt = cliError(() => openLogits(npz, { chunkrows: 2 } as never));
    expect([opt.where, opt.message]).toEqual([
      'openLogits',
      "unknown option 'chunkrows' (known: array, chunkRows)",
    ]);
    expect(cliError(() => openLogits(npz, { chunkRows: 0 })).message).toBe(
      "option 'chunkRows' must be a positive integer; received 0",
    );
    expect(cliError(() => readTokens(npz, { chunkRows: 2 } as never)).message).toBe(
      "unknown option 'chunkRows' (known: array)",
    );
    expect(cliError(() => openLogits(npz, { array: 3 } as never)).message).toBe(
      "option 'array' must be a string; received 3",
    );
    const src = openLogits(at('logits-f16.npy'));
    expect(cliError(() => src.read(4, 2)).message).toBe('read(4, 2) asks for rows outside [0, 5)');
    expect(cliError(() => src.read(-1, 1)).message).toBe(
      'read(-1, 1) asks for rows outside [0, 5)',
    );
    expect(cliError(() => src.read(0.5, 1)).message).toBe(
      'read(0.5, 1) asks for rows outside [0, 5)',
    );
    src.close();
  });
});

describe('formats are found by content when the extension does not say', () => {
  test('.npz, .safetensors and .npy under other names', () => {
    for (const [file, array] of [
      ['logits-compressed.npz', 'logits3'],
      ['logits.safetensors', 'logits3_bf16'],
      ['logits3-f16.npy', undefined],
    ] as const) {
      copyFileSync(at(file), tmp(`${file}.bin`));
      const a = openLogits(tmp(`${file}.bin`), { array });
      const b = openLogits(at(file), { array });
      expect(a.shape).toEqual([2, 3, 7]);
      expect(Buffer.from(bytesOf(a.read(0, 6))).equals(Buffer.from(bytesOf(b.read(0, 6))))).toBe(
        true,
      );
      a.close();
      b.close();
    }
  });

  test('stdin: binary formats by their magic, text by its first characters', () => {
    const stdin = (bytes: Uint8Array) => detectFormat(new MemoryFile('stdin', bytes));
    expect(stdin(readFileSync(at('logits-f16.npy')))).toBe('npy');
    expect(stdin(readFileSync(at('one-array.npz')))).toBe('npz');
    expect(stdin(readFileSync(at('single.safetensors')))).toBe('safetensors');
    expect(stdin(Buffer.from(' [[1, 2]]'))).toBe('json');
    expect(stdin(Buffer.from('1,2\n3,4\n'))).toBe('csv');
    expect(stdin(Buffer.from('1\t2\n'))).toBe('tsv');
  });
});

test('the deprecated NpyReader (logits-report.ts until it moves to openLogits) reads float16', () => {
  const r = new NpyReader(at('logits-f16.npy'));
  const c = logitCases.find((x) => x.file === 'logits-f16.npy')!;
  expect([r.rows, r.rowSize, r.header.shape]).toEqual([5, 7, [5, 7]]);
  expect(Array.from(r.read(1, 3))).toEqual(c.values.slice(7, 28));
  r.close();
  writeFileSync(tmp('ints.npy'), npyBytes(Int32Array.of(1, 2), [2, 1]));
  expect(cliError(() => new NpyReader(tmp('ints.npy'))).message).toMatch(
    /^unsupported dtype '<i4'/,
  );
});

/** A .safetensors file from a header JSON text (or bytes) and `dataBytes` zero bytes of data. */
function rawSafetensors(header: string | Buffer, dataBytes = 0): Buffer {
  const h = typeof header === 'string' ? Buffer.from(header) : header;
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, Buffer.alloc(dataBytes)]);
}

/** A .safetensors file of zero-filled tensors {name: [dtype, shape, bytes]}. */
function safetensors(tensors: Record<string, [string, number[], number]>): Buffer {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, [dtype, shape, bytes]] of Object.entries(tensors)) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  return rawSafetensors(JSON.stringify(header), offset);
}

describe('the TSDoc examples of packages/cli/src/formats print what they say', () => {
  const src = join(root, 'packages', 'cli', 'src', 'formats');
  const examples = readdirSync(src)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => {
      const text = readFileSync(join(src, f), 'utf8');
      return (text.match(/\/\*\*[\s\S]*?\*\//g) ?? []).flatMap((comment, i) => {
        const body = comment
          .split('\n')
          .map((l) => l.replace(/^\s*\/?\*+\/? ?/, ''))
          .join('\n');
        const block = /@example\n```ts\n([\s\S]*?)```/.exec(body);
        return block ? [[`${f} #${i + 1}`, block[1]] as const] : [];
      });
    });

  test('every exported function, class and constant has one', () => {
    let exported = 0;
    const missing = readdirSync(src)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => {
        const text = readFileSync(join(src, f), 'utf8');
        // each top-level export, with the TSDoc comment right before it if there is one
        return [
          ...text.matchAll(
            /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/\s*)?^export (?:class|function|const) (\w+)/gm,
          ),
        ]
          .filter((m) => {
            exported++;
            return !m[1]?.includes('@example');
          })
          .map((m) => `${f}: ${m[2]}`);
      });
    expect(missing).toEqual([]);
    expect(exported).toBeGreaterThanOrEqual(32);
    expect(examples.length).toBeGreaterThanOrEqual(exported);
  });

  test.each(examples)('%s', async (name, code) => {
    // imports of sibling modules point at the sources
    const body = code.replace(
      /from '\.\/([\w-]+)\.js'/g,
      (_, m: string) => `from '${pathToFileURL(join(src, `${m}.ts`)).href}'`,
    );
    expect(await runExample(root, join(dir, 'examples'), name, body)).toEqual(
      expectedOutputs(code),
    );
  });
});
