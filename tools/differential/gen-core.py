#!/usr/bin/env python3
"""Differential cases for kldiv's core functions, expected values from real PyTorch 1.13.

Run (from the repository root, Debian's python3-torch 1.13 and numpy):

    /usr/bin/python3 tools/differential/gen-core.py

It writes, deterministically (seeded numpy PCG64, one torch thread; same bytes every run):

    test/data/differential/core-kl-div.json      klDiv, klDivBackward, KLDivLoss (legacy
                                                 sizeAverage/reduce too), errors; runner runKlDivCase
    test/data/differential/core-logits.json      klDivWithLogits(+Backward), jsDivergence(+Backward),
                                                 jsDivergenceWithLogits(+Backward); runner runLogitsCase
    test/data/differential/core-kl-estimate.json klEstimate(+Backward); runner runKlEstimateCase
    test/data/differential/core-accumulator.json KLAccumulator, LogitsKLAccumulator; runAccumulatorCase
    test/data/differential/core-repr.json        toString() under setPrintOptions; runReprCase

Formats are those of test/fixtures/README.md (tensors {dtype, shape, data|base64}, 'nan',
'inf', '-inf', '-0' strings), plus: a `tolerance` may carry `elementAtol` (a float64 tensor
spec, one bound per element, row-major, added to atol) and `derivation` (how it was derived);
`tolerances` gives a separate tolerance per compared output (`output`, `gradInput`, ...).

PyTorch expressions (what each `expected` is):
- klDiv: F.kl_div(input, target, reduction, log_target, size_average, reduce), autograd of
  out.backward(gradOutput) for both gradients; warnings as Python recorded them.
- KLDivLoss (`module: true`): nn.KLDivLoss(**options)(input, target).
- klDivWithLogits: F.kl_div(F.log_softmax(s/T, dim), F.softmax(t/T, dim), reduction) * T*T,
  autograd for both logits. `mask` (kldiv's extension): torch.where(mask, loss, 0) summed;
  'mean' divides by kept rows * V, 'batchmean' by shape[0] whatever the mask (so an all-true
  mask equals no mask; issue 15 root cause 8), 'tokenmean' (kldiv's) by kept rows; masked
  rows' gradients are 0. An all-true mask expects the unmasked value.
- jsDivergence / jsDivergenceWithLogits: TRL's generalized_jsd_loss: beta 0 is
  F.kl_div(S, T, log_target=True), beta 1 F.kl_div(T, S, log_target=True), else
  b = torch.tensor(beta, dtype=S.dtype), M = logsumexp(stack([S + log1p(-b), T + log(b)])),
  b kl_div(M, T) + (1-b) kl_div(M, S) (log targets), S/T the student/teacher log-probabilities
  (log_softmax(x/T, dim) from logits). 'batchmean' is TRL's per-token mean, sum over (kept)
  rows / (kept) rows (`jsd.sum() / (B*S)` on [B, S, V]; the project's decision in issue 15),
  as 'tokenmean'; 'mean' = sum / (kept rows * V); 'sum'; 'none'. Gradient for the student.
- klEstimate: lr = logq - logp; k1 = -lr, k2 = lr**2 / 2, k3 = (exp(lr) - 1) - lr; 'mean',
  'sum', 'none'; autograd for both.
- Accumulators: the one-shot value on the whole tensor (torch, float64 on the stored values),
  per reduction ('sum', 'mean', 'batchmean' = / sum of shape[0], and 'tokenmean' = / kept rows
  for LogitsKLAccumulator), for any chunking along dim 0 (empty chunks included); a random
  split point merges a second accumulator's state() after a JSON round trip.
- Reprs: repr(t) after a sequence of torch.set_printoptions calls.

Tolerances (derived, never tuned): |actual - expected| <= atol + elementAtol[i] + rtol|expected|.
eps = unit roundoff of the dtype a sub-expression is evaluated in (2^-24 float32, 2^-53
float64), q = its smallest subnormal. For each pointwise formula the bound is K * budget with
budget = sum over the formula's terms of eps(term's dtype) * |term|, K = 8 (PyTorch's and
kldiv's float32 kernels are each within 4 eps per term magnitude, docs/numerics.md), plus K q
per term that can be subnormal (and q/|t| where PyTorch forms (g t)/t). Sums add PyTorch's
cascade summation error L(n) eps sum|terms|, L(n) = 15 ceil(log16 n) + 1; a divided result
adds 2 eps relative (the division and the final rounding). kldiv evaluates float32 in float64
and rounds once (docs/decisions.md 2), which is inside the same bound. The row losses (from
logits, JSD) enumerate every rounding of PyTorch's unfused expression to first order instead
(log_softmax, softmax, the JSD mixture, each in its operand's dtype) and take K_ROW = 4 times
that sum (each side within 2x: a log or exp is within 1 ulp, 2 eps). Details per function in
each case's `derivation`. Gradients summed over broadcast dimensions use the same sum rule.

Excluded by construction: float32-only cases where PyTorch's float32 intermediate overflows or
underflows to a different class (inf/NaN vs finite) than the float64 evaluation of the same
stored values; those differ by design (decisions.md 2, docs/parity.md). Mixed-dtype cases keep
them: there each sub-expression's dtype is PyTorch's (issue 15, root cause 2).

Layout: this script draws and writes; each section is a module beside it (core_kl_div.py,
core_logits.py with core_logits_bounds.py, core_kl_estimate.py, core_accumulator.py,
core_repr.py; helpers in core_helpers.py and common.py). All draws come from the one Rng in
main(), in the order below.
"""

