/** `kldiv logits`: the per-token KL report between two logit matrices, with CSV and plots. */
import { formatReport, logitsReport } from '../logits-report.js';
import { progressBar } from '../progress.js';
import { writeAtomic } from '../write.js';
import { print } from './print.js';

/** The options of `kldiv logits`, as commander parses them. */
export interface LogitsOptions {
  temperature: number;
  topK?: number;
  out?: string;
  plot?: string;
  plotCdf?: string;
  chunkRows?: number;
  json: boolean;
}

/** Runs `kldiv logits <basePath> <comparePath>`. */
export async function logits(
  basePath: string,
  comparePath: string,
  o: LogitsOptions,
): Promise<void> {
  const bar = progressBar();
  let report: ReturnType<typeof logitsReport>;
  try {
    report = logitsReport(basePath, comparePath, {
      temperature: o.temperature,
      topK: o.topK,
      chunkRows: o.chunkRows,
      onProgress: bar?.update,
    });
  } finally {
    bar?.stop();
  }
  if (o.out !== undefined) {
    const rows = Array.from(
      report.perRow,
      (v, i) => `${i},${v},${report.top1Base[i]},${report.top1Compare[i]}`,
    );
    writeAtomic(o.out, `token,kl,top1_base,top1_compare\n${rows.join('\n')}\n`);
  }
  if (o.plot !== undefined || o.plotCdf !== undefined) {
    // vega and vega-lite (about 200 ms to load) only when a plot is asked for
    const { klCdfSvg, klPlotSvg } = await import('../plots/index.js');
    const marks = {
      title: `KL(base || compare) per token, T = ${report.temperature}`,
      median: report.median,
      p99: report.percentiles['99'],
    };
    if (o.plot !== undefined) writeAtomic(o.plot, await klPlotSvg(report.perRow, marks));
    if (o.plotCdf !== undefined) writeAtomic(o.plotCdf, await klCdfSvg(report.perRow, marks));
  }
  const { perRow: _p, top1Base: _b, top1Compare: _c, ...summary } = report;
  print(summary, o.json, () => formatReport(report, basePath, comparePath));
}
