/** The command line of `npm run bench` (bench/run.ts) and the types its parts share. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export type DType = 'float32' | 'float64';
export type Op = 'forward' | 'forward+backward' | 'forward+input-grad';
export type FloatArray = Float32Array | Float64Array;

/** The bench/ folder (this file is in bench/run/). */
export const here = join(dirname(fileURLToPath(import.meta.url)), '..');
export const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1e4,1e6,1e7,1e8' },
    dtypes: { type: 'string', default: 'float32,float64' },
    ops: { type: 'string', default: 'forward,forward+backward,forward+input-grad' },
    'no-torch': { type: 'boolean', default: false },
    'no-tfjs': { type: 'boolean', default: false },
    'no-samples': { type: 'boolean', default: false },
    'no-cli': { type: 'boolean', default: false },
    'tfjs-cpu-max': { type: 'string', default: '1e7' },
    'tfjs-wasm-max': { type: 'string', default: '1e8' },
    out: { type: 'string', default: join(here, 'results.json') },
    distill: { type: 'string', default: '64x32000,8x128000' },
    rounds: { type: 'string', default: '3' },
  },
});
/**
 * Repetitions are split into rounds that alternate kldiv and PyTorch (a subprocess, so not
 * timed round-robin with kldiv): a slow phase of this shared machine then falls on both
 * instead of on one whole series, which moved ratios by 30 % and more between runs.
 */
export const ROUNDS = Math.max(1, Number(args.rounds));
export const sizes = args.sizes === '' ? [] : args.sizes.split(',').map(Number);
export const dtypes = args.dtypes.split(',') as DType[];
export const ops = args.ops.split(',') as Op[];
