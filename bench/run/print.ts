/** The printed tables: a heading per case and op, a row per peer, the same-run ratio to PyTorch. */
import type { DType, Op } from './options.js';
import type { Row } from './timing.js';

/** How each op reads in the printed case headings. */
export const OP_LABEL: Record<Op, string> = {
  forward: 'forward',
  'forward+backward': 'forward+backward (both gradients)',
  'forward+input-grad': "forward+backward, the input's (student's) gradient only",
};

export function print(n: number, dtype: DType, op: Op, group: Row[]) {
  console.log(`\n${n.toExponential(0)} elements, ${dtype}, ${OP_LABEL[op]} (reduction 'sum')`);
  printRows(group);
}

/** The rows, then the same-run ratio of kldiv (wasm, 1 thread) to PyTorch on 1 thread. */
export function printRows(group: Row[]) {
  console.log(
    `  ${'peer'.padEnd(58)} ${'ns/elem'.padStart(9)} ${'Melem/s'.padStart(9)} ${'x kldiv'.padStart(8)} ${'peak MB'.padStart(9)}`,
  );
  for (const r of group) {
    if (r.skipped) {
      console.log(`  ${r.peer.padEnd(58)} skipped: ${r.skipped}`);
      continue;
    }
    const mb = r.peakExtraBytes === undefined ? 'n/a' : (r.peakExtraBytes / 2 ** 20).toFixed(1);
    console.log(
      `  ${r.peer.padEnd(58)} ${r.nsPerElement!.toFixed(2).padStart(9)} ${r.melemPerSecond!.toFixed(1).padStart(9)} ${(r.ratioToKldiv?.toFixed(2) ?? '-').padStart(8)} ${mb.padStart(9)}`,
    );
  }
  const ours = group.find((r) => r.peer === 'kldiv wasm, 1 thread')?.medianSeconds;
  const theirs = group.find(
    (r) => r.peer.startsWith('PyTorch') && r.peer.endsWith(' 1 thread'),
  )?.medianSeconds;
  if (ours !== undefined && theirs !== undefined) {
    console.log(
      `  same-run ratio, kldiv wasm 1 thread / PyTorch 1 thread: ${(ours / theirs).toFixed(3)}`,
    );
  }
}
