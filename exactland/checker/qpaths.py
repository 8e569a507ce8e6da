"""Witness paths and the radius constant ``rho_w`` at a rational point, over integers.

The functions take a :class:`~exactland.checker.qpoint.QPoint` and directions
``ΔW`` (|I|×d) and ``ΔH`` (|J|×|I|) as :class:`~exactland.checker.qarray.QArray`.
Only the neurons a direction moves are re-evaluated along ``P + tΔ``; a
minimum of ratios is found by exact cross-multiplication
(:func:`~exactland.checker.intarr.argmin_ratio`).
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from exactland.checker.arith import INFINITY
from exactland.checker.intarr import (
    LIMIT,
    add,
    argmin_ratio,
    bound,
    ints,
    matmul,
    mul,
    sumsq,
    wide,
)
from exactland.checker.qarray import QArray

__all__ = ["flip", "moved", "norm_sq", "path_losses", "rho_w"]


def moved(dW: QArray, dH: QArray) -> list[int]:
    """Neurons whose row of ΔW or column of ΔH is nonzero."""
    rows = np.asarray(dW.num != 0, dtype=bool).any(axis=1)
    cols = np.asarray(dH.num != 0, dtype=bool).any(axis=0)
    return np.flatnonzero(rows | cols).tolist()


def _rows(q: QArray, idx: list) -> tuple[np.ndarray, list[int]]:
    return QArray(q.num[idx], q.den[idx]).rows_cleared()


def flip(pt: Any, dW: QArray, idx: list) -> Any:
    """The first t > 0 at which some z_ik (k ∉ K⁰(i), i moved) changes sign.

    With ``Δz_ik = dZ_ik / (ddw_i·Dx)`` the crossing time is
    ``|z_ik| / |Δz_ik| = |Zn_ik|·ddw_i / (|dZ_ik|·dw_i)``.
    """
    if not idx:
        return INFINITY
    dWn, ddw = _rows(dW, idx)
    dZ = matmul(dWn, pt.Xn.T)
    S = pt.sign[idx]
    cross = ((S > 0) & np.asarray(dZ < 0, dtype=bool)) | ((S < 0) & np.asarray(dZ > 0, dtype=bool))
    if not cross.any():
        return INFINITY
    r, c = np.nonzero(cross)
    rows = np.asarray(idx)[r]
    num = mul(np.abs(pt.Zn[rows, c]), ints(ddw)[r])
    den = mul(np.abs(dZ[r, c]), ints(pt.dw)[rows])
    p = argmin_ratio(num, den)
    return Fraction(int(num[p]), int(den[p]))


def path_losses(pt: Any, dW: QArray, dH: QArray, idx: list, ts: list, db: list | None = None) -> list:
    """L(P + tΔ) for every t of ``ts``: e(t) = e + ŷ_moved(t) − ŷ_moved(0) + tΔb."""
    if not idx and not (db is not None and any(x != 0 for x in db)):
        return [pt.L for _ in ts]
    out = []
    for t in ts:
        num, C = _residuals_at(pt, dW, dH, idx, t)
        if db is not None and any(x != 0 for x in db):  # the output bias moves every row by tΔb
            shift = [Fraction(t) * Fraction(x) for x in db]
            D = math.lcm(C, *(s.denominator for s in shift))
            num, C = add(mul(num, D // C), ints([[int(s * D) for s in shift]])), D
        out.append(Fraction(sumsq(num), 2 * C * C))
    return out


def _residuals_at(pt: Any, dW: QArray, dH: QArray, idx: list, t: Fraction) -> tuple[Any, int]:
    """(numerators K×J, C): the residuals at ``P + tΔ`` with the bias fixed."""
    if not idx:
        return pt.En, pt.De
    Wn, dw = pt.Wn[idx], [pt.dw[i] for i in idx]
    dWn, ddw = _rows(dW, idx)
    dHf = QArray(dH.num[:, idx], dH.den[:, idx]).fractions()
    hcols = [[pt.Hf[j][i] for i in idx] for j in range(pt.J)]
    base, C0 = pt.outputs(Wn, dw, hcols)
    tn, td = t.numerator, t.denominator
    rows = add(mul(Wn, ints([b * td for b in ddw])[:, None]), mul(dWn, ints([a * tn for a in dw])[:, None]))
    dens = [a * b * td for a, b in zip(dw, ddw)]
    cols = [[h + t * dh for h, dh in zip(hrow, drow)] for hrow, drow in zip(hcols, dHf)]
    new, Ct = pt.outputs(rows, dens, cols)
    C = math.lcm(pt.De, Ct, C0)
    return add(add(mul(pt.En, C // pt.De), mul(new.T, C // Ct)), mul(base.T, -(C // C0))), C


def norm_sq(dW: QArray, dH: QArray) -> Fraction:
    """‖Δ‖² = Σ of the squares of every entry of ΔW and ΔH."""
    total = Fraction(0)
    for q in (dW, dH):
        rows = q.nonzero_rows().tolist()
        if rows:
            N, dens = _rows(q, rows)
            total += sum((Fraction(sumsq(N[a]), dens[a] ** 2) for a in range(len(rows))), Fraction(0))
    return total


def rho_w(pt: Any) -> Any:
    """min over i, k ∉ K⁰(i) of |z_ik| / ‖x_k‖₁ = |Zn_ik| / (dw_i·‖Xn_k‖₁)."""
    r, c = np.nonzero(pt.sign)
    if len(r) == 0:
        return INFINITY
    Xa = np.abs(pt.Xn)
    if Xa.dtype == np.int64 and max(pt.d, 1) * bound(Xa) < LIMIT:
        norms = Xa.sum(axis=1)
    else:
        norms = ints([sum(row) for row in wide(Xa).tolist()])
    num = np.abs(pt.Zn[r, c])
    den = mul(ints(pt.dw)[r], norms[c])
    p = argmin_ratio(num, den)
    return Fraction(int(num[p]), int(den[p]))
