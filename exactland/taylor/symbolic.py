"""Symbolic Taylor expansion in the aligned coordinates (h, r, s) of Section 3.1.

For every neuron i fix a tangential direction ``v_i`` (Definition 3.1) and
write ``Δw_i = Δr_i w_i + Δs_i v_i`` with ``Δs_i ≥ 0`` (``Δw_i = Δs_i v_i`` when
``w_i = 0``); ``Δh_ji`` and ``Δr_i`` are free. That fixes one orthant: every
kink sample moves to the side ``sign(v_i·x_k)``, every other sample keeps its
side, and near P the loss is one polynomial ``L_piece(Δh, Δr, Δs)``.

The coordinates are the paper's up to scale: ``Δr_i`` here is the paper's
``Δr_i/‖w_i‖`` and ``v_i`` need not be a unit vector, which keeps everything
rational (``‖w_i‖`` may be irrational). The columns of eqs. (10)–(12) scale
accordingly (``V_r`` by ``‖w_i‖``, ``V_s`` by ``‖v_i‖``); no sign or rank changes.

With ``A_ik = rho(w_i·x_k)``, ``S_ik = ρ̃_{w_i·x_k}(v_i·x_k)`` (Appendix A.2) the
Gram factors of eq. (13) have, for output j, the columns ::

    V_j[:, h_j'i] = 1{j = j'} A_i      (eq. 10)
    V_j[:, r_i]   = h_ji A_i           (eq. 11, scaled)
    V_j[:, s_i]   = h_ji S_i           (eq. 12)

and the Hessian of ``L_piece`` at 0 is ``Σ_j V_jᵀ V_j + H̃`` (eq. 18), where
``H̃`` holds ``∂L/∂h_ji`` at (h_ji, r_i) and ``φ_ji(v_i) = d_ji^{v_i}·v_i`` at
(h_ji, s_i). At a stationary point without escape neurons ``H̃`` vanishes on
the first-order-flat face (eq. 9), giving eq. (13). Along ``εΔ``:
``c3 = Σ_j (V_jΔ)·V̄_j`` (so ``V_jΔ = 0``, eq. (14), kills it) and
``c4 = ½ Σ_j ‖V̄_j‖²`` with ``V̄_j = Σ_i Δh_ji (Δr_i A_i + Δs_i S_i)``
(Appendix F.1.3). Every identity is checked by expanding both sides; the
piece itself is checked against exact loss evaluations.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import sympy as sp
from flint import fmpq

from exactland.errors import InputError
from exactland.core.kinks import neuron_data
from exactland.exact.linalg import dot
from exactland.core.network import evaluate
from exactland.exact.scalars import is_rational as _rational, sign, to_sympy
from exactland.core.problem import Problem
from exactland.taylor.directions import Direction
from exactland.taylor.rays import CheckFailed, check_against_loss, ray_polynomial

__all__ = [
    "SymbolicExpansion", "EscapeBlock", "symbolic_expansion", "escape_block",
    "default_tangent", "gram_on_flat_face",
]

Vector = tuple[Any, ...]


def default_tangent(problem: Problem, i: int, cert: Any = None) -> Vector:
    """A tangential direction for neuron i: the certificate's escape or
    tangential witness if any, else ``(−w_2, w_1)`` for d = 2, else the
    projection of the first unit vector not parallel to ``w_i``.

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
    raise AssertionError("unreachable: d > 1")  # pragma: no cover


