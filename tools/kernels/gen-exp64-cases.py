#!/usr/bin/env python3
"""Writes test/data/kernels/exp64-cases.json: correctly rounded exp(t) for the arguments <= 0
that test/kernels/exp64.test.ts feeds to src/kernels/js/exp64.ts, and prints the constants that
file uses, so each can be checked against its derivation.

Run from the repository root: /usr/bin/python3 tools/kernels/gen-exp64-cases.py
(mpmath 1.3; seeded with random.Random(19), so the output is fixed).

Reference values: mpmath.exp at 256 bits, rounded once to the nearest double (ties to even,
subnormals included) through fractions.Fraction, whose float() is correctly rounded. An error of
2^-256 relative could only move a value within 2^-200 of a rounding midpoint; none of the
arguments comes near one (checked: every value is at least 2^-80 ulp away from a midpoint).

Arguments: 0, -0, edges of the domain (the normal / subnormal / zero thresholds and the doubles
next to them), then seeded uniform draws in [-1e-3, 0], [-1, 0], [-50, 0], [-708, -50],
[-745.2, -708] and integer multiples of ln2/256 (the reduction's worst case: r near +-ln2/512).
"""
import json
import math
import os
import random
import struct
from fractions import Fraction

import mpmath as mp

mp.mp.prec = 256
N = 256


def nearest(x):
    """The double nearest an mpf (ties to even, subnormals and underflow to 0 included), and
    its distance to the nearest rounding midpoint in ulps (to show the rounding is safe)."""
    if x == 0:
        return 0.0, math.inf
    man, exp = x.man, x.exp  # x = man * 2^exp exactly
    q = Fraction(int(man)) * (Fraction(2) ** int(exp))
    d = float(q)  # CPython rounds a Fraction to nearest, ties to even
    ulp = math.ulp(d) if d != 0 else 5e-324
    lo = Fraction(d) - Fraction(ulp) / 2
    hi = Fraction(d) + Fraction(ulp) / 2
    margin = min(abs(q - lo), abs(hi - q)) / Fraction(ulp)
    return d, float(margin)


def bits(d):
    return struct.unpack('<q', struct.pack('<d', d))[0]


def constants():
    ln2 = mp.log(2)
    step = ln2 / N
    m, e = mp.frexp(step)
    # 34 significant bits: n * hi is exact for |n| < 2^19
    hi = mp.ldexp(mp.floor(m * 2**34) / 2**34, e)
    lo = step - hi
    c = mp.power(2, mp.mpf(1) / N)
    ch = float(c)
    cl = float(c - ch)
    # e^r ~ 1 + r + c2 r^2 + c3 r^3 + c4 r^4 on |r| <= ln2/512: Chebyshev fit of (e^r - 1 - r) / r^2
    a = ln2 / (2 * N)
    g = lambda r: (mp.exp(r) - 1 - r) / r**2 if r != 0 else mp.mpf(1) / 2
    c4, c3, c2 = [float(v) for v in mp.chebyfit(g, [-a, a], 3)]
    worst = max(
        abs(1 + r + c2 * r**2 + c3 * r**3 + c4 * r**4 - mp.exp(r)) / mp.exp(r)
        for r in (a * k / 2000 for k in range(-2000, 2001))
    )
    return {
        'shifter': 1.5 * 2**52,
        'invStep': float(N / ln2),
        'stepHi': float(hi),
        'stepLo': float(lo),
        'twoToOneOver256Hi': ch,
        'twoToOneOver256Lo': cl,
        'c2': c2,
        'c3': c3,
        'c4': c4,
        'polynomialRelativeError': float(worst),
        'polynomialErrorUlpsOf1': float(worst / mp.mpf(2) ** -52),
    }


def arguments():
    rng = random.Random(19)
    edge = [
        0.0,
        -0.0,
        -5e-324,
        -1e-300,
        -1e-17,
        -2**-53,
        -1e-10,
        -math.log(2) / 512,
        -708.0,
        math.nextafter(-708.0, 0),
        math.nextafter(-708.0, -math.inf),
        -708.3964185322641,  # ~ ln(2^-1022): the smallest normal result
        -708.39641853226418,
        -709.0,
        -744.44007192138122,  # ~ ln(2^-1074): the smallest subnormal
        -745.0,
        -745.13321910194110,  # ~ ln(2^-1075): below, exp rounds to 0
        math.nextafter(-745.1332191019411, 0),
        math.nextafter(-745.1332191019411, -math.inf),
        -745.2,
        math.nextafter(-745.2, 0),
    ]
    draws = []
    for lo, count in [(-1e-3, 300), (-1.0, 300), (-50.0, 500), (-708.0, 300)]:
        draws += [lo * rng.random() for _ in range(count)]
    draws += [-50.0 - 658.0 * rng.random() for _ in range(200)]
    draws += [-708.0 - 37.2 * rng.random() for _ in range(300)]
    # near multiples n ln2/256 + ln2/512: |r| at its largest
    step = math.log(2) / N
    for _ in range(200):
        n = rng.randrange(0, 708 * 369)
        draws.append(-(n * step + step / 2) * (1 + (rng.random() - 0.5) * 1e-15))
    return edge + draws


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
    out = os.path.join(root, 'test', 'data', 'kernels', 'exp64-cases.json')
    args = arguments()
    values = []
    least_margin = math.inf
    for t in args:
        v, margin = nearest(mp.exp(mp.mpf(t)))
        least_margin = min(least_margin, margin)
        values.append(v)
    assert least_margin > 2**-80, least_margin
    consts = constants()
    for k, v in consts.items():
        print(f'{k}: {v!r}')
    print(f'{len(args)} arguments, least distance to a rounding midpoint: {least_margin:.3g} ulp')
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, 'w') as f:
        json.dump(
            {
                'meta': {
                    'generator': 'tools/kernels/gen-exp64-cases.py',
                    'reference': 'mpmath.exp at 256 bits, rounded once to the nearest double',
                    'constants': consts,
                },
                # repr round-trips: the JSON holds exactly the doubles used ('-0.0' kept as such)
                'args': [repr(t) for t in args],
                'exp': [repr(v) for v in values],
            },
            f,
        )
        f.write('\n')


if __name__ == '__main__':
    main()
