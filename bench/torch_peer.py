"""PyTorch peer for bench/run.ts: times F.kl_div on the same inputs, in this one process.

Usage (spawned by the benchmark): python3 torch_peer.py X_FILE Y_FILE N DTYPE REPS THREADS...
Prints one JSON object per (threads, op): {"threads", "op", "times": [seconds...], "peakBytes"}.
Ops: 'forward'; 'forward+backward' (input and target require grad); 'forward+input-grad' (only
the input requires grad: the target is data, autograd skips its gradient).
Peak memory: the maximum resident set size above the level before the call, sampled every
millisecond by a helper thread (torch releases the GIL while it computes).
"""
import json, sys, time
import numpy as np
import torch
import torch.nn.functional as F

xf, yf, n, dtype, reps = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
threads = [int(t) for t in sys.argv[6:]]
np_dtype = np.float32 if dtype == 'float32' else np.float64
x0 = torch.from_numpy(np.fromfile(xf, dtype=np_dtype, count=n))
y0 = torch.from_numpy(np.fromfile(yf, dtype=np_dtype, count=n))
from torch_peer_memory import Peak  # noqa: E402  (same folder)

def forward():
    F.kl_div(x0, y0, reduction='sum').item()

def forward_backward(target_grad=True):
    x = x0.clone().requires_grad_()  # leaves that autograd can fill, made outside the timing
    y = y0.clone().requires_grad_(target_grad)
    def run():
        F.kl_div(x, y, reduction='sum').backward()
    return run

CALLS = {
    'forward': lambda: forward,
    'forward+backward': forward_backward,
    'forward+input-grad': lambda: forward_backward(False),
}

for th in threads:
    torch.set_num_threads(th)
    for op, make in CALLS.items():
        times, peak = [], 0
        make()()  # warm-up
        for _ in range(reps):
            call = make()
            with Peak() as p:
                t = time.perf_counter(); call(); times.append(time.perf_counter() - t)
            peak = max(peak, p.peak - p.base)
        print(json.dumps({"threads": th, "op": op, "times": times, "peakBytes": peak,
                          "torch": torch.__version__}), flush=True)
