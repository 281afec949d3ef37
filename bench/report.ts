/**
 * npm run bench:report [-- bench/results.json]
 *
 * Turns a benchmark run (bench/run.ts output) into docs/benchmarks.md: the machine, the command,
 * one table per case, and the performance targets of the project evaluated on that same run.
 * Every figure of the run comes from the JSON. The closing hand-written section (MEASUREMENTS,
 * the measurements behind docs/decisions.md) is carried over from the current file unchanged.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeProvenance, type Provenance } from './provenance.js';

interface Row {
  shape?: string;
  size: number;
  dtype: string;
  op: string;
  peer: string;
  nsPerElement?: number;
  melemPerSecond?: number;
  ratioToKldiv?: number;
  peakExtraBytes?: number;
  /** Command-line rows: the peak resident memory of the whole process. */
  maxResidentBytes?: number;
  medianSeconds?: number;
  skipped?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? join(here, 'results.json');
const run = JSON.parse(readFileSync(file, 'utf8')) as Partial<Provenance> & {
  date: string;
  machine: Record<string, string | number>;
  rows: Row[];
};

const findDistill = (shape: string, op: string, peer: string) =>
  run.rows.find((r) => r.shape === shape && r.op === op && r.peer.startsWith(peer));
/** The row of `peer`: its exact name, else the first that starts with it. */
function find(size: number, dtype: string, op: string, peer: string): Row | undefined {
  const rows = run.rows.filter(
    (r) => r.shape === undefined && r.size === size && r.dtype === dtype && r.op === op,
  );
  return rows.find((r) => r.peer === peer) ?? rows.find((r) => r.peer.startsWith(peer));
}
const torch = (threads: number) => `PyTorch ${run.machine.torch}, ${threads} thread`;
const mb = (b?: number) => (b === undefined ? 'n/a' : (b / 2 ** 20).toFixed(1));

function ratio(size: number, op: string, ours: string, theirs: string): number | undefined {
  const a = find(size, 'float32', op, ours)?.nsPerElement;
  const b = find(size, 'float32', op, theirs)?.nsPerElement;
  return a !== undefined && b !== undefined ? a / b : undefined;
}

const targets: [string, string, boolean | undefined][] = [];
function target(
  name: string,
  value: number | undefined,
  ok: (v: number) => boolean,
  fmt: (v: number) => string,
) {
  targets.push([
    name,
    value === undefined ? 'not measured' : fmt(value),
    value === undefined ? undefined : ok(value),
  ]);
}
const x = (v: number) => `${v.toFixed(2)}x`;
target(
  'float32 sum, 1 thread, 1e7: kldiv / PyTorch <= 0.25',
  ratio(1e7, 'forward', 'kldiv wasm, 1 thread', torch(1)),
  (v) => v <= 0.25,
  x,
);
target(
  'float32 sum, 1 thread, 1e6: kldiv / PyTorch <= 0.43',
  ratio(1e6, 'forward', 'kldiv wasm, 1 thread', torch(1)),
  (v) => v <= 0.43,
  x,
);
/** Ordinary arrays (copied into WebAssembly memory chunk by chunk), then `wasmArray` inputs. */
const PLACEMENTS = [
  ['kldiv wasm, ', ''],
  ['kldiv wasm, inputs in wasmArray, ', ', inputs in wasmArray'],
] as const;
for (const [n, ceiling] of [
  [1e6, 600],
  [1e7, 500],
  [1e8, 500],
] as const) {
  for (const [peer, label] of PLACEMENTS) {
    target(
      `float32 sum, 1 thread${label}, ${n.toExponential(0)}: >= 90 % of the hand-written SIMD128 kernel's ${ceiling} Melem/s`,
      find(n, 'float32', 'forward', `${peer}1 thread`)?.melemPerSecond,
      (v) => v >= 0.9 * ceiling,
      (v) => {
        const alone = find(n, 'float32', 'forward', 'kldiv wasm kernel alone')?.melemPerSecond;
        const note =
          alone === undefined || label !== ''
            ? ''
            : ` (kernel alone, data in its memory: ${alone.toFixed(0)})`;
        return `${v.toFixed(0)} Melem/s${note}`;
      },
    );
  }
}
/**
 * The issue's ceiling figures come from a kernel measured on the issue's machine, in its own
 * speed phase; the same run holds its rebuild (wasm/ceiling.ts, blocks touched first or not) and
 * kldiv's kernel alone, on data already in WebAssembly memory. The fastest of the three at the
 * same size is this run's ceiling.
 */
