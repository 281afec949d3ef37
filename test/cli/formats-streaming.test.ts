/**
 * The CLI's readers on archives written by hand here (independently of the readers: Node's zlib
 * deflates, the zip layout follows PKWARE's APPNOTE): ZIP64 records, data descriptors, a
 * deflated array inflated over many steps, and memory that stays O(chunk) while 200 MB .npy,
 * .npz (stored and deflated) and .safetensors files are read in chunks.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { openLogits } from '../../packages/cli/src/formats/open.js';
import { npyBytes } from '../helpers/npy.js';

const dir = mkdtempSync(join(tmpdir(), 'kldiv-formats-stream-'));
const tmp = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Entry {
  name: string;
  /** The entry's bytes, chunk by chunk (so that 200 MB never sit in memory at once). */
  chunks: () => Iterable<Uint8Array>;
  deflate: boolean;
}

/**
 * Writes a zip archive entry by entry. Deflated data is a sequence of independent raw deflate
 * segments, each ended by a sync flush, and a final empty block: a valid deflate stream that
 * Node's zlib makes chunk by chunk. `zip64` writes the ZIP64 extra fields and end records (with
 * 0xffffffff in the 32-bit fields); `descriptor` writes sizes and CRC after the data (flag bit 3)
 * and zeros in the local header, as a zip written to a pipe has.
 */
function writeZip(
  path: string,
  entries: Entry[],
  opts: { zip64?: boolean; descriptor?: boolean } = {},
) {
  const fd = openSync(path, 'w');
  let pos = 0;
  const put = (b: Uint8Array) => {
    writeSync(fd, b, 0, b.length, pos);
    pos += b.length;
  };
  const central: Buffer[] = [];
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const offset = pos;
    const local = Buffer.alloc(30);
    const extra = opts.zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(opts.zip64 ? 45 : 20, 4);
    local.writeUInt16LE(opts.descriptor ? 0x8 : 0, 6);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    put(local);
    put(name);
    put(extra);
    let crc = 0;
    let size = 0;
    let csize = 0;
    for (const chunk of e.chunks()) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      const out = e.deflate
        ? deflateRawSync(chunk, { level: 1, finishFlush: constants.Z_SYNC_FLUSH })
        : chunk;
      put(out);
      csize += out.length;
    }
    if (e.deflate) {
      const end = deflateRawSync(Buffer.alloc(0));
      put(end);
      csize += end.length;
    }
    if (opts.descriptor) {
      const d = Buffer.alloc(opts.zip64 ? 24 : 16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(crc, 4);
      if (opts.zip64) {
        d.writeBigUInt64LE(BigInt(csize), 8);
        d.writeBigUInt64LE(BigInt(size), 16);
      } else {
        d.writeUInt32LE(csize, 8);
        d.writeUInt32LE(size, 12);
      }
      put(d);
    } else {
      // back-fill the local header
      const fill = Buffer.alloc(12);
      fill.writeUInt32LE(crc, 0);
      fill.writeUInt32LE(opts.zip64 ? 0xffffffff : csize, 4);
      fill.writeUInt32LE(opts.zip64 ? 0xffffffff : size, 8);
      writeSync(fd, fill, 0, 12, offset + 14);
      if (opts.zip64) {
        const x = Buffer.alloc(20);
        x.writeUInt16LE(1, 0);
        x.writeUInt16LE(16, 2);
        x.writeBigUInt64LE(BigInt(size), 4);
        x.writeBigUInt64LE(BigInt(csize), 12);
        writeSync(fd, x, 0, 20, offset + 30 + name.length);
      }
    }
    const c = Buffer.alloc(46);
    const cx = opts.zip64 ? Buffer.alloc(28) : Buffer.alloc(0);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(45, 4);
    c.writeUInt16LE(opts.zip64 ? 45 : 20, 6);
    c.writeUInt16LE(opts.descriptor ? 0x8 : 0, 8);
    c.writeUInt16LE(e.deflate ? 8 : 0, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(opts.zip64 ? 0xffffffff : csize, 20);
    c.writeUInt32LE(opts.zip64 ? 0xffffffff : size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt16LE(cx.length, 30);
    c.writeUInt32LE(opts.zip64 ? 0xffffffff : offset, 42);
    if (opts.zip64) {
      cx.writeUInt16LE(1, 0);
      cx.writeUInt16LE(24, 2);
      cx.writeBigUInt64LE(BigInt(size), 4);
      cx.writeBigUInt64LE(BigInt(csize), 12);
      cx.writeBigUInt64LE(BigInt(offset), 20);
    }
    central.push(c, name, cx);
  }
  const dirOffset = pos;
  for (const b of central) put(b);
  const dirSize = pos - dirOffset;
  if (opts.zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(BigInt(entries.length), 24);
    rec.writeBigUInt64LE(BigInt(entries.length), 32);
    rec.writeBigUInt64LE(BigInt(dirSize), 40);
    rec.writeBigUInt64LE(BigInt(dirOffset), 48);
    const recAt = pos;
    put(rec);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(recAt), 8);
    loc.writeUInt32LE(1, 16);
    put(loc);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 8);
  end.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 10);
  end.writeUInt32LE(opts.zip64 ? 0xffffffff : dirSize, 12);
  end.writeUInt32LE(opts.zip64 ? 0xffffffff : dirOffset, 16);
  put(end);
  closeSync(fd);
}

