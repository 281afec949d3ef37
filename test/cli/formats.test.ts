/**
 * The CLI's file-format readers (packages/cli/src/formats): every value of the committed .npy,
 * .npz and .safetensors files (tools/cli-formats/gen-files.py) decodes bitwise to what NumPy and
 * PyTorch say; chunked reads equal one full read; float16 and bfloat16 convert exactly for all
 * 65536 bit patterns; every bad input is a CliError naming the file and the problem; and the
 * TSDoc examples print what they say.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { detectFormat } from '../../packages/cli/src/formats/detect.js';
import { MemoryFile } from '../../packages/cli/src/formats/file.js';
import { bfloat16ToFloat32, float16ToFloat32 } from '../../packages/cli/src/formats/float16.js';
import { NpyReader } from '../../packages/cli/src/formats/npy.js';
import { openLogits } from '../../packages/cli/src/formats/open.js';
import { readTokens } from '../../packages/cli/src/formats/tokens.js';
import { readArray } from '../../packages/cli/src/read.js';
import { npyBytes } from '../helpers/npy.js';
import { expectedOutputs, runExample } from '../helpers/run-example.js';
import {
  at,
  bytesOf,
  cliError,
  data,
  decodeNumber,
  dir,
  expected,
  label,
  logitCases,
  root,
  tmp,
  tokenCases,
} from './formats-helpers.js';

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
