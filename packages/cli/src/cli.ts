#!/usr/bin/env node
/**
 * The kldiv command line. `kldiv` alone prints an example (PyTorch's KLDivLoss on a 4 x 3
 * batch); `kldiv loss`, `kldiv dist` and `kldiv logits` work on files; `kldiv help <command>`
 * explains one. Every failure prints one line naming the file and the problem and exits with
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

const COMMANDS = 'loss, dist, logits and help';

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
      'Run `kldiv --help` for the commands (loss, dist, logits) and their options.\n',
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
  .option(
    '--plot <file>',
    'write an SVG histogram of per-token KL on log-spaced bins, median and p99 marked',
  )
  .option('--plot-cdf <file>', 'write an SVG of the cumulative distribution of per-token KL')
  .option(
    '--chunk-rows <n>',
    'rows per chunk when streaming',
    number('--chunk-rows', (v) => Number.isInteger(v) && v >= 1, 'a positive integer'),
  )
  .option('--json', 'print the report as JSON', false)
  .addHelpText(
    'after',
    '\nExample:\n  kldiv logits base.npy quantised.npy --top-k 5 --plot kl.svg --plot-cdf kl-cdf.svg',
  )
  .action(async (base: string, compare: string, o: LogitsOptions) =>
    (await import('./commands/logits.js')).logits(base, compare, o),
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
