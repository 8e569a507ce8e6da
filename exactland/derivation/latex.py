"""LaTeX formatting of exact numbers, vectors, sets, matrices and polynomials.

Used by the derivation builders; the renderers (:mod:`exactland.derivation.render`)
only place these strings.
"""
from __future__ import annotations

from typing import Any, Sequence

import sympy as sp

from exactland.exact.linalg import dot
from exactland.exact.scalars import is_rational, sign, to_str, to_sympy

__all__ = ["tex", "tex_vec", "tex_set", "tex_matrix", "tex_poly", "dot_tex", "tex_ji"]


def tex(x: Any) -> str:
    r"""An exact number (or SymPy expression, ``"inf"``, None) as LaTeX.

    Examples
    --------
    >>> from flint import fmpq
    >>> tex(fmpq(-7, 25)), tex(3), tex("inf"), tex(sp.sqrt(2) / 2)
    ('-\\tfrac{7}{25}', '3', '\\infty', '\\frac{\\sqrt{2}}{2}')
    """
    if x is None:
        return r"\text{none}"
    if isinstance(x, str):
        return r"\infty" if x == "inf" else x
    if isinstance(x, sp.Basic):
        return sp.latex(x)
    if not is_rational(x):
        return sp.latex(to_sympy(x))
    s = to_str(x)
    if "/" not in s:
        return s
    neg = s.startswith("-")
    p, q = s.lstrip("-").split("/")
    return ("-" if neg else "") + rf"\tfrac{{{p}}}{{{q}}}"


def tex_vec(v: Sequence[Any]) -> str:
    r"""``\left(a, b\right)``."""
    return r"\left(" + ", ".join(tex(x) for x in v) + r"\right)"


def tex_set(ks: Sequence[int], offset: int = 0) -> str:
    r"""A set of (0-based) indices with ``\lbrace``, or ``\emptyset``."""
    if not ks:
        return r"\emptyset"
    return r"\lbrace " + ", ".join(str(k + offset) for k in ks) + r"\rbrace"


def tex_matrix(rows: Sequence[Sequence[Any]]) -> str:
    """A ``pmatrix`` of exact entries."""
    body = r" \\ ".join(" & ".join(tex(x) for x in row) for row in rows)
    return r"\begin{pmatrix} " + body + r" \end{pmatrix}"


def tex_poly(coeffs: Sequence[Any], var: str = r"\varepsilon") -> str:
    r"""``c_0 + c_1 t + ...`` with zero terms dropped.

    Examples
    --------
    >>> from flint import fmpq
    >>> tex_poly([fmpq(9, 2), fmpq(-9, 20), 0, 1], "t")
    '\\tfrac{9}{2} - \\tfrac{9}{20} t + t^{3}'
    """
    out = ""
    for n, c in enumerate(coeffs):
        if sign(c) == 0:
            continue
        neg = sign(c) < 0
        mag = tex(-c if neg else c)
        if not is_rational(c):
            mag = r"\left(" + mag + r"\right)"
        body = mag if n == 0 or (-c if neg else c) != 1 else ""
        term = body + ("" if n == 0 else (" " if body else "") + var + ("" if n == 1 else f"^{{{n}}}"))
        out += (" - " if neg else " + ") + term if out else ("-" if neg else "") + term
    return out or "0"


def dot_tex(a: Sequence[Any], b: Sequence[Any]) -> str:
    """``a·b`` as an exact LaTeX number."""
    return tex(dot(a, b))


def tex_ji(n_outputs: int, j: int, i: int) -> str:
    """The (0-based) subscript of ``h_ji``, ``d_ji``, ``φ_ji``: ``j,i``, or ``i`` alone when |J| = 1.

    Parameters
    ----------
    n_outputs : int
        |J|.
    j, i : int
        Output and neuron (0-based).

    Returns
    -------
    str

    Examples
    --------
    >>> tex_ji(1, 0, 2), tex_ji(2, 1, 0)
    ('2', '1,0')
    """
    return f"{j},{i}" if n_outputs > 1 else f"{i}"
