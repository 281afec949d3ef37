"""Reference values for test/tensor/python-format.test.ts: Python's own float formatting.

Run: /usr/bin/python3 tools/gen-python-format.py > test/data/python-format.json
Values: exact binary ties (k/2^n), float32-rounded randoms over 1e-45..3e38, integers,
specials. Each row: [value as float64 hex, precision, '{:.Nf}' text, '{:.Ne}' text].
"""
import json, math, random, struct, sys

random.seed(20261127)
vals = [0.0, -0.0, 1.0, -1.0, 0.5, 0.03125, 0.00015, 0.00025, 1.03125, 2.5, 3.5, -2.5,
        0.125, 0.375, 9.99995, 99999.5, 123456792.0, 1e-8, 1e21, 1e22, 3.4028234663852886e38,
        1.401298464324817e-45, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
        0.6208999752998352, 7.4506001472473145, 9.999999747378752e-06]
for n in range(1, 16):
    for k in range(1, 40, 3):
        vals.append(k / 2 ** n)
        vals.append(-(k / 2 ** n) * 1000)
for _ in range(600):
    e = random.uniform(-45, 38)
    v = struct.unpack('f', struct.pack('f', random.choice([-1, 1]) * 10 ** e))[0]
    vals.append(v)
for _ in range(200):
    vals.append(random.uniform(-1e9, 1e9))
rows = []
for v in vals:
    for p in (0, 1, 4, 8):
        rows.append([float.hex(v), p, format(v, '.%df' % p) if abs(v) < 1e40 else None, format(v, '.%de' % p)])
for v in (math.nan, math.inf, -math.inf):
    rows.append([str(v), 4, format(v, '.4f'), format(v, '.4e')])
json.dump({"generator": "Python %s format(), tools/gen-python-format.py" % sys.version.split()[0], "rows": rows}, sys.stdout)
