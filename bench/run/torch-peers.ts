/** PyTorch peers: bench/torch_peer.py and bench/torch_distill.py in a python3 subprocess. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DType, type FloatArray, here, type Op, ops } from './options.js';
import type { Row } from './timing.js';

export function torchAvailable(): string | undefined {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy; print(torch.__version__)'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

interface TorchLine {
  op: Op;
  threads?: number;
  times: number[];
  peakBytes: number;
  torch: string;
}

/**
 * Writes `x` and `y` to temporary files, runs the PyTorch peer `script` on them (a python3
 * subprocess; `extra` arguments after the two files) and returns its JSON lines for the ops
 * this run times.
 */
function torchPeer(script: string, x: FloatArray, y: FloatArray, extra: string[]): TorchLine[] {
  const dir = mkdtempSync(join(tmpdir(), 'kldiv-bench-'));
  try {
    const xf = join(dir, 'x.bin');
    const yf = join(dir, 'y.bin');
    writeFileSync(xf, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    writeFileSync(yf, new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
    const out = execFileSync('/usr/bin/python3', [join(here, script), xf, yf, ...extra], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    return out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as TorchLine)
      .filter((r) => ops.includes(r.op));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function torchRows(
  n: number,
  dtype: DType,
  x: FloatArray,
  y: FloatArray,
  reps: number,
): Row[] {
  const lines = torchPeer('torch_peer.py', x, y, [String(n), dtype, String(reps), '1', '2']);
  return lines.map((r) => ({
    size: n,
    dtype,
    op: r.op,
    peer: `PyTorch ${r.torch}, ${r.threads} thread${r.threads! > 1 ? 's' : ''}`,
    times: r.times,
    peakExtraBytes: r.peakBytes,
  }));
}

/** PyTorch's unfused distillation loss on the same logits, `reps` times. */
export function torchDistillRows(
  spec: string,
  s: FloatArray,
  t: FloatArray,
  B: number,
  V: number,
  reps: number,
): Row[] {
  return torchPeer('torch_distill.py', s, t, [String(B), String(V), String(reps)]).map((r) => ({
    shape: spec,
    size: B * V,
    dtype: 'float32' as const,
    op: r.op,
    peer: `PyTorch ${r.torch} (unfused), 1 thread`,
    times: r.times,
    peakExtraBytes: r.peakBytes,
  }));
}
