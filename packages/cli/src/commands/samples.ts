/**
 * `kldiv samples`: KL(P || Q) estimated from two files of samples (kldiv/samples' k-nearest-
 * neighbour or Pérez-Cruz estimator), with a seeded bootstrap interval on request.
 */
import {
  type ConfidenceInterval,
  type DuplicatesPolicy,
  knnKLDivergence,
  perezCruzKLDivergence,
} from 'kldiv/samples';
import { CliError } from '../errors.js';
import { type ArrayData, readArray } from '../read.js';
import { print } from './print.js';

/** The options of `kldiv samples`, as commander parses them. */
export interface SamplesOptions {
  k?: number;
  estimator: 'knn' | 'perez-cruz';
  duplicates: DuplicatesPolicy;
  bootstrap?: number;
  seed: number;
  level: number;
  json: boolean;
}

/** What `kldiv samples --json` prints: every key always present, null where it does not apply. */
export interface SamplesReport {
  estimator: 'knn' | 'perez-cruz';
  /** KL(P || Q) in nats. */
  estimate: number;
  n: number;
  m: number;
  d: number;
  /** The neighbour (knn only). */
  k: number | null;
  /** The neighbour search that ran (`'kd-tree'`, `'brute'`), or `'empirical-cdf'`. */
  algorithm: string;
  ci: (ConfidenceInterval & { seed: number }) | null;
  standardError: number | null;
}

const label = (path: string) => (path === '-' ? 'stdin' : path);

/** The samples of one file as `{ data, shape: [n, d] }`: 1-D is d = 1, 2-D is [n, d]. */
function points(a: ArrayData, path: string) {
  if (a.shape.length === 1) return { data: a.data, shape: [a.shape[0], 1] };
  if (a.shape.length === 2) return { data: a.data, shape: a.shape };
  throw new CliError(
    label(path),
    `samples must be 1-D (n values) or 2-D (n points of dimension d); found shape [${a.shape.join(', ')}]`,
  );
}

/**
 * The file(s) an estimator's error is about: the samples it names (x[i], y[j]), else its
 * argument, else both files.
 */
function where(e: unknown, xPath: string, yPath: string): string {
  const { message = '', argument } = e as { message?: string; argument?: string };
  const x = /\bx\[\d/.test(message);
  const y = /\by\[\d/.test(message);
  if (x && !y) return label(xPath);
  if (y && !x) return label(yPath);
  if (!x && !y && argument === 'x') return label(xPath);
  if (!x && !y && argument === 'y') return label(yPath);
  return `${label(xPath)} and ${label(yPath)}`;
}

/** Runs `kldiv samples <xPath> <yPath>`. */
export function samples(xPath: string, yPath: string, o: SamplesOptions): void {
  const x = points(readArray(xPath), xPath);
  const y = points(readArray(yPath), yPath);
  const bootstrap =
    o.bootstrap === undefined
      ? undefined
      : { resamples: o.bootstrap, seed: o.seed, level: o.level };
  let report: SamplesReport;
  try {
    if (o.estimator === 'perez-cruz') {
      const r = perezCruzKLDivergence(x, y, { duplicates: o.duplicates, bootstrap });
      report = {
        estimator: 'perez-cruz',
        estimate: r.estimate,
        n: r.n,
        m: r.m,
        d: 1,
        k: null,
        algorithm: 'empirical-cdf',
        ci: r.ci === undefined ? null : { ...r.ci, seed: o.seed },
        standardError: r.standardError ?? null,
      };
    } else {
      const r = knnKLDivergence(x, y, { k: o.k, duplicates: o.duplicates, bootstrap });
      report = {
        estimator: 'knn',
        estimate: r.estimate,
        n: r.n,
        m: r.m,
        d: r.d,
        k: r.k,
        algorithm: r.algorithm,
        ci: r.ci === undefined ? null : { ...r.ci, seed: o.seed },
        standardError: r.standardError ?? null,
      };
    }
  } catch (e) {
    // the library's advice names its option; on the command line it is a flag
    const message = (e as Error).message.replace(
      "pass { duplicates: 'skip' }",
      'pass --duplicates skip',
    );
    throw new CliError(where(e, xPath, yPath), message);
  }
  print(report, o.json, () => text(report, xPath, yPath));
}

function text(r: SamplesReport, xPath: string, yPath: string): string {
  const lines: [string, string][] = [
    ['KL(P || Q)', `${r.estimate} nats (P sampled by ${label(xPath)}, Q by ${label(yPath)})`],
  ];
  if (r.ci !== null) {
    lines.push([
      `${+(100 * r.ci.level).toPrecision(12)}% interval`,
      `[${r.ci.lower}, ${r.ci.upper}] nats (percentile bootstrap, ${r.ci.resamples} resamples, seed ${r.ci.seed})`,
    ]);
    lines.push(['standard error', `${r.standardError} nats (bootstrap)`]);
  }
  lines.push(['n, m, d', `${r.n}, ${r.m}, ${r.d}`]);
  lines.push([
    'estimator',
    r.estimator === 'knn'
      ? `k-nearest-neighbour (Wang, Kulkarni and Verdú 2009), k = ${r.k}, ${r.algorithm === 'kd-tree' ? 'k-d tree' : 'brute-force'} search`
      : 'Pérez-Cruz (2008), from the interpolated empirical CDFs (1-D)',
  ]);
  return lines.map(([k, v]) => `${`${k}:`.padEnd(17)}${v}`).join('\n');
}
