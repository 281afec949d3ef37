"""Helpers shared by gen-core.py's sections: warnings as Python records them, float64 numpy
views, autograd's sum_to_size, and the non-finite class comparison that excludes float32-only
draws (see gen-core.py's header)."""

import warnings

import numpy as np
import torch

F32, F64 = torch.float32, torch.float64


def record(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        out = fn()
    return out, [str(x.message) for x in w]


def np64(t):
    return t.detach().to(F64).numpy()


def sum_to(arr, shape):
    """numpy: sums a broadcast-shaped array back to `shape` (as autograd's sum_to_size)."""
    arr = np.asarray(arr)
    lead = arr.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, d in enumerate(shape) if d == 1 and arr.shape[i + lead] != 1)
    r = arr.sum(axis=axes, keepdims=True) if axes else arr
    if lead:
        r = r.reshape(r.shape[lead:])
    return r.reshape(shape)


def reduce_count(full_shape, shape):
    n = int(np.prod(full_shape, dtype=np.int64))
    m = int(np.prod(shape, dtype=np.int64))
    return n // m if m else 0


def classes(t):
    a = t.detach().to(F64).numpy()
    return (np.isnan(a), np.isposinf(a), np.isneginf(a))


def same_classes(a, b):
    return all(np.array_equal(x, y) for x, y in zip(classes(a), classes(b)))