function sameRunCeiling(n: number): { melem: number; peer: string } | undefined {
  return run.rows
    .filter(
      (r) =>
        r.size === n &&
        r.dtype === 'float32' &&
        r.op === 'forward' &&
        r.melemPerSecond !== undefined &&
        (r.peer.startsWith('kldiv wasm kernel alone (') || r.peer.startsWith('ceiling kernel')),
    )
    .map((r) => ({ melem: r.melemPerSecond!, peer: r.peer }))
    .sort((a, b) => b.melem - a.melem)[0];
}
for (const n of [1e6, 1e7, 1e8]) {
  const ceiling = sameRunCeiling(n);
  for (const [peer, label] of PLACEMENTS) {
    target(
      `float32 sum, 1 thread${label}, ${n.toExponential(0)}: >= 90 % of the same run's ceiling${ceiling === undefined ? '' : ` (${ceiling.melem.toFixed(0)} Melem/s: ${ceiling.peer.replace(/ \(.*/, '')})`}`,
      ceiling === undefined
        ? undefined
        : find(n, 'float32', 'forward', `${peer}1 thread`)?.melemPerSecond,
      (v) => v >= 0.9 * ceiling!.melem,
      (v) => `${v.toFixed(0)} Melem/s, ${((100 * v) / ceiling!.melem).toFixed(0)} %`,
    );
  }
}
target(
  'float32 sum, 2 threads, 1e7: kldiv / PyTorch (2 threads) <= 0.25',
  ratio(1e7, 'forward', 'kldiv wasm, 2 threads', torch(2)),
  (v) => v <= 0.25,
  x,
);
for (const n of [1e6, 1e7, 1e8]) {
  for (const [peer, label] of PLACEMENTS) {
    target(
      `float32 sum, 2 threads${label}, ${n.toExponential(0)}: >= 900 Melem/s`,
      find(n, 'float32', 'forward', `${peer}2 threads`)?.melemPerSecond,
      (v) => v >= 900,
      (v) => `${v.toFixed(0)} Melem/s`,
    );
  }
}
// the issue's 900 is 90 % of its kernel's 1.0 ns/element on 2 threads: the same run has that
// kernel's 2-thread figure
for (const n of [1e6, 1e7, 1e8]) {
  const ceiling = find(
    n,
    'float32',
    'forward',
    'kldiv wasm kernel alone on 2 threads',
  )?.melemPerSecond;
  for (const [peer, label] of PLACEMENTS) {
    target(
      `float32 sum, 2 threads${label}, ${n.toExponential(0)}: >= 90 % of the same run's 2-thread ceiling${ceiling === undefined ? '' : ` (${ceiling.toFixed(0)} Melem/s: kernel alone on 2 threads)`}`,
      ceiling === undefined
        ? undefined
        : find(n, 'float32', 'forward', `${peer}2 threads`)?.melemPerSecond,
      (v) => v >= 0.9 * ceiling!,
      (v) => `${v.toFixed(0)} Melem/s, ${((100 * v) / ceiling!).toFixed(0)} %`,
    );
  }
}
for (const [peer, label] of [
  ...PLACEMENTS.map(([p, l]) => [`${p}1 thread`, l] as const),
  ['kldiv wasm, 1 thread, reused out buffers', ', gradients into reused out buffers'] as const,
  [
    'kldiv wasm, inputs and out buffers in wasmArray, 1 thread',
    ', inputs and out buffers in wasmArray',
  ] as const,
]) {
  target(
    `float32 forward+backward, 1 thread${label}, 1e7: kldiv / PyTorch <= 0.25`,
    ratio(1e7, 'forward+backward', peer, torch(1)),
    (v) => v <= 0.25,
    x,
  );
  target(
    `float32 forward+backward, input's gradient only, 1 thread${label}, 1e7: kldiv / PyTorch (only the input requiring grad) <= 0.25`,
    ratio(1e7, 'forward+input-grad', peer, torch(1)),
    (v) => v <= 0.25,
    x,
  );
}
for (const n of [1e4, 1e6, 1e7, 1e8]) {
  target(
    `pure-JS backend not slower than the naive loop, float32 sum, ${n.toExponential(0)}`,
    ratio(n, 'forward', 'kldiv js', 'naive JS'),
    (v) => v <= 1,
    (v) => `${x(v)} the naive loop's time`,
  );
}
for (const shape of ['64x32000', '8x128000']) {
  const label = `[${shape.replace('x', ', ')}]`;
  // each op against PyTorch doing the same work: both logits requiring grad, or the student's only
  for (const [op, what] of [
    ['forward+input-grad', "student's gradient only (frozen teacher)"],
    ['forward+backward', 'both gradients'],
  ]) {
    const theirs = findDistill(shape, op, 'PyTorch')?.nsPerElement;
    for (const [peer, where] of [
      ['kldiv wasm, 1 thread', ''],
      ['kldiv wasm, logits in wasmArray, 1 thread', ', logits in wasmArray'],
      ['kldiv wasm, 1 thread, reused out buffers', ', gradients into reused out buffers'],
    ]) {
      const ours = findDistill(shape, op, peer)?.nsPerElement;
      target(
        `distillation ${label}, ${what}, 1 thread${where}: kldiv / PyTorch unfused (same gradients) <= 0.33`,
        ours !== undefined && theirs !== undefined ? ours / theirs : undefined,
        (v) => v <= 0.33,
        x,
      );
    }
  }
  const [B, V] = shape.split('x').map(Number);
  target(
    `distillation ${label}: extra peak memory, student gradient only, <= one B x V float32 buffer (${mb(B * V * 4)} MB)`,
    findDistill(shape, 'forward+input-grad', 'kldiv wasm, 1 thread')?.peakExtraBytes,
    (v) => v <= B * V * 4,
    (v) => `${mb(v)} MB`,
  );
}
/** The KL-from-samples rows (bench/run/samples.ts): `shape` is 'samples: ' and the case. */
const SAMPLES = 'samples: ';
const samplesRows = run.rows.filter((r) => r.shape?.startsWith(SAMPLES));
const findSamples = (d: number, peer: string) =>
  samplesRows.find((r) => r.shape!.startsWith(`${SAMPLES}${d}-D`) && r.peer.startsWith(peer));
target(
  'KL from samples, 2-D, n = m = 1e5, k = 1: kldiv / SciPy cKDTree (same samples, 1 thread) <= 1',
  ((a, b) => (a !== undefined && b !== undefined ? a / b : undefined))(
    findSamples(2, 'kldiv')?.medianSeconds,
    findSamples(2, 'SciPy')?.medianSeconds,
  ),
  (v) => v <= 1,
  x,
);
target(
  'KL from samples, 50-D, n = m = 1e4, k = 1: kldiv finishes in seconds (< 10 s)',
  findSamples(50, 'kldiv')?.medianSeconds,
  (v) => v < 10,
  (v) => `${v.toFixed(2)} s`,
);
/** The command-line rows (bench/run/cli-logits.ts): `shape` is 'cli logits: ' and the case. */
const CLI = 'cli logits: ';
const cliRows = run.rows.filter((r) => r.shape?.startsWith(CLI));
const cliTime = (shape: string, peer: string) =>
  cliRows.find((r) => r.shape === `${CLI}${shape}` && r.peer.startsWith(peer))?.medianSeconds;
target(
  'kldiv logits report, 2000 x 32000, whole process / PyTorch script <= 0.5 (2 threads each)',
  ((a, b) => (a !== undefined && b !== undefined ? a / b : undefined))(
    cliTime('2000 x 32000', 'kldiv logits'),
    cliTime('2000 x 32000', 'PyTorch script'),
  ),
  (v) => v <= 0.5,
  x,
);
target(
  'extra peak memory, float32 sum over 1e8: < 1 MB',
  find(1e8, 'float32', 'forward', 'kldiv wasm, 1 thread')?.peakExtraBytes,
  (v) => v < 2 ** 20,
  (v) => `${mb(v)} MB`,
);

const lines: string[] = [];
lines.push('# Benchmarks', '');
lines.push(
  'Generated by `npm run bench:report` from `bench/results.json`, written by `npm run bench` (bench/run.ts).',
  "Reproduce: `npm run build && npm run bench && npm run bench:report`. Reduction `'sum'`; inputs: input log-probabilities",
  'uniform in [-8, -0.05], targets uniform in (0, 0.2], the same bytes for every peer. Times are medians of',
  'repetitions after a warm-up; kldiv and the naive loop are timed round-robin (each repetition runs every',
  'one), so slow phases of the machine hit them alike, and the repetitions are split into three rounds that',
  "alternate kldiv and PyTorch (a subprocess). `x kldiv` is a peer's time divided by kldiv (wasm, 1 thread)",
  'in the same run. The closing section, "Measurements behind the design notes", is hand-written',
  '(the figures behind docs/decisions.md); the report keeps it as it is.',
  'Peak MB: resident memory above the level before the call, sampled every millisecond (memory the allocator',
  'reuses is not seen, so small figures are lower bounds). PyTorch runs in a python3 subprocess on the same',
  'bytes; TensorFlow.js uses its own op composition (`sum(y*log(y) - y*x)`, gradients by `tf.grads`).',
  "kldiv's forward+backward is one `klDivBackward` call, which returns the loss with both gradients",
  '(PyTorch: `F.kl_div(x, y).backward()` with both tensors requiring grad); forward+input-grad is the',
  "same call with `gradTarget: false`, the loss and the input's gradient only (PyTorch: only `x`",
  "requiring grad, so autograd skips the target's gradient).",
  "Distillation cases: `klDivWithLogits` against PyTorch's unfused",
  "`F.kl_div(F.log_softmax(s/T), F.softmax(t/T), 'batchmean') * T*T`; kldiv's forward+backward is one",
  '`klDivWithLogitsBackward` call, which returns the loss with both gradients; forward+input-grad is',
  "the same with `gradTeacher: false`, the student's gradient only (PyTorch: a teacher that does not",
  'require grad, the frozen teacher of distillation).',
  "Rows 'inputs in wasmArray' take the same bytes copied (untimed) into `wasmArray`s, which the kernels",
  "read in place; 'reused out buffers' pass the same gradient arrays every call (`out`), as a training",
  "loop does; 'inputs and out buffers in wasmArray' do both with `wasmArray` buffers, which the kernels",
  'write in place (docs/decisions.md 51 and 52).',
  '',
);
lines.push(`Run of ${run.date}, ${describeProvenance(run)}:`, '');
lines.push('| machine | |', '| --- | --- |');
for (const [k, v] of Object.entries(run.machine)) lines.push(`| ${k} | ${v} |`);
lines.push(
  '',
  'This machine is a 2-core virtual machine shared with other work: repeated runs vary by 10-30 %; ratios',
  'within one run are the figures to compare.',
  '',
);
lines.push('## Targets', '', '| target | this run | met |', '| --- | --- | --- |');
for (const [name, value, ok] of targets)
  lines.push(`| ${name} | ${value} | ${ok === undefined ? '-' : ok ? 'yes' : 'no'} |`);
lines.push(
  '',
  "Ceilings. The issue states its speed targets against a hand-written SIMD128 kernel's figures on its",
  'own machine (about 600 Melem/s in cache, 500 at 1e7-1e8, 1.0 ns/element on 2 threads). This shared',
  'VM changes speed by 1.5-2x between phases, so the run measures the ceilings beside everything else:',
  "the issue's kernel rebuilt from its description (`wasm/ceiling.ts`: 4-lane polynomial log, float64",
  "block accumulation, each 16 KiB block touched first or not), kldiv's kernel alone on data already in",
  'its memory, and that kernel on two threads with half the data each in its own memory (one hand-off',
  "per call, no copies; its fixed halves wait for the slower thread, so kldiv's calls on `wasmArray`s,",
  "balanced chunk by chunk, can exceed it). The targets marked 'same run's ceiling' compare against",
  'the fastest of these at the same size; the absolute figures are judged too (docs/decisions.md 53).',
  "A kldiv call on ordinary arrays must also copy every input from the caller's arrays into",
  'WebAssembly memory on the calling thread, as a worker cannot read them. Inputs in `wasmArray`s',
  "(kldiv's shared WebAssembly memory) are read in place by both threads (docs/decisions.md 51, 54):",
  "the rows marked 'inputs in wasmArray' time the same public call on such arrays.",
  '',
  'Memory figures are resident-set increases sampled during the call: memory the allocator reuses',
  '(for example a gradient buffer freed by the previous repetition) does not show, so they are lower',
  'bounds. By construction, `klDivWithLogitsBackward` with `gradTeacher: false` allocates the student',
  "gradient (one B x V buffer) plus five row-sized scratch buffers in WebAssembly memory, and a `'sum'`",
  'allocates one array of chunk sums (8 bytes per 32 KiB of input) beside a fixed 160 KiB of scratch.',
  '',
);

/** How each op reads in the case headings (bench/run.ts's ops). */
const OP_LABEL: Record<string, string> = {
  forward: 'forward',
  'forward+backward': 'forward+backward (both gradients)',
  'forward+input-grad': "forward+backward, the input's (student's) gradient only",
};
const key = (r: Row) => `${r.shape ?? ''}|${r.dtype}|${r.size}|${r.op}`;
const cases = [
  ...new Set(run.rows.filter((r) => !samplesRows.includes(r) && !cliRows.includes(r)).map(key)),
];
for (const c of cases) {
  const [shape, dtype, size, op] = c.split('|');
  lines.push(
    shape
      ? `## Distillation: [${shape.replace('x', ', ')}] ${dtype} logits, T = 2, 'batchmean', ${OP_LABEL[op] ?? op}`
      : `## ${Number(size).toExponential(0)} elements, ${dtype}, ${OP_LABEL[op] ?? op}`,
    '',
  );
  lines.push(
    '| peer | ns/element | Melem/s | x kldiv | peak MB |',
    '| --- | ---: | ---: | ---: | ---: |',
  );
  const group = run.rows.filter((r) => key(r) === c);
  // a peer that failed after measuring some ops: older result files hold both rows; keep the measurement
  for (const r of group.filter(
    (r) => !(r.skipped && group.some((m) => m !== r && m.peer === r.peer && !m.skipped)),
  )) {
    if (r.skipped) {
      lines.push(`| ${r.peer} | skipped: ${r.skipped} | | | |`);
      continue;
    }
    lines.push(
      `| ${r.peer} | ${r.nsPerElement!.toFixed(2)} | ${r.melemPerSecond!.toFixed(1)} | ${r.ratioToKldiv?.toFixed(2) ?? '-'} | ${mb(r.peakExtraBytes)} |`,
    );
  }
  lines.push('');
}
if (samplesRows.length > 0) {
  lines.push(
    '## KL from samples',
    '',
    "`knnKLDivergence` (kldiv/samples) against the same estimator written with SciPy's `cKDTree`",
    '(bench/knn_ckdtree_peer.py: both trees, the x-in-x and x-in-y queries, the mean of the',
    'log-ratios), on the same seeded samples in the same run: x from N(0, I), y from N(0.5, I), k = 1,',
    'one thread each (`workers=1`). A call is the whole estimate, tree building included. The estimates',
    'agree to 1e-9 relative or the SciPy row is marked not comparable. `x kldiv` is the time divided by',
    "kldiv's; kldiv uses its k-d tree in 2-D and brute force in 50-D (`algorithm: 'auto'`).",
    '',
    '| case | peer | ms | x kldiv | peak MB |',
    '| --- | --- | ---: | ---: | ---: |',
  );
  for (const r of samplesRows) {
    const label = r.shape!.slice(SAMPLES.length);
    lines.push(
      r.skipped
        ? `| ${label} | ${r.peer} | skipped: ${r.skipped} | | |`
        : `| ${label} | ${r.peer} | ${(r.medianSeconds! * 1e3).toFixed(0)} | ${r.ratioToKldiv?.toFixed(2) ?? '-'} | ${mb(r.peakExtraBytes)} |`,
    );
  }
  lines.push('');
}
if (cliRows.length > 0) {
  lines.push(
    '## kldiv logits against a PyTorch script',
    '',
    '`kldiv logits base.npy compare.npy --threads 2` (packages/cli/dist, so after `npm run build`) as a',
    'whole process, against the script a user writes for the same report (bench/torch_logits_report.py:',
    '`np.load`, `log_softmax`, per-row KL, mean, standard error, percentiles, top-1; with `--tokens`, the',
    'perplexities and Δp too) with `torch.set_num_threads(2)`, on two seeded float32 .npy files of',
    '2000 x 32000 logits (base ~ N(0, 3), compare = base + N(0, 0.05); ids sampled from softmax(base)).',
    'Wall time of the process, start-up and reading included; one untimed run each first (the files are',
    'then in the page cache), then the two alternate. Their mean KL and top-1 agreement (and with',
    '`--tokens` the mean ln(PPL ratio)) agree up to their printed rounding, or the PyTorch row is marked not',
    "comparable. Peak MB is the whole process's peak resident memory (GNU time).",
    '',
    '| case | peer | s | x kldiv | peak MB |',
    '| --- | --- | ---: | ---: | ---: |',
  );
  for (const r of cliRows) {
    const label = r.shape!.slice(CLI.length);
    lines.push(
      r.skipped
        ? `| ${label} | ${r.peer} | skipped: ${r.skipped} | | |`
        : `| ${label} | ${r.peer} | ${r.medianSeconds!.toFixed(2)} | ${r.ratioToKldiv?.toFixed(2) ?? '-'} | ${mb(r.maxResidentBytes)} |`,
    );
  }
  lines.push('');
}
const out = join(here, '..', 'docs', 'benchmarks.md');
/** The hand-written section that closes the document; the report keeps it as it finds it. */
const MEASUREMENTS = '## Measurements behind the design notes';
const previous = existsSync(out) ? readFileSync(out, 'utf8') : '';
const kept = previous.indexOf(`\n${MEASUREMENTS}\n`);
if (kept >= 0) lines.push(previous.slice(kept + 1).trimEnd());
writeFileSync(out, `${lines.join('\n')}\n`);
console.log(`wrote ${out}`);
