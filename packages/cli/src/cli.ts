#!/usr/bin/env node
/**
 * The kldiv command line. `kldiv` alone prints an example (PyTorch's KLDivLoss on a 4 x 3
 * batch); `kldiv loss`, `kldiv dist`, `kldiv logits` and `kldiv samples` work on files,
 * `kldiv merge` on the states `kldiv logits --state` writes; `kldiv help <command>` explains
 * one. Every failure prints one line naming the file and the problem and exits with
 * code 2.
 *
 * Start-up is kept to commander and this file: each command's code (and with it kldiv,
 * kldiv/scipy, vega) is imported when that command runs, so `kldiv --version` loads no kldiv
 * at all and `kldiv loss` no plotting library (test/cli/startup.test.ts checks both).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { DistOptions } from './commands/dist.js';
import type { LogitsOptions } from './commands/logits.js';
import type { LossOptions } from './commands/loss.js';
import type { MergeOptions } from './commands/merge.js';
import type { SamplesOptions } from './commands/samples.js';
import { errorLine } from './errors.js';

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

const COMMANDS = 'loss, dist, logits, merge, samples and help';

const program = new Command('kldiv')
  .description(
    'PyTorch-exact KL divergence on files. With no command: an example, nn.KLDivLoss on a 4 x 3 batch.',
  )
  .version(version)
  .allowExcessArguments(true)
  .action(async () => {
    if (program.args.length > 0) unknownCommand(program.args[0]);
    const { blogExample } = await import('./blog-example.js');
    blogExample();
    // after the 'mean' UserWarning (emitted on the next tick), and on stderr, so that stdout
    // stays exactly what PyTorch prints for the example
    await new Promise((resolve) => setImmediate(resolve));
    process.stderr.write(
      'Run `kldiv --help` for the commands (loss, dist, logits, merge, samples) and their options.\n',
    );
  });

function unknownCommand(name: string): never {
  return program.error(
    `error: unknown command '${name}'; the commands are ${COMMANDS} (see kldiv --help)`,
    {
      exitCode: 2,
    },
  );
}

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
  .action(async (input: string, target: string, o: LossOptions) =>
    (await import('./commands/loss.js')).loss(input, target, o),
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
  .action(async (p: string, q: string | undefined, o: DistOptions) =>
    (await import('./commands/dist.js')).dist(p, q, o),
  );

const positiveInteger = (what: string) =>
  number(what, (v) => Number.isInteger(v) && v >= 1, 'a positive integer');

/** The options `kldiv logits` and `kldiv merge` share: what to print and which files to write. */
function outputOptions(command: Command): Command {
  return command
    .option('--title <text>', 'the first line of the text report names this (default: the files)')
    .option('--json', 'print the report as JSON (inf and nan as the strings "inf", "nan")', false)
    .option('--state <file>', 'write the exact mergeable state of the report (for kldiv merge)')
    .option('--out <file>', 'write the per-token values as CSV (token, kl, top1_base, ...)')
    .option(
      '--plot <file>',
      'write an SVG histogram of per-token KL on log-spaced bins, median and p99 marked',
    )
    .option('--plot-cdf <file>', 'write an SVG of the cumulative distribution of per-token KL')
    .option('--plot-delta-p <file>', 'write an SVG histogram of Δp (needs next-token ids)');
}

outputOptions(
  program
    .command('logits')
    .description(
      'KL(base || compare) per token between two logits files, with perplexity and Δp given the next-token ids',
    )
    .argument(
      '<base>',
      'reference logits [tokens, vocab] or [batch, seq, vocab]: .npy, .npz, .safetensors (streamed), .json, .csv, - for stdin',
    )
    .argument('<compare>', 'logits to compare, e.g. the quantised or distilled model')
    .option('--tokens <ids>', 'next-token ids, one per token (adds perplexity and Δp statistics)')
    .addOption(
      new Option('--array <name>', 'the logits array in both .npz/.safetensors files').conflicts([
        'baseArray',
        'compareArray',
      ]),
    )
    .option('--base-array <name>', 'the logits array in the base .npz/.safetensors file')
    .option('--compare-array <name>', 'the logits array in the compare .npz/.safetensors file')
    .option('--tokens-array <name>', 'the ids array in the --tokens .npz/.safetensors file')
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
    .addOption(
      new Option(
        '--nan-rows <rule>',
        'rows with NaN or +inf logits, or no finite logit: an error, or skipped and counted',
      )
        .choices(['error', 'skip'])
        .default('error'),
    )
    .option(
      '--chunk-rows <n>',
      'rows per read (memory per thread)',
      positiveInteger('--chunk-rows'),
    )
    .option(
      '--threads <n>',
      'worker threads (default: the cores, at most 4, for files of 4 Mi logits or more)',
      positiveInteger('--threads'),
    ),
)
  .addHelpText(
    'after',
    '\nExamples:\n  kldiv logits base.npy quantised.npy --tokens ids.npy --plot kl.svg --plot-cdf kl-cdf.svg\n  kldiv logits shard-3-base.npy shard-3-q4.npy --tokens shard-3-ids.npy --state shard-3.json',
  )
  .hook('preAction', (command) => {
    const o = command.opts<LogitsOptions>();
    if (o.plotDeltaP !== undefined && o.tokens === undefined) {
      command.error(
        "error: option '--plot-delta-p <file>' needs --tokens <ids>: Δp is the change in the probability of the next token",
        { exitCode: 2 },
      );
    }
  })
  .action(async (base: string, compare: string, o: LogitsOptions) =>
    (await import('./commands/logits.js')).logits(base, compare, o),
  );

