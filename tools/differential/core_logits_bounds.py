"""gen-core.py's tolerances of the row losses from logits (klDivWithLogits, the JSD): every
rounding of PyTorch's unfused expression to first order (see gen-core.py's header)."""

import math

import numpy as np

from common import EPS, QUANTUM, cascade_levels, fsum, tol_spec
from core_helpers import np64

# The row losses' bounds enumerate every rounding (each eps once); see logits_bounds.
K_ROW = 4


def row_stats(s, dim, T, dtype):
    """float64 numpy: x/T, row max, log-sum-exp, log-softmax (for the bounds only)."""
    a = np64(s) / T
    with np.errstate(all='ignore'):
        m = np.max(a, axis=dim, keepdims=True) if a.size else a
        lse = m + np.log(np.sum(np.exp(a - m), axis=dim, keepdims=True)) if a.size else a
        lp = a - lse
    return a, m, lse, lp


def sm(*factors):
    """Product of bound factors where 0 times anything is 0 (a zero probability contributes
    nothing, whatever the magnitude of its log); NaN only if a factor is NaN."""
    out = np.ones(np.broadcast(*factors).shape)
    zero = np.zeros(out.shape, dtype=bool)
    for f in factors:
        f = np.broadcast_to(np.asarray(f, dtype=np.float64), out.shape)
        zero |= f == 0
        with np.errstate(all='ignore'):
            out = out * f
    return np.where(zero, 0.0, out)


def fa(x):
    """|x| as a rounding-error magnitude: an infinite value is exact (no rounding error; what
    it produces is inf, 0 or NaN exactly), so it contributes 0."""
    x = np.asarray(x, dtype=np.float64)
    return np.where(np.isfinite(x), np.abs(x), 0.0)


def rowsum(a, dim, rank):
    if rank == 0:
        return a
    with np.errstate(all='ignore'):
        return np.sum(a, axis=dim, keepdims=True)


