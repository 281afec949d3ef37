"""Small logits and token files in the formats models write, for the kldiv CLI's readers
(packages/cli/src/formats; issue 18, item 2), and the values each decodes to.

Run from the repository root (Debian python3-numpy 1.24, python3-torch 1.13); it writes
test/data/cli-formats/*.npy, *.npz, *.safetensors and expected.json:
    /usr/bin/python3 tools/cli-formats/gen-files.py

The same seeded float64 logits (numpy RandomState(18), normal, scale 3), one [5, 7] and one
[2, 3, 7] array, are saved
- as .npy in float16, float32 and float64 (np.save), big-endian too, and in .npy versions 2.0
  and 3.0 (np.lib.format.write_array);
- in .npz archives of three arrays (logits float32 [5, 7], logits3 float16 [2, 3, 7], tokens
  int64 [2, 3]) by np.savez (stored) and np.savez_compressed (deflate), and in a one-array
  np.savez (`arr_0`, float64);
- in .safetensors with F16, BF16 (torch's round-to-nearest-even), F32 and F64 tensors and an
  I64 token tensor, written here from the format's specification (header length u64 LE, JSON
  header padded with spaces to 8 bytes, then the little-endian data): the safetensors package is
  not installed.
Special values (signed zeros, the smallest and largest subnormals and normals, infinities, quiet
and signalling NaNs with payloads, and seeded random bit patterns) go in special-f16.npy and the
special_f16 / special_bf16 tensors, as raw 16-bit patterns.

expected.json lists, per file and array, the dtype, shape and decoded values: float64 numbers
(JSON numbers; "nan", "inf", "-inf" as strings; -0.0 stays -0.0) computed by NumPy / PyTorch,
e.g. float(np.float16 value), and for float16, bfloat16 and float32 the float32 bit patterns
(uint32) NumPy's astype(float32) (float16) and torch's .float() (bfloat16) produce, so the
tests compare every value bitwise, NaN payloads included.
"""
import json
import os
import struct
import zipfile

import numpy as np
import torch

OUT = os.path.join('test', 'data', 'cli-formats')

rng = np.random.RandomState(18)
L2 = rng.normal(0, 3, (5, 7))
L3 = rng.normal(0, 3, (2, 3, 7))
TOKENS = rng.randint(0, 7, (2, 3)).astype(np.int64)
TOKENS5 = np.array([4, 0, -100, 6, 2], dtype=np.int32)
TOKENS_U16 = np.array([0, 1, 65535, 300, 7], dtype=np.uint16)

F16_SPECIAL = [
    0x0000, 0x8000, 0x0001, 0x8001, 0x03FF, 0x83FF, 0x0400, 0x7BFF,
    0xFBFF, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFE01, 0x7FFF, 0x3C00,
    0x3BFF, 0x3C01, 0x3555, 0xC000, 0x0200,
] + [int(v) for v in rng.randint(0, 65536, 11)]
BF16_SPECIAL = [
    0x0000, 0x8000, 0x0001, 0x8001, 0x007F, 0x807F, 0x0080, 0x7F7F,
    0xFF7F, 0x7F80, 0xFF80, 0x7FC0, 0x7F81, 0xFFC1, 0x7FFF, 0x3F80,
    0x3F7F, 0x3F81, 0x3EAB, 0xC000, 0x0040,
] + [int(v) for v in rng.randint(0, 65536, 11)]

cases = []


def number(v):
    v = float(v)
    if v != v:
        return 'nan'
    if v in (float('inf'), float('-inf')):
        return 'inf' if v > 0 else '-inf'
    return v


def add(file, array, kind, dtype, shape, values, bits32=None):
    case = {'file': file, 'array': array, 'kind': kind, 'dtype': dtype, 'shape': list(shape)}
    if kind == 'tokens':
        case['values'] = [int(v) for v in np.asarray(values).ravel()]
    else:
        case['values'] = [number(v) for v in np.asarray(values).ravel()]
    if bits32 is not None:
        case['bits32'] = [int(b) for b in np.asarray(bits32).ravel()]
    cases.append(case)


