/** `kldiv dist`: SciPy's entropy, KL and Jensen-Shannon distance between histograms. */
import { tensor } from 'kldiv';
import { entropy, jensenShannon } from 'kldiv/scipy';
import { CliError } from '../errors.js';
import { type ArrayData, readArray } from '../read.js';
import { print } from './print.js';

/** The options of `kldiv dist`, as commander parses them. */
export interface DistOptions {
  base?: number;
  axis: number;
  json: boolean;
}

const asTensor = (a: ArrayData) => tensor(a.data, { shape: a.shape, dtype: 'float64' });

/** Runs `kldiv dist <pPath> [qPath]`. */
export function dist(pPath: string, qPath: string | undefined, o: DistOptions): void {
  const p = readArray(pPath);
  const q = qPath === undefined ? undefined : readArray(qPath);
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
  print(results, o.json, () =>
    Object.entries(results)
      .map(
        ([k, v]) =>
          `${`${k}:`.padEnd(25)} ${JSON.stringify(v)}${k.startsWith('Jensen') ? '' : ` ${unit}`}`,
      )
      .join('\n'),
  );
}
