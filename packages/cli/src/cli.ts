#!/usr/bin/env node
/**
 * The kldiv command line. `kldiv` alone prints an example (PyTorch's KLDivLoss on a 4 x 3 batch); `kldiv loss`,
 * `kldiv dist` and `kldiv logits` work on files. Every failure prints one line naming the file
 * and the problem and exits with code 2.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { klDiv, type Reduction, tensor } from 'kldiv';
import { entropy, jensenShannon } from 'kldiv/scipy';
import { blogExample } from './blog-example.js';
import { CliError, errorLine } from './errors.js';
import { formatReport, logitsReport } from './logits-report.js';
import { histogramSvg } from './plot.js';
import { progressBar } from './progress.js';
import { type ArrayData, readArray } from './read.js';
import { writeAtomic } from './write.js';

const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

const number = (what: string, ok: (v: number) => boolean, rule: string) => (value: string) => {
  const v = Number(value);
  if (value.trim() === '' || !ok(v))
    throw new InvalidArgumentError(`${what} must be ${rule}; received '${value}'.`);
  return v;
};

const asTensor = (a: ArrayData, dtype: 'float32' | 'float64') =>
  tensor(a.data, { shape: a.shape, dtype });

function out(value: unknown, json: boolean, text: () => string): void {
  process.stdout.write(`${json ? JSON.stringify(value) : text()}\n`);
}

const program = new Command('kldiv')
  .description(
    'PyTorch-exact KL divergence on files. With no command: an example, nn.KLDivLoss on a 4 x 3 batch.',
  )
  .version(version)
  .allowExcessArguments(true)
  .action(() => {
    if (program.args.length > 0) {
      program.error(`error: unknown command '${program.args[0]}' (see kldiv --help)`, {
        exitCode: 2,
      });
    }
    blogExample();
  });

program
  .command('loss')
  .description(
    'F.kl_div(input, target): input holds log-probabilities; printed as PyTorch prints it',
  )
  .argument('<input>', 'log-probabilities (.npy, .json, .csv, .tsv, or - for stdin)')
  .argument('<target>', 'probabilities (log-probabilities with --log-target)')
  .addOption(
    new Option('--reduction <r>', "PyTorch's reduction ('mean' warns, as in PyTorch)")
      .choices(['none', 'mean', 'batchmean', 'sum'])
      .default('mean'),
  )
  .option('--log-target', 'the target holds log-probabilities', false)
  .addOption(
    new Option('--dtype <d>', 'compute dtype').choices(['float32', 'float64']).default('float32'),
  )
  .option('--json', 'print {shape, dtype, data} as JSON', false)
  .action(
    (
      inputPath: string,
      targetPath: string,
      o: { reduction: Reduction; logTarget: boolean; dtype: 'float32' | 'float64'; json: boolean },
    ) => {
      const input = readArray(inputPath);
      const target = readArray(targetPath);
      let loss: ReturnType<typeof klDiv>;
      try {
        loss = klDiv(asTensor(input, o.dtype), asTensor(target, o.dtype), {
          reduction: o.reduction,
          logTarget: o.logTarget,
        });
      } catch (e) {
        throw new CliError(`${inputPath} and ${targetPath}`, (e as Error).message);
      }
      out({ shape: loss.shape, dtype: loss.dtype, data: loss.tolist() }, o.json, () =>
        loss.toString(),
      );
    },
  );

program
  .command('dist')
  .description('SciPy-style entropy, KL divergence and Jensen-Shannon distance between histograms')
  .argument('<p>', 'histogram or probability vector(s) (normalised along --axis)')
  .argument('[q]', 'a second one: adds KL(P || Q), KL(Q || P) and the Jensen-Shannon distance')
  .option(
    '--base <b>',
    'logarithm base (default e: nats)',
    number(
      '--base',
      (v) => v > 0 && v !== 1 && Number.isFinite(v),
      'a finite number > 0 other than 1',
    ),
  )
  .option(
    '--axis <a>',
    'axis to normalise and sum along',
    number('--axis', Number.isInteger, 'an integer'),
    0,
  )
  .option('--json', 'print the results as JSON', false)
  .action(
    (
      pPath: string,
      qPath: string | undefined,
      o: { base?: number; axis: number; json: boolean },
    ) => {
      const p = readArray(pPath);
      const q = qPath === undefined ? undefined : readArray(qPath);
      const opts = { base: o.base, axis: o.axis };
      const where = q === undefined ? pPath : `${pPath} and ${qPath}`;
      const results: Record<string, unknown> = {};
      try {
        const pt = asTensor(p, 'float64');
        results['entropy(P)'] = entropy(pt, null, opts).tolist();
        if (q !== undefined) {
          const qt = asTensor(q, 'float64');
          results['entropy(Q)'] = entropy(qt, null, opts).tolist();
          results['KL(P || Q)'] = entropy(pt, qt, opts).tolist();
          results['KL(Q || P)'] = entropy(qt, pt, opts).tolist();
          results['Jensen-Shannon distance'] = jensenShannon(pt, qt, opts).tolist();
        }
      } catch (e) {
        throw new CliError(where, (e as Error).message);
      }
      const unit = o.base === undefined ? 'nats' : o.base === 2 ? 'bits' : `log base ${o.base}`;
      out(results, o.json, () =>
        Object.entries(results)
          .map(
            ([k, v]) =>
              `${`${k}:`.padEnd(25)} ${JSON.stringify(v)}${k.startsWith('Jensen') ? '' : ` ${unit}`}`,
          )
          .join('\n'),
      );
    },
  );

program
  .command('logits')
  .description(
    'per-token KL(base || compare) between two [tokens, vocab] logit matrices, with a report',
  )
  .argument('<base>', 'reference logits, e.g. the original model (.npy streams in row chunks)')
  .argument('<compare>', 'logits to compare, e.g. the quantised or distilled model')
  .option(
    '--temperature <t>',
    'softmax temperature',
    number('--temperature', (v) => v > 0 && Number.isFinite(v), 'a finite number > 0'),
    1,
  )
  .option(
    '--top-k <k>',
    'also report the mean overlap of the top-k tokens',
    number('--top-k', (v) => Number.isInteger(v) && v >= 1, 'a positive integer'),
  )
  .option('--out <file>', 'write per-token KL and top-1 tokens as CSV')
  .option('--plot <file>', 'write a histogram of per-token KL as SVG')
  .option(
    '--chunk-rows <n>',
    'rows per chunk when streaming',
    number('--chunk-rows', (v) => Number.isInteger(v) && v >= 1, 'a positive integer'),
  )
  .option('--json', 'print the report as JSON', false)
  .action(
    async (
      basePath: string,
      comparePath: string,
      o: {
        temperature: number;
        topK?: number;
        out?: string;
        plot?: string;
        chunkRows?: number;
        json: boolean;
      },
    ) => {
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
      if (o.plot !== undefined) {
        writeAtomic(
          o.plot,
          await histogramSvg(
            report.perRow,
            `KL(base || compare) per token, ${report.tokens} tokens`,
          ),
        );
      }
      const { perRow: _p, top1Base: _b, top1Compare: _c, ...summary } = report;
      out(summary, o.json, () => formatReport(report, basePath, comparePath));
    },
  );

program.exitOverride();
for (const c of program.commands) c.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // help and version exit 0; every usage error exits 2 (commander already printed it)
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`${errorLine(e)}\n`);
    process.exitCode = 2;
  }
}