@dataclass(frozen=True)
class EscapeBlock:
    """The (Δh_j'i, Δs_i) block of the Hessian at an escape neuron (eq. 16).

    Attributes
    ----------
    neuron, output : int
    matrix : sympy.Matrix
        ``[[‖V_h‖², φ + V_h·V_s], [φ + V_h·V_s, Σ_j ‖V_s^j‖²]]`` (eq. 16b).
    phi : exact
        ``φ_j'i(v_i) = d^{v}·v`` (must be nonzero).
    determinant : sympy.Rational
        Negative: the block is indefinite.
    t2 : sympy.Expr
        ``(Δh, Δs) M (Δh, Δs)ᵀ`` on ``Δh = −sgn(φ) a, Δs = b`` (eq. 16d).
    bound : sympy.Expr
        ``‖V_h‖²/(2|φ|)``: eq. (17) needs ``b > bound · a``.
    """

    neuron: int
    output: int
    matrix: sp.Matrix
    phi: Any
    determinant: Any
    t2: sp.Expr
    bound: sp.Expr


@dataclass(frozen=True)
class SymbolicExpansion:
    """The loss in one orthant of the aligned coordinates, with its Taylor terms.

    Attributes
    ----------
    problem : Problem
    tangents : tuple of vectors
        ``v_i`` per neuron.
    sides : tuple of tuples of int
        Side of sample k for neuron i inside the orthant.
    dh, dr, ds : symbols
        ``dh[j][i]``, ``dr[i]`` (None when ``w_i = 0``), ``ds[i]`` (≥ 0).
    variables : tuple of symbols
        Order of the Hessian's rows: all Δh (j-major), all Δr, all Δs.
    piece : sympy.Expr
        ``L_piece``.
    coefficients : tuple of sympy.Expr
        ``c0..c4`` of ``L(P + εΔ)``.
    V : tuple of sympy.Matrix
        Gram factors ``V_j`` (|K| × D').
    H_tilde : sympy.Matrix
        The non-Gram part of the Hessian (eq. 18).
    hessian : sympy.Matrix
        Hessian of ``L_piece`` at 0 (by differentiation).
    Vbar : tuple of sympy.Matrix
        ``V̄_j`` (|K| × 1) of Appendix F.1.3.
    flat_face : tuple of symbols
        The Δs_i forced to 0 for ``c1 = 0`` (``F_i(v_i) > 0``).
    checks : tuple of str
        The identities verified (every one passed).
    """

    problem: Problem
    tangents: tuple[Vector, ...]
    sides: tuple[tuple[int, ...], ...]
    dh: tuple[tuple[sp.Symbol, ...], ...]
    dr: tuple[sp.Symbol | None, ...]
    ds: tuple[sp.Symbol, ...]
    variables: tuple[sp.Symbol, ...]
    piece: sp.Expr
    coefficients: tuple[sp.Expr, ...]
    V: tuple[sp.Matrix, ...]
    H_tilde: sp.Matrix
    hessian: sp.Matrix
    Vbar: tuple[sp.Matrix, ...]
    flat_face: tuple[sp.Symbol, ...]
    checks: tuple[str, ...] = field(default=())

    def delta(self) -> sp.Matrix:
        """Δ as a column vector in :attr:`variables` order."""
        return sp.Matrix(self.variables)

    def latex_names(self, offset: int = 1) -> dict[sp.Symbol, str]:
        r"""LaTeX names ``\Delta h_{j,i}``, ``\Delta r_{i}``, ``\Delta s_{i}`` (indices + offset)."""
        names: dict[sp.Symbol, str] = {}
        J = len(self.dh)
        for i, s in enumerate(self.ds):
            names[s] = rf"\Delta s_{{{i + offset}}}"
            if self.dr[i] is not None:
                names[self.dr[i]] = rf"\Delta r_{{{i + offset}}}"
            for j in range(J):
                names[self.dh[j][i]] = (rf"\Delta h_{{{j + offset},{i + offset}}}" if J > 1
                                        else rf"\Delta h_{{{i + offset}}}")
        return names


def _q(x: Any) -> sp.Expr:
    return to_sympy(x)


def _slope(problem: Problem, s: int) -> Any:
    return problem.activation.slope(s)


