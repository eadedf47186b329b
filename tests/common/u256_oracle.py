#!/usr/bin/env python3
"""U256 against Python's big integers (the oracle), run by ctest as common.u256_oracle.

Generates random and edge-value cases for add, sub, mul, div, mod, mul_div_floor and decimal
round trips, feeds them to tests/common/u256_oracle.cc and compares every answer.

    tests/common/u256_oracle.py BUILD/u256_oracle [--cases N] [--seed S]

Edge values: 0, 1, 2, 2^64 +/- 1, 2^128 +/- 1, 2^192, 2^255, 2^256 - 1, words with the high bit set
in each position, dividend == divisor. Random operands are drawn per 64-bit word from special
words (0, 1, 2^63, 2^64 - 1, ...) and random words, with random widths, so every divisor width
(1 to 4 words) and every normalisation shift occurs. Algorithm D's add-back step (a quotient digit
estimate one too large, about 2 in 2^64 for random digits) is exercised by such structured words;
the script simulates Algorithm D to count the cases that take it and fails if there are none.
"""
import argparse
import random
import subprocess
import sys

B = 1 << 64
MAX = (1 << 256) - 1
SPECIAL_WORDS = [0, 1, 2, B - 1, B - 2, 1 << 63, (1 << 63) - 1, (1 << 63) + 1]
EDGES = sorted({0, 1, 2, 3, 10, B - 1, B, B + 1, (1 << 128) - 1, 1 << 128, (1 << 128) + 1,
                1 << 192, (1 << 255), MAX, MAX - 1, (1 << 255) - 1}
               | {1 << (64 * i + 63) for i in range(4)}
               | {((1 << (64 * i + 63)) | 1) for i in range(4)}
               | {(1 << (64 * (i + 1))) - 1 for i in range(4)})


def words_of(x, n):
    return [(x >> (64 * i)) & (B - 1) for i in range(n)]


def nwords(x):
    return (x.bit_length() + 63) // 64


def knuth_add_backs(u, v):
    """How many quotient digits of u // v take Algorithm D's add-back step (64-bit digits)."""
    n, m = nwords(v), nwords(u)
    if n < 2 or m < n:
        return 0
    s = (64 - v.bit_length() % 64) % 64
    vn, un = words_of(v << s, n), words_of(u << s, m + 1)
    vv = v << s
    count = 0
    for j in range(m - n, -1, -1):
        top = un[j + n] * B + un[j + n - 1]
        qhat, rhat = divmod(top, vn[n - 1])
        while qhat >= B or qhat * vn[n - 2] > rhat * B + un[j + n - 2]:
            qhat -= 1
            rhat += vn[n - 1]
            if rhat >= B:
                break
        window = sum(un[j + i] << (64 * i) for i in range(n + 1)) - qhat * vv
        if window < 0:
            count += 1
            window += vv
        un[j:j + n + 1] = words_of(window, n + 1)
    return count


def operand(rng):
    kind = rng.random()
    if kind < 0.15:
        return rng.choice(EDGES)
    if kind < 0.35:
        return rng.getrandbits(rng.randint(1, 256))
    width = rng.randint(1, 4)
    x = 0
    for i in range(width):
        w = rng.choice(SPECIAL_WORDS) if rng.random() < 0.6 else rng.getrandbits(64)
        x |= w << (64 * i)
    if x >> (64 * (width - 1)) == 0 and rng.random() < 0.5:
        x |= rng.getrandbits(64) << (64 * (width - 1))
    return x


def expected(op, a, b, c):
    def fit(x):
        return hex(x) if 0 <= x <= MAX else "none"
    if op == "add":
        return fit(a + b)
    if op == "sub":
        return fit(a - b)
    if op == "mul":
        return fit(a * b)
    if op == "div":
        return fit(a // b) if b else "none"
    if op == "mod":
        return fit(a % b) if b else "none"
    if op == "muldiv":
        return fit(a * b // c) if c else "none"
    if op == "dec":
        return str(a)
    raise ValueError(op)


def cases(rng, n):
    out = []
    # Every pair of edge values through every binary operation.
    for a in EDGES:
        for b in EDGES:
            for op in ("add", "sub", "mul", "div", "mod"):
                out.append((op, a, b, 0))
        out.append(("div", a, a, 0))  # dividend == divisor
        out.append(("mod", a, a, 0))
        out.append(("dec", a, 0, 0))
    for a in EDGES:
        for b in EDGES:
            out.append(("muldiv", a, b, rng.choice(EDGES)))
            out.append(("muldiv", a, b, max(1, (a * b) >> 256)))  # quotient near 2^256
    for _ in range(n):
        op = rng.choice(("add", "sub", "mul", "div", "div", "mod", "mod", "muldiv", "muldiv", "dec"))
        a, b, c = operand(rng), operand(rng), operand(rng)
        if op in ("div", "mod") and rng.random() < 0.3:
            a, b = max(a, b), min(a, b)  # mostly dividend >= divisor
        if op == "muldiv" and rng.random() < 0.5:
            c = max(c, (a * b) >> 256) or 1  # mostly results that fit
        out.append((op, a, b, c))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--cases", type=int, default=40000)
    ap.add_argument("--seed", type=int, default=20261205)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    todo = cases(rng, args.cases)
    stdin = "".join(f"{op} {hex(a)} {hex(b)} {hex(c)}\n" for op, a, b, c in todo)
    proc = subprocess.run([args.binary], input=stdin, capture_output=True, text=True, check=False)
    got = proc.stdout.splitlines()
    if proc.returncode != 0 or len(got) != len(todo):
        print(f"oracle binary failed: exit {proc.returncode}, {len(got)} of {len(todo)} answers\n"
              f"{proc.stderr}{got[-1:] if got else ''}")
        return 1
    failures = 0
    for (op, a, b, c), answer in zip(todo, got):
        want = expected(op, a, b, c)
        if answer != want:
            failures += 1
            if failures <= 20:
                print(f"MISMATCH {op} a={hex(a)} b={hex(b)} c={hex(c)}: got {answer}, want {want}")
    add_backs = sum(1 for op, a, b, c in todo if op in ("div", "mod") and b and knuth_add_backs(a, b))
    add_backs += sum(1 for op, a, b, c in todo if op == "muldiv" and c and knuth_add_backs(a * b, c))
    print(f"{len(todo)} cases (seed {args.seed}), {failures} mismatches, "
          f"{add_backs} take Algorithm D's add-back step")
    if add_backs == 0:
        print("no case exercises the add-back step: widen the structured operands")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
