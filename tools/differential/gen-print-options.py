#!/usr/bin/env python3
"""Writes test/data/print-options.json: reprs PyTorch 1.13 prints after sequences of
torch.set_printoptions calls (sci_mode reset, profiles, None meaning "unchanged").

Run from the repository root: /usr/bin/python3 tools/differential/gen-print-options.py
(Debian python3-torch 1.13; deterministic, no RNG).
Each case: `calls` (kldiv option names, camelCase), `tensor` (values, dtype), `repr`.
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import encode_number, write_json  # noqa: E402

CAMEL = {"sci_mode": "sciMode"}

# (name, [set_printoptions kwargs...], values, dtype)
SEQUENCES = [
    ("sci reset by a later call", [dict(sci_mode=True), dict(precision=3)], [0.1, 0.2], "float32"),
    ("sci kept when passed again", [dict(sci_mode=True), dict(precision=3, sci_mode=True)], [0.1, 0.2], "float32"),
    ("sci false forces fixed", [dict(sci_mode=False)], [1e-6, 1.0], "float32"),
    ("sci reset by empty call", [dict(sci_mode=True), dict()], [0.5], "float32"),
    ("precision persists across calls", [dict(precision=2), dict(threshold=5)], [0.12345, 1.0], "float32"),
    ("None leaves precision unchanged", [dict(precision=2), dict(precision=None, edgeitems=None)], [0.12345], "float32"),
    ("profile short", [dict(profile="short")], [0.12345, 1.5], "float32"),
    ("profile short edgeitems", [dict(profile="short"), dict(threshold=4)], list(range(10)), "float32"),
    ("profile full never summarises", [dict(threshold=5), dict(profile="full")], list(range(12)), "float32"),
    ("profile then override", [dict(profile="full", sci_mode=True, precision=2)], [0.12345, 1.5], "float32"),
    ("profile default restores", [dict(precision=1, threshold=3, edgeitems=1, linewidth=20), dict(profile="default")], list(range(6)), "float32"),
    ("linewidth wraps", [dict(linewidth=30)], [0.5 * i for i in range(12)], "float64"),
    ("threshold and edgeitems", [dict(threshold=5, edgeitems=1)], list(range(6)), "float32"),
    ("summarised and wrapped", [dict(threshold=10, linewidth=30)], list(range(40)), "float32"),
    ("summarised, wrapped, edgeitems 5", [dict(threshold=10, linewidth=30, edgeitems=5)], list(range(40)), "float32"),
    ("2-d wrapped", [dict(linewidth=30)], [list(range(20)), list(range(20, 40))], "float32"),
    ("2-d short profile summarised", [dict(profile="short", threshold=20)], [[i * 10 + j for j in range(10)] for i in range(6)], "float64"),
    ("sci mode ignored without nonzero finite values", [dict(sci_mode=True)], [0.0, -0.0, math.inf], "float32"),
    ("sci mode ignored for nan", [dict(sci_mode=True, precision=2)], [math.nan, 0.0], "float64"),
    ("sci mode false with tiny values", [dict(sci_mode=False)], [1e-9, 1.0], "float32"),
    ("precision zero", [dict(precision=0)], [0.5, 1.5, 2.25], "float64"),
    ("sci with precision 1", [dict(sci_mode=True, precision=1)], [123.0, -0.0042, math.inf], "float64"),
]


def enc(v):
    """Nested lists of values: floats in common.py's encoding, integers as they are."""
    if isinstance(v, list):
        return [enc(x) for x in v]
    return encode_number(v) if isinstance(v, float) else v


def main():
    cases = []
    for name, calls, values, dtype in SEQUENCES:
        torch.set_printoptions(profile="default")
        for kw in calls:
            torch.set_printoptions(**kw)
        t = torch.tensor(values, dtype=getattr(torch, dtype))
        cases.append({
            "name": name,
            "calls": [{CAMEL.get(k, k): v for k, v in kw.items()} for kw in calls],
            "values": [enc(v) for v in values],
            "dtype": dtype,
            "repr": repr(t),
        })
    torch.set_printoptions(profile="default")
    out = write_json("print-options.json", {"generator": "tools/differential/gen-print-options.py",
                                            "torch": torch.__version__, "cases": cases},
                     indent=1, separators=None)
    print(f"wrote {len(cases)} cases to {os.path.relpath(out)}")


if __name__ == "__main__":
    main()
