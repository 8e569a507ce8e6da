"""Independent Fraction helpers shared by the test oracles (no exactland imports)."""
from __future__ import annotations

from fractions import Fraction as Fr


def null_space(rows: list[list[Fr]], n: int) -> list[list[Fr]]:
    """Basis of {e in Q^n : r.e = 0 for every r in rows} (Gauss-Jordan)."""
    A = [list(r) for r in rows]
    piv_cols: list[int] = []
    r = 0
    for c in range(n):
        p = next((i for i in range(r, len(A)) if A[i][c] != 0), None)
        if p is None:
            continue
        A[r], A[p] = A[p], A[r]
        A[r] = [x / A[r][c] for x in A[r]]
        for i in range(len(A)):
            if i != r and A[i][c] != 0:
                f = A[i][c]
                A[i] = [a - f * b for a, b in zip(A[i], A[r])]
        piv_cols.append(c)
        r += 1
    free = [c for c in range(n) if c not in piv_cols]
    basis = []
    for f in free:
        v = [Fr(0)] * n
        v[f] = Fr(1)
        for i, pc in enumerate(piv_cols):
            v[pc] = -A[i][f]
        basis.append(v)
    return basis
