#!/usr/bin/env python3
"""Writes test/data/special-torch.json: torch.lgamma and torch.digamma (float64) on a seeded grid,
for kldiv's lgamma / digamma, which follow them to a few ulps (test/distributions/special-torch.test.ts).

Run from the repository root: /usr/bin/python3 tools/differential/gen-special-torch.py
(Debian python3-torch 1.13; common.Rng, seed below)
Grid: (0, 0.5), [0.5, 3) (the roots of lgamma at 1 and 2, of digamma near 1.4616), [3, 20),
[20, 200), 10^[2, 300], negative non-integers, and tiny 10^[-300, -1].
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Rng, write_json  # noqa: E402

SEED = 1215
rng = Rng(SEED)
xs = np.concatenate([
    rng.uniform(0, 0.5, 200), rng.uniform(0.5, 3, 600), rng.uniform(3, 20, 300), rng.uniform(20, 200, 100),
    10 ** rng.uniform(2, 300, 50), -rng.uniform(0, 10, 200), 10 ** rng.uniform(-300, -1, 50),
    [1.0, 2.0, 3.0, 10.0, 0.5, 1.5, 2.5, 1.4616321449683622, -0.5, -2.5],
])
xs = xs[~((xs <= 0) & (xs == np.round(xs)))]
t = torch.tensor(xs, dtype=torch.float64)
out = write_json("special-torch.json", {
    "meta": {"generator": "tools/differential/gen-special-torch.py", "torch": torch.__version__, "seed": SEED},
    "x": xs.tolist(), "lgamma": torch.lgamma(t).tolist(), "digamma": torch.digamma(t).tolist()}, separators=None)
print(f"wrote {len(xs)} points to {os.path.relpath(out)}")