def f16(a):
    """float16 array: its values as float64 and the float32 bits NumPy converts it to."""
    return a.astype(np.float64), a.astype(np.float32).view(np.uint32)


def f32(a):
    return a.astype(np.float64), a.view(np.uint32)


def bf16_bits(a):
    """torch's bfloat16 rounding of float64 values, as uint16 bit patterns."""
    t = torch.from_numpy(np.ascontiguousarray(a, dtype=np.float64)).to(torch.bfloat16)
    return t.view(torch.int16).numpy().view(np.uint16)


def bf16_decode(bits):
    t = torch.from_numpy(np.ascontiguousarray(bits, dtype=np.uint16).view(np.int16)).view(torch.bfloat16)
    f = t.float()
    return f.double().numpy(), f.numpy().view(np.uint32)


def save_npy(name, a, version=None):
    with open(os.path.join(OUT, name), 'wb') as fh:
        np.lib.format.write_array(fh, a, version=version, allow_pickle=False)


def logits_case(file, array, a):
    dtype = {np.float16: 'float16', np.float32: 'float32', np.float64: 'float64'}[a.dtype.type]
    if dtype == 'float16':
        add(file, array, 'logits', dtype, a.shape, *f16(a))
    elif dtype == 'float32':
        add(file, array, 'logits', dtype, a.shape, *f32(a))
    else:
        add(file, array, 'logits', dtype, a.shape, a)


# .npy
for name, a in [('logits', L2), ('logits3', L3)]:
    for suffix, dt in [('f16', np.float16), ('f32', np.float32), ('f64', np.float64)]:
        arr = a.astype(dt)
        np.save(os.path.join(OUT, f'{name}-{suffix}.npy'), arr)
        logits_case(f'{name}-{suffix}.npy', None, arr)
for suffix, dt in [('f16', '>f2'), ('f32', '>f4'), ('f64', '>f8')]:
    arr = L2.astype(dt)
    np.save(os.path.join(OUT, f'logits-{suffix}-be.npy'), arr)
    logits_case(f'logits-{suffix}-be.npy', None, arr.astype(arr.dtype.newbyteorder('=')))
save_npy('logits-f32-v2.npy', L2.astype(np.float32), version=(2, 0))
logits_case('logits-f32-v2.npy', None, L2.astype(np.float32))
save_npy('logits-f64-v3.npy', L2, version=(3, 0))
logits_case('logits-f64-v3.npy', None, L2)
special = np.array(F16_SPECIAL, dtype=np.uint16).view(np.float16).reshape(4, 8)
np.save(os.path.join(OUT, 'special-f16.npy'), special)
logits_case('special-f16.npy', None, special)
np.save(os.path.join(OUT, 'tokens-i32.npy'), TOKENS5)
add('tokens-i32.npy', None, 'tokens', 'int32', TOKENS5.shape, TOKENS5)
np.save(os.path.join(OUT, 'tokens-i64.npy'), TOKENS)
add('tokens-i64.npy', None, 'tokens', 'int64', TOKENS.shape, TOKENS)
np.save(os.path.join(OUT, 'tokens-i64-be.npy'), TOKENS.astype('>i8'))
add('tokens-i64-be.npy', None, 'tokens', 'int64', TOKENS.shape, TOKENS)
np.save(os.path.join(OUT, 'tokens-u16.npy'), TOKENS_U16)
add('tokens-u16.npy', None, 'tokens', 'uint16', TOKENS_U16.shape, TOKENS_U16)

