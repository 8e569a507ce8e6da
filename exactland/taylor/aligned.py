"""The aligned coordinates (h, r, s) of Section 3.1 and the orthant they fix.

For every neuron i a tangential direction ``v_i`` (Definition 3.1) is chosen
and ``Δw_i = Δr_i w_i + Δs_i v_i`` with ``Δs_i ≥ 0`` (``Δw_i = Δs_i v_i`` when
``w_i = 0``); ``Δh_ji`` and ``Δr_i`` are free. Every kink sample then moves to
the side ``sign(v_i·x_k)`` and every other sample keeps its side, so near P the
loss is one polynomial in these coordinates. :class:`AlignedOrthant` holds the
symbols, the sides and the per-sample numbers that the expansion of
:mod:`exactland.taylor.symbolic` is built from.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import sympy as sp
from flint import fmpq

from exactland.errors import InputError
from exactland.exact.linalg import dot
from exactland.exact.scalars import is_rational, sign
from exactland.core.problem import Problem
from exactland.taylor.rays import CheckFailed

__all__ = ["AlignedOrthant", "aligned_orthant", "default_tangent"]

Vector = tuple[Any, ...]


def default_tangent(problem: Problem, i: int, cert: Any = None) -> Vector:
    """A tangential direction for neuron i.

    The certificate's escape or tangential witness if any, else ``(−w_2, w_1)``
    for d = 2, else the projection of the first unit vector not parallel to
    ``w_i`` (a unit vector when ``w_i = 0``).

    Parameters
    ----------
    problem : Problem
    i : int
        The neuron (0-based).
    cert : Certificate, optional
        Supplies the witness directions.

    Returns
    -------
    tuple of exact numbers
        A nonzero ``v`` with ``v·w_i = 0``.

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> default_tangent(load_example("final-minimum"), 0)
    (-7/10, -1)
    """
    if cert is not None:
        n = cert.neurons[i]
        if n.escape_witness is not None:
            return tuple(n.escape_witness[1])
        if n.tangential_witness is not None:
            return tuple(n.tangential_witness[0])
    w = problem.W[i]
    d = problem.dim
    if all(c == 0 for c in w):
        return tuple(fmpq(1) if c == 0 else fmpq(0) for c in range(d))
    if d == 2:
        return (-w[1], w[0])
    ww = dot(w, w)
    for c in range(d):
        e = [fmpq(0)] * d
        e[c] = fmpq(1)
        v = tuple(a - (w[c] / ww) * b for a, b in zip(e, w))
        if any(x != 0 for x in v):
            return v
    raise CheckFailed("no unit vector projects to a nonzero tangent (impossible for d > 1)")  # pragma: no cover


@dataclass(frozen=True)
class AlignedOrthant:
    """One orthant of the aligned coordinates, with the numbers that define the loss there.

    Attributes
    ----------
    problem : Problem
    tangents : tuple of vectors
        ``v_i`` per neuron.
    dh, dr, ds : symbols
        ``dh[j][i]``, ``dr[i]`` (None when ``w_i = 0``), ``ds[i]`` (≥ 0).
    variables : tuple of symbols
        All Δh (j-major), all Δr, all Δs: the order of Hessian rows.
    z, t : tuple of tuples
        ``z[i][k] = w_i·x_k`` and ``t[i][k] = v_i·x_k``.
    sides : tuple of tuples of int
        Side of sample k for neuron i inside the orthant.
    A, S : tuple of tuples
        ``A_ik = rho(w_i·x_k)`` and ``S_ik = ρ̃_{w_i·x_k}(v_i·x_k)`` (Appendix A.2).
    domain : str
        ``"QQ"`` when every number is rational, else ``"EX"`` (SymPy polynomial domain).
    """

    problem: Problem
    tangents: tuple[Vector, ...]
    dh: tuple[tuple[sp.Symbol, ...], ...]
    dr: tuple[sp.Symbol | None, ...]
    ds: tuple[sp.Symbol, ...]
    variables: tuple[sp.Symbol, ...]
    z: tuple[tuple[Any, ...], ...]
    t: tuple[tuple[Any, ...], ...]
    sides: tuple[tuple[int, ...], ...]
    A: tuple[tuple[Any, ...], ...]
    S: tuple[tuple[Any, ...], ...]
    domain: str

    def poly(self, expr: Any) -> sp.Poly:
        """``expr`` as a polynomial in :attr:`variables` over :attr:`domain`."""
        return sp.Poly(expr, *self.variables, domain=self.domain)

    def linear_form(self, row: Any) -> sp.Poly:
        """``Σ_n row[n] · variables[n]`` (a row of a matrix applied to Δ)."""
        return self.poly(sum((row[n] * self.variables[n] for n in range(len(self.variables))), sp.Integer(0)))

    def column(self) -> dict[sp.Symbol, int]:
        """Position of each symbol in :attr:`variables` (matrix columns)."""
        return {s: n for n, s in enumerate(self.variables)}


def _tangents(problem: Problem, tangents: Mapping[int, Vector] | None, cert: Any) -> tuple[Vector, ...]:
    """The given ``v_i`` (checked) or :func:`default_tangent` per neuron."""
    given = dict(tangents or {})
    vs: list[Vector] = []
    for i in range(problem.n_neurons):
        v = tuple(given[i]) if i in given else default_tangent(problem, i, cert)
        if len(v) != problem.dim or all(c == 0 for c in v):
            raise InputError(f"the tangential direction of neuron {i} must be a nonzero d-vector", f"v[{i}]")
        if dot(v, problem.W[i]) != 0:
            raise InputError(f"v_{i} is not orthogonal to w_{i} (Definition 3.1)", f"v[{i}]")
        vs.append(v)
    return tuple(vs)


def aligned_orthant(problem: Problem, tangents: Mapping[int, Vector] | None = None,
                    cert: Any = None) -> AlignedOrthant:
    """The orthant of the aligned coordinates fixed by the tangents ``v_i``.

    Parameters
    ----------
    problem : Problem
    tangents : dict, optional
        ``{i: v_i}``; missing neurons get :func:`default_tangent`.
    cert : Certificate, optional
        Supplies witness directions for the defaults.

    Returns
    -------
    AlignedOrthant

    Raises
    ------
    InputError
        A given v_i that is zero or not orthogonal to ``w_i``.

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> o = aligned_orthant(load_example("appendix-g-kink"))
    >>> o.variables, o.sides, o.S
    ((dh_0_0, dr_0, ds_0), ((1,),), ((9/20,),))
    """
    vs = _tangents(problem, tangents, cert)
    I, J, K = problem.n_neurons, problem.n_outputs, problem.n_samples
    dh = tuple(tuple(sp.Symbol(f"dh_{j}_{i}", real=True) for i in range(I)) for j in range(J))
    zero_w = [all(c == 0 for c in problem.W[i]) for i in range(I)]
    dr = tuple(None if zero_w[i] else sp.Symbol(f"dr_{i}", real=True) for i in range(I))
    ds = tuple(sp.Symbol(f"ds_{i}", nonnegative=True) for i in range(I))
    variables = tuple(dh[j][i] for j in range(J) for i in range(I)) + tuple(
        r for r in dr if r is not None) + ds
    z = tuple(tuple(dot(problem.W[i], x) for x in problem.X) for i in range(I))
    t = tuple(tuple(dot(vs[i], x) for x in problem.X) for i in range(I))
    sides = tuple(tuple(sign(z[i][k]) if sign(z[i][k]) else sign(t[i][k]) for k in range(K)) for i in range(I))
    act = problem.activation
    A = tuple(tuple(act(z[i][k]) for k in range(K)) for i in range(I))
    S = tuple(tuple(act.slope(sides[i][k]) * t[i][k] for k in range(K)) for i in range(I))
    dom = "QQ" if problem.is_rational() and all(is_rational(c) for v in vs for c in v) else "EX"
    return AlignedOrthant(problem, vs, dh, dr, ds, variables, z, t, sides, A, S, dom)