/** An .npy entry: its header, then the data's bytes in the given chunks. */
const npyEntry = (
  name: string,
  descr: string,
  shape: number[],
  chunks: () => Iterable<Uint8Array>,
  deflate: boolean,
): Entry => ({
  name,
  deflate,
  chunks: function* () {
    yield npyBytes(new Float32Array(0), shape, { descr });
    yield* chunks();
  },
});

const asBytes = (a: Float32Array | Uint16Array) =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('archives written by hand', () => {
  const a = Float32Array.from({ length: 12 }, (_, i) => i / 4 - 1);
  const h = Uint16Array.of(0x3c00, 0xc000, 0x7c00, 0x0001); // float16 1, -2, inf, 2^-24
  const entries = [
    npyEntry('a.npy', '<f4', [3, 4], () => [asBytes(a)], false),
    npyEntry('h.npy', '<f2', [2, 2], () => [asBytes(h)], true),
  ];

  test.each([
    ['plain', {}],
    ['ZIP64 records and extra fields', { zip64: true }],
    ['data descriptors', { descriptor: true }],
    ['ZIP64 with data descriptors', { zip64: true, descriptor: true }],
  ] as const)('%s', (_name, opts) => {
    writeZip(tmp('hand.npz'), entries, opts);
    const sa = openLogits(tmp('hand.npz'), { array: 'a' });
    expect(sa.shape).toEqual([3, 4]);
    expect(Array.from(sa.read(0, 3))).toEqual(Array.from(a));
    sa.close();
    const sh = openLogits(tmp('hand.npz'), { array: 'h' });
    expect(Array.from(sh.read(0, 2))).toEqual([1, -2, Infinity, 2 ** -24]);
    sh.close();
  });

  test('a 2 MB deflated array inflates over many steps; any chunking gives the same rows', () => {
    const rows = 512;
    const vocab = 1024;
    let s = 18;
    // an LCG: incompressible enough that each inflate step yields about its input
    const data = Float32Array.from({ length: rows * vocab }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 28 - 8;
    });
    const pieces = () =>
      Array.from({ length: 32 }, (_, i) =>
        asBytes(data.subarray(i * 16 * vocab, (i + 1) * 16 * vocab)),
      );
    writeZip(tmp('random.npz'), [npyEntry('x.npy', '<f4', [rows, vocab], pieces, true)]);
    for (const chunk of [1, 7, 512]) {
      const src = openLogits(tmp('random.npz'), { chunkRows: chunk });
      const got = new Float32Array(rows * vocab);
      for (let r = 0; r < rows; r += chunk)
        got.set(src.read(r, Math.min(chunk, rows - r)), r * vocab);
      src.close();
      expect(
        Buffer.from(asBytes(got)).equals(Buffer.from(asBytes(data))),
        `chunks of ${chunk}`,
      ).toBe(true);
    }
    const src = openLogits(tmp('random.npz'));
    expect(Array.from(src.read(300, 1))).toEqual(
      Array.from(data.subarray(300 * vocab, 301 * vocab)),
    );
    expect(Array.from(src.read(2, 1))).toEqual(Array.from(data.subarray(2 * vocab, 3 * vocab)));
    src.close();
  });
});

// Size of the memory test's files: 32 MB by default, to keep the suite quick;
// KLDIV_FORMATS_MB=200 runs the measurement reported for issue 18 (the bounds are the same).
const fileMB = Number(process.env.KLDIV_FORMATS_MB ?? 32);