def pin_zip_times(path):
    """Sets every entry's DOS time and date, in its local header and in the central directory,
    to 1980-01-01 00:00 (np.savez stamps the current time), so that a rerun writes the same bytes.
    """
    fixed = struct.pack('<HH', 0, (0 << 9) | (1 << 5) | 1)
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        start = zf.start_dir
    raw = bytearray(open(path, 'rb').read())
    for info in infos:
        assert raw[info.header_offset:info.header_offset + 4] == b'PK\x03\x04'
        raw[info.header_offset + 10:info.header_offset + 14] = fixed
    p = start
    for _ in infos:
        assert raw[p:p + 4] == b'PK\x01\x02'
        raw[p + 12:p + 16] = fixed
        n, m, k = struct.unpack('<HHH', raw[p + 28:p + 34])
        p += 46 + n + m + k
    open(path, 'wb').write(bytes(raw))


# .npz
npz_arrays = {'logits': L2.astype(np.float32), 'logits3': L3.astype(np.float16), 'tokens': TOKENS}
for file, save in [('logits-stored.npz', np.savez), ('logits-compressed.npz', np.savez_compressed)]:
    save(os.path.join(OUT, file), **npz_arrays)
    pin_zip_times(os.path.join(OUT, file))
    logits_case(file, 'logits', npz_arrays['logits'])
    logits_case(file, 'logits3', npz_arrays['logits3'])
    add(file, 'tokens', 'tokens', 'int64', TOKENS.shape, TOKENS)
np.savez(os.path.join(OUT, 'one-array.npz'), L2)
pin_zip_times(os.path.join(OUT, 'one-array.npz'))
logits_case('one-array.npz', None, L2)


# .safetensors
def save_safetensors(file, tensors, metadata=None):
    header = {}
    if metadata is not None:
        header['__metadata__'] = metadata
    data = b''
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {'dtype': dtype, 'shape': list(shape), 'data_offsets': [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    with open(os.path.join(OUT, file), 'wb') as fh:
        fh.write(struct.pack('<Q', len(text)) + text + data)


le = lambda a, dt: np.ascontiguousarray(a, dtype=dt).tobytes()  # noqa: E731
L2_bf16 = bf16_bits(L2)
L3_bf16 = bf16_bits(L3)
special_bf16 = np.array(BF16_SPECIAL, dtype=np.uint16).reshape(4, 8)
save_safetensors('logits.safetensors', {
    'logits_f16': ('F16', (5, 7), le(L2, '<f2')),
    'logits_bf16': ('BF16', (5, 7), le(L2_bf16, '<u2')),
    'logits_f32': ('F32', (5, 7), le(L2, '<f4')),
    'logits_f64': ('F64', (5, 7), le(L2, '<f8')),
    'logits3_bf16': ('BF16', (2, 3, 7), le(L3_bf16, '<u2')),
    'special_f16': ('F16', (4, 8), le(special.view(np.uint16), '<u2')),
    'special_bf16': ('BF16', (4, 8), le(special_bf16, '<u2')),
    'tokens': ('I64', (2, 3), le(TOKENS, '<i8')),
}, metadata={'format': 'pt'})
logits_case('logits.safetensors', 'logits_f16', L2.astype(np.float16))
add('logits.safetensors', 'logits_bf16', 'logits', 'bfloat16', (5, 7), *bf16_decode(L2_bf16))
logits_case('logits.safetensors', 'logits_f32', L2.astype(np.float32))
logits_case('logits.safetensors', 'logits_f64', L2)
add('logits.safetensors', 'logits3_bf16', 'logits', 'bfloat16', (2, 3, 7), *bf16_decode(L3_bf16))
logits_case('logits.safetensors', 'special_f16', special)
add('logits.safetensors', 'special_bf16', 'logits', 'bfloat16', (4, 8), *bf16_decode(special_bf16))
add('logits.safetensors', 'tokens', 'tokens', 'int64', TOKENS.shape, TOKENS)
save_safetensors('single.safetensors', {'logits': ('F32', (5, 7), le(L2, '<f4'))})
logits_case('single.safetensors', None, L2.astype(np.float32))

with open(os.path.join(OUT, 'expected.json'), 'w') as fh:
    json.dump({
        'generator': 'tools/cli-formats/gen-files.py',
        'numpy': np.__version__,
        'torch': torch.__version__,
        'cases': cases,
    }, fh, indent=1)
    fh.write('\n')
