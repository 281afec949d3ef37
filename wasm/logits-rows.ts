// Fused log-softmax + KL over one contiguous row of logits, T lanes (f32 or f64;
// src/kernels/js/softmax-kl.ts has the same mathematics in scalar form). With k = 1/T:
//   log q = k s - lse(k s),  log p = k t - lse(k t),  l = xlogy(p, p) - p log q
// Rows take SIMD maxima, then one exp per element whose value is kept in the output buffers,
// so the loss and both gradients need no further exponentials. Sums of exponentials and
// losses are float64. Without per-element outputs or upstream gradients (the reductions), the
// row's loss needs no pass of its own: with p = e / St, sum_j p_j = 1 and
//   sum_j l_j = k sum_j p_j (t_j - s_j) + lse(k s) - lse(k t),
// whose sum the teacher's exp pass accumulates; PyTorch's p = 0 terms (0, or NaN where
// log q = -inf) come out of the same product as 0 * s_j.

import { Exp } from './exp';
import { Lanes } from './lanes';

// Second results of the row helpers, as float64 (a float32 value round-trips exactly).
let rowMaxS: f64 = 0; // rowMax2: max of k s (its max of k t is returned in rowMaxT)
let rowMaxT: f64 = 0;
let rowDot: f64 = 0; // rowExpDot: sum_j e_j (t_j - s_j), e_j s_j where e_j = 0
let rowMinE: f64 = 0; // rowExpDot: the least e_j
let rowSumU: f64 = 0; // pass1: sum_j c_j p_j
let rowSumPW: f64 = 0; // pass1: sum_j p_j w_j

// biome-ignore lint/complexity/noStaticOnlyClass: a namespace for @inline helpers (log-f32.ts)
class Rows {
  // 1 where p is a number other than 0; NaN at p = 0 and p = NaN: p / p as PyTorch's xlogy
  // backward evaluates it
  // @ts-expect-error: decorator
  @inline static ppOne<T>(p: v128): v128 {
    const nan = v128.or(v128.eq<T>(p, v128.splat<T>(0)), v128.ne<T>(p, p));
    if (sizeof<T>() == 4) {
      const nanF32 = v128.load32_splat(memory.data<f32>([<f32>NaN]));
      return v128.bitselect(nanF32, v128.load32_splat(memory.data<f32>([1])), nan);
    }
    const nanF64 = v128.load64_splat(memory.data<f64>([<f64>NaN]));
    return v128.bitselect(nanF64, v128.load64_splat(memory.data<f64>([1])), nan);
  }

  // Row maxima of k s and k t, in one loop (two independent chains), into rowMaxS, rowMaxT.
  // @ts-expect-error: decorator
  @inline static max2<T>(V: i32, ps: usize, pt: usize, k: T): void {
    const lanes = <i32>(16 / sizeof<T>());
    let ms = v128.splat<T>(<T>-Infinity);
    let mt = v128.splat<T>(<T>-Infinity);
    // pmax is one instruction but drops a NaN operand, so NaN lanes are flagged on the side
    let nans = v128.splat<T>(0);
    let nant = v128.splat<T>(0);
    const kv = v128.splat<T>(k);
    let i = 0;
    for (; i + lanes <= V; i += lanes) {
      const o = (<usize>i) << alignof<T>();
      const vs = v128.mul<T>(v128.load(ps + o), kv);
      const vt = v128.mul<T>(v128.load(pt + o), kv);
      ms = v128.pmax<T>(ms, vs);
      mt = v128.pmax<T>(mt, vt);
      nans = v128.or(nans, v128.ne<T>(vs, vs));
      nant = v128.or(nant, v128.ne<T>(vt, vt));
    }
    let a: T = Lanes.maxLane<T>(ms);
    let b: T = Lanes.maxLane<T>(mt);
    if (v128.any_true(nans)) a = <T>NaN;
    if (v128.any_true(nant)) b = <T>NaN;
    for (; i < V; i++) {
      const o = (<usize>i) << alignof<T>();
      a = max<T>(a, load<T>(ps + o) * k);
      b = max<T>(b, load<T>(pt + o) * k);
    }
    rowMaxS = a;
    rowMaxT = b;
  }

