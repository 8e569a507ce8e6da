"""The float64 carrier (exactland.exact.carrier) equals exact integer arithmetic.

Every product is compared with the object-integer (Python int) product of the
same matrices: random bounded matrices, matrices whose bound ``n·A·B`` sits
just below and just above 2**53 (direct float64 product versus limbs), just
below and above 2**62 (int64 versus Python-integer recombination), int64
extremes and object matrices that must fall back. The exact row minima of
``row_min_ratio`` (float pruning, proved by monotone rounding) are compared
with ``Fraction`` minima, ties and near-ties included.
"""
from __future__ import annotations

from fractions import Fraction as Fr

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import SETTINGS

from exactland.exact.carrier import (
    CARRIER_LIMIT,
    INT64_LIMIT,
    bound_of,
    carrier_matmul,
    carrier_ok,
    limbs,
)
from exactland.exact.intmat import matmul, min_ratio, row_min_ratio


def _exact(a: np.ndarray, b: np.ndarray) -> list[list[int]]:
    A = [[int(x) for x in row] for row in a.tolist()]
    B = [[int(x) for x in row] for row in b.tolist()]
    return [[sum(A[i][l] * B[l][j] for l in range(len(B))) for j in range(len(B[0]) if B else 0)]
            for i in range(len(A))]


