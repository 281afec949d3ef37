"""PyTorch peer for the distillation cases of bench/run.ts: the unfused expression
F.kl_div(F.log_softmax(s/T, -1), F.softmax(t/T, -1), reduction='batchmean') * T*T, forward and
forward+backward (gradients for both logits), on the same bytes, 1 thread.

Usage: python3 torch_distill.py S_FILE T_FILE B V REPS
Prints one JSON object per op: {"op", "times": [seconds...], "peakBytes", "torch"}.
"""
import json, sys, time
import numpy as np
import torch
import torch.nn.functional as F
from torch_peer_memory import Peak  # noqa: E402  (same folder)

sf, tf_, B, V, reps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(1)
s0 = torch.from_numpy(np.fromfile(sf, dtype=np.float32, count=B * V).reshape(B, V))
t0 = torch.from_numpy(np.fromfile(tf_, dtype=np.float32, count=B * V).reshape(B, V))
T = 2.0

def loss(s, t):
    return F.kl_div(F.log_softmax(s / T, -1), F.softmax(t / T, -1), reduction='batchmean') * T * T

def forward():
    loss(s0, t0).item()

def forward_backward():
    s = s0.clone().requires_grad_(); t = t0.clone().requires_grad_()
    def run():
        loss(s, t).backward()
    return run

for op in ('forward', 'forward+backward'):
    (forward if op == 'forward' else forward_backward())()
    times, peak = [], 0
    for _ in range(reps):
        call = forward if op == 'forward' else forward_backward()
        with Peak() as p:
            t1 = time.perf_counter(); call(); times.append(time.perf_counter() - t1)
        peak = max(peak, p.peak - p.base)
    print(json.dumps({"op": op, "times": times, "peakBytes": peak, "torch": torch.__version__}), flush=True)