  // exp(k x - m) into pe; returns the float64 sum. (One operand per loop: two in one loop
  // spill registers.)
  // @ts-expect-error: decorator
  @inline static exp<T>(V: i32, px: usize, k: T, m: T, pe: usize): f64 {
    const lanes = <i32>(16 / sizeof<T>());
    let acc = f64x2.splat(0);
    const kv = v128.splat<T>(k);
    const mv = v128.splat<T>(m);
    let i = 0;
    for (; i + lanes <= V; i += lanes) {
      const o = (<usize>i) << alignof<T>();
      const e = Exp.notAbove<T>(v128.sub<T>(v128.mul<T>(v128.load(px + o), kv), mv));
      v128.store(pe + o, e);
      acc = Lanes.accumulate<T>(acc, e);
    }
    let sum = Lanes.total(acc);
    for (; i < V; i++) {
      const o = (<usize>i) << alignof<T>();
      const e = <T>Math.exp(<f64>(load<T>(px + o) * k - m));
      store<T>(pe + o, e);
      sum += e;
    }
    return sum;
  }

  // exp(k t - m) into pe (its sum returned) and, in rowDot, sum_j e_j (t_j - s_j) with e_j s_j
  // where e_j = 0 (PyTorch's 0 * log q), and, in rowMinE, the least e_j.
  // @ts-expect-error: decorator
  @inline static expDot<T>(V: i32, pt: usize, ps: usize, k: T, m: T, pe: usize): f64 {
    const lanes = <i32>(16 / sizeof<T>());
    let acc = f64x2.splat(0);
    let dot = f64x2.splat(0);
    let least = v128.splat<T>(<T>Infinity);
    const kv = v128.splat<T>(k);
    const mv = v128.splat<T>(m);
    const zero = v128.splat<T>(0);
    let i = 0;
    for (; i + lanes <= V; i += lanes) {
      const o = (<usize>i) << alignof<T>();
      const t = v128.load(pt + o);
      const sv = v128.load(ps + o);
      const e = Exp.notAbove<T>(v128.sub<T>(v128.mul<T>(t, kv), mv));
      v128.store(pe + o, e);
      acc = Lanes.accumulate<T>(acc, e);
      least = v128.pmin<T>(least, e);
      const d = v128.bitselect(sv, v128.sub<T>(t, sv), v128.eq<T>(e, zero));
      dot = Lanes.accumulate<T>(dot, v128.mul<T>(e, d));
    }
    let sum = Lanes.total(acc);
    let dsum = Lanes.total(dot);
    let lo: T = Lanes.minLane<T>(least);
    for (; i < V; i++) {
      const o = (<usize>i) << alignof<T>();
      const t = load<T>(pt + o);
      const sv = load<T>(ps + o);
      const e = <T>Math.exp(<f64>(t * k - m));
      store<T>(pe + o, e);
      sum += e;
      lo = min<T>(lo, e);
      dsum += e * (e == 0 ? sv : t - sv);
    }
    rowDot = dsum;
    rowMinE = lo;
    return sum;
  }

  // Pass 1 for per-element upstream gradients: q, p into the gradient buffers; the row's loss
  // (returned) and the sums the gradients need, sum_j c_j p_j and sum_j p_j w_j (rowSumU,
  // rowSumPW; the second only for the teacher's, but a branch here costs module size).
  // @ts-expect-error: decorator
  @inline static pass1<T>(
    V: i32,
    ps: usize,
    pt: usize,
    k: T,
    pg: usize,
    coef: T,
    pgs: usize,
    pgt: usize,
    Ss: f64,
    St: f64,
    lseS: T,
    lseT: T,
  ): f64 {
    const lanes = <i32>(16 / sizeof<T>());
    const invSs = v128.splat<T>(<T>(1 / Ss));
    const invSt = v128.splat<T>(<T>(1 / St));
    const kv = v128.splat<T>(k);
    const cv = v128.splat<T>(coef);
    const zero = v128.splat<T>(0);
    let loss = f64x2.splat(0);
    let sumU = f64x2.splat(0);
    let sumPW = f64x2.splat(0);
    let i = 0;
    for (; i + lanes <= V; i += lanes) {
      const o = (<usize>i) << alignof<T>();
      const q = v128.mul<T>(v128.load(pgs + o), invSs);
      const p = v128.mul<T>(v128.load(pgt + o), invSt);
      const logq = v128.sub<T>(v128.mul<T>(v128.load(ps + o), kv), v128.splat<T>(lseS));
      const logp = v128.sub<T>(v128.mul<T>(v128.load(pt + o), kv), v128.splat<T>(lseT));
      const c = v128.mul<T>(v128.load(pg + o), cv);
      const pz = v128.eq<T>(p, zero);
      const l = v128.sub<T>(v128.andnot(v128.mul<T>(p, logp), pz), v128.mul<T>(p, logq));
      loss = Lanes.accumulate<T>(loss, l);
      sumU = Lanes.accumulate<T>(sumU, v128.mul<T>(c, p));
      // w = c (log p + p / p - log q): p / p is NaN at p = 0 (PyTorch's xlogy backward)
      const w = v128.mul<T>(c, v128.sub<T>(v128.add<T>(logp, Rows.ppOne<T>(p)), logq));
      sumPW = Lanes.accumulate<T>(sumPW, v128.mul<T>(p, w));
      v128.store(pgs + o, q);
      v128.store(pgt + o, p);
    }
    let total = Lanes.total(loss);
    let su = Lanes.total(sumU);
    let spw = Lanes.total(sumPW);
    for (let j = i; j < V; j++) {
      const o = (<usize>j) << alignof<T>();
      const q = load<T>(pgs + o) / <T>Ss;
      const p = load<T>(pgt + o) / <T>St;
      const logq = load<T>(ps + o) * k - lseS;
      const logp = load<T>(pt + o) * k - lseT;
      const c = load<T>(pg + o) * coef;
      total += (p == 0 ? <T>0 : p * logp) - p * logq;
      su += c * p;
      spw += p * (c * (logp + p / p - logq));
      store<T>(pgs + o, q);
      store<T>(pgt + o, p);
    }
    rowSumU = su;
    rowSumPW = spw;
    return total;
  }
}

