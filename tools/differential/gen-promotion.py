"""Reference values for type promotion and mixed-precision rounding of every two-tensor
function (test/data/promotion.json; issue 15, root causes 1 and 2).

Run from the repository root (Debian python3-torch 1.13); it writes test/data/promotion.json:
    /usr/bin/python3 tools/differential/gen-promotion.py

Deterministic: inputs come from numpy RandomState(1515). Sections:

- resultType: torch.result_type for float32 / float64 / int32 operands, 0-d or of shape [2].
- klDiv: F.kl_div(input, target, reduction, log_target) for every pair of float32 / float64
  dtypes, 0-d operands next to dimensioned ones, broadcasting both ways and runs of 72
  elements (long enough for the WebAssembly kernels; mixed dtypes only), each reduction and
  both target kinds (the long runs: 'none' and 'sum');
  gradients of both operands from autograd with a seeded upstream gradient of the loss's shape
  and dtype. Plus 'edge' cases: 0-d float64 targets that float32 cannot hold (1e-50, 1e39) or
  whose exp it cannot (log targets -200 and 100), next to float32 input; and empty broadcasts
  (a size-0 input dimension) with special targets, whose gradient autograd still computes.
- logits, jsd, estimate: PyTorch's unfused expressions for the other two-tensor functions,
  with mixed dtypes:
    kl:  F.kl_div(F.log_softmax(s / T, dim), F.softmax(t / T, dim), reduction) * T * T, both
         logits' gradients for 'sum' (upstream 1);
    jsd: TRL's GKDTrainer.generalized_jsd_loss on log-probabilities (or log_softmax(x / T)
         from logits), student gradient for 'sum';
    estimate: log r = log q - log p; k1 = -log r, k2 = (log r)^2 / 2, k3 = (exp(log r) - 1) - log r,
         'none', 'sum' and 'mean', both gradients for 'sum'.
  on [3, 5] (dim -1), [4, 3] (dim 0), [2, 9] and 0-d operands.

Every expected tensor carries `scale`: the same reduction applied to the absolute values of
the formula's terms (e.g. |xlogy(t, t)| + |t * x| per element of kl_div; from logits, also
|x / T| + |logsumexp(x / T)|, which log_softmax's rounding scales with, and for the JSD the
mixture's log terms), so a test's
tolerance is c * eps * scale: rounding error is relative to the terms, not to a result that
cancels. `eps` names the lowest precision PyTorch's expression computes in: float32 when an
operand is float32, except for the KL estimators, which promote before any arithmetic.
For klDiv 'none' results with a float64 result and a float32 target, `exact` flags the elements
where PyTorch's float32 log or exp of the target is the correctly rounded one (glibc's logf and
SLEEF's expf are not always): there kldiv must give PyTorch's bits, and `exactGradInput` the
same for the input gradient when it sums nothing (one float64 product per element).

Numbers are JSON numbers except non-finite ones and -0, written as "nan", "inf", "-inf", "-0"
(common.py's encoding); float32 values with 9 significant digits, never base64.
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import FLOAT32_DIGITS, NAME, encode_number, trl_jsd, write_json  # noqa: E402
from common import spec as common_spec  # noqa: E402

rng = np.random.RandomState(1515)
DT = {NAME[d]: d for d in (torch.float32, torch.float64, torch.int32)}


def spec(t):
    return common_spec(t, base64_above=None, float32_digits=FLOAT32_DIGITS)


def with_scale(t, scale):
    s = spec(t)
    # magnitudes only: 3 significant digits, rounded up
    s["scale"] = [encode_number(v * 1.001, digits=3) for v in scale.detach().reshape(-1).tolist()]
    return s


def result_types():
    out = []
    for da in ["float32", "float64", "int32"]:
        for db in ["float32", "float64", "int32"]:
            for sa in [[], [2]]:
                for sb in [[], [2]]:
                    a = torch.zeros(sa, dtype=DT[da])
                    b = torch.zeros(sb, dtype=DT[db])
                    out.append({"a": {"dtype": da, "shape": sa}, "b": {"dtype": db, "shape": sb},
                                "result": NAME[torch.result_type(a, b)]})
    return out


def reduce(t, reduction, batch):
    if reduction == "none":
        return t
    if reduction == "sum":
        return t.sum()
    if reduction == "mean":
        return t.mean()
    return t.sum() / batch


def divisor(reduction, numel, batch):
    return {"none": 1, "sum": 1, "mean": numel, "batchmean": batch}[reduction]


def lowest(*dtypes):
    return "float32" if "float32" in dtypes else "float64"


def kl_case(name, x, y, log_target, reduction, exact_flags=True):
    xr = x.clone().requires_grad_(True)
    yr = y.clone().requires_grad_(True)
    loss = F.kl_div(xr, yr, reduction=reduction, log_target=log_target)
    g = torch.tensor(rng.uniform(0.5, 2.0, size=list(loss.shape)), dtype=loss.dtype)
    if rng.rand() < 0.3:
        g = -g
    loss.backward(g)
    # term magnitudes in float64
    x64, y64 = x.double(), y.double()
    bshape = torch.broadcast_shapes(x.shape, y.shape)
    batch = 1 if x.dim() == 0 else x.shape[0]
    numel = int(np.prod(bshape)) if len(bshape) else 1
    if log_target:
        e = torch.exp(y64)
        terms = e * (y64.abs() + x64.abs())
        gx_terms = e.expand(bshape)
        gy_terms = e * (y64.abs() + x64.abs() + 1)
    else:
        logy = torch.where(y64 > 0, torch.log(y64.clamp_min(1e-300)), torch.zeros_like(y64))
        terms = (y64 * logy).abs() + (y64 * x64).abs()
        gx_terms = y64.abs().expand(bshape)
        gy_terms = logy.abs() + 1 + x64.abs()
    terms = terms.expand(bshape)
    G = (g.double().abs() / divisor(reduction, numel, batch)).expand(bshape)
    case = {
        "name": name,
        "input": spec(x),
        "target": spec(y),
        "logTarget": log_target,
        "reduction": reduction,
        "gradOutput": spec(g),
        "eps": lowest(NAME[x.dtype], NAME[y.dtype], NAME[loss.dtype]),
        "loss": with_scale(loss, reduce(terms, reduction, batch)),
        "gradInput": with_scale(xr.grad, (G * gx_terms).sum_to_size(x.shape)),
        "gradTarget": with_scale(yr.grad, (G * gy_terms.expand(bshape)).sum_to_size(y.shape)),
    }
    if reduction == "none" and loss.dtype == torch.float64 and y.dtype == torch.float32 and exact_flags:
        own = torch.exp(y) if log_target else torch.xlogy(y, y)
        yv = y.double().reshape(-1).tolist()
        if log_target:
            right = [np.float32(math.exp(v)) if v < 88.8 else np.float32(np.inf) for v in yv]
        else:
            right = [0.0 if v == 0 else np.float32(np.float32(v) * np.float32(math.log(v))) for v in yv]
        ok = torch.tensor([a == float(b) for a, b in zip(own.reshape(-1).tolist(), right)]).reshape(y.shape)
        case["exact"] = [bool(v) for v in ok.expand(bshape).reshape(-1).tolist()]
        if list(x.shape) == list(bshape):
            # -(g t) or -(g exp32(t)), one float64 product per element: PyTorch's bits
            case["exactGradInput"] = case["exact"] if log_target else [True] * len(case["exact"])
    return case


def draw(shape, dtype, log_target, zero=False):
    n = int(np.prod(shape)) if len(shape) else 1
    if log_target:
        v = rng.uniform(-6, 0.5, size=n)
    else:
        v = rng.uniform(0.0, 1.0, size=n) ** 2
        if zero and n >= 3:
            v[1] = 0.0
    return torch.tensor(v, dtype=DT[dtype]).reshape(shape)


def kl_cases():
    shapes = [([], [3]), ([3], []), ([], []), ([4], [4]), ([2, 3], [3]), ([3], [2, 3]),
              ([1, 3], [2, 1]), ([72], [72]), ([2, 72], [72]), ([72], [])]
    combos = [("float32", "float64"), ("float64", "float32"), ("float32", "float32"), ("float64", "float64")]
    cases = []
    for xs, ys in shapes:
        long = max(len(xs) and xs[-1], len(ys) and ys[-1]) >= 64
        reductions = ["none", "sum"] if long else ["none", "sum", "mean", "batchmean"]
        for xd, yd in combos if not long else combos[:2]:
            for log_target in [False, True]:
                for reduction in reductions:
                    x = torch.tensor(rng.uniform(-6, 0.5, size=int(np.prod(xs)) if xs else 1),
                                     dtype=DT[xd]).reshape(xs)
                    y = draw(ys, yd, log_target, zero=rng.rand() < 0.3)
                    name = f"{xd}{xs} input, {yd}{ys} target"
                    cases.append(kl_case(name, x, y, log_target, reduction))
    # the repros
    cases.append(kl_case("issue: f64 [-1.2] input, f32 [0.3] target",
                         torch.tensor([-1.2], dtype=torch.float64), torch.tensor([0.3]), False, "sum"))
    cases.append(kl_case("issue: f32 [2] input, f64 0-d target",
                         torch.tensor([-1.0, -2.0]), torch.tensor(0.3, dtype=torch.float64), False, "sum"))
    cases.append(kl_case("issue: f64 0-d input, f32 [2] target",
                         torch.tensor(-1.0, dtype=torch.float64), torch.tensor([0.3, 0.6]), False, "none"))
    # 0-d float64 targets float32 cannot represent, next to float32 input
    for v, log_target in [(1e-50, False), (1e39, False), (0.3, False), (-200.0, True), (100.0, True), (-0.3, True)]:
        for reduction in ["sum", "none"]:
            cases.append(kl_case(f"edge: f32 [3] input, f64 0-d target {v}",
                                 torch.tensor([-1.0, -2.5, 0.25]), torch.tensor(v, dtype=torch.float64),
                                 log_target, reduction))
    # empty broadcasts: autograd differentiates the target's own term on a zero gradient
    for v, log_target in [(0.0, False), (-1.0, False), (math.inf, False), (math.nan, False), (0.5, False),
                          (-math.inf, True), (math.inf, True), (-0.5, True)]:
        for xd, yd in [("float64", "float32"), ("float32", "float32")]:
            cases.append(kl_case(f"empty: {xd}[0, 3] input, {yd}[1] target {v}",
                                 torch.zeros(0, 3, dtype=DT[xd]), torch.tensor([v], dtype=DT[yd]),
                                 log_target, "sum"))
        cases.append(kl_case(f"empty: f32 [0] input, f64 0-d target {v}",
                             torch.zeros(0), torch.tensor(v, dtype=torch.float64), log_target, "sum"))
    return cases


def logit_mag(x, T, dim):
    """|x / T| + |logsumexp(x / T)|: what the rounding error of log_softmax(x / T) scales with."""
    z = x.double() / T
    return z.abs() + (z - F.log_softmax(z, dim)).abs()


def other_cases():
    layouts = [([3, 5], -1), ([4, 3], 0), ([2, 9], -1), ([], -1)]
    combos = [("float32", "float64"), ("float64", "float32"), ("float32", "float32"), ("float64", "float64")]
    out = []
    k = 0
    for shape, dim in layouts:
        for sd, td in combos:
            k += 1
            T = 1.0 if k % 2 else 2.0
            beta = [0.5, 0.0, 1.0, 0.3][k % 4]
            s = torch.tensor(rng.normal(0, 2, size=shape), dtype=DT[sd])
            t = torch.tensor(rng.normal(0, 2, size=shape), dtype=DT[td])
            # kl from logits
            for reduction in ["none", "sum"]:
                sr, tr = s.clone().requires_grad_(True), t.clone().requires_grad_(True)
                lp_s, p_t = F.log_softmax(sr / T, dim), F.softmax(tr / T, dim)
                loss = F.kl_div(lp_s, p_t, reduction=reduction) * (T * T)
                lq64 = F.log_softmax(s.double() / T, dim)
                lp64 = F.log_softmax(t.double() / T, dim)
                p64 = lp64.exp()
                mag = logit_mag(s, T, dim) + logit_mag(t, T, dim)
                terms = p64 * (lp64.abs() + lq64.abs() + mag) * T * T
                case = {"fn": "klDivWithLogits", "student": spec(s), "teacher": spec(t),
                        "options": {"temperature": T, "dim": dim, "reduction": reduction},
                        "eps": lowest(sd, td), "loss": with_scale(loss, reduce(terms, reduction, 1))}
                if reduction == "sum":
                    loss.backward()
                    kl_row = terms.sum(dim, keepdim=True)
                    case["gradStudent"] = with_scale(sr.grad, (lq64.exp() + p64) * (1 + mag) * T)
                    case["gradTeacher"] = with_scale(tr.grad, p64 * (lp64.abs() + lq64.abs() + 1 + mag) * T
                                                     + p64 * kl_row / T)
                out.append(case)
            # JSD on log-probabilities and from logits
            for logits in [False, True]:
                a = s if logits else F.log_softmax(s, dim)
                b = t if logits else F.log_softmax(t, dim)
                for reduction in ["none", "sum"]:
                    ar = a.clone().requires_grad_(True)
                    la = F.log_softmax(ar / T, dim) if logits else ar
                    lb = F.log_softmax(b / T, dim) if logits else b
                    jsd = trl_jsd(la, lb, beta)
                    loss = jsd if reduction == "none" else jsd.sum()
                    la64 = F.log_softmax(a.double() / T, dim) if logits else a.double()
                    lb64 = F.log_softmax(b.double() / T, dim) if logits else b.double()
                    lm = torch.logaddexp(la64 + math.log(max(1 - beta, 1e-300)), lb64 + math.log(max(beta, 1e-300)))
                    mag = lm.abs() + (logit_mag(a, T, dim) + logit_mag(b, T, dim) if logits else 0)
                    if 0 < beta < 1:
                        mag = mag + abs(math.log(beta)) + abs(math.log(1 - beta))
                    terms = (lb64.exp() + la64.exp()) * (lb64.abs() + la64.abs() + mag)
                    opts = {"beta": beta, "dim": dim, "reduction": reduction}
                    if logits:
                        opts["temperature"] = T
                    case = {"fn": "jsDivergenceWithLogits" if logits else "jsDivergence",
                            "student": spec(a), "teacher": spec(b), "options": opts,
                            "eps": lowest(sd, td), "loss": with_scale(loss, reduce(terms, reduction, 1))}
                    if reduction == "sum":
                        loss.backward()
                        gterm = (la64.exp() + lb64.exp()) * (la64.abs() + lb64.abs() + mag + 1)
                        if logits:
                            gterm = (gterm + la64.exp() * gterm.sum(dim, keepdim=True)) / T
                        case["gradStudent"] = with_scale(ar.grad, gterm)
                    out.append(case)
            # KL estimators on log-probabilities of samples (any negative numbers), same shape
            lp, lq = -s.abs(), -t.abs()
            for est in ["k1", "k2", "k3"]:
                for reduction in ["none", "sum", "mean"]:
                    pr, qr = lp.clone().requires_grad_(True), lq.clone().requires_grad_(True)
                    lr = qr - pr
                    v = -lr if est == "k1" else lr * lr / 2 if est == "k2" else (torch.exp(lr) - 1) - lr
                    loss = v if reduction == "none" else v.sum()
                    lr64 = lq.double() - lp.double()
                    mag = lq.double().abs() + lp.double().abs()
                    terms = {"k1": mag, "k2": lr64.abs() * mag,
                             "k3": lr64.exp() * (1 + mag) + 1 + mag}[est]
                    case = {"fn": "klEstimate", "student": spec(lp), "teacher": spec(lq),
                            "options": {"estimator": est, "reduction": reduction},
                            "eps": NAME[loss.dtype], "loss": with_scale(loss, reduce(terms, reduction, 1))}
                    if reduction == "mean":
                        loss = v.mean()
                        case["loss"] = with_scale(loss, terms.mean())
                    if reduction == "sum":
                        loss.backward()
                        gt = {"k1": torch.ones_like(lr64), "k2": mag, "k3": lr64.exp() * (1 + mag) + 1}[est]
                        case["gradLogProbP"] = with_scale(pr.grad, gt)
                        case["gradLogProbQ"] = with_scale(qr.grad, gt)
                    out.append(case)
    return out


def main():
    data = {
        "meta": {
            "generator": "tools/differential/gen-promotion.py",
            "torch": torch.__version__,
            "seed": 1515,
        },
        "resultType": result_types(),
        "klDiv": kl_cases(),
        "others": other_cases(),
    }
    out = write_json("promotion.json", data)
    print(f"wrote {len(data['klDiv'])} klDiv and {len(data['others'])} other cases to {os.path.relpath(out)}")


if __name__ == "__main__":
    main()
