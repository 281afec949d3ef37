"""Reference values for kldiv/report's LogitsReport (test/data/report/cases.json; issue 18).

Run from the repository root (Debian python3: NumPy 1.24, SciPy 1.10, torch 1.13); it writes
test/data/report/cases.json:
    /usr/bin/python3 tools/report/gen-report-cases.py

An independent implementation of every statistic of the report, in float64 NumPy/SciPy, on
seeded cases (numpy RandomState(18)): plain random logits, vocabularies masked with -inf (the
same entries in both), tokens of infinite KL (compare -inf where base is finite), temperatures
1 and 2, top-k overlap, float32 data, rank-3 inputs, next-token ids (perplexity, Δp,
correlation, RMS Δp), rows skipped for NaN / +inf / all -inf logits, and two close models
(KL around 1e-5, where cancellation would show).

Definitions (the TypeScript computes the same quantities with its own code):
- p = scipy.special.softmax(base / T), q = softmax(compare / T) per row (float64), KL per row
  = scipy.special.rel_entr(p, q).sum(): p_j = 0 adds 0, p_j > 0 with q_j = 0 adds +inf.
- top-1 = np.argmax (first maximum); top-k = the first k of a stable argsort of -logits (ties
  to the lower index); overlap = |top-k(base) ∩ top-k(compare)| / k, averaged.
- KL mean / standard error (np.std ddof=1 / sqrt(n)), np.median, np.percentile (linear),
  min, max: over tokens of finite KL; sameTop1 and its SE sqrt(p (1 - p) / (n - 1)), top-k
  overlap, perplexity and Δp statistics: over every kept token.
- With tokens, a = log_softmax(base / T)[token], b = log_softmax(compare / T)[token]:
  PPL(x) = exp(mean(-x)), its SE PPL(x) SE(-x); logRatio = mean(-b) - mean(-a); its SE and the
  PPL difference's SE as llama.cpp defines them (sqrt(se1^2 + se2^2 - 2 cov)), evaluated as the
  standard error of the per-token difference (the same number; the generator checks the two
  forms agree to 1e-8); correlation = np.corrcoef(a, b); Δp = exp(b) - exp(a): mean, SE,
  median, percentiles (99.9 99 95 90 75 25 10 5 1 0.1), min, max, RMS = sqrt(mean Δp^2) and
  SE(Δp^2) / (2 RMS).
Numbers are JSON numbers except non-finite ones ('nan', 'inf', '-inf'); float32 logits are
written with 9 significant digits (they round-trip), float64 logits are rounded to 4 decimals
when generated (the reference uses exactly the doubles written).
"""
import json
import math
import os

import numpy as np
import scipy
import torch
from report_reference import INF, NAN, reference  # noqa: E402  (same folder)

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                                    'test', 'data', 'report', 'cases.json'))

rng = np.random.RandomState(18)


def enc(v, digits=None):
    v = float(v)
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    if digits is not None:
        return float(f'{v:.{digits}g}')
    return v


def enc_list(a, digits=None):
    return [enc(v, digits) for v in np.asarray(a, dtype=np.float64).ravel()]


def encode_tree(v):
    if isinstance(v, dict):
        return {k: encode_tree(x) for k, x in v.items()}
    if isinstance(v, (bool, str)) or v is None:
        return v
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, np.ndarray):
        return [int(x) for x in v] if v.dtype.kind == 'i' else enc_list(v)
    return enc(v)


def make_case(name, base, compare, T=1.0, top_k=None, tokens=None, nan_rows='error', note=''):
    dtype = 'float32' if base.dtype == np.float32 else 'float64'
    digits = 9 if dtype == 'float32' else None
    result, per = reference(base, compare, T, top_k, tokens)
    return {
        'name': name,
        'note': note,
        'dtype': dtype,
        'shape': list(base.shape),
        'temperature': T,
        'topK': top_k,
        'nanRows': nan_rows,
        'base': enc_list(base, digits),
        'compare': enc_list(compare, digits),
        'tokens': None if tokens is None else [int(t) for t in tokens.ravel()],
        'tokensShape': None if tokens is None else list(tokens.shape),
        'expected': {'result': encode_tree(result), 'perToken': encode_tree(per)},
    }


def logits(shape, scale=3.0):
    return np.round(rng.normal(0, scale, shape), 4)


def tokens_for(base, allowed=None):
    """Next-token ids: sampled from each row's allowed entries (not masked)."""
    V = base.shape[-1]
    flat = base.reshape(-1, V)
    out = np.empty(flat.shape[0], dtype=np.int64)
    for i in range(flat.shape[0]):
        ok = np.flatnonzero(np.isfinite(flat[i]) if allowed is None else allowed.reshape(-1, V)[i])
        out[i] = rng.choice(ok) if len(ok) else 0
    return out.reshape(base.shape[:-1])


