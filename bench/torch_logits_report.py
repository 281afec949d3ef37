"""The PyTorch script a user writes for the report `kldiv logits base.npy compare.npy` prints
(issue 19, items 4 and 5): the peer of bench/run/cli-logits.ts, timed as a whole process.

    /usr/bin/python3 bench/torch_logits_report.py base.npy compare.npy [--tokens ids.npy] [--threads 2]

Loads both files with NumPy, then in PyTorch (float32, as the files are): log_softmax of each,
per-row KL(base || compare) = sum p (log p - log q), its mean, standard error, median and the
percentiles, top-1 agreement; with --tokens, the next token's log-probabilities, the two
perplexities, mean ln(PPL(compare)/PPL(base)) with its standard error, the correlation, and
Δp = p_compare - p_base with its mean, standard error, percentiles and RMS. It prints the figures
so that nothing is optimised away, and so that they can be set beside kldiv's.
"""
import argparse
import math

import numpy as np
import torch

parser = argparse.ArgumentParser()
parser.add_argument('base')
parser.add_argument('compare')
parser.add_argument('--tokens')
parser.add_argument('--threads', type=int, default=2)
args = parser.parse_args()
torch.set_num_threads(args.threads)

with torch.no_grad():
    base = torch.from_numpy(np.load(args.base))
    compare = torch.from_numpy(np.load(args.compare))
    vocab = base.shape[-1]
    base = base.reshape(-1, vocab)
    compare = compare.reshape(-1, vocab)
    n = base.shape[0]
    lp = torch.log_softmax(base, dim=-1)
    lq = torch.log_softmax(compare, dim=-1)
    kl = (lp.exp() * (lp - lq)).sum(dim=-1).double()
    q = torch.tensor([0.001, 0.01, 0.05, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999], dtype=torch.float64)
    pct = torch.quantile(kl, q)
    same = (base.argmax(dim=-1) == compare.argmax(dim=-1)).double().mean().item()
    print(f'tokens {n} vocab {vocab}')
    print(f'Mean KLD: {kl.mean().item():.6f} ± {kl.std().item() / math.sqrt(n):.6f}')
    print('KLD percentiles', ' '.join(f'{v:.6f}' for v in pct.tolist()))
    print(f'Max KLD {kl.max().item():.6f} Min KLD {kl.min().item():.6f}')
    print(f'Same top-1: {100 * same:.3f} ± {100 * math.sqrt(same * (1 - same) / (n - 1)):.3f} %')
    if args.tokens is not None:
        ids = torch.from_numpy(np.load(args.tokens).astype(np.int64)).reshape(-1, 1)
        a = lp.gather(1, ids).squeeze(1).double()
        b = lq.gather(1, ids).squeeze(1).double()
        se = lambda v: v.std().item() / math.sqrt(n)  # noqa: E731
        ppl_a, ppl_b = math.exp(-a.mean().item()), math.exp(-b.mean().item())
        print(f'PPL(base) {ppl_a:.6f} ± {ppl_a * se(-a):.6f} PPL(compare) {ppl_b:.6f} ± {ppl_b * se(-b):.6f}')
        print(f'ln ratio {(a - b).mean().item():.6f} ± {se(a - b):.6f}')
        print(f'Cor {100 * torch.corrcoef(torch.stack([a, b]))[0, 1].item():.2f}%')
        dp = b.exp() - a.exp()
        dpq = torch.quantile(dp, torch.tensor([0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999], dtype=torch.float64))
        print(f'Mean Δp {100 * dp.mean().item():.3f} ± {100 * se(dp):.3f} %')
        print('Δp percentiles', ' '.join(f'{100 * v:.3f}' for v in dpq.tolist()))
        print(f'RMS Δp {100 * math.sqrt((dp * dp).mean().item()):.3f} %')
