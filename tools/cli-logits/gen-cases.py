"""Files and reference reports for `kldiv logits` and `kldiv merge` end to end (issue 18, items
1, 3, 4 and 6 on the command line): test/data/cli-logits/*.npy, *.npz, *.safetensors and
expected.json, read by test/cli/logits-cases.test.ts and test/cli/merge.test.ts.

Run from the repository root (Debian python3: NumPy 1.24, SciPy 1.10, torch 1.13):
    /usr/bin/python3 tools/cli-logits/gen-cases.py

Seeded logits (numpy RandomState(1918)) written in the formats models write, each case with the
command-line options the test passes and the report NumPy/SciPy compute for them:
- masked: float32 .npy, the last 8 vocabulary entries and a random 10 % -inf in both files
  (p_j = 0 adds 0), int32 next-token ids among the unmasked entries, --top-k 5;
- infinite-kl: float64 .npy, T = 2, compare -inf at 2 entries where base is finite (those
  tokens' KL is +inf), a base -inf facing a finite compare (adds 0), tokens avoiding both;
- nan-rows: float32 .npy with a NaN (base row 7), a +inf (compare row 12) and a row of -inf
  (compare row 20): the error names base.npy and row 7; --nan-rows skip counts 3 skipped rows;
- float16: .npy float16 pair and int64 tokens; the reference reads each value as NumPy's
  float16 -> float64 conversion (exact, as the CLI's reader);
- bfloat16: one .safetensors holding BF16 'base' and 'compare' and I64 'tokens' (picked with
  --base-array, --compare-array, --tokens-array), BF16 as torch rounds float64 to bfloat16 and
  decoded by torch's .float() (exact), --top-k 3;
- npz: np.savez_compressed archives with a float32 'logits' array each and int64 'ids' in the
  base archive (--array logits --tokens-array ids);
- rank-3: float32 [3, 10, 20] logits and [3, 10] int64 tokens (30 tokens, row-major);
- shards: float32 [60, 30] and tokens, whole and split into 3 shard files (rows 0-19, 20-44,
  45-59): the merged states' report is the whole file's.

Reference per token (float64 throughout): p = scipy.special.softmax(base / T), q likewise,
KL = rel_entr(p, q).sum(); top-1 = np.argmax; top-k = first k of a stable argsort of -logits;
log-probabilities of the next token from scipy.special.log_softmax. Statistics as
tools/report/gen-report-cases.py defines them (KL ones over tokens of finite KL; PPL, Δp, top-1
over kept tokens). Numbers are JSON numbers except 'nan', 'inf', '-inf'.
"""
import json
import math
import os
import sys
import struct
import zipfile

import numpy as np
import scipy
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'report'))
from report_reference import INF, NAN, reference  # noqa: E402  (tools/report: the one NumPy report)

OUT = os.path.join('test', 'data', 'cli-logits')

rng = np.random.RandomState(1918)
os.makedirs(OUT, exist_ok=True)


def enc(v):
    v = float(v)
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return v


def tree(v):
    if isinstance(v, dict):
        return {k: tree(x) for k, x in v.items()}
    if isinstance(v, (bool, str)) or v is None:
        return v
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, np.ndarray):
        return [int(x) for x in v] if v.dtype.kind == 'i' else [enc(x) for x in v]
    return enc(v)


cases = []


def case(name, note, base, compare, options, X, Y, T=1.0, top_k=None, tokens=None, tokens_file=None,
         per_token=False, extra=None):
    """A case: files (relative to OUT), CLI options, and the reference on float64 X, Y (the values
    the files decode to)."""
    res, per = reference(X, Y, T, top_k, tokens)
    c = {'name': name, 'note': note, 'base': base, 'compare': compare, 'tokens': tokens_file,
         'options': options, 'result': tree(res)}
    if per_token:
        c['perToken'] = tree(per)
    if extra:
        c.update(extra)
    cases.append(c)


def save(name, a):
    np.save(os.path.join(OUT, name), a)


def pin_zip_times(path):
    """np.savez stamps the current time: pin every entry's DOS time to 1980-01-01 so reruns
    write the same bytes (as tools/cli-formats/gen-files.py)."""
    fixed = struct.pack('<HH', 0, (0 << 9) | (1 << 5) | 1)
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        start = zf.start_dir
    raw = bytearray(open(path, 'rb').read())
    for info in infos:
        raw[info.header_offset + 10:info.header_offset + 14] = fixed
    p = start
    for _ in infos:
        raw[p + 12:p + 16] = fixed
        n, m, k = struct.unpack('<HHH', raw[p + 28:p + 34])
        p += 46 + n + m + k
    open(path, 'wb').write(bytes(raw))


