/**
 * npm run bench [-- --sizes 1e4,1e6,1e7,1e8 --dtypes float32,float64
 *                   --ops forward,forward+backward,forward+input-grad --distill 64x32000,8x128000
 *                   --rounds 3 --no-torch --no-tfjs --no-samples --no-cli --out bench/results.json]
 * (`--distill ''` skips the distillation cases; `--sizes ''` runs only them.)
 *
 * One process run, the same inputs for every peer: kldiv (wasm 1 and 2 threads, js), a naive JS
 * loop, TensorFlow.js (cpu and wasm backends: its own op composition, gradients by tf.grads) and
 * PyTorch 1.13 (F.kl_div, 1 and 2 threads; a python3 subprocess reading the same bytes, skipped
 * with a note when torch is not importable). Reduction 'sum'. Ops: the loss ('forward'), the
 * loss and both gradients ('forward+backward': PyTorch with both tensors requiring grad) and the
 * loss and the input's gradient only ('forward+input-grad': `gradTarget: false`, PyTorch with
 * only the input requiring grad; for the distillation cases the student's, `gradTeacher: false`,
 * against PyTorch with a teacher that does not require grad). Prints, per case, ns/element,
 * Melem/s, time relative to kldiv (wasm, 1 thread) and peak extra resident memory; writes the
 * same as JSON, with the commit and a dirty flag (bench/provenance.ts). Medians of several
 * repetitions after a warm-up. Then the KL-from-samples cases against SciPy (bench/run/samples.ts)
 * and `kldiv logits` as a whole process against a PyTorch script (bench/run/cli-logits.ts; it
 * runs packages/cli/dist, so after `npm run build`).
 *
 * This file is the main sequence; the command line, the timing, each family of peers, the
 * distillation cases and the printed tables are in bench/run/.
 */
import { writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import { terminateThreads } from '../src/index.js';
import { stopSampler } from './memory.js';
import { describeProvenance, gitProvenance } from './provenance.js';
import { ceilingPeer, kernelPeer, parallelKernelPeer } from './run/ceiling-peers.js';
import { cliLogitsRows } from './run/cli-logits.js';
import { distillation } from './run/distillation.js';
import {
  kldivOutPeer,
  kldivPeer,
  kldivResidentPeer,
  kldivWasmArrayPeer,
  naivePeer,
  wasmArrayCopies,
} from './run/kldiv-peers.js';
import { args, dtypes, here, ops, ROUNDS, sizes } from './run/options.js';
import { print } from './run/print.js';
import { samplesRows } from './run/samples.js';
import { loadTfjs, tfjsPeer, tfjsVersion } from './run/tfjs-peers.js';
import {
  inputs,
  joinRounds,
  median,
  type Peer,
  type Row,
  repsFor,
  timeInterleaved,
  timePeer,
  toRow,
} from './run/timing.js';
import { torchAvailable, torchRows } from './run/torch-peers.js';

async function main() {
  // taken before anything runs: the figures belong to this commit (and to uncommitted edits if dirty)
  const { commit, dirty } = gitProvenance(join(here, '..'));
  const torchVersion = args['no-torch'] ? undefined : torchAvailable();
  // one copy of the inputs for both wasmArray peers: two of a 1e8 float32 pair exceed 1 GiB
  const placed = wasmArrayCopies();
  const peers: Peer[] = [
    kldivPeer('wasm', 1),
    kldivPeer('wasm', 2),
    kldivPeer('wasm', 2, true),
    kldivWasmArrayPeer(1, placed),
    kldivWasmArrayPeer(2, placed),
    kldivOutPeer(),
    kldivResidentPeer(placed),
    kldivPeer('js', 1),
    naivePeer,
    kernelPeer(),
    ceilingPeer(true),
    ceilingPeer(false),
    parallelKernelPeer(),
  ];
  if (!args['no-tfjs']) {
    await loadTfjs();
    peers.push(
      tfjsPeer('cpu', 'ops'),
      tfjsPeer('cpu', 'adapter'),
      tfjsPeer('wasm', 'ops'),
      tfjsPeer('wasm', 'adapter'),
    );
  }
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    freeMemoryGiB: +(freemem() / 2 ** 30).toFixed(1),
    node: process.version,
    v8: process.versions.v8,
    torch: torchVersion ?? 'not available',
    tfjs: tfjsVersion() ?? 'not run',
  };
  console.log(
    `kldiv benchmark, ${new Date().toISOString()}, ${describeProvenance({ commit, dirty })}`,
  );
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}`,
  );
  console.log(`peers: ${peers.map((p) => p.name).join('; ')}; PyTorch: ${machine.torch}`);
  if (torchVersion === undefined && !args['no-torch'])
    console.log('note: PyTorch skipped: /usr/bin/python3 cannot import torch');
  const rows: Row[] = [];
  for (const dtype of dtypes) {
    for (const n of sizes) {
      const { x, y } = inputs(n, dtype);
      const perRound = Math.ceil(repsFor(n) / ROUNDS);
      const roundRows: Row[] = [];
      const stateless = peers.filter((p) => p.stateless && !p.skip?.(n, dtype));
      for (let round = 0; round < ROUNDS; round++) {
        for (const op of ops) {
          const group = stateless.filter((p) => p.ops?.includes(op) ?? true);
          timeInterleaved(group, op, x, y, perRound, round).forEach((r, i) => {
            roundRows.push({ size: n, dtype, op, peer: group[i].name, ...toRow(r) });
          });
        }
        if (torchVersion !== undefined) roundRows.push(...torchRows(n, dtype, x, y, perRound));
      }
      const caseRows = joinRounds(roundRows);
      const reps = perRound * ROUNDS;
      for (const peer of peers.filter((p) => !p.stateless)) {
        const skipped = peer.skip?.(n, dtype);
        if (skipped) {
          for (const op of ops) caseRows.push({ size: n, dtype, op, peer: peer.name, skipped });
          continue;
        }
        try {
          peer.prepare?.(x, y);
          for (const op of ops) {
            const { times, peakBytes } = timePeer(peer, op, x, y, reps);
            caseRows.push({
              size: n,
              dtype,
              op,
              peer: peer.name,
              medianSeconds: median(times),
              peakExtraBytes: peakBytes,
            });
          }
          peer.release?.();
        } catch (e) {
          // a peer that fails (out of memory, say) is reported, not allowed to end the run
          for (const op of ops) {
            if (caseRows.some((r) => r.peer === peer.name && r.op === op)) continue;
            caseRows.push({
              size: n,
              dtype,
              op,
              peer: peer.name,
              skipped: `failed: ${(e as Error).message}`,
            });
          }
        }
      }
      for (const op of ops) {
        const group = caseRows.filter((r) => r.op === op);
        const ref = group.find((r) => r.peer === 'kldiv wasm, 1 thread')?.medianSeconds;
        for (const r of group) {
          if (r.medianSeconds === undefined) continue;
          r.nsPerElement = (r.medianSeconds * 1e9) / n;
          r.melemPerSecond = n / r.medianSeconds / 1e6;
          if (ref !== undefined) r.ratioToKldiv = r.medianSeconds / ref;
        }
        print(n, dtype, op, group);
      }
      rows.push(...caseRows);
    }
  }
  if (args.distill !== '') rows.push(...distillation(torchVersion));
  if (!args['no-samples']) rows.push(...samplesRows());
  if (!args['no-cli']) rows.push(...cliLogitsRows(torchVersion));
  writeFileSync(
    args.out,
    `${JSON.stringify({ date: new Date().toISOString(), commit, dirty, machine, reduction: 'sum', rows }, null, 1)}\n`,
  );
  console.log(`\nwrote ${args.out}`);
  await terminateThreads();
  await stopSampler();
}

await main();