import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Rng, dump  # noqa: E402
from core_accumulator import accumulator_case  # noqa: E402
from core_kl_div import kl_div_case, kl_div_concrete  # noqa: E402
from core_kl_estimate import kl_estimate_case  # noqa: E402
from core_logits import logits_case, logits_concrete  # noqa: E402
from core_repr import repr_case, repr_concrete  # noqa: E402

torch.set_num_threads(1)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
OUT = os.path.join(ROOT, 'test', 'data', 'differential')
META = {
    'generator': f'PyTorch {torch.__version__} (Debian python3-torch 1.13.1), '
                 'tools/differential/gen-core.py',
    'tolerance': 'see the generator header: K=8 eps per term magnitude, cascade-sum levels',
}


def draw_cases(cases, make, total, k=0):
    """Appends make(k) for k = k, k + 1, ... to `cases` until it holds `total` cases (make
    returns None for a draw excluded by construction); returns the next k."""
    while len(cases) < total:
        c = make(k)
        k += 1
        if c is not None:
            cases.append(c)
    return k


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = Rng(20240515)
    kl = kl_div_concrete()
    draw_cases(kl, lambda k: kl_div_case(rng, k), 1150)
    dump(os.path.join(OUT, 'core-kl-div.json'), META, kl)

    lg = logits_concrete()
    k = 0
    for fn, count in (('klDivWithLogits', 330), ('jsDivergence', 160), ('jsDivergenceWithLogits', 160)):
        k = draw_cases(lg, lambda i, fn=fn: logits_case(rng, i, fn), len(lg) + count, k)
    dump(os.path.join(OUT, 'core-logits.json'), META, lg)

    est = []
    draw_cases(est, lambda k: kl_estimate_case(rng, k), 150)
    dump(os.path.join(OUT, 'core-kl-estimate.json'), META, est)

    acc = []
    k = 0
    for kind, count in (('KLAccumulator', 90), ('LogitsKLAccumulator', 90)):
        k = draw_cases(acc, lambda i, kind=kind: accumulator_case(rng, i, kind), len(acc) + count, k)
    dump(os.path.join(OUT, 'core-accumulator.json'), META, acc)

    rp = repr_concrete()
    for k in range(150):
        rp.append(repr_case(rng, k))
    dump(os.path.join(OUT, 'core-repr.json'), META, rp)
    total = len(kl) + len(lg) + len(est) + len(acc) + len(rp)
    print(f'kl-div {len(kl)}, logits {len(lg)}, kl-estimate {len(est)}, accumulator {len(acc)}, '
          f'repr {len(rp)}; total {total}')


if __name__ == '__main__':
    main()