def logits_bounds(s, t, dim, T, red, divisor, g, keep, out_dtype, beta=None, jsd=False,
                  from_logits=True):
    """Tolerances of the row losses (see the header), by first-order propagation of every
    rounding through PyTorch's unfused expression, each in its own operand's dtype:
    - log_softmax(x/T): d_j = eps(|x_j/T| + |max| + |lse - max| + L(V)) absolute; softmax the
      same relative (given log-probabilities: exact inputs, only exp's eps relative);
    - JSD mixture M = logsumexp(S + log1p(-beta), T + log(beta)) (beta in the student's dtype):
      dM = eps_s(|S| + |log1p(-beta)|) + eps_t|T| + eps_s|log beta| + d_S + d_T + 2 eps_r;
    - each product/difference eps_r per term magnitude; T*T and the divisor 2 eps relative.
    Every rounding is counted once in that first-order sum, and a log or exp costs up to 1 ulp
    (2 eps) rather than 1/2, so each side is within 2x the sum and the two differ by at most
    K_ROW = 4 times it; plus a quantum per term that can be subnormal."""
    es, et, er = EPS[s.dtype], EPS[t.dtype], EPS[out_dtype]
    shape = list(s.shape)
    rank = len(shape)
    V = shape[dim] if rank else 1
    LV = cascade_levels(V)
    with np.errstate(all='ignore'):
        if from_logits:
            a_s, m_s, lse_s, lq = row_stats(s, dim, T, s.dtype)
            a_t, m_t, lse_t, lp = row_stats(t, dim, T, t.dtype)
            dq = es * (fa(a_s) + fa(m_s) + fa(lse_s - m_s) + LV)
            dp = et * (fa(a_t) + fa(m_t) + fa(lse_t - m_t) + LV)
        else:  # log-probabilities given: exact inputs; exp's rounding relative below
            lq, lp = np64(s), np64(t)
            dq, dp = np.zeros_like(lq), np.zeros_like(lp)
        P, Q = np.exp(lp), np.exp(lq)
        dP = dp + et  # relative error of P (and of Q below)
        dQ = dq + es
        alp, alq = np.abs(lp), np.abs(lq)
        if not jsd:
            tt = T * T
            # l = xlogy(P, P) - P lq: P (d log P + d lq) + |lp - lq| dP P + eps_r P(|lp| + |lq|)
            budget = tt * (sm(P, dP + dq) + sm(P, dP, np.abs(lp - lq)) + er * sm(P, alp + alq)) \
                + tt * QUANTUM[t.dtype] * (fa(lp) + fa(lq) + 1)
            mag = tt * sm(P, alp + alq)
        else:
            b = beta
            if b in (0, 1):
                # F.kl_div(S, T, log_target) (beta 0) or F.kl_div(T, S, log_target) (beta 1)
                W, dW, dO = (P, dP, dq) if b == 0 else (Q, dQ, dp)
                mag = sm(W, alp + alq)
                budget = sm(W, dW + dO) + sm(W, dW, np.abs(lp - lq)) + er * mag
            else:
                eb = es  # beta is a tensor of the student's dtype
                lm = np.logaddexp(lq + math.log1p(-b), lp + math.log(b))
                # S + log1p(-beta) rounds in the student's dtype, T + log(beta) in the
                # teacher's (a 0-d beta does not promote it), log(beta) itself in beta's
                dm = (es * (fa(lq) + abs(math.log1p(-b))) + (et + eb) * (fa(lp) + abs(math.log(b)))
                      + dq + dp + 2 * er)
                alm = np.abs(lm)
                mag = b * sm(P, alp + alm) + (1 - b) * sm(Q, alq + alm)
                budget = (b * (sm(P, dp + dm) + sm(P, dP, np.abs(lp - lm)))
                          + (1 - b) * (sm(Q, dq + dm) + sm(Q, dQ, np.abs(lq - lm)))
                          + (er + eb) * mag)
            budget = budget + QUANTUM[out_dtype] * (1 + fa(lp) + fa(lq))
    if keep is not None:
        budget = np.where(keep, budget, 0.0)
        mag = np.where(keep, mag, 0.0)
    N = int(np.prod(shape, dtype=np.int64))
    tols = {}
    if red == 'none':
        tols['output'] = tol_spec(er, 0.0, K_ROW * budget,
                                  'none: K_ROW x first-order budget per element')
    else:
        total = K_ROW * fsum(budget) + cascade_levels(N) * er * fsum(mag)
        dv = divisor if divisor > 0 else 1.0
        tols['output'] = tol_spec(2 * er, total / dv, None,
                                  f'{red}: (K sum budget + L({N}) eps sum|terms|) / {divisor:g}'
                                  ' + 2 eps relative')
    # gradients, per element; G = |upstream| / divisor (times T*T for the KL)
    Gd = np.abs(np.broadcast_to(np64(g) if g is not None else np.ones(()),
                                shape if red == 'none' else ())) / (divisor if divisor > 0 else 1)
    Gd = np.broadcast_to(Gd, shape).copy()
    if keep is not None:
        Gd = np.where(keep, Gd, 0.0)
    with np.errstate(all='ignore'):
        if not jsd:
            Gd = Gd * T * T
            # dL/dlq_j = -G_j P_j; student grad = (-G_j P_j + Q_j sum_k G_k P_k) / T
            u = sm(Gd, P)
            u_err = sm(Gd, P, dP + er)
            su, se = rowsum(u, dim, rank), rowsum(u_err, dim, rank)
            gs = (u_err + sm(Q, se) + sm(Q, dQ + LV * es, su) + es * (u + sm(Q, su))) / T
            # teacher: h_j = G_j (lp_j + 1 - lq_j); grad = P_j (h_j - sum_k P_k h_k) / T
            h = Gd * (alp + 1 + alq)
            dh = Gd * (dp + dq + et * (fa(lp) + 1 + fa(lq))) + np.where(P == 0, 0.0, Gd * QUANTUM[t.dtype] / P)
            sh = rowsum(sm(P, h), dim, rank)
            sdh = rowsum(sm(P, dh) + sm(P, dP, h), dim, rank)
            gt = (sm(P, dh + sdh) + sm(P, dP + et, h + sh)) / T
        else:
            b = beta
            # u_j = dJSD/dlq_j (its magnitude from every term autograd forms) and its error
            if b == 0:
                um = sm(Gd, P)
                ue = sm(Gd, P, dP + er)
            elif b == 1:
                um = sm(Gd, Q, 1 + np.abs(lq - lp))
                ue = sm(Gd, Q, (dQ + dp + er) * (2 + np.abs(lq - lp)))
            else:
                lm = np.logaddexp(lq + math.log1p(-b), lp + math.log(b))
                dm = (es * (fa(lq) + abs(math.log1p(-b))) + (et + es) * (fa(lp) + abs(math.log(b)))
                      + dq + dp + 2 * er)
                W = (1 - b) * Q + b * P
                um = Gd * ((1 - b) * sm(Q, 1 + np.abs(lq - lm)) + W)
                ue = Gd * ((1 - b) * sm(Q, (dQ + dm + er) * (2 + np.abs(lq - lm)))
                           + sm(W, dm + dP + dQ + er))
            if not from_logits:
                gs = ue
            else:
                su, se = rowsum(um, dim, rank), rowsum(ue, dim, rank)
                gs = (ue + sm(Q, se) + sm(Q, dQ + LV * es, su) + es * (um + sm(Q, su))) / T
            gt = None
    if keep is not None:
        gs = np.where(keep, gs, 0.0)
    tols['gradStudent'] = tol_spec(es, QUANTUM[s.dtype], K_ROW * gs,
                                   'per element: K_ROW x first-order error of autograd\'s terms')
    if gt is not None:
        if keep is not None:
            gt = np.where(keep, gt, 0.0)
        tols['gradTeacher'] = tol_spec(et, QUANTUM[t.dtype], K_ROW * gt,
                                       'per element: K_ROW x first-order error of softmax backward')
    return tols