def symbolic_expansion(
    problem: Problem, tangents: Mapping[int, Vector] | None = None, cert: Any = None
) -> SymbolicExpansion:
    """Build and check the aligned-coordinate expansion (module notes).

    Parameters
    ----------
    problem : Problem
    tangents : dict, optional
        ``{i: v_i}``; missing neurons get :func:`default_tangent`.
    cert : Certificate, optional
        Supplies witness directions for the defaults.

    Raises
    ------
    InputError
        A given v_i that is zero or not orthogonal to ``w_i``.
    CheckFailed
        An identity failed (a bug).

    Examples
    --------
    Appendix G with ``v = (−w_2, w_1) = (9/20, 3/20)``: ``F(v) = h e (x·v) =
    ½ · (−3) · 9/20 = −27/40``.

    >>> from exactland.builtin.examples import load_example
    >>> se = symbolic_expansion(load_example("appendix-g-kink"))
    >>> se.coefficients[1], se.sides
    (-27*ds_0/40, ((1,),))
    """
    tangents = dict(tangents or {})
    I, J, K, d = problem.n_neurons, problem.n_outputs, problem.n_samples, problem.dim
    act = problem.activation
    vs: list[Vector] = []
    for i in range(I):
        v = tuple(tangents[i]) if i in tangents else default_tangent(problem, i, cert)
        if len(v) != d or all(c == 0 for c in v):
            raise InputError(f"the tangential direction of neuron {i} must be a nonzero d-vector", f"v[{i}]")
        if dot(v, problem.W[i]) != 0:
            raise InputError(f"v_{i} is not orthogonal to w_{i} (Definition 3.1)", f"v[{i}]")
        vs.append(v)
    dh = tuple(tuple(sp.Symbol(f"dh_{j}_{i}", real=True) for i in range(I)) for j in range(J))
    zero_w = [all(c == 0 for c in problem.W[i]) for i in range(I)]
    dr = tuple(None if zero_w[i] else sp.Symbol(f"dr_{i}", real=True) for i in range(I))
    ds = tuple(sp.Symbol(f"ds_{i}", nonnegative=True) for i in range(I))
    variables = tuple(dh[j][i] for j in range(J) for i in range(I)) + tuple(
        r for r in dr if r is not None) + ds
    z = [[dot(problem.W[i], x) for x in problem.X] for i in range(I)]
    t = [[dot(vs[i], x) for x in problem.X] for i in range(I)]
    sides = tuple(tuple(sign(z[i][k]) if sign(z[i][k]) else sign(t[i][k]) for k in range(K)) for i in range(I))
    dom = "QQ" if problem.is_rational() and all(_rational(c) for v in vs for c in v) else "EX"

    def P(e: Any) -> sp.Poly:
        return sp.Poly(e, *variables, domain=dom)

    # --- route 1: the piece itself, from the network formula (eqs. 1-2)
    piece = P(0)
    for k in range(K):
        for j in range(J):
            out = P(-_q(problem.Y[k][j]))
            for i in range(I):
                slope = _q(_slope(problem, sides[i][k]))
                pre = P((1 + (dr[i] if dr[i] is not None else 0)) * _q(z[i][k]) + ds[i] * _q(t[i][k]))
                out += P(_q(problem.H[j][i]) + dh[j][i]) * pre * slope
            piece += out * out / 2
    by_degree: dict[int, Any] = {n: 0 for n in range(5)}
    for monom, coef in piece.terms():
        n = sum(monom)
        if n > 4:
            raise CheckFailed("the loss piece has degree > 4 along a ray")
        by_degree[n] += coef * sp.Mul(*[s**m for s, m in zip(variables, monom)])
    cpolys = tuple(P(by_degree[n]) for n in range(5))
    coeffs = tuple(c.as_expr() for c in cpolys)
    D = len(variables)
    firsts = [piece.diff(s) for s in variables]
    hessian = sp.Matrix(D, D, lambda a, b: firsts[a].diff(variables[b]).coeff_monomial(1))
    # --- route 2: Gram factors (eqs. 10-13) and the non-Gram part (eq. 18)
    ev = evaluate(problem)
    A = [[act(z[i][k]) for k in range(K)] for i in range(I)]
    S = [[_slope(problem, sides[i][k]) * t[i][k] for k in range(K)] for i in range(I)]
    col = {s: n for n, s in enumerate(variables)}
    V = []
    for j in range(J):
        M = sp.zeros(K, D)
        for i in range(I):
            for k in range(K):
                M[k, col[dh[j][i]]] = _q(A[i][k])
                if dr[i] is not None:
                    M[k, col[dr[i]]] = _q(problem.H[j][i] * A[i][k])
                M[k, col[ds[i]]] = _q(problem.H[j][i] * S[i][k])
        V.append(M)
    Ht = sp.zeros(D, D)
    phis = [[sum((ev.e(k, j) * S[i][k] for k in range(K)), fmpq(0)) for i in range(I)] for j in range(J)]
    for j in range(J):
        for i in range(I):
            a, b = col[dh[j][i]], col[ds[i]]
            Ht[a, b] = Ht[b, a] = _q(phis[j][i])
            if dr[i] is not None:
                c = col[dr[i]]
                Ht[a, c] = Ht[c, a] = _q(ev.dL_dh(j, i))
    checks = []
    gram = sum((M.T * M for M in V), sp.zeros(D, D))
    if not (hessian - gram - Ht).applyfunc(sp.expand).is_zero_matrix:
        raise CheckFailed("Hessian of the piece != sum_j V_j^T V_j + H~ (eq. 13/18)")
    checks.append("Hessian of L_piece (differentiation) = sum_j V_j^T V_j + H~ (eqs. 13, 18)")

    def lin(row: Any) -> sp.Poly:
        return P(sum((row[n] * variables[n] for n in range(D)), sp.Integer(0)))

    quad = sum((lin((gram + Ht)[a, :]) * P(variables[a]) for a in range(D)), P(0)) / 2
    if not (cpolys[2] - quad).is_zero:
        raise CheckFailed("c2 != 1/2 Delta^T H Delta")
    checks.append("c2 = 1/2 Delta^T (sum_j V_j^T V_j + H~) Delta")
    # first order (eqs. 4-6): c1 = sum dL/dh dh + sum |w|dL/dr dr + sum F_i(v_i) ds
    c1 = sp.Integer(0)
    for i in range(I):
        nd = neuron_data(ev, i)
        Fi = sum((problem.H[j][i] * phis[j][i] for j in range(J)), fmpq(0))
        if Fi != nd.F(vs[i]):
            raise CheckFailed(f"F_{i}(v_{i}) from the orthant != the library's form (eq. 6)")
        c1 += _q(Fi) * ds[i] + sum((_q(ev.dL_dh(j, i)) * dh[j][i] for j in range(J)), sp.Integer(0))
        if dr[i] is not None:
            c1 += _q(nd.dL_dr_scaled) * dr[i]
    if not (cpolys[1] - P(c1)).is_zero:
        raise CheckFailed("c1 != first-order form of Lemma 3.2")
    checks.append("c1 = sum dL/dh_ji dh_ji + sum |w_i| dL/dr_i dr_i + sum F_i(v_i) ds_i (eqs. 4-6)")
    Vbar = []
    for j in range(J):
        Vbar.append(sp.Matrix([sum((dh[j][i] * ((dr[i] or 0) * _q(A[i][k]) + ds[i] * _q(S[i][k]))
                                    for i in range(I)), sp.Integer(0)) for k in range(K)]))
    c3 = P(0)
    c4 = P(0)
    for j in range(J):
        for k in range(K):
            vb = P(Vbar[j][k])
            c3 += lin(V[j][k, :]) * vb
            c4 += vb * vb / 2
    if not (cpolys[3] - c3).is_zero:
        raise CheckFailed("c3 != sum_j (V_j Delta).Vbar_j (F.1.2)")
    checks.append("c3 = sum_j (V_j Delta) . Vbar_j, so V_j Delta = 0 (eq. 14) gives c3 = 0")
    if not (cpolys[4] - c4).is_zero:
        raise CheckFailed("c4 != 1/2 sum_j |Vbar_j|^2 (F.1.3)")
    checks.append("c4 = 1/2 sum_j |Vbar_j|^2 >= 0 (Appendix F.1.3)")
    if sp.simplify(coeffs[0] - _q(ev.loss)) != 0:
        raise CheckFailed("c0 != L(P)")
    # the piece is the loss: compare with exact evaluations along all-ones Δ
    dW = tuple(tuple((0 if dr[i] is None else 1) * problem.W[i][c] + vs[i][c] for c in range(d)) for i in range(I))
    dH = tuple(tuple(fmpq(1) for _ in range(I)) for _ in range(J))
    rp = ray_polynomial(problem, Direction(dW, dH, "all aligned coordinates = 1"))
    ones = [1] * D
    for n in range(5):
        if sp.simplify(_q(rp.coefficients[n]) - cpolys[n].eval(tuple(ones))) != 0:
            raise CheckFailed("the piece disagrees with the exact ray polynomial")
    check_against_loss(rp)
    checks.append("L_piece = exact loss along Delta = (1, ..., 1) at 6 points of [0, eps0)")
    face = tuple(ds[i] for i in range(I) if sign(sum((problem.H[j][i] * phis[j][i] for j in range(J)), fmpq(0))) > 0)
    return SymbolicExpansion(problem, tuple(vs), sides, dh, dr, ds, variables, piece.as_expr(), coeffs,
                             tuple(V), Ht, hessian, tuple(Vbar), face, tuple(checks))


