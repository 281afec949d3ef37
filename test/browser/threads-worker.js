// A cross-origin-isolated module worker using kldiv's threads: the built package as plain ESM.
import {
  freeWasmArray,
  getNumThreads,
  initThreads,
  initWasm,
  klDiv,
  klDivBackward,
  setNumThreads,
  terminateThreads,
  wasmArray,
} from '/dist/index.js';
import { threadStats } from '/dist/kernels/threads/pool.js';

const out = {};
const fetchedWasm = () =>
  performance
    .getEntriesByType('resource')
    .map((e) => e.name.replace(/^.*\//, ''))
    .filter((n) => n.endsWith('.wasm'));
try {
  out.crossOriginIsolated = self.crossOriginIsolated;
  out.initWasm = await initWasm();
  setNumThreads(2);
  out.numThreads = getNumThreads();
  out.wasmBeforeThreads = fetchedWasm();
  out.threads = await initThreads();
  out.wasmAfterThreads = fetchedWasm();
  const n = 1 << 20;
  const x = Float32Array.from({ length: n }, (_, i) => -8 + (i % 1000) / 126);
  const y = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 5000);
  const before = threadStats.workerChunks;
  const two = klDiv(x, y, { reduction: 'sum' }).item();
  const grads2 = klDivBackward(x, y, { reduction: 'sum' });
  out.workerChunks = threadStats.workerChunks - before;
  setNumThreads(1);
  const one = klDiv(x, y, { reduction: 'sum' }).item();
  const grads1 = klDivBackward(x, y, { reduction: 'sum' });
  out.sameSum = Object.is(one, two);
  out.sameGrads = grads1.gradTarget.data.every((v, i) => Object.is(v, grads2.gradTarget.data[i]));
  out.sum = two;
  // the same inputs in wasmArrays, read in place by both threads: the same bits
  setNumThreads(2);
  const [wx, wy] = [wasmArray(n), wasmArray(n)];
  wx.set(x);
  wy.set(y);
  out.wasmArrayShared = wx.buffer instanceof SharedArrayBuffer;
  const chunksBefore = threadStats.workerChunks;
  out.wasmArraySameSum = Object.is(klDiv(wx, wy, { reduction: 'sum' }).item(), one);
  out.wasmArrayWorkerChunks = threadStats.workerChunks - chunksBefore;
  freeWasmArray(wx);
  freeWasmArray(wy);
  await terminateThreads();
} catch (e) {
  out.error = String(e?.stack ?? e);
}
self.postMessage(out);
