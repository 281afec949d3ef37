"""A realistic model-comparison pair for `kldiv logits` (README and closing-note figures; not
committed data): base logits ~ N(0, 3) of shape [2000, 32000] float32, compare = base + N(0, 0.05)
noise, the last 5 vocabulary entries masked with -inf in both, next-token ids drawn from
softmax(base), and the same rows split into 3 shards (0-699, 700-1399, 1400-1999). Seeded.

Usage: /usr/bin/python3 tools/cli-logits/gen-comparison-pair.py OUT_DIR
Then, in OUT_DIR:
  kldiv logits base.npy compare.npy --tokens ids.npy --top-k 5 --title "base.npy vs compare.npy"
  for i in 0 1 2; do kldiv logits base-$i.npy compare-$i.npy --tokens ids-$i.npy --top-k 5 --state shard-$i.json > /dev/null; done
  kldiv merge shard-0.json shard-1.json shard-2.json --title "base.npy vs compare.npy"
"""
import os
import sys

import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else '.'
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(18)
base = rng.normal(0, 3, (2000, 32000)).astype(np.float32)
compare = (base + rng.normal(0, 0.05, base.shape)).astype(np.float32)
base[:, -5:] = compare[:, -5:] = -np.inf  # 5 masked vocabulary entries
p = np.exp(base - base.max(1, keepdims=True))
p /= p.sum(1, keepdims=True)
ids = np.array([rng.choice(32000, p=row) for row in p], dtype=np.int32)  # next tokens ~ base
np.save(os.path.join(out, 'base.npy'), base)
np.save(os.path.join(out, 'compare.npy'), compare)
np.save(os.path.join(out, 'ids.npy'), ids)
for i, (s, e) in enumerate([(0, 700), (700, 1400), (1400, 2000)]):
    np.save(os.path.join(out, f'base-{i}.npy'), base[s:e])
    np.save(os.path.join(out, f'compare-{i}.npy'), compare[s:e])
    np.save(os.path.join(out, f'ids-{i}.npy'), ids[s:e])