/** Row loss sum; with `pout` != 0 also writes l_j * scale there. `pes`, `pet` are scratch. */
export function logitsRowForward<T>(
  V: i32,
  ps: usize,
  pt: usize,
  pes: usize,
  pet: usize,
  k: T,
  pout: usize,
  scale: T,
): f64 {
  const lanes = <i32>(16 / sizeof<T>());
  Rows.max2<T>(V, ps, pt, k);
  const ms = <T>rowMaxS;
  const mt = <T>rowMaxT;
  if (pout == 0) {
    if (V == 0) return 0;
    const Ss = Rows.exp<T>(V, ps, k, ms, pes);
    const St = Rows.expDot<T>(V, pt, ps, k, mt, pet);
    return (<f64>k * rowDot) / St + (<f64>ms + Math.log(Ss)) - (<f64>mt + Math.log(St));
  }
  const lseS = <T>(<f64>ms + Math.log(Rows.exp<T>(V, ps, k, ms, pes)));
  const St = Rows.exp<T>(V, pt, k, mt, pet);
  const lseT = <T>(<f64>mt + Math.log(St));
  const invSt = <T>(1 / St);
  const kv = v128.splat<T>(k);
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + lanes <= V; i += lanes) {
    const o = (<usize>i) << alignof<T>();
    const logq = v128.sub<T>(v128.mul<T>(v128.load(ps + o), kv), v128.splat<T>(lseS));
    const logp = v128.sub<T>(v128.mul<T>(v128.load(pt + o), kv), v128.splat<T>(lseT));
    const p = v128.mul<T>(v128.load(pet + o), v128.splat<T>(invSt));
    // xlogy(p, p): p * log p, 0 where p underflowed to 0
    const plogp = v128.andnot(v128.mul<T>(p, logp), v128.eq<T>(p, v128.splat<T>(0)));
    const l = v128.sub<T>(plogp, v128.mul<T>(p, logq));
    acc = Lanes.accumulate<T>(acc, l);
    if (pout != 0) v128.store(pout + o, v128.mul<T>(l, v128.splat<T>(scale)));
  }
  let total = Lanes.total(acc);
  for (; i < V; i++) {
    const o = (<usize>i) << alignof<T>();
    const logq = load<T>(ps + o) * k - lseS;
    const logp = load<T>(pt + o) * k - lseT;
    const p = load<T>(pet + o) * invSt;
    const l = (p == 0 ? <T>0 : p * logp) - p * logq;
    total += l;
    if (pout != 0) store<T>(pout + o, l * scale);
  }
  return total;
}

/**
 * Gradients of sum_j c_j l_j (c_j = g_j coef, g read with stride gStride: 0 scalar, 1 per
 * element) into pgs (student) and pgt (teacher), PyTorch autograd's formulas (see
 * softmax-kl.ts); returns the row's loss sum, computed on the way. With `teacher` false (a
 * frozen teacher) only the student's gradient: none of the teacher's arithmetic, and pgt is
 * scratch that holds p between passes; the student's gradient and the loss are the same bits.
 */
