/** `kldiv dist`: SciPy's entropy, KL and Jensen-Shannon distance between histograms. */
import { tensor } from 'kldiv';
import { jsonFloatReplacer } from 'kldiv/report';
import { entropy, jensenShannon } from 'kldiv/scipy';
import { CliError } from '../errors.js';
import { type ArrayData, readArray } from '../read.js';

/** The options of `kldiv dist`, as commander parses them. */
export interface DistOptions {
  base?: number;
  axis: number;
  json: boolean;
}

const asTensor = (a: ArrayData) => tensor(a.data, { shape: a.shape, dtype: 'float64' });

/** Refuses NaN (SciPy would answer nan): the CLI names the file and the entry instead. */
function checkNoNaN(a: ArrayData, path: string): void {
  const i = a.data.findIndex(Number.isNaN);
  if (i < 0) return;
  const index: number[] = [];
  for (let rest = i, d = a.shape.length - 1; d >= 0; d--) {
    index.unshift(rest % a.shape[d]);
    rest = Math.floor(rest / a.shape[d]);
  }
  throw new CliError(
    path === '-' ? 'stdin' : path,
    `NaN at index [${index.join(', ')}]; histograms and probability vectors must not hold NaN`,
  );
}

/** JSON with infinities and NaN as the strings "inf", "-inf", "nan" (JSON.stringify writes null). */
const json = (v: unknown) => JSON.stringify(v, jsonFloatReplacer);
/** The same, unquoted for the text output: `inf` as C's printf and NumPy print it. */
const text = (v: unknown) => json(v).replace(/"(-?inf|nan)"/g, '$1');

/** Runs `kldiv dist <pPath> [qPath]`. */
export function dist(pPath: string, qPath: string | undefined, o: DistOptions): void {
  const p = readArray(pPath);
  const q = qPath === undefined ? undefined : readArray(qPath);
  checkNoNaN(p, pPath);
  if (q !== undefined && qPath !== undefined) checkNoNaN(q, qPath);
  const opts = { base: o.base, axis: o.axis };
  const where = q === undefined ? pPath : `${pPath} and ${qPath}`;
  const results: Record<string, unknown> = {};
  try {
    const pt = asTensor(p);
    results['entropy(P)'] = entropy(pt, null, opts).tolist();
    if (q !== undefined) {
      const qt = asTensor(q);
      results['entropy(Q)'] = entropy(qt, null, opts).tolist();
      results['KL(P || Q)'] = entropy(pt, qt, opts).tolist();
      results['KL(Q || P)'] = entropy(qt, pt, opts).tolist();
      results['Jensen-Shannon distance'] = jensenShannon(pt, qt, opts).tolist();
    }
  } catch (e) {
    throw new CliError(where, (e as Error).message);
  }
  const unit = o.base === undefined ? 'nats' : o.base === 2 ? 'bits' : `log base ${o.base}`;
  const out = o.json
    ? json(results)
    : Object.entries(results)
        .map(
          ([k, v]) => `${`${k}:`.padEnd(25)} ${text(v)}${k.startsWith('Jensen') ? '' : ` ${unit}`}`,
        )
        .join('\n');
  process.stdout.write(`${out}\n`);
}