def save_safetensors(file, tensors):
    """Written from the format's specification (the safetensors package is not installed)."""
    header, data = {}, b''
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {'dtype': dtype, 'shape': list(shape),
                        'data_offsets': [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    with open(os.path.join(OUT, file), 'wb') as fh:
        fh.write(struct.pack('<Q', len(text)) + text + data)


def next_tokens(allowed):
    """One id per row, uniform over the row's allowed entries."""
    return np.array([rng.choice(np.flatnonzero(r)) for r in allowed.reshape(-1, allowed.shape[-1])])


# 1. masked vocabulary, float32, tokens, top-k 5
b = rng.normal(0, 3, (48, 64)).astype(np.float32)
c = (b + rng.normal(0, 0.5, b.shape)).astype(np.float32)
mask = rng.rand(*b.shape) < 0.1
mask[:, -8:] = True
b[mask] = -INF
c[mask] = -INF
t = next_tokens(~mask).astype(np.int32)
save('masked-base.npy', b)
save('masked-compare.npy', c)
save('masked-tokens.npy', t)
case('masked', 'same -inf entries in both files', 'masked-base.npy', 'masked-compare.npy',
     ['--top-k', '5'], b.astype(np.float64), c.astype(np.float64), top_k=5, tokens=t,
     tokens_file='masked-tokens.npy', per_token=True)

# 2. tokens of infinite KL, float64, T = 2
b = np.round(rng.normal(0, 3, (40, 24)), 4)
c = np.round(b + rng.normal(0, 0.8, b.shape), 4)
c[3, 5] = -INF
c[17, [0, 11]] = -INF
b[25, 2] = -INF
t = next_tokens(np.isfinite(b) & np.isfinite(c)).astype(np.int64)
save('inf-base.npy', b)
save('inf-compare.npy', c)
save('inf-tokens.npy', t)
case('infinite-kl', '2 tokens of KL +inf', 'inf-base.npy', 'inf-compare.npy',
     ['--temperature', '2'], b, c, T=2.0, tokens=t, tokens_file='inf-tokens.npy', per_token=True)

# 3. NaN / +inf / all -inf rows
b = rng.normal(0, 2, (30, 12)).astype(np.float32)
c = (b + rng.normal(0, 0.5, b.shape)).astype(np.float32)
b[7, 3] = NAN
c[12, 0] = INF
c[20, :] = -INF
save('nan-base.npy', b)
save('nan-compare.npy', c)
case('nan-rows', '3 invalid rows, skipped', 'nan-base.npy', 'nan-compare.npy',
     ['--nan-rows', 'skip'], b.astype(np.float64), c.astype(np.float64), per_token=True,
     extra={'error': {'file': 'nan-base.npy', 'row': 7, 'text': 'contains NaN at vocab index 3'}})

# 4. float16 .npy and int64 tokens
b16 = rng.normal(0, 3, (32, 40)).astype(np.float16)
c16 = (b16.astype(np.float64) + rng.normal(0, 0.3, b16.shape)).astype(np.float16)
t = next_tokens(np.ones(b16.shape, dtype=bool)).astype(np.int64)
save('f16-base.npy', b16)
save('f16-compare.npy', c16)
save('f16-tokens.npy', t)
case('float16', '.npy float16, exact float16 -> float64', 'f16-base.npy', 'f16-compare.npy', [],
     b16.astype(np.float64), c16.astype(np.float64), tokens=t, tokens_file='f16-tokens.npy')


# 5. bfloat16 in .safetensors, with the tokens in the same file
def bf16_bits(a):
    t = torch.from_numpy(np.ascontiguousarray(a, dtype=np.float64)).to(torch.bfloat16)
    return t.view(torch.int16).numpy().view(np.uint16)


def bf16_values(bits):
    t = torch.from_numpy(bits.view(np.int16)).view(torch.bfloat16)
    return t.float().double().numpy()


bb = bf16_bits(rng.normal(0, 3, (32, 40)))
cb = bf16_bits(bf16_values(bb) + rng.normal(0, 0.3, (32, 40)))
t = next_tokens(np.ones((32, 40), dtype=bool)).astype(np.int64)
le = lambda a, dt: np.ascontiguousarray(a, dtype=dt).tobytes()  # noqa: E731
save_safetensors('bf16.safetensors', {
    'base': ('BF16', (32, 40), le(bb, '<u2')),
    'compare': ('BF16', (32, 40), le(cb, '<u2')),
    'tokens': ('I64', (32,), le(t, '<i8')),
})
case('bfloat16', '.safetensors BF16, decoded as torch .float()', 'bf16.safetensors',
     'bf16.safetensors',
     ['--base-array', 'base', '--compare-array', 'compare', '--tokens-array', 'tokens',
      '--top-k', '3'],
     bf16_values(bb), bf16_values(cb), top_k=3, tokens=t, tokens_file='bf16.safetensors')

# 6. compressed .npz, arrays picked by name
b = rng.normal(0, 3, (36, 28)).astype(np.float32)
c = (b + rng.normal(0, 0.4, b.shape)).astype(np.float32)
t = next_tokens(np.ones(b.shape, dtype=bool)).astype(np.int64)
np.savez_compressed(os.path.join(OUT, 'npz-base.npz'), logits=b, ids=t)
np.savez_compressed(os.path.join(OUT, 'npz-compare.npz'), logits=c)
pin_zip_times(os.path.join(OUT, 'npz-base.npz'))
pin_zip_times(os.path.join(OUT, 'npz-compare.npz'))
case('npz', 'np.savez_compressed, --array and --tokens-array', 'npz-base.npz', 'npz-compare.npz',
     ['--array', 'logits', '--tokens-array', 'ids'], b.astype(np.float64), c.astype(np.float64),
     tokens=t, tokens_file='npz-base.npz')

# 7. rank 3: [batch, seq, vocab] and [batch, seq] tokens
b = rng.normal(0, 3, (3, 10, 20)).astype(np.float32)
c = (b + rng.normal(0, 0.6, b.shape)).astype(np.float32)
t = next_tokens(np.ones(b.shape, dtype=bool)).reshape(3, 10).astype(np.int64)
save('rank3-base.npy', b)
save('rank3-compare.npy', c)
save('rank3-tokens.npy', t)
case('rank-3', '3 x 10 tokens in C order', 'rank3-base.npy', 'rank3-compare.npy', ['--top-k', '4'],
     b.astype(np.float64), c.astype(np.float64), top_k=4, tokens=t, tokens_file='rank3-tokens.npy')

# 8. shards: the whole file and 3 row ranges of it
b = rng.normal(0, 3, (60, 30)).astype(np.float32)
c = (b + rng.normal(0, 0.4, b.shape)).astype(np.float32)
c[33, 4] = -INF  # one infinite token, in the middle shard
t = next_tokens(np.isfinite(c)).astype(np.int64)
save('shards-base.npy', b)
save('shards-compare.npy', c)
save('shards-tokens.npy', t)
bounds = [(0, 20), (20, 45), (45, 60)]
for i, (s, e) in enumerate(bounds):
    save(f'shard{i}-base.npy', b[s:e])
    save(f'shard{i}-compare.npy', c[s:e])
    save(f'shard{i}-tokens.npy', t[s:e])
case('shards', 'whole file; shard{i}-*.npy hold rows 0-19, 20-44, 45-59', 'shards-base.npy',
     'shards-compare.npy', ['--top-k', '2'], b.astype(np.float64), c.astype(np.float64), top_k=2,
     tokens=t, tokens_file='shards-tokens.npy',
     extra={'shards': [[f'shard{i}-base.npy', f'shard{i}-compare.npy', f'shard{i}-tokens.npy']
                       for i in range(3)]})



# 9. state files written here from the LogitsReportState format (src/report/state.ts: version 1,
# per-row arrays as base64 of little-endian float64 / int32), at T = 1 and T = 2: kldiv merge
# reads them (its report is NumPy's) and refuses to merge the two
def b64(a, dtype):
    import base64
    return base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode('ascii')


b = np.array([[2.0, 0.5, -1.0], [0.25, 0.5, 3.0], [1.0, 1.0, -INF]])
c = np.array([[1.5, 0.5, -0.5], [0.0, 1.0, 2.5], [1.0, 0.5, -INF]])
for T in (1.0, 2.0):
    res, per = reference(b, c, T)
    name = f'state-t{int(T)}.json'
    with open(os.path.join(OUT, name), 'w') as fh:
        json.dump({
            'version': 1, 'kind': 'logitsReport', 'temperature': T, 'topK': None,
            'nanRows': 'error', 'vocab': 3, 'withTokens': False, 'rows': 3, 'skippedRows': 0,
            'kl': b64(per['kl'], '<f8'), 'top1Base': b64(per['top1Base'], '<i4'),
            'top1Compare': b64(per['top1Compare'], '<i4'),
        }, fh)
        fh.write('\n')
    case(f'state-t{int(T)}', 'a state file written by NumPy', None, None, [], b, c, T=T,
         extra={'state': name})

# 10. a histogram holding NaN, for kldiv dist
with open(os.path.join(OUT, 'dist-nan.csv'), 'w') as fh:
    fh.write('0.25,0.25,0.5\n0.5,nan,0.5\n')

with open(os.path.join(OUT, 'expected.json'), 'w') as fh:
    json.dump({
        'meta': {
            'generator': 'tools/cli-logits/gen-cases.py',
            'numpy': np.__version__,
            'scipy': scipy.__version__,
            'torch': torch.__version__,
            'seed': 1918,
        },
        'cases': cases,
    }, fh, allow_nan=False, indent=1)
    fh.write('\n')
total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
print(f'wrote {len(cases)} cases to {OUT}: {len(os.listdir(OUT))} files, {total} bytes')
