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

The orthant and its symbols are :mod:`exactland.taylor.aligned`; the Gram
factors, ``H̃`` and ``V̄_j`` (the second route) are :mod:`exactland.taylor.gram`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import sympy as sp
from flint import fmpq

from exactland.errors import InputError
from exactland.core.kinks import neuron_data
from exactland.core.network import Evaluation, evaluate
from exactland.exact.scalars import sign, to_sympy
from exactland.core.problem import Problem
from exactland.taylor.aligned import AlignedOrthant, aligned_orthant
from exactland.taylor.gram import gram_factors, non_gram_part, tangential_F, tangential_phis, vbar
from exactland.taylor.directions import Direction
from exactland.taylor.rays import CheckFailed, check_against_loss, ray_polynomial

__all__ = [
    "SymbolicExpansion", "EscapeBlock", "symbolic_expansion", "escape_block", "gram_on_flat_face",
]

Vector = tuple[Any, ...]


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

    def latex_names(self, offset: int = 0) -> dict[sp.Symbol, str]:
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


def symbolic_expansion(
    problem: Problem, tangents: Mapping[int, Vector] | None = None, cert: Any = None
) -> SymbolicExpansion:
    """Build and check the aligned-coordinate expansion (module notes).

    Route 1 expands the loss piece from the network formula (eqs. 1-2) and
    differentiates it; route 2 assembles the Gram factors (eqs. 10-13) and the
    non-Gram part (eq. 18). Every identity between the two is checked.

    Parameters
    ----------
    problem : Problem
    tangents : dict, optional
        ``{i: v_i}``; missing neurons get
        :func:`exactland.taylor.aligned.default_tangent`.
    cert : Certificate, optional
        Supplies witness directions for the defaults.

    Returns
    -------
    SymbolicExpansion

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
    o = aligned_orthant(problem, tangents, cert)
    # --- route 1: the piece itself, from the network formula (eqs. 1-2)
    piece = _loss_piece(o)
    cpolys = _split_by_degree(piece, o)
    hessian = _hessian_at_zero(piece, o)
    # --- route 2: Gram factors (eqs. 10-13) and the non-Gram part (eq. 18)
    ev = evaluate(problem)
    V = gram_factors(o)
    phis = tangential_phis(o, ev)
    Ht = non_gram_part(o, ev, phis)
    F = tangential_F(o, phis)
    Vbar = vbar(o)
    # --- the identities between the two routes
    checks = (*_check_second_order(o, cpolys, hessian, V, Ht),
              _check_first_order(o, ev, cpolys, F),
              *_check_higher_orders(o, cpolys, V, Vbar),
              _check_piece_is_the_loss(o, ev, cpolys))
    face = tuple(o.ds[i] for i in range(problem.n_neurons) if sign(F[i]) > 0)
    return SymbolicExpansion(problem, o.tangents, o.sides, o.dh, o.dr, o.ds, o.variables, piece.as_expr(),
                             tuple(c.as_expr() for c in cpolys), tuple(V), Ht, hessian, tuple(Vbar), face,
                             checks)


# ------------------------------------------------------- route 1: the loss piece
def _loss_piece(o: AlignedOrthant) -> sp.Poly:
    """``L_piece = ½ Σ_kj (Σ_i (h_ji + Δh_ji) ρ'(side) ((1 + Δr_i) z_ik + Δs_i t_ik) − y_kj)²``."""
    p = o.problem
    piece = o.poly(0)
    for k in range(p.n_samples):
        for j in range(p.n_outputs):
            out = o.poly(-to_sympy(p.targets[k][j]))  # targets: Y − b at a fixed output bias
            for i in range(p.n_neurons):
                slope = to_sympy(p.activation.slope(o.sides[i][k]))
                dr = o.dr[i] if o.dr[i] is not None else 0
                pre = o.poly((1 + dr) * to_sympy(o.z[i][k]) + o.ds[i] * to_sympy(o.t[i][k]))
                out += o.poly(to_sympy(p.H[j][i]) + o.dh[j][i]) * pre * slope
            piece += out * out / 2
    return piece


def _split_by_degree(piece: sp.Poly, o: AlignedOrthant) -> tuple[sp.Poly, ...]:
    """The homogeneous parts of degree 0..4: the coefficients ``c_n`` of ``L(P + εΔ)``."""
    by_degree: dict[int, Any] = {n: 0 for n in range(5)}
    for monom, coef in piece.terms():
        n = sum(monom)
        if n > 4:
            raise CheckFailed("the loss piece has degree > 4 along a ray")
        by_degree[n] += coef * sp.Mul(*[s**m for s, m in zip(o.variables, monom)])
    return tuple(o.poly(by_degree[n]) for n in range(5))


def _hessian_at_zero(piece: sp.Poly, o: AlignedOrthant) -> sp.Matrix:
    """The Hessian of ``L_piece`` at Δ = 0, by differentiation."""
    D = len(o.variables)
    firsts = [piece.diff(s) for s in o.variables]
    return sp.Matrix(D, D, lambda a, b: firsts[a].diff(o.variables[b]).coeff_monomial(1))


# ------------------------------------------------------------------- the checks
def _check_second_order(o: AlignedOrthant, cpolys: tuple[sp.Poly, ...], hessian: sp.Matrix,
                        V: list[sp.Matrix], Ht: sp.Matrix) -> tuple[str, str]:
    """Hessian = ``Σ_j V_jᵀ V_j + H̃`` and ``c2 = ½ Δᵀ (Σ_j V_jᵀ V_j + H̃) Δ``."""
    D = len(o.variables)
    gram = sum((M.T * M for M in V), sp.zeros(D, D))
    if not (hessian - gram - Ht).applyfunc(sp.expand).is_zero_matrix:
        raise CheckFailed("Hessian of the piece != sum_j V_j^T V_j + H~ (eq. 13/18)")
    quad = sum((o.linear_form((gram + Ht)[a, :]) * o.poly(o.variables[a]) for a in range(D)), o.poly(0)) / 2
    if not (cpolys[2] - quad).is_zero:
        raise CheckFailed("c2 != 1/2 Delta^T H Delta")
    return ("Hessian of L_piece (differentiation) = sum_j V_j^T V_j + H~ (eqs. 13, 18)",
            "c2 = 1/2 Delta^T (sum_j V_j^T V_j + H~) Delta")


def _check_first_order(o: AlignedOrthant, ev: Evaluation, cpolys: tuple[sp.Poly, ...], F: list[Any]) -> str:
    """``c1 = Σ ∂L/∂h_ji Δh_ji + Σ ‖w_i‖ ∂L/∂r_i Δr_i + Σ F_i(v_i) Δs_i`` (eqs. 4-6)."""
    p = o.problem
    c1 = sp.Integer(0)
    for i in range(p.n_neurons):
        nd = neuron_data(ev, i)
        if F[i] != nd.F(o.tangents[i]):
            raise CheckFailed(f"F_{i}(v_{i}) from the orthant != the library's form (eq. 6)")
        c1 += to_sympy(F[i]) * o.ds[i] + sum((to_sympy(ev.dL_dh(j, i)) * o.dh[j][i] for j in range(p.n_outputs)),
                                             sp.Integer(0))
        if o.dr[i] is not None:
            c1 += to_sympy(nd.dL_dr_scaled) * o.dr[i]
    if not (cpolys[1] - o.poly(c1)).is_zero:
        raise CheckFailed("c1 != first-order form of Lemma 3.2")
    return "c1 = sum dL/dh_ji dh_ji + sum |w_i| dL/dr_i dr_i + sum F_i(v_i) ds_i (eqs. 4-6)"


def _check_higher_orders(o: AlignedOrthant, cpolys: tuple[sp.Poly, ...], V: list[sp.Matrix],
                         Vbar: list[sp.Matrix]) -> tuple[str, str]:
    """``c3 = Σ_j (V_jΔ)·V̄_j`` and ``c4 = ½ Σ_j ‖V̄_j‖²`` (Appendix F.1.2-F.1.3)."""
    c3 = o.poly(0)
    c4 = o.poly(0)
    for j in range(o.problem.n_outputs):
        for k in range(o.problem.n_samples):
            vb = o.poly(Vbar[j][k])
            c3 += o.linear_form(V[j][k, :]) * vb
            c4 += vb * vb / 2
    if not (cpolys[3] - c3).is_zero:
        raise CheckFailed("c3 != sum_j (V_j Delta).Vbar_j (F.1.2)")
    if not (cpolys[4] - c4).is_zero:
        raise CheckFailed("c4 != 1/2 sum_j |Vbar_j|^2 (F.1.3)")
    return ("c3 = sum_j (V_j Delta) . Vbar_j, so V_j Delta = 0 (eq. 14) gives c3 = 0",
            "c4 = 1/2 sum_j |Vbar_j|^2 >= 0 (Appendix F.1.3)")


def _check_piece_is_the_loss(o: AlignedOrthant, ev: Evaluation, cpolys: tuple[sp.Poly, ...]) -> str:
    """``c0 = L(P)``, and the piece equals the exact loss along all-ones Δ."""
    p = o.problem
    if sp.simplify(cpolys[0].as_expr() - to_sympy(ev.loss)) != 0:
        raise CheckFailed("c0 != L(P)")
    dW = tuple(tuple((0 if o.dr[i] is None else 1) * p.W[i][c] + o.tangents[i][c] for c in range(p.dim))
               for i in range(p.n_neurons))
    dH = tuple(tuple(fmpq(1) for _ in range(p.n_neurons)) for _ in range(p.n_outputs))
    rp = ray_polynomial(p, Direction(dW, dH, "all aligned coordinates = 1"))
    ones = tuple([1] * len(o.variables))
    for n in range(5):
        if sp.simplify(to_sympy(rp.coefficients[n]) - cpolys[n].eval(ones)) != 0:
            raise CheckFailed("the piece disagrees with the exact ray polynomial")
    check_against_loss(rp)
    return "L_piece = exact loss along Delta = (1, ..., 1) at 6 points of [0, eps0)"


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