outputOptions(
  program
    .command('merge')
    .description(
      'merge the states of kldiv logits --state (shards, in order) into the report of one run',
    )
    .argument('<states...>', 'state files, in the order of their tokens'),
)
  .addHelpText(
    'after',
    '\nExample (states in token order):\n  kldiv merge shard-00.json shard-01.json shard-02.json --plot kl.svg',
  )
  .action(async (states: string[], o: MergeOptions) =>
    (await import('./commands/merge.js')).merge(states, o),
  );

program
  .command('samples')
  .description(
    'KL(P || Q) estimated from samples of P and Q (k-nearest-neighbour or Pérez-Cruz), in nats, with a bootstrap interval',
  )
  .argument('<x>', 'samples of P: n values, or n rows of d coordinates (.csv, .tsv, .json, .npy)')
  .argument('<y>', 'samples of Q: m values, or m rows of the same d coordinates')
  .option(
    '--k <k>',
    'the neighbour of the k-NN estimator (default 1): larger k, less variance, more bias',
    number('--k', (v) => Number.isInteger(v) && v >= 1, 'a positive integer'),
  )
  .addOption(
    new Option('--estimator <e>', "k-NN (any d) or Pérez-Cruz's empirical-CDF estimator (1-D)")
      .choices(['knn', 'perez-cruz'])
      .default('knn'),
  )
  .addOption(
    new Option(
      '--duplicates <policy>',
      'coinciding points: an error naming them, or skipped (the k-th neighbour at a positive distance)',
    )
      .choices(['error', 'skip'])
      .default('error'),
  )
  .option(
    '--bootstrap <resamples>',
    'add a percentile bootstrap interval and standard error from this many resamples',
    number(
      '--bootstrap',
      (v) => Number.isInteger(v) && v >= 2 && v <= 1e7,
      'an integer from 2 to 1e7',
    ),
  )
  .option(
    '--seed <s>',
    'seed of the bootstrap: the same seed gives the same interval',
    number('--seed', Number.isSafeInteger, 'a safe integer'),
    0,
  )
  .option(
    '--level <l>',
    'coverage of the bootstrap interval',
    number('--level', (v) => v > 0 && v < 1, 'a number in (0, 1)'),
    0.95,
  )
  .option('--json', 'print the result as JSON', false)
  .addHelpText(
    'after',
    '\nExample:\n  kldiv samples today.csv yesterday.csv --k 5 --bootstrap 1000 --seed 1',
  )
  .hook('preAction', (command) => {
    const o = command.opts<SamplesOptions>();
    const fromCli = (name: string) => command.getOptionValueSource(name) === 'cli';
    if (o.estimator === 'perez-cruz' && o.k !== undefined) {
      command.error("error: option '--k <k>' applies to --estimator knn only", { exitCode: 2 });
    }
    for (const name of ['seed', 'level']) {
      if (o.bootstrap === undefined && fromCli(name)) {
        command.error(`error: option '--${name}' needs --bootstrap <resamples>`, { exitCode: 2 });
      }
    }
  })
  .action(async (x: string, y: string, o: SamplesOptions) =>
    (await import('./commands/samples.js')).samples(x, y, o),
  );

program
  .command('help')
  .description('show the help of a command, or with none list the commands')
  .argument('[command]', `one of ${COMMANDS}`)
  .action((name: string | undefined) => {
    if (name === undefined) return program.help();
    const command = program.commands.find((c) => c.name() === name);
    return command === undefined ? unknownCommand(name) : command.help();
  });

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
