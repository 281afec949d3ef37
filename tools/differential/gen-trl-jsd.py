"""Reference values of TRL's GKD loss `GKDTrainer.generalized_jsd_loss` (test/data/trl-jsd.json).

Run from the repository root (Debian python3-torch 1.13); it writes test/data/trl-jsd.json:
    /usr/bin/python3 tools/differential/gen-trl-jsd.py

TRL (huggingface/trl, trl/trainer/gkd_trainer.py) is not a dependency: gkd_jsd below (with
common.trl_jsd) is an independent restatement of what its `generalized_jsd_loss(student_logits,
teacher_logits, labels, beta, temperature, reduction)` computes for `[B, S, V]` logits, so the
test pins kldiv's `jsDivergenceWithLogits` (and `jsDivergence` on log-probabilities) to TRL's
number:
- log-probabilities `log_softmax(x / T, -1)` of both logits (no T * T factor);
- beta = 0 and beta = 1 are the plain KL divergences KL(teacher || student) and
  KL(student || teacher); otherwise the mixture M = beta * teacher + (1 - beta) * student in log
  space, and `beta * KL(teacher || M) + (1 - beta) * KL(student || M)` elementwise
  (`F.kl_div(log M, log P, log_target=True)`);
- `labels` (-100 = ignored token) select the kept rows, as `jsd[labels != -100]`;
- 'batchmean' is `sum / mask.sum()` with labels and `sum / (B * S)` without: the per-token mean;
  'mean' is the mean over the kept elements, 'sum' the sum.
Cases are float64, seeded (common.Rng(15), numpy's PCG64), over shapes, beta, temperature, label masks (none,
all kept, random with a fully ignored sequence) and the three reductions.
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Rng, trl_jsd, write_json  # noqa: E402


def gkd_jsd(student, teacher, labels, beta, temperature, reduction):
    log_q = F.log_softmax(student / temperature, dim=-1)  # student
    log_p = F.log_softmax(teacher / temperature, dim=-1)  # teacher
    per_elem = trl_jsd(log_q, log_p, beta)
    if labels is not None:
        keep = labels != -100
        per_elem = per_elem[keep]
    if reduction == 'batchmean':
        if labels is not None:
            return per_elem.sum() / keep.sum()
        return per_elem.sum() / (per_elem.size(0) * per_elem.size(1))
    if reduction == 'sum':
        return per_elem.sum()
    if reduction == 'mean':
        return per_elem.mean()
    raise ValueError(reduction)


rng = Rng(15)
cases = []
for shape in [(1, 1, 2), (2, 3, 5), (3, 4, 7), (4, 2, 11), (2, 5, 3)]:
    B, S, V = shape
    for beta in [0.0, 0.1, 0.5, 0.9, 1.0]:
        temperature = rng.choice([1.0, 2.0, 0.7])
        # 3 decimals: short JSON, and exactly the float64 values both sides read
        student = np.round(rng.normal(shape, scale=2), 3)
        teacher = np.round(rng.normal(shape, scale=2), 3)
        labels_kinds = {'none': None, 'all kept': np.ones((B, S), dtype=np.int64)}
        random_labels = np.where(rng.random((B, S)) < 0.3, -100, 1)
        random_labels[0, 0] = 1  # at least one kept token
        if B > 1:
            random_labels[-1, :] = -100  # a fully ignored sequence
        labels_kinds['random'] = random_labels
        for kind, labels in labels_kinds.items():
            lt = None if labels is None else torch.tensor(labels)
            expected = {
                r: gkd_jsd(torch.tensor(student), torch.tensor(teacher), lt, beta, temperature, r).item()
                for r in ['batchmean', 'sum', 'mean']
            }
            cases.append({
                'shape': list(shape),
                'beta': beta,
                'temperature': temperature,
                'labels': kind,
                'mask': None if labels is None else (labels != -100).astype(int).ravel().tolist(),
                'student': student.ravel().tolist(),
                'teacher': teacher.ravel().tolist(),
                'expected': expected,
            })

out = write_json('trl-jsd.json', {
    'generator': 'tools/differential/gen-trl-jsd.py',
    'torch': torch.__version__,
    'cases': cases,
}, indent=1, separators=None)
print(f'wrote {len(cases)} cases to {os.path.relpath(out)}')