def gram_on_flat_face(se: SymbolicExpansion) -> bool:
    """Whether ``H̃`` vanishes on the first-order-flat face (eq. 9 ⇒ eq. 13).

    True at a stationary point without escape neurons; False when some
    ``φ_ji(v_i) != 0`` survives there (an escape neuron, Appendix F.2.1).
    """
    keep = [n for n, s in enumerate(se.variables) if s not in se.flat_face]
    return se.H_tilde.extract(keep, keep).is_zero_matrix is True


def escape_block(se: SymbolicExpansion, i: int, j: int = 0) -> EscapeBlock:
    """The 2×2 block of eq. (16) for neuron i and output j, checked against the Hessian.

    Raises
    ------
    InputError
        ``φ_ji(v_i) = 0`` along the chosen tangent (not an escape witness).

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> import exactland
    >>> p = load_example("origin-saddle")
    >>> eb = escape_block(symbolic_expansion(p, cert=exactland.certify(p)), 0)
    >>> eb.matrix.tolist(), eb.determinant, eb.t2
    ([[0, 11/125], [11/125, 0]], -121/15625, -22*a*b/125)
    """
    col = {s: n for n, s in enumerate(se.variables)}
    a, b = col[se.dh[j][i]], col[se.ds[i]]
    phi = se.H_tilde[a, b]
    if phi == 0:
        raise InputError(f"phi_{j}{i}(v_{i}) = 0: v_{i} is not an escape witness", f"v[{i}]")
    gram = sum((M.T * M for M in se.V), sp.zeros(len(se.variables), len(se.variables)))
    M = sp.Matrix([[gram[a, a], gram[a, b] + phi], [gram[b, a] + phi, gram[b, b]]])
    if M != se.hessian.extract([a, b], [a, b]):
        raise CheckFailed("eq. (16) block != the Hessian's (h, s) block")
    A_, B_ = sp.symbols("a b", positive=True)
    vec = sp.Matrix([-sp.sign(phi) * A_, B_])
    t2 = sp.expand((vec.T * M * vec)[0, 0])
    bound = gram[a, a] / (2 * abs(phi))
    return EscapeBlock(i, j, M, phi, M.det(), t2, bound)