export function logitsRowBackward<T>(
  V: i32,
  ps: usize,
  pt: usize,
  k: T,
  pg: usize,
  gStride: i32,
  coef: T,
  pgs: usize,
  pgt: usize,
  teacher: bool,
): f64 {
  if (V == 0) return 0;
  const lanes = <i32>(16 / sizeof<T>());
  Rows.max2<T>(V, ps, pt, k);
  const ms = <T>rowMaxS;
  const mt = <T>rowMaxT;
  const Ss = Rows.exp<T>(V, ps, k, ms, pgs);
  const St = gStride == 0 ? Rows.expDot<T>(V, pt, ps, k, mt, pgt) : Rows.exp<T>(V, pt, k, mt, pgt);
  const lseS = <T>(<f64>ms + Math.log(Ss));
  const lseT = <T>(<f64>mt + Math.log(St));
  const kv = v128.splat<T>(k);
  const cv = v128.splat<T>(coef);
  const g0 = v128.splat<T>(gStride == 0 ? load<T>(pg) : <T>0);
  // pass 2 reads q = e_s * scaleQ and p = e_t * scaleP from the gradient buffers
  let scaleQ = v128.splat<T>(<T>(1 / Ss));
  let scaleP = v128.splat<T>(<T>(1 / St));
  let total: f64;
  let su: f64;
  let spw: f64;
  if (gStride == 0) {
    // one upstream value c: sum_j c p_j = c, and sum_j p_j w_j = c (loss + sum_j p_j p_j / p_j),
    // NaN when some p_j is 0 (the least e_t decides, as p = e_t / St is monotonic in e_t)
    total = (<f64>k * rowDot) / St + (<f64>ms + Math.log(Ss)) - (<f64>mt + Math.log(St));
    const c = load<T>(pg) * coef;
    su = c;
    spw = <T>rowMinE * <T>(1 / St) == 0 ? <f64>NaN : c * (total + 1);
  } else {
    total = Rows.pass1<T>(V, ps, pt, k, pg, coef, pgs, pgt, Ss, St, lseS, lseT);
    su = rowSumU;
    spw = rowSumPW;
    scaleQ = v128.splat<T>(1);
    scaleP = v128.splat<T>(1);
  }
  // pass 2: d/ds = k (q sum_j c_j p_j - c p), d/dt = k p (w - sum_j p_j w_j)
  const suv = v128.splat<T>(<T>su);
  const spwv = v128.splat<T>(<T>spw);
  let i = 0;
  for (; i + lanes <= V; i += lanes) {
    const o = (<usize>i) << alignof<T>();
    const q = v128.mul<T>(v128.load(pgs + o), scaleQ);
    const p = v128.mul<T>(v128.load(pgt + o), scaleP);
    const c = v128.mul<T>(gStride == 0 ? g0 : v128.load(pg + o), cv);
    v128.store(pgs + o, v128.mul<T>(kv, v128.sub<T>(v128.mul<T>(q, suv), v128.mul<T>(c, p))));
    if (teacher) {
      const logq = v128.sub<T>(v128.mul<T>(v128.load(ps + o), kv), v128.splat<T>(lseS));
      const logp = v128.sub<T>(v128.mul<T>(v128.load(pt + o), kv), v128.splat<T>(lseT));
      const w = v128.mul<T>(c, v128.sub<T>(v128.add<T>(logp, Rows.ppOne<T>(p)), logq));
      v128.store(pgt + o, v128.mul<T>(v128.mul<T>(kv, p), v128.sub<T>(w, spwv)));
    }
  }
  for (; i < V; i++) {
    const o = (<usize>i) << alignof<T>();
    const q = load<T>(pgs + o) * v128.extract_lane<T>(scaleQ, 0);
    const p = load<T>(pgt + o) * v128.extract_lane<T>(scaleP, 0);
    const logq = load<T>(ps + o) * k - lseS;
    const logp = load<T>(pt + o) * k - lseT;
    const c = (gStride == 0 ? load<T>(pg) : load<T>(pg + o)) * coef;
    store<T>(pgs + o, k * (q * <T>su - c * p));
    if (teacher) store<T>(pgt + o, k * p * (c * (logp + p / p - logq) - <T>spw));
  }
  return total;
}
