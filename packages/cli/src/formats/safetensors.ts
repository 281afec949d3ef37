/**
 * Hugging Face's .safetensors (https://huggingface.co/docs/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}}` (and an
 * optional `__metadata__` map), then the tensors' bytes, little-endian, in C order, at
 * `8 + N + begin`. Tensors are read by offset, so only the rows asked for are in memory.
 */
import { CliError } from '../errors.js';
import { type Dtype, ITEM_SIZE } from './dtype.js';
import type { RandomAccessFile } from './file.js';
import { fileBytes, pickArray, type StoredArray } from './stored-array.js';

/** One tensor of a .safetensors header. */
export interface SafetensorsEntry {
  name: string;
  /** As the header writes it: `'F16'`, `'BF16'`, `'I64'`... */
  dtype: string;
  shape: number[];
  /** Byte range in the data section (after the header). */
  begin: number;
  end: number;
}

/** A parsed and checked .safetensors header. */
export interface SafetensorsHeader {
  tensors: SafetensorsEntry[];
  metadata: Record<string, unknown> | undefined;
  /** Byte offset of the data section: 8 + the header length. */
  dataStart: number;
}

// the dtypes kldiv decodes
const DTYPES: Readonly<Record<string, Dtype>> = {
  F16: 'float16',
  BF16: 'bfloat16',
  F32: 'float32',
  F64: 'float64',
  I8: 'int8',
  U8: 'uint8',
  I16: 'int16',
  U16: 'uint16',
  I32: 'int32',
  U32: 'uint32',
  I64: 'int64',
  U64: 'uint64',
};

// item sizes of the dtypes it does not decode, to check their byte ranges all the same
const OTHER_SIZES: Readonly<Record<string, number>> = {
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  E8M0: 1,
  C64: 8,
};

// the format's own limit on the header (the reference implementation refuses larger ones)
const MAX_HEADER = 100_000_000;

/**
 * Reads and checks the header of the .safetensors file `file`: the length, the JSON, and every
 * tensor's entry (dtype a string, shape non-negative integers, offsets in the data section and
 * as long as shape x item size).
 *
 * @example
 * ```ts
 * import { BinaryFile } from './file.js';
 * import { readSafetensorsHeader } from './safetensors.js';
 * const file = BinaryFile.open('test/data/cli-formats/logits.safetensors');
 * const header = readSafetensorsHeader(file);
 * const { dtype, shape, begin, end } = header.tensors[1];
 * console.log(header.tensors[1].name, dtype, shape, begin, end); // logits_bf16 BF16 [ 5, 7 ] 70 140
 * console.log(header.metadata, header.dataStart); // { format: 'pt' } 592
 * file.close();
 * ```
 */
export function readSafetensorsHeader(file: RandomAccessFile): SafetensorsHeader {
  const fail = (message: string): never => {
    throw new CliError(file.path, message);
  };
  if (file.size < 8)
    fail(
      `truncated: a .safetensors file starts with an 8-byte header length; the file has ${file.size} bytes`,
    );
  const n = new DataView(file.read(0, 8).buffer).getBigUint64(0, true);
  if (n > BigInt(file.size - 8)) {
    fail(
      `truncated or not a .safetensors file: the header length is ${n} bytes but ${file.size - 8} follow it`,
    );
  }
  const length = Number(n);
  if (length > MAX_HEADER)
    fail(`corrupt header: its length ${length} is over the format's limit of ${MAX_HEADER} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.read(8, length)));
  } catch (e) {
    return fail(`corrupt header: not valid JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return fail('corrupt header: the JSON is not an object of tensors');
  }
  const dataSize = file.size - 8 - length;
  const tensors: SafetensorsEntry[] = [];
  let metadata: Record<string, unknown> | undefined;
  for (const [name, info] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info))
        fail('corrupt header: __metadata__ is not an object');
      metadata = info as Record<string, unknown>;
      continue;
    }
    const bad = (what: string): never => fail(`corrupt header: tensor '${name}' ${what}`);
    if (info === null || typeof info !== 'object') return bad('is not an object');
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (typeof dtype !== 'string')
      return bad(`has no dtype string (received ${JSON.stringify(dtype)})`);
    if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
      return bad(`has a malformed shape ${JSON.stringify(shape)}`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      return bad(`has malformed data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataSize) {
      fail(
        `truncated or corrupt: tensor '${name}' has data_offsets [${begin}, ${end}] past the end of the data (${dataSize} bytes)`,
      );
    }
    const itemSize = DTYPES[dtype] !== undefined ? ITEM_SIZE[DTYPES[dtype]] : OTHER_SIZES[dtype];
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    if (itemSize !== undefined && end - begin !== elements * itemSize) {
      bad(
        `has ${end - begin} bytes of data but shape [${shape.join(', ')}] ${dtype} needs ${elements * itemSize}`,
      );
    }
    tensors.push({ name, dtype, shape: shape as number[], begin, end });
  }
  return { tensors, metadata, dataStart: 8 + length };
}

/**
 * Opens the tensor `array` of a .safetensors file, or its only tensor when `array` is undefined.
 *
 * @example
 * ```ts
 * import { openRandomAccess } from './file.js';
 * import { openSafetensors } from './safetensors.js';
 * const array = openSafetensors(openRandomAccess('test/data/cli-formats/logits.safetensors'), 'tokens');
 * console.log(array.type, array.shape); // { dtype: 'int64', littleEndian: true, descr: 'I64' } [ 2, 3 ]
 * array.close();
 * ```
 */
export function openSafetensors(file: RandomAccessFile, array?: string): StoredArray {
  try {
    const { tensors, dataStart } = readSafetensorsHeader(file);
    const name = pickArray(
      tensors.map((t) => t.name),
      array,
      file.path,
    );
    const t = tensors.find((e) => e.name === name) as SafetensorsEntry;
    const label = `array '${name}': `;
    const dtype = DTYPES[t.dtype];
    if (dtype === undefined) {
      throw new CliError(
        file.path,
        `${label}unsupported dtype '${t.dtype}' (kldiv reads F16, BF16, F32, F64 and integer tensors)`,
      );
    }
    return {
      path: file.path,
      name,
      label,
      type: { dtype, littleEndian: true, descr: t.dtype },
      shape: t.shape,
      data: fileBytes(file, dataStart + t.begin, t.end - t.begin),
      close: () => file.close(),
    };
  } catch (e) {
    file.close();
    throw e;
  }
}
