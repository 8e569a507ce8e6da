"""Exact copositivity on R^f × R^m_+ (exactland/exact/copositive.py) and exact least squares.

Expected values: hand-known matrices (the Horn matrix is copositive and not
the sum of a PSD and a non-negative matrix; a 2×2 with a negative
off-diagonal beyond the geometric mean is not copositive) and an independent
brute force over a rational grid.
"""
from __future__ import annotations

import itertools
import random

from flint import fmpq

from exactland.exact.copositive import decide_cone_form, quad
from exactland.exact.projection import Projector

Z, O = fmpq(0), fmpq(1)


def _m(rows):
    return [[fmpq(x) for x in r] for r in rows]


def test_horn_matrix_is_copositive():
    # The Horn matrix (Hall and Newman 1963): copositive on the orthant, with zeros such
    # as x = (1, 1, 0, 0, 0); it is not positive semidefinite.
    H = _m([[1, -1, 1, 1, -1], [-1, 1, -1, 1, 1], [1, -1, 1, -1, 1], [1, 1, -1, 1, -1], [-1, 1, 1, -1, 1]])
    assert decide_cone_form(H, 0, Z, O).copositive
    # with every variable free it is indefinite (it has a negative eigenvalue): the free
    # stage must find a point with q < 0
    r = decide_cone_form(H, 5, Z, O)
    assert not r.copositive and quad(H, r.witness, Z) < 0


def test_two_by_two_by_hand():
    # q = 2x² − 6xy + 2y²: on the orthant x = y = 1 gives −2 < 0.
    r = decide_cone_form(_m([[2, -3], [-3, 2]]), 0, Z, O)
    assert not r.copositive and r.value < 0 and all(c >= 0 for c in r.witness)
    # q = 2x² − 2xy + 2y² ≥ x² + y²: copositive (indeed PSD)
    assert decide_cone_form(_m([[2, -1], [-1, 2]]), 0, Z, O).copositive
    # a free variable coupled to a zero pivot: q = 2xy with x free, y ≥ 0 → q(-1, 1) < 0
    r = decide_cone_form(_m([[0, 1], [1, 0]]), 1, Z, O)
    assert not r.copositive and r.witness[1] >= 0


def test_against_grid_brute_force():
    rng = random.Random(5)
    grid = [fmpq(x, 2) for x in range(-4, 5)]
    for _ in range(80):
        n = rng.randint(1, 3)
        nf = rng.randint(0, n)
        B = [[fmpq(rng.randint(-2, 2)) for _ in range(n)] for _ in range(rng.randint(1, n))]
        M = [[sum((B[r][a] * B[r][b] for r in range(len(B))), Z) for b in range(n)] for a in range(n)]
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b:
            M[a][b] -= rng.randint(0, 3)
            M[b][a] = M[a][b]
        r = decide_cone_form(M, nf, Z, O)
        found = any(quad(M, x, Z) < 0 for x in itertools.product(grid, repeat=n) if all(c >= 0 for c in x[nf:]))
        if found:
            assert not r.copositive
        if not r.copositive:
            assert quad(M, r.witness, Z) < 0 and all(c >= 0 for c in r.witness[nf:])


def test_projector_residuals_are_orthogonal():
    cols = [(O, O, Z, Z), (O, O, Z, Z), (Z, O, O, Z)]
    P = Projector(cols, 4, Z)
    res = P.residuals([(fmpq(3), fmpq(1), fmpq(2), fmpq(5))])[0]
    assert all(sum((x * y for x, y in zip(res, c)), Z) == 0 for c in cols)
    assert res[3] == 5
    coef = P.coefficients((fmpq(1), fmpq(1), Z, Z))
    assert coef[0] == 1 and coef[1] == 0 and coef[2] == 0
