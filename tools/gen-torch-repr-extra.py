"""Extra repr() references beyond the shared fixtures, for test/tensor/format.test.ts.

Run: /usr/bin/python3 tools/gen-torch-repr-extra.py > test/data/torch-repr-extra.json
Needs Debian's python3-torch (1.13). Each case: dtype, shape, data (floats; 'nan'/'inf'/'-inf'/'-0'), repr.
"""
import json, math, sys
import torch

torch.manual_seed(7)

def enc(v):
    if math.isnan(v): return 'nan'
    if math.isinf(v): return 'inf' if v > 0 else '-inf'
    if v == 0 and math.copysign(1, v) < 0: return '-0'
    return v

cases = []
def add(name, t):
    cases.append({"name": name, "dtype": str(t.dtype).replace('torch.', ''), "shape": list(t.shape),
                  "data": [enc(float(v)) for v in t.reshape(-1).tolist()], "repr": repr(t)})

add('int-valued', torch.tensor([[1., -2., 30.], [4., 5., 600.]]))
add('int-valued-sci', torch.tensor([1., 2000.]))
add('int-valued-with-nan', torch.tensor([1., float('nan'), -3.]))
add('all-nonfinite', torch.tensor([float('inf'), float('nan')]))
add('zeros', torch.zeros(2, 3))
add('neg-zero-mixed', torch.tensor([-0.0, 1.5]))
add('tiny', torch.tensor([1e-5, 2e-5]))
add('huge-float32', torch.tensor([3.4e38, -1.0]))
add('ratio-1000', torch.tensor([0.001, 1.0]))
add('ratio-1001', torch.tensor([0.000999, 1.0]))
add('wide-row-wraps', torch.randn(30))
add('wide-sci-row-wraps', torch.randn(20) * 1e5)
add('3d-summarized', torch.randn(10, 10, 12))
add('2d-tall-summarized', torch.randn(2000, 2))
add('1d-exactly-threshold', torch.randn(1000))
add('1d-threshold-plus-one', torch.randn(1001))
add('4d', torch.randn(2, 2, 2, 2))
add('float64-long', torch.randn(25, dtype=torch.float64))
add('float64-scalar-sci', torch.tensor(1e-9, dtype=torch.float64))
add('float64-empty', torch.zeros(0, dtype=torch.float64))
add('float64-empty-2d', torch.zeros(0, 3, dtype=torch.float64))
add('empty-3d', torch.zeros(2, 0, 4))
add('int32', torch.tensor([[1, -20, 300], [4, 5, 6]], dtype=torch.int32))
add('int32-long', torch.arange(-20, 20, dtype=torch.int32))
add('int32-empty', torch.zeros(0, dtype=torch.int32))
add('scalar-int-valued', torch.tensor(3.0))
add('scalar-inf', torch.tensor(float('-inf')))
add('ties', torch.tensor([0.03125, 0.15625, 1.03125], dtype=torch.float64))
add('column', torch.randn(5, 1))
add('sci-with-nan', torch.tensor([1e-8, float('nan'), 1.0]))
json.dump({"generator": "PyTorch %s repr(), tools/gen-torch-repr-extra.py" % torch.__version__, "cases": cases}, sys.stdout)
