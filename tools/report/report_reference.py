"""The NumPy reference of kldiv/report's LogitsReport, shared by the generators of
test/data/report/cases.json (gen-report-cases.py) and test/data/cli-logits/ (the CLI's
gen-cases.py); the definitions are in gen-report-cases.py's docstring."""
import math

import numpy as np
import torch
from scipy.special import log_softmax, rel_entr, softmax

KL_PERCENTILES = [99.9, 99, 95, 90, 10, 5, 1, 0.1]
DP_PERCENTILES = [99.9, 99, 95, 90, 75, 25, 10, 5, 1, 0.1]
INF = float('inf')
NAN = float('nan')


def se(v):
    n = len(v)
    return float(np.std(v, ddof=1) / math.sqrt(n)) if n >= 2 else NAN


def order_stats(v, qs):
    if len(v) == 0:
        return {'median': NAN, 'min': NAN, 'max': NAN, 'percentiles': {fmt_q(q): NAN for q in qs}}
    return {
        'median': float(np.median(v)),
        'min': float(np.min(v)),
        'max': float(np.max(v)),
        'percentiles': {fmt_q(q): float(np.percentile(v, q)) for q in qs},
    }


def fmt_q(q):
    """String(q) in JavaScript: 99.0 -> '99', 99.9 -> '99.9'."""
    return str(int(q)) if float(q).is_integer() else repr(float(q))


def mean(v):
    return float(np.mean(v)) if len(v) else NAN


def reference(base, compare, T=1.0, top_k=None, tokens=None):
    V = base.shape[-1]
    X = base.reshape(-1, V).astype(np.float64)
    Y = compare.reshape(-1, V).astype(np.float64)
    rows = X.shape[0]
    bad = lambda Z: (np.isnan(Z) | np.isposinf(Z)).any(1) | ~np.isfinite(Z).any(1)
    keep = ~(bad(X) | bad(Y))
    kl = np.full(rows, NAN)
    t1b = np.full(rows, -1, dtype=np.int64)
    t1c = np.full(rows, -1, dtype=np.int64)
    shared = np.full(rows, -1, dtype=np.int64)
    lpb = np.full(rows, NAN)
    lpc = np.full(rows, NAN)
    with np.errstate(divide='ignore', invalid='ignore'):
        for i in np.flatnonzero(keep):
            x = X[i] / T
            y = Y[i] / T
            kl[i] = rel_entr(softmax(x), softmax(y)).sum()
            t1b[i] = int(np.argmax(X[i]))
            t1c[i] = int(np.argmax(Y[i]))
            if top_k is not None:
                a = set(np.argsort(-X[i], kind='stable')[:top_k].tolist())
                b = set(np.argsort(-Y[i], kind='stable')[:top_k].tolist())
                shared[i] = len(a & b)
            if tokens is not None:
                tok = int(tokens.ravel()[i])
                lpb[i] = log_softmax(x)[tok]
                lpc[i] = log_softmax(y)[tok]
    n = int(keep.sum())
    k = kl[keep]
    fin = k[np.isfinite(k)]
    same = (t1b[keep] == t1c[keep]).astype(np.float64)
    p = mean(same)
    res = {
        'tokens': n,
        'vocab': V,
        'temperature': T,
        'skippedRows': int(rows - n),
        'finiteTokens': int(len(fin)),
        'infiniteTokens': int(np.sum(k == INF)),
        'mean': mean(fin),
        'standardError': se(fin),
        **order_stats(fin, KL_PERCENTILES),
        'sameTop1': p,
        'sameTop1StandardError': math.sqrt(p * (1 - p) / (n - 1)) if n >= 2 else NAN,
    }
    if top_k is not None:
        res['topK'] = top_k
        res['topKOverlap'] = mean(shared[keep] / top_k)
    per = {'kl': kl, 'top1Base': t1b, 'top1Compare': t1c}
    if top_k is not None:
        per['topKShared'] = shared
    if tokens is not None:
        a = lpb[keep]
        b = lpc[keep]
        nll_a, nll_b = -a, -b
        ppl_a, ppl_b = math.exp(mean(nll_a)), math.exp(mean(nll_b))
        se_a, se_b = se(nll_a), se(nll_b)
        log_ratio = mean(nll_b) - mean(nll_a)
        log_ratio_se = se(nll_b - nll_a)
        diff_se = se(ppl_b * nll_b - ppl_a * nll_a)
        # llama.cpp's forms of the same two errors (perplexity.cpp: covariance(), the ratio and
        # difference uncertainties): must agree with the difference forms used above
        cov = float(np.cov(nll_b, nll_a, ddof=1)[0, 1]) / n
        llama_log = math.sqrt(se_a**2 + se_b**2 - 2 * cov)
        llama_diff = math.sqrt((ppl_a * se_a)**2 + (ppl_b * se_b)**2 - 2 * ppl_a * ppl_b * cov)
        assert abs(llama_log - log_ratio_se) <= 1e-8 * log_ratio_se, (llama_log, log_ratio_se)
        assert abs(llama_diff - diff_se) <= 1e-8 * diff_se, (llama_diff, diff_se)
        ratio = math.exp(log_ratio)
        res['perplexity'] = {
            'base': ppl_a,
            'baseStandardError': ppl_a * se_a,
            'compare': ppl_b,
            'compareStandardError': ppl_b * se_b,
            'logRatio': log_ratio,
            'logRatioStandardError': log_ratio_se,
            'ratio': ratio,
            'ratioStandardError': ratio * log_ratio_se,
            'difference': ppl_b - ppl_a,
            'differenceStandardError': diff_se,
            'correlation': float(np.corrcoef(a, b)[0, 1]),
        }
        dp = np.exp(b) - np.exp(a)
        rms = math.sqrt(mean(dp**2))
        res['deltaP'] = {
            'mean': mean(dp),
            'standardError': se(dp),
            **order_stats(dp, DP_PERCENTILES),
            'rms': rms,
            'rmsStandardError': se(dp**2) / (2 * rms),
        }
        per['logProbBase'] = lpb
        per['logProbCompare'] = lpc
        per['deltaP'] = np.exp(lpc) - np.exp(lpb)
        # torch as a second opinion on the log-probabilities (its own log_softmax)
        tx = torch.log_softmax(torch.from_numpy(X[keep] / T), dim=1)
        ty = torch.log_softmax(torch.from_numpy(Y[keep] / T), dim=1)
        idx = torch.from_numpy(tokens.ravel()[keep].astype(np.int64))[:, None]
        assert np.allclose(tx.gather(1, idx).numpy().ravel(), a, rtol=1e-13, atol=1e-13)
        assert np.allclose(ty.gather(1, idx).numpy().ravel(), b, rtol=1e-13, atol=1e-13)
    return res, per
