/** The distillation cases: klDivWithLogits on [B, V] logits against PyTorch, timed and printed. */
import {
  freeWasmArray,
  klDivWithLogits,
  klDivWithLogitsBackward,
  setBackend,
  setNumThreads,
  tensor,
} from '../../src/index.js';
import { wasmArrayCopies } from './kldiv-peers.js';
import { args, type Op, ops, ROUNDS } from './options.js';
import { OP_LABEL, printRows } from './print.js';
import { inputs, joinRounds, type Peer, type Row, timeInterleaved, toRow } from './timing.js';
import { torchDistillRows } from './torch-peers.js';

/**
 * Distillation from logits: klDivWithLogits (T = 2, 'batchmean') against PyTorch's unfused
 * expression on [B, V] float32 logits. kldiv's forward+backward is one klDivWithLogitsBackward
 * call (it returns the loss with the gradients); PyTorch's is forward then .backward(). Op
 * 'forward+backward' computes both logits' gradients (both require grad in PyTorch);
 * 'forward+input-grad' the student's only (`gradTeacher: false`; a teacher that does not
 * require grad in PyTorch), what a distillation step with a frozen teacher does.
 */
export function distillation(torchVersion: string | undefined): Row[] {
  const rows: Row[] = [];
  for (const spec of args.distill.split(',')) {
    const [B, V] = spec.split('x').map(Number);
    const n = B * V;
    const { x: s, y: u } = inputs(n, 'float32');
    const t = Float32Array.from(u, (v) => v * 40 - 4); // teacher logits in [-4, 4]
    for (let i = 0; i < n; i++) s[i] = s[i] + 4; // student logits in [-4, 4]
    const opts = { temperature: 2, reduction: 'batchmean' as const };
    const student = tensor(s, { shape: [B, V] });
    const teacher = tensor(t, { shape: [B, V] });
    const [ws, wt] = wasmArrayCopies()(s, t);
    const placed = [tensor(ws, { shape: [B, V] }), tensor(wt, { shape: [B, V] })];
    // [backend, logits in wasmArray, reused gradient buffers]
    const variants = [
      ['wasm', false, false],
      ['wasm', true, false],
      ['wasm', false, true],
      ['js', false, false],
    ] as const;
    const gradBuffers = { gradStudent: new Float32Array(n), gradTeacher: new Float32Array(n) };
    const peers: Peer[] = variants.map(([backend, inWasm, reuse]) => ({
      name: `kldiv ${backend}, ${inWasm ? 'logits in wasmArray, ' : ''}1 thread${reuse ? ', reused out buffers' : ''}`,
      ops: reuse ? ['forward+backward', 'forward+input-grad'] : undefined,
      run(op: Op) {
        setBackend(backend);
        setNumThreads(1);
        const [a, b] = inWasm ? placed : [student, teacher];
        if (op === 'forward') return klDivWithLogits(a, b, opts).item();
        const gradTeacher = op === 'forward+backward';
        const out = !reuse
          ? undefined
          : gradTeacher
            ? gradBuffers
            : { gradStudent: gradBuffers.gradStudent };
        return klDivWithLogitsBackward(a, b, { ...opts, gradTeacher, out });
      },
    }));
    const roundRows: Row[] = [];
    const perRound = Math.ceil(9 / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      for (const op of ops) {
        const group = peers.filter((p) => p.ops?.includes(op) ?? true);
        timeInterleaved(group, op, s, t, perRound, round).forEach((r, i) => {
          roundRows.push({
            shape: spec,
            size: n,
            dtype: 'float32',
            op,
            peer: group[i].name,
            ...toRow(r),
          });
        });
      }
      if (torchVersion !== undefined)
        roundRows.push(...torchDistillRows(spec, s, t, B, V, perRound));
    }
    const caseRows = joinRounds(roundRows);
    for (const op of ops) {
      const group = caseRows.filter((r) => r.op === op);
      const ref = group.find((r) => r.peer === 'kldiv wasm, 1 thread')?.medianSeconds;
      for (const r of group) {
        r.nsPerElement = (r.medianSeconds! * 1e9) / n;
        r.melemPerSecond = n / r.medianSeconds! / 1e6;
        if (ref !== undefined) r.ratioToKldiv = r.medianSeconds! / ref;
      }
      console.log(
        `\ndistillation [${B}, ${V}] float32 logits, T = 2, 'batchmean', ${OP_LABEL[op]}`,
      );
      printRows(group);
    }
    rows.push(...caseRows);
    freeWasmArray(ws);
    freeWasmArray(wt);
  }
  return rows;
}