describe(`memory stays O(chunk) on ${fileMB} MB files`, () => {
  // [rows, 25000] float32 (100 kB a row), written and checked a 16-row block (1.6 MB) at a
  // time: every row is one template but for its first and last values (r and -r), so a chunk
  // read from the wrong place is caught
  const vocab = 25_000;
  const blockRows = 16;
  const rows = Math.max(1, Math.round((fileMB * 2 ** 20) / (vocab * 4) / blockRows)) * blockRows;
  const template = Float32Array.from({ length: vocab }, (_, j) => ((j * 7) % 251) / 16 - 8);
  const blocks = function* () {
    const out = new Float32Array(blockRows * vocab);
    for (let r = 0; r < rows; r += blockRows) {
      for (let i = 0; i < blockRows; i++) {
        out.set(template, i * vocab);
        out[i * vocab] = r + i;
        out[i * vocab + vocab - 1] = -(r + i);
      }
      yield asBytes(out);
    }
  };

  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // a full collection, then a turn of the event loop: V8 frees ArrayBuffer memory on a
  // background sweeper, and process.memoryUsage() counts it until then
  const collect = async () => {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
    gc();
  };

  /**
   * Reads `path` in chunks of 16 rows, collecting garbage after each one: the peak growth of
   * live ArrayBuffer memory (what the reader keeps: the chunk in hand and its own buffers)
   * and of RSS, over the values before opening.
   */
  const measure = async (path: string) => {
    await collect();
    const before = process.memoryUsage();
    let peakBuffers = 0;
    let peakRss = 0;
    const src = openLogits(path, { chunkRows: blockRows });
    expect([src.rows, src.vocab]).toEqual([rows, vocab]);
    for (let r = 0; r < rows; r += blockRows) {
      const chunk = src.read(r, blockRows);
      for (let i = 0; i < blockRows; i++) {
        const row = r + i;
        const at = i * vocab;
        if (
          chunk[at] !== row ||
          chunk[at + 12_345] !== template[12_345] ||
          chunk[at + vocab - 1] !== -row
        )
          expect.fail(`row ${row} is not where it should be`);
      }
      await collect();
      const m = process.memoryUsage();
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers - before.arrayBuffers);
      peakRss = Math.max(peakRss, m.rss - before.rss);
    }
    src.close();
    return { peakBuffers, peakRss };
  };

  const MB = 2 ** 20;
  const results: Record<string, { peakBuffers: number; peakRss: number }> = {};
  afterAll(() => {
    const lines = Object.entries(results).map(
      ([k, v]) =>
        `${k}: live ArrayBuffers +${(v.peakBuffers / MB).toFixed(1)} MB, RSS +${(v.peakRss / MB).toFixed(1)} MB`,
    );
    console.log(
      `peak growth reading ${((rows * vocab * 4) / MB).toFixed(0)} MB in 1.6 MB chunks\n${lines.join('\n')}`,
    );
  });

  test.each([
    ['.npy', 'big.npy'],
    ['.npz stored', 'big-stored.npz'],
    ['.npz deflated', 'big-deflated.npz'],
    ['.safetensors', 'big.safetensors'],
  ])(
    '%s',
    async (name, file) => {
      const path = tmp(file);
      if (file.endsWith('.npy')) {
        writeFileOf(path, [npyBytes(new Float32Array(0), [rows, vocab])], blocks);
      } else if (file.endsWith('.safetensors')) {
        const header = Buffer.from(
          JSON.stringify({
            logits: { dtype: 'F32', shape: [rows, vocab], data_offsets: [0, rows * vocab * 4] },
          }),
        );
        const len = Buffer.alloc(8);
        len.writeBigUInt64LE(BigInt(header.length));
        writeFileOf(path, [len, header], blocks);
      } else {
        writeZip(path, [
          npyEntry('logits.npy', '<f4', [rows, vocab], blocks, file.includes('deflated')),
        ]);
      }
      const r = await measure(path);
      rmSync(path);
      results[name] = r;
      // reading the whole array would keep the file's size alive (32 MB by default; twice that as
      // float64); streaming keeps the 1.6 MB chunk in hand and, for deflate, the output of one
      // inflate step (about 1 MB, 2 MB for the first) and fflate's 32 KB window. Measured: 1.5 MB,
      // and 2.5-6 MB for deflate; 12 MB leaves room for the sweeper, whatever the file's size
      expect(
        r.peakBuffers,
        `live ArrayBuffers grew by ${(r.peakBuffers / MB).toFixed(1)} MB`,
      ).toBeLessThan(12 * MB);
      expect(r.peakRss, `RSS grew by ${(r.peakRss / MB).toFixed(1)} MB`).toBeLessThan(
        Math.max(64, fileMB / 2) * MB,
      );
    },
    60_000,
  );
});

/** Writes `head` then every chunk of `chunks` to `path`. */
function writeFileOf(path: string, head: Uint8Array[], chunks: () => Iterable<Uint8Array>) {
  const fd = openSync(path, 'w');
  for (const b of head) writeSync(fd, b);
  for (const b of chunks()) writeSync(fd, b);
  closeSync(fd);
}
