// node bench/copies.mjs: what TypedArray.prototype.set costs into and out of each kind of
// memory kldiv copies through (docs/decisions.md 46), ns per float32, best of 7 runs of 1e7.
const N = 1e7;
const C = 8192; // one chunk of float32, as the kernels take them
const src = new Float32Array(N).fill(1.5);
const out = new Float32Array(N);
const kinds = {
  ArrayBuffer: new ArrayBuffer(C * 4),
  SharedArrayBuffer: new SharedArrayBuffer(C * 4),
  'WebAssembly.Memory': new WebAssembly.Memory({ initial: 1 }).buffer,
  'shared WebAssembly.Memory': new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true })
    .buffer,
};
const best = (fn) => {
  let t = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, performance.now() - t0);
  }
  return ((t * 1e6) / N).toFixed(3);
};
console.log('memory'.padEnd(28), 'in (ns/float)', 'out (ns/float)');
for (const [name, buffer] of Object.entries(kinds)) {
  const chunk = new Float32Array(buffer, 0, C);
  const into = best(() => {
    for (let i = 0; i + C <= N; i += C) chunk.set(src.subarray(i, i + C));
  });
  const from = best(() => {
    for (let i = 0; i + C <= N; i += C) out.set(chunk, i);
  });
  console.log(name.padEnd(28), into.padStart(13), from.padStart(14));
}