@st.composite
def bounded_pair(draw, max_bits: int = 62):
    """Two int64 matrices with entries of up to ``max_bits`` bits, often at the extremes."""
    m, n, k = draw(st.integers(1, 5)), draw(st.integers(1, 6)), draw(st.integers(1, 5))
    ba, bb = draw(st.integers(0, max_bits)), draw(st.integers(0, max_bits))

    def entry(bits: int):
        top = (1 << bits) - 1 if bits else 0
        return st.one_of(st.integers(-top, top), st.sampled_from([top, -top, 0, top // 2 + 1]))

    a = np.array(draw(st.lists(st.lists(entry(ba), min_size=n, max_size=n), min_size=m, max_size=m)),
                 dtype=np.int64)
    b = np.array(draw(st.lists(st.lists(entry(bb), min_size=k, max_size=k), min_size=n, max_size=n)),
                 dtype=np.int64)
    return a, b


@settings(max_examples=300, **SETTINGS)
@given(bounded_pair())
def test_carrier_product_equals_the_object_integer_product(pair):
    a, b = pair
    out = carrier_matmul(a, b, bound_of(a), bound_of(b))
    assert out is not None  # int64 inputs below 2**62 always split
    assert [[int(x) for x in row] for row in out.tolist()] == _exact(a, b)
    assert matmul(a, b, True).tolist() == _exact(a, b)
    n_ab = a.shape[1] * bound_of(a) * bound_of(b)
    assert out.dtype == (np.int64 if n_ab < INT64_LIMIT else object)


@settings(max_examples=200, **SETTINGS)
@given(st.integers(1, 64), st.integers(20, 33), st.integers(-3, 3), st.randoms(use_true_random=False))
def test_products_at_the_float64_bound(n, bits, nudge, rnd):
    # Entries near 2**bits with n·A·B right around 2**53: direct product on one
    # side of the bound, limbs on the other; both exact.
    A = (1 << bits) + nudge
    B = max(1, (CARRIER_LIMIT // (n * A)) + rnd.choice([-1, 0, 1]))
    a = np.array([[rnd.choice([A, -A, A - 1]) for _ in range(n)] for _ in range(3)], dtype=np.int64)
    b = np.array([[rnd.choice([B, -B, B - 1]) for _ in range(2)] for _ in range(n)], dtype=np.int64)
    a[0, 0], b[0, 0] = A, B
    direct = carrier_ok(n, A, B)
    assert direct == (n * A * B < CARRIER_LIMIT)
    out = carrier_matmul(a, b, A, B, keep_float=True)
    assert out.dtype == (np.float64 if direct else np.int64)
    assert [[int(x) for x in row] for row in out.tolist()] == _exact(a, b)


def test_all_ones_just_over_the_bound_is_not_computed_in_one_float_product():
    # The bound is strict: n·A·B = 2**53 is refused, one less is accepted.
    assert carrier_ok(2**27 - 1, 2**13, 2**13) and not carrier_ok(2**27, 2**13, 2**13)
    a = np.full((1, 4), 2**51, dtype=np.int64)
    b = np.ones((4, 1), dtype=np.int64)
    out = carrier_matmul(a, b, 2**51, 1, keep_float=True)
    assert out.dtype == np.int64 and int(out[0, 0]) == 2**53  # exactly: 4·2**51 via limbs


def test_products_beyond_int64_fall_back_to_python_integers():
    a = np.array([[2**61, -(2**61)], [3, 2**61 - 1]], dtype=np.int64)
    b = np.array([[2**61], [2**60 + 7]], dtype=np.int64)
    out = carrier_matmul(a, b, bound_of(a), bound_of(b))
    assert out.dtype == object and out.tolist() == _exact(a, b)
    big = np.array([[2**70, 1]], dtype=object)
    assert carrier_matmul(big, b, bound_of(big), bound_of(b)) is None  # object input: not carried
    assert matmul(big, b, True).tolist() == _exact(big, b)
    ext = np.array([[np.iinfo(np.int64).min]], dtype=np.int64)
    assert bound_of(ext) == 2**63
    assert matmul(ext, np.array([[3]]), True).tolist() == [[-(2**63) * 3]]


@settings(max_examples=100, **SETTINGS)
@given(st.lists(st.integers(-(2**61), 2**61), min_size=1, max_size=8), st.integers(1, 40))
def test_limbs_reassemble_with_the_sign_of_the_entry(values, bits):
    a = np.array(values, dtype=np.int64)
    parts = limbs(a, bits, bound_of(a))
    assert [sum(int(p[i]) << (bits * q) for q, p in enumerate(parts)) for i in range(len(values))] == values
    for p in parts:
        assert bound_of(p) < 2**bits
        assert all(int(x) == 0 or (int(x) > 0) == (v > 0) for x, v in zip(p, values))


def test_float_carrier_inputs_and_outputs():
    a = np.array([[3.0, -4.0]]); b = np.array([[5.0], [2.0]])
    assert matmul(a, b, True, carrier=True).dtype == np.float64
    assert matmul(a, b, True).tolist() == [[7]] and matmul(a, b, True).dtype == np.int64


@st.composite
def ratio_rows(draw):
    m, K = draw(st.integers(1, 4)), draw(st.integers(1, 6))
    scale = draw(st.sampled_from([1, 2**20, 2**40, 2**52 - 1, 2**53, 2**61, 2**70]))
    a = [[draw(st.integers(-scale, scale)) for _ in range(K)] for _ in range(m)]
    n = [draw(st.integers(1, scale)) for _ in range(K)]
    if draw(st.booleans()):  # near-ties: equal and almost equal ratios
        a[0] = [n[k] * 3 + draw(st.sampled_from([0, 0, 1, -1])) for k in range(K)]
    skip = [[draw(st.integers(0, 3)) == 0 for _ in range(K)] for _ in range(m)]
    dtype = np.int64 if scale < 2**62 else object
    return np.array(a, dtype=dtype), np.array(n, dtype=dtype), np.array(skip, dtype=bool)


@settings(max_examples=300, **SETTINGS)
@given(ratio_rows(), st.booleans())
def test_row_min_ratio_is_the_exact_row_minimum(case, as_float):
    a, n, skip = case
    if as_float and bound_of(a) < CARRIER_LIMIT:
        a = a.astype(np.float64)  # a float64 carrier holds the same integers
    num, den = row_min_ratio(a, n, skip, chunk=2)
    for i in range(a.shape[0]):
        vals = [Fr(abs(int(a[i, k])), int(n[k])) for k in range(a.shape[1]) if not skip[i, k]]
        if vals:
            assert Fr(int(num[i]), int(den[i])) == min(vals)
        else:
            assert int(den[i]) == 0


def test_min_ratio_still_handles_infinity():
    assert [x.tolist() for x in min_ratio(np.array([[1, 1]]), np.array([[0, 0]]))] == [[1], [0]]


@pytest.mark.parametrize("shape", [(0, 3), (3, 0)])
def test_empty_products(shape):
    a = np.zeros(shape, dtype=np.int64)
    b = np.zeros((shape[1], 2), dtype=np.int64)
    assert matmul(a, b, True).shape == (shape[0], 2)


@settings(max_examples=150, **SETTINGS)
@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_int_rows_gives_numerators_over_the_row_lcm(rows, cols, data):
    from math import lcm

    from flint import fmpq

    from exactland.exact.intmat import int_rows
    big = data.draw(st.sampled_from([10, 2**40, 2**70]))
    m = [[fmpq(data.draw(st.integers(-big, big)), data.draw(st.integers(1, big))) for _ in range(cols)]
         for _ in range(rows)]
    num, dens = int_rows(m)
    for r, row in enumerate(m):
        D = lcm(*(int(x.q) for x in row))
        assert dens[r] == D
        assert [int(v) for v in num[r]] == [int(x.p) * (D // int(x.q)) for x in row]
    assert num.dtype == (np.int64 if all(abs(int(v)) < INT64_LIMIT for v in num.flat) else object)


@pytest.mark.parametrize("act", [(1, 0), (2, "-1/3")])
def test_many_neurons_outputs_in_blocks_equal_the_oracle(act):
    # More than one block of neurons (2048) in the hidden-layer product.
    from fractions import Fraction

    from oracles import own_loss, own_residuals

    import exactland
    from exactland.core.network import evaluate
    rng = np.random.default_rng(5)
    I, K = 2100, 4
    X = [[int(v) for v in row] + [1] for row in rng.integers(-9, 10, (K, 2))]
    W = [[int(v) for v in row] for row in rng.integers(-50, 51, (I, 3))]
    H = [[f"{int(v)}/7" for v in rng.integers(-5, 6, I)]]
    Y = [[int(v)] for v in rng.integers(-3, 4, K)]
    p = exactland.load({"activation": {"alpha_plus": act[0], "alpha_minus": act[1]},
                        "X": X, "Y": Y, "W": W, "H": H})
    ev = evaluate(p)
    a = (Fraction(act[0]), Fraction(act[1]))
    Hf = [[Fraction(h) for h in H[0]]]
    assert Fraction(str(ev.loss)) == own_loss(a, X, Y, W, Hf)
    res = own_residuals(a, X, Y, W, Hf)
    assert [[Fraction(str(ev.e(k, 0)))] for k in range(K)] == res


@settings(max_examples=100, **SETTINGS)
@given(st.lists(st.lists(st.one_of(st.integers(-(2**61), 2**61), st.sampled_from([2**61, -(2**61), -1, 0])),
                         min_size=3, max_size=3), min_size=1, max_size=3),
       st.sampled_from([1, 3, 2**20]))
def test_int_rows_packs_large_int64_entries_exactly(ints, den):
    # Entries near ±2**61 take the packed fast path (the Gram bound stays below 2**124).
    from flint import fmpq

    from exactland.exact.intmat import int_rows
    m = [[fmpq(v, den) for v in row] for row in ints]
    num, dens = int_rows(m)
    assert [[fmpq(int(v), d) for v in row] for row, d in zip(num.tolist(), dens)] == m
    assert num.dtype == np.int64
