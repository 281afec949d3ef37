/**
 * What `kldiv logits` and `kldiv merge` print and write from a finished LogitsReport: the text
 * report or its JSON on stdout, and on request the state, the per-token CSV and the plots. Every
 * file's content is built before the first one is written, and stdout comes last.
 */
import { formatLogitsReport, jsonFloatReplacer, type LogitsReport } from 'kldiv/report';
import { writeAtomic } from '../write.js';

/** The output options both commands share. */
export interface OutputOptions {
  title?: string;
  json: boolean;
  state?: string;
  out?: string;
  plot?: string;
  plotCdf?: string;
  plotDeltaP?: string;
}

/** A number in the CSV: shortest round-trip decimal; non-finite as NumPy's text readers take them. */
function field(v: number): string {
  if (Number.isFinite(v)) return String(v);
  return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}

/**
 * The per-token CSV: token (the row), kl, top1_base, top1_compare, with top-k top_k_shared, with
 * tokens logp_base, logp_compare, delta_p. A skipped row holds nan and -1.
 *
 * @example
 * ```ts
 * import { LogitsReport } from 'kldiv/report';
 * import { perTokenCsv } from './outputs.js';
 * const r = new LogitsReport().add([[0, 0], [0, -Infinity]], [[0, 0], [-Infinity, 0]]);
 * console.log(perTokenCsv(r).split('\n')); // [ 'token,kl,top1_base,top1_compare', '0,0,0,0', '1,inf,0,1', '' ]
 * ```
 */
export function perTokenCsv(report: LogitsReport): string {
  const t = report.perToken();
  const header = ['token', 'kl', 'top1_base', 'top1_compare'];
  if (t.topKShared !== undefined) header.push('top_k_shared');
  if (t.deltaP !== undefined) header.push('logp_base', 'logp_compare', 'delta_p');
  const lines = [header.join(',')];
  for (let i = 0; i < t.kl.length; i++) {
    let line = `${i},${field(t.kl[i])},${t.top1Base[i]},${t.top1Compare[i]}`;
    if (t.topKShared !== undefined) line += `,${t.topKShared[i]}`;
    if (t.deltaP !== undefined && t.logProbBase !== undefined && t.logProbCompare !== undefined) {
      line += `,${field(t.logProbBase[i])},${field(t.logProbCompare[i])},${field(t.deltaP[i])}`;
    }
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

/** The values that can be drawn: skipped rows (NaN) left out. */
const drawn = (v: Float64Array) => v.filter((x) => !Number.isNaN(x));
/** A statistic to mark on a plot, or undefined (the plot computes it) when there is none. */
const mark = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? undefined : v);

/**
 * Builds every requested output of `report`, then writes the files (atomically) and prints the
 * report (text titled `title`, or JSON with `inf` / `nan` as strings, never null).
 */
export async function writeOutputs(report: LogitsReport, o: OutputOptions): Promise<void> {
  const result = report.result();
  const files: [string, string][] = [];
  if (o.state !== undefined) files.push([o.state, `${JSON.stringify(report.state())}\n`]);
  if (o.out !== undefined) files.push([o.out, perTokenCsv(report)]);
  if (o.plot !== undefined || o.plotCdf !== undefined || o.plotDeltaP !== undefined) {
    // vega and vega-lite (about 200 ms to load) only when a plot is asked for
    const { deltaPPlotSvg, klCdfSvg, klPlotSvg } = await import('../plots/index.js');
    const t = report.perToken();
    const kl = drawn(t.kl);
    const about = `${o.title ? `${o.title}, ` : ''}T = ${result.temperature}`;
    const marks = {
      title: `KL(base || compare) per token: ${about}`,
      median: mark(result.median),
      p99: mark(result.percentiles['99']),
    };
    if (o.plot !== undefined) files.push([o.plot, await klPlotSvg(kl, marks)]);
    if (o.plotCdf !== undefined) files.push([o.plotCdf, await klCdfSvg(kl, marks)]);
    if (o.plotDeltaP !== undefined && t.deltaP !== undefined) {
      const svg = await deltaPPlotSvg(drawn(t.deltaP), {
        title: `Δp of the next token: ${about}`,
        median: mark(result.deltaP?.median),
      });
      files.push([o.plotDeltaP, svg]);
    }
  }
  const stdout = o.json
    ? JSON.stringify(result, jsonFloatReplacer)
    : formatLogitsReport(result, { title: o.title });
  for (const [path, content] of files) writeAtomic(path, content);
  process.stdout.write(`${stdout}\n`);
}
