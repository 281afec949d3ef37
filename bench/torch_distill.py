"""PyTorch peer for the distillation cases of bench/run.ts: the unfused expression
F.kl_div(F.log_softmax(s/T, -1), F.softmax(t/T, -1), reduction='batchmean') * T*T, forward and
forward+backward (gradients for both logits) and forward+input-grad (only the student's logits
require grad: a frozen teacher), on the same bytes, 1 thread.

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

def forward_backward(teacher_grad=True):
    s = s0.clone().requires_grad_(); t = t0.clone().requires_grad_(teacher_grad)
    def run():
        loss(s, t).backward()
    return run

CALLS = {
    'forward': lambda: forward,
    'forward+backward': forward_backward,
    'forward+input-grad': lambda: forward_backward(False),
}

for op, make in CALLS.items():
    make()()
    times, peak = [], 0
    for _ in range(reps):
        call = make()
        with Peak() as p:
            t1 = time.perf_counter(); call(); times.append(time.perf_counter() - t1)
        peak = max(peak, p.peak - p.base)
    print(json.dumps({"op": op, "times": times, "peakBytes": peak, "torch": torch.__version__}), flush=True)
