/**
 * A minimal .npy writer for tests (NumPy format 1.0), written from the format spec
 * independently of the CLI's reader.
 */
import { writeFileSync } from 'node:fs';

export function npyBytes(
  data: Float32Array | Float64Array | Int32Array,
  shape: number[],
  options: { descr?: string; fortran?: boolean } = {},
): Buffer {
  const descr =
    options.descr ??
    (data instanceof Float32Array ? '<f4' : data instanceof Float64Array ? '<f8' : '<i4');
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += `${' '.repeat((64 - (total % 64)) % 64)}\n`;
  const head = Buffer.alloc(10);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([
    head,
    Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  ]);
}

export function writeNpy(
  path: string,
  data: Float32Array | Float64Array | Int32Array,
  shape: number[],
  options?: { descr?: string; fortran?: boolean },
): void {
  writeFileSync(path, npyBytes(data, shape, options));
}