cases = []

# 1. plain random logits, topK 5, no tokens
b = logits([80, 20])
c = b + logits([80, 20], 1.0)
cases.append(make_case('plain', b, c, top_k=5, note='random normal logits, compare = base + noise'))

# 2. masked vocabulary: the last 6 entries and a random 15% are -inf in both; tokens
b = logits([60, 24])
c = b + logits([60, 24], 0.7)
mask = rng.rand(60, 24) < 0.15
mask[:, -6:] = True
b[mask] = -INF
c[mask] = -INF
cases.append(make_case('masked', b, c, top_k=3, tokens=tokens_for(b),
                       note='same -inf entries in both (p_j = 0 adds 0)'))

# 3. tokens of infinite KL (compare -inf where base is finite), T = 2, tokens avoiding them
b = logits([60, 16])
c = b + logits([60, 16], 1.0)
c[5, 3] = -INF
c[17, [0, 9]] = -INF
c[50, 15] = -INF
b[33, 2] = -INF  # base -inf facing a finite compare: adds 0
cases.append(make_case('infinite-kl', b, c, T=2.0, top_k=4,
                       tokens=tokens_for(b, np.isfinite(b) & np.isfinite(c)),
                       note='3 tokens of KL +inf, excluded from the KL statistics'))

# 4. float32 data, T = 2, topK, tokens
b = rng.normal(0, 4, [60, 24]).astype(np.float32)
c = (b + rng.normal(0, 0.8, [60, 24])).astype(np.float32)
cases.append(make_case('float32', b, c, T=2.0, top_k=8, tokens=tokens_for(b),
                       note='float32 logits, float64 arithmetic'))

# 5. rank-3 [batch, seq, vocab] with [batch, seq] tokens
b = logits([3, 12, 12])
c = b + logits([3, 12, 12], 1.5)
cases.append(make_case('rank-3', b, c, tokens=tokens_for(b), note='3 x 12 tokens'))

# 6. rows skipped for NaN, +inf, all -inf; nanRows 'skip'; tokens; topK
b = logits([50, 10])
c = b + logits([50, 10], 1.0)
b[4, 7] = NAN
c[10, 0] = INF
b[22, :] = -INF
c[23, 5] = NAN
b[40, 9] = INF
c[41, :] = -INF
cases.append(make_case('skipped-rows', b, c, top_k=2, tokens=tokens_for(np.zeros_like(b)),
                       nan_rows='skip', note='6 invalid rows skipped'))

# 7. close models: compare = base + 0.005 noise (KL ~ 1e-5): cancellation would show
b = logits([150, 12])
c = b + np.round(rng.normal(0, 0.005, [150, 12]), 6)
cases.append(make_case('close-models', b, c, tokens=tokens_for(b), note='KL around 1e-5'))

# 8. ties: integer logits (argmax / top-k ties to the lower index), T = 1, topK 4
b = rng.randint(-2, 3, [40, 8]).astype(np.float64)
c = rng.randint(-2, 3, [40, 8]).astype(np.float64)
cases.append(make_case('ties', b, c, top_k=4, note='integer logits: many ties'))

doc = {
    'meta': {
        'generator': 'tools/report/gen-report-cases.py',
        'numpy': np.__version__,
        'scipy': scipy.__version__,
        'torch': torch.__version__,
        'seed': 18,
        'tolerance': {
            'rtol': 1e-12,
            'atol': 2e-15,
            'derivation': (
                'float64 on both sides, different operations: SciPy softmax + rel_entr '
                '(p log(p / q)) and pairwise sums against the kernel\'s fused exponential sums '
                'and sequential or compensated sums; libm exp/log within an ulp. Each per-token '
                'value is a sum of O(V) terms with relative errors of a few eps, so they agree '
                'to ~1e-14 relative; statistics (means, standard errors, percentiles) add '
                'nothing above that. KL, logRatio and Δp are sums of p_j log(p_j / q_j) terms or '
                'differences of probabilities: their absolute rounding is a few eps (of the '
                'probabilities, <= 1) whatever their size, hence atol 2e-15 (9 eps) for the '
                'close models (KL ~ 1e-5, tokens down to 5e-8; observed <= 1.3 eps).'
            ),
        },
    },
    'cases': cases,
}

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump(doc, f, allow_nan=False, separators=(',', ':'))
    f.write('\n')
print(f'wrote {OUT}: {len(cases)} cases, {os.path.getsize(OUT)} bytes')
