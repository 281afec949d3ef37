/** kldiv-cli file readers: every error names the file, the array and the problem. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { openLogits } from '../../packages/cli/src/formats/open.js';
import { readTokens } from '../../packages/cli/src/formats/tokens.js';
import { writeNpy } from '../helpers/npy.js';
import { at, cliError, dir, rawSafetensors, safetensors, tmp } from './formats-helpers.js';

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
