#!/usr/bin/env python3
"""Independent reference for docs/protocol/vdf.md, written from the document (not from the C# code): checks the test
vectors in tests/TensorCash.Tests/fixtures/vdf/vectors.json. Slow and simple on purpose: plain composition (Cohen 5.4.7)
and Gauss reduction, y recomputed by T squarings, pi verified by the Wesolowski check.

    python3 docs/protocol/vdf_reference.py [path/to/vectors.json]
"""
import hashlib, json, sys

SMALL = [p for p in range(2, 2000) if all(p % d for d in range(2, int(p ** 0.5) + 1))]


def is_probable_prime(n):
    if n < 2:
        return False
    if n < 2000:
        return n in SMALL
    if any(n % p == 0 for p in SMALL):
        return False
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in SMALL[:16]:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
            if x == 1:
                return False
        else:
            return False
    return True


def discriminant(seed, bits):
    nbytes = (bits + 7) // 8
    stream = b""
    counter = 0
    while len(stream) < nbytes:
        stream += hashlib.sha256(b"TensorCash/vdf/discriminant" + seed + bits.to_bytes(2, "big") + counter.to_bytes(4, "big")).digest()
        counter += 1
    x = int.from_bytes(stream[:nbytes], "big") & ((1 << bits) - 1)
    x |= (1 << (bits - 1)) | 7
    while not is_probable_prime(x):
        x += 8
    return -x


def reduce(f):
    a, b, c = f
    while True:
        if not (-a < b <= a):
            r = (a - b) // (2 * a)
            b, c = b + 2 * r * a, a * r * r + b * r + c
        if a > c or (a == c and b < 0):
            a, b, c = c, -b, a
            continue
        return (a, b, c)


def xgcd(a, b):
    r0, r1, s0, s1, t0, t1 = a, b, 1, 0, 0, 1
    while r1:
        q = r0 // r1
        r0, r1, s0, s1, t0, t1 = r1, r0 - q * r1, s1, s0 - q * s1, t1, t0 - q * t1
    if r0 < 0:
        r0, s0, t0 = -r0, -s0, -t0
    return r0, s0, t0


def compose(f1, f2, D):
    if f1[0] > f2[0]:
        f1, f2 = f2, f1
    a1, b1, _ = f1
    a2, b2, c2 = f2
    s = (b1 + b2) // 2
    n = b2 - s
    if a2 % a1 == 0:
        y1, d = 0, a1
    else:
        d, u, _ = xgcd(a2, a1)
        y1 = u
    if s % d == 0:
        y2, x2, d1 = -1, 0, d
    else:
        d1, x2, y2 = xgcd(s, d)
        y2 = -y2
    v1, v2 = a1 // d1, a2 // d1
    r = (y1 * y2 * n - x2 * c2) % v1
    b3 = b2 + 2 * v2 * r
    a3 = v1 * v2
    assert (b3 * b3 - D) % (4 * a3) == 0
    return reduce((a3, b3, (b3 * b3 - D) // (4 * a3)))


def power(f, e, D):
    result = (1, 1, (1 - D) // 4)
    for bit in bin(e)[2:] if e else "":
        result = compose(result, result, D)
        if bit == "1":
            result = compose(result, f, D)
    return result


def encode(f, bits):
    w = (bits + 15) // 16
    a, b, _ = f
    return bytes([1 if b < 0 else 0]) + a.to_bytes(w, "big") + abs(b).to_bytes(w, "big")


def decode(data, D, bits):
    w = (bits + 15) // 16
    assert len(data) == 2 * w + 1 and data[0] in (0, 1)
    a = int.from_bytes(data[1:1 + w], "big")
    b = int.from_bytes(data[1 + w:], "big") * (-1 if data[0] else 1)
    assert (b * b - D) % (4 * a) == 0
    f = (a, b, (b * b - D) // (4 * a))
    assert reduce(f) == f
    return f


def hash_to_prime(data, bits):
    counter = 0
    while True:
        h = bytearray(hashlib.sha256(b"TensorCash/vdf/prime" + len(data).to_bytes(2, "big") + data + counter.to_bytes(4, "big")).digest())
        h[0] |= 0x80
        h[bits // 8 - 1] |= 1
        candidate = int.from_bytes(h[:bits // 8], "big")
        if is_probable_prime(candidate):
            return candidate
        counter += 1


def check(v):
    seed, bits, t, lbits = bytes.fromhex(v["seed"]), v["bits"], v["t"], v["challengebits"]
    D = discriminant(seed, bits)
    assert D == int(v["discriminant"]), "discriminant"
    g = (2, 1, (1 - D) // 8)
    y = g
    for _ in range(t):
        y = compose(y, y, D)
    assert encode(y, bits).hex() == v["y"], "y"
    magnitude = (-D).to_bytes(((-D).bit_length() + 7) // 8, "big")
    data = len(magnitude).to_bytes(2, "big") + magnitude + encode(g, bits) + encode(y, bits) + t.to_bytes(8, "big")
    l = hash_to_prime(data, lbits)
    assert l == int(v["l"]), "l"
    pi = decode(bytes.fromhex(v["pi"]), D, bits)
    assert compose(power(pi, l, D), power(g, pow(2, t, l), D), D) == y, "Wesolowski check"
    assert pi == power(g, (1 << t) // l, D), "pi = g^floor(2^T/l)"
    assert hashlib.sha256(encode(y, bits)).hexdigest() == v["v"], "v"
    assert v["evidence"] == v["y"] + v["pi"], "evidence"


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else "tests/TensorCash.Tests/fixtures/vdf/vectors.json"
    for vector in json.load(open(path))["vectors"]:
        check(vector)
        print("ok:", vector["name"])
