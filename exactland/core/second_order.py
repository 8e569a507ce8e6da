"""The complete joint second-order test at a stationary point (DESIGN §12, Appendix F.2.1).

Along ``P + t(α, β, v)`` (``α = ΔH``, ``β = Δb``, ``v = ΔW``) the loss is
``L + t Σ_i F_i(v_i) + t² Q + O(t³)`` with (docs/mathematics.md, multi-output
escape points)

    Q = Σ_i α_i·φ_i(v_i) + ½ ‖β1ᵀ + Σ_i (rho_i α_iᵀ + a_i(v_i) h_iᵀ)‖²_F.

At a stationary point every ``F_i ≥ 0``, so second-order descent needs
``F_i(v_i) = 0`` for every neuron: ``v_i`` in the *flat set* ``C_i``. ``C_i``
is the union of the faces of the kink arrangement on which ``F_i`` vanishes;
each is ``Λ_i + cone(rays)``, and on it ``φ_i`` and ``a_i`` are linear. This
module enumerates, per neuron, the maximal flat faces (maximal sets of zero
rays of ``F_i`` whose sign vectors never conflict lie in one closed cell, where
``F_i`` is linear and vanishes on their cone), and for every product of faces
decides whether ``Q`` is copositive on

    {α, β free} × Π_i (Λ_i ∩ w_i^⊥ + cone(rays of the chosen face)).

Variables that enter only the square (the bias, ``α_i`` and ``Λ_i`` of
non-escape neurons: ``φ_i = 0`` on their flat set by Definition 4.1) are
minimised in closed form by projecting the output changes onto the orthogonal
complement of their span (:class:`exactland.exact.projection.Projector`);
the remaining free variables by exact Schur complements and the cone
variables by the exact orthant test (:mod:`exactland.exact.copositive`). A
negative value gives an exact rational direction, whose loss polynomial
(:mod:`exactland.core.joint_path`) has ``c1 = 0`` and ``c2 = Q < 0``.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Any, Sequence

from flint import fmpq, fmpq_mat

from exactland.core.joint_path import JointPath, increments, joint_path
from exactland.core.kinks import NeuronData
from exactland.core.network import Evaluation
from exactland.core.stationarity import TangentialAnalysis
from exactland.core.tangent import Budget, extreme_rays
from exactland.errors import BudgetExceeded, InternalError
from exactland.exact.copositive import eliminate_free, is_psd, orthant_copositive, quad
from exactland.exact.linalg import dot, nullspace
from exactland.exact.projection import Projector
from exactland.exact.scalars import sign

__all__ = ["FlatNeuron", "JointResult", "flat_neuron", "quiet_flat_neuron", "joint_second_order", "joint_test"]

Vector = tuple[Any, ...]


@dataclass(frozen=True)
class FlatNeuron:
    """The flat set ``C_i`` of one neuron: free generators and maximal faces of rays.

    Attributes
    ----------
    index : int
    escape : bool
    free : tuple of vectors
        A basis of ``Λ_i ∩ w_i^⊥`` (``R^d`` for a kink-free neuron).
    rays : tuple of vectors
        The zero rays of ``F_i``.
    faces : tuple of tuples of int
        Maximal flat faces, as index sets into ``rays``.
    relaxed : bool
        ``free`` spans more than the flat set (a quiet neuron with kink samples
        whose rays are treated as free generators): Q is then only a lower bound,
        and a witness must be confirmed by its exact path.
    """

    index: int
    escape: bool
    free: tuple[Vector, ...]
    rays: tuple[Vector, ...]
    faces: tuple[tuple[int, ...], ...]
    relaxed: bool = False


@dataclass(frozen=True)
class JointResult:
    """Outcome of :func:`joint_second_order`.

    Attributes
    ----------
    status : str
        ``"descent"`` (a second-order descent path), ``"copositive"`` (no
        direction has ``c1 = 0`` and ``c2 < 0``) or ``"budget-exceeded"``.
    path : JointPath or None
    products : int
        Products of flat faces examined.
    supports : int
        Supports examined by the orthant test.
    cone_dims : tuple of int
        Per examined product, the number of cone variables (evidence).
    """

    status: str
    path: JointPath | None
    products: int
    supports: int
    cone_dims: tuple[int, ...] = ()


def _compatible(s: Sequence[int], t: Sequence[int]) -> bool:
    return all(a * b >= 0 for a, b in zip(s, t))


def _maximal_cliques(signs: list[tuple[int, ...]], budget: Budget) -> list[tuple[int, ...]]:
    """Maximal sets of pairwise compatible sign vectors (Bron–Kerbosch with pivot)."""
    n = len(signs)
    adj = [{b for b in range(n) if b != a and _compatible(signs[a], signs[b])} for a in range(n)]
    out: list[tuple[int, ...]] = []

    def grow(R: set[int], P: set[int], X: set[int]) -> None:
        budget.spend()
        if not P and not X:
            out.append(tuple(sorted(R)))
            return
        pivot = max(P | X, key=lambda u: len(adj[u] & P))
        for v in list(P - adj[pivot]):
            grow(R | {v}, P & adj[v], X & adj[v])
            P.discard(v)
            X.add(v)

    grow(set(), set(range(n)), set())
    return out


def flat_neuron(nd: NeuronData, tan: TangentialAnalysis, escape: bool, budget: Budget) -> FlatNeuron:
    """The flat set of a neuron whose tangential condition holds.

    Raises
    ------
    BudgetExceeded
        When the ray enumeration or the face enumeration runs out of budget.
    """
    arr, w = nd.arrangement, nd.w
    one = arr.one
    rows = [arr.lines[l] for l in arr.basis]
    if any(c != 0 for c in w):
        rows.append(w)
    free = tuple(nullspace(rows, arr.dim, one))
    if arr.rank == 0:
        return FlatNeuron(nd.index, escape, free, (), ((),))
    rays = tan.rays if tan.rays else tuple(extreme_rays(arr, budget))
    zero_rays = tuple(r for r in rays if nd.F(r) == 0)
    signs = [tuple(sign(dot(n, r)) for n in arr.lines) for r in zero_rays]
    faces = tuple(_maximal_cliques(signs, budget)) if zero_rays else ((),)
    if not escape:
        for g in free + zero_rays:
            if any(phi(g) != 0 for phi in nd.phi):
                raise InternalError(f"neuron {nd.index}: φ ≠ 0 on the flat set of a non-escape neuron")
    return FlatNeuron(nd.index, escape, free, zero_rays, faces)


def quiet_flat_neuron(i: int, dim: int, one: Any) -> FlatNeuron:
    """A quiet neuron (no kink sample, every ``d_ji = 0``): ``C_i = R^d``, ``φ_i ≡ 0``."""
    zero = one - one
    basis = tuple(tuple(one if a == b else zero for b in range(dim)) for a in range(dim))
    return FlatNeuron(i, False, basis, (), ((),))


@dataclass(frozen=True)
class _Var:
    """One variable of Q: its output change (flattened K×J) and what it moves."""

    kind: str  # "bias", "alpha", "gen"
    neuron: int
    j: int
    vector: Vector | None
    column: tuple[Any, ...]


class _Builder:
    """Collects the variables of Q for one stationary point."""

    def __init__(self, ev: Evaluation, nds: dict[int, NeuronData]) -> None:
        self.ev, self.nds = ev, nds
        p = ev.problem
        self.K, self.J = p.n_samples, p.n_outputs
        self.zero = ev.loss - ev.loss
        self.one = self.zero + 1

    def alpha(self, i: int, j: int) -> _Var:
        col = [self.zero] * (self.K * self.J)
        for k in range(self.K):
            col[k * self.J + j] = self.ev.rho(i, k)
        return _Var("alpha", i, j, None, tuple(col))

    def bias(self, j: int) -> _Var:
        col = [self.zero] * (self.K * self.J)
        for k in range(self.K):
            col[k * self.J + j] = self.one
        return _Var("bias", -1, j, None, tuple(col))

    def gen(self, i: int, g: Vector) -> _Var:
        a, _ = increments(self.ev, i, g)
        h = self.ev.problem.h_column(i)
        return _Var("gen", i, -1, g, tuple(ak * hj for ak in a for hj in h))

    def phi(self, i: int, g: Vector) -> tuple[Any, ...]:
        nd = self.nds.get(i)
        return (self.zero,) * self.J if nd is None else tuple(f(g) for f in nd.phi)


def _nonzero(v: _Var) -> bool:
    return any(c != 0 for c in v.column)


def _maximal(faces: set[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """The faces not contained in another (a sub-cone never gives a smaller minimum)."""
    return sorted(f for f in faces if not any(set(f) < set(g) for g in faces))


def _gram(cols: list[list[Any]], zero: Any) -> list[list[Any]]:
    """``[c_x·c_y]`` exactly (python-flint for rational columns)."""
    n = len(cols)
    if n and all(type(x) is fmpq for c in cols for x in c):
        m = len(cols[0])
        R = fmpq_mat(m, n, [cols[c][r] for r in range(m) for c in range(n)])
        G = R.transpose() * R
        return [[G[x, y] for y in range(n)] for x in range(n)]
    return [[dot(cols[x], cols[y]) for y in range(n)] for x in range(n)]


def joint_second_order(ev: Evaluation, flats: Sequence[FlatNeuron], nds: dict[int, NeuronData],
                       budget: Budget) -> JointResult:
    """Decide exactly whether some direction has ``c1 = 0`` and ``c2 < 0``.

    Parameters
    ----------
    ev : Evaluation
        A stationary point.
    flats : sequence of FlatNeuron
        One per neuron (:func:`flat_neuron`, :func:`quiet_flat_neuron`).
    nds : dict
        ``NeuronData`` of the non-quiet neurons (for ``φ_i``).
    budget : Budget
        Shared budget: one unit per product of faces and per support.

    Returns
    -------
    JointResult
    """
    b = _Builder(ev, nds)
    p = ev.problem
    silent = [b.bias(j) for j in range(b.J)] if p.b is not None else []
    loud: list[_Var] = []
    cone: list[_Var] = []
    choices: list[list[tuple[int, ...]]] = []  # per neuron: its faces as indices into ``cone``
    for fl in flats:
        alphas = [b.alpha(fl.index, j) for j in range(b.J)]
        frees = [b.gen(fl.index, g) for g in fl.free]
        if fl.escape:
            loud += alphas + frees
        else:
            silent += [v for v in alphas + frees if _nonzero(v)]
        index: dict[int, int] = {}
        for r, ray in enumerate(fl.rays):  # a ray with no output change and no coupling is inert
            v = b.gen(fl.index, ray)
            if _nonzero(v) or (fl.escape and any(c != 0 for c in b.phi(fl.index, ray))):
                index[r] = len(cone)
                cone.append(v)
        choices.append(_maximal({tuple(index[r] for r in face if r in index) for face in fl.faces}))
    variables = loud + cone
    proj = Projector([v.column for v in silent], b.K * b.J, b.zero)
    res = proj.residuals([v.column for v in variables])
    M = _gram(res, b.zero)
    for x, v in enumerate(loud):  # coupling α_ji·φ_ji(g) with the same neuron's generators
        if v.kind != "alpha":
            continue
        for y, g in enumerate(variables):
            if g.kind == "gen" and g.neuron == v.neuron:
                c = b.phi(g.neuron, g.vector)[v.j]
                M[x][y] = M[x][y] + c
                M[y][x] = M[y][x] + c
    strict = not any(fl.relaxed for fl in flats)
    S, rest, elim, wit = eliminate_free(M, list(range(len(loud))), b.zero, b.one)
    if wit is not None:
        return _finish(ev, b, proj, silent, variables, M, wit, (0, 0, ()), strict)
    if is_psd(S, b.zero, b.one):  # then so is every principal submatrix: copositive on every product
        return JointResult("copositive", None, 0, 0, (len(S),))
    pos = {a: r for r, a in enumerate(rest)}
    products = supports = 0
    dims: list[int] = []
    try:
        seen: set[tuple[int, ...]] = set()
        for combo in product(*choices):
            budget.spend()
            idx = sorted(len(loud) + c for face in combo for c in face)
            if tuple(idx) in seen:  # the same cone variables: the same form
                continue
            seen.add(tuple(idx))
            products += 1
            sub = [[S[pos[a]][pos[c]] for c in idx] for a in idx]
            dims.append(len(idx))
            ok, y, used = orthant_copositive(sub, b.zero, b.one, max(budget.limit - budget.used, 0))
            budget.spend(used)
            supports += used
            if not ok:
                lifted = elim.lift({idx[a]: c for a, c in y.items()}, b.zero)
                return _finish(ev, b, proj, silent, variables, M, lifted, (products, supports, tuple(dims)), strict)
    except BudgetExceeded:
        return JointResult("budget-exceeded", None, products, supports, tuple(dims))
    return JointResult("copositive", None, products, supports, tuple(dims))


def _finish(ev: Evaluation, b: _Builder, proj: Projector, silent: list[_Var], variables: list[_Var],
            M: list[list[Any]], x: dict[int, Any], counts: tuple[int, int, tuple[int, ...]],
            strict: bool) -> JointResult:
    """Turn a witness of the reduced form into a full direction and its path.

    ``strict``: Q is exact, so a disagreeing path is a bug; otherwise (a
    relaxation) the result is ``"unconfirmed"``.
    """
    p = ev.problem
    products, supports, dims = counts
    xs = [x.get(a, b.zero) for a in range(len(variables))]
    value = quad(M, xs, b.zero) / 2
    D = [b.zero] * (b.K * b.J)
    for v, c in zip(variables, xs):
        if c != 0:
            D = [d + c * e for d, e in zip(D, v.column)]
    coef = proj.coefficients(D)
    dW = [[b.zero] * p.dim for _ in range(p.n_neurons)]
    dH = [[b.zero] * p.n_neurons for _ in range(b.J)]
    db = [b.zero] * b.J if p.b is not None else None
    for v, c in list(zip(variables, xs)) + [(s, -c) for s, c in zip(silent, coef)]:
        if c == 0:
            continue
        if v.kind == "gen":
            dW[v.neuron] = [a + c * g for a, g in zip(dW[v.neuron], v.vector)]
        elif v.kind == "alpha":
            dH[v.j][v.neuron] = dH[v.j][v.neuron] + c
        elif db is not None:
            db[v.j] = db[v.j] + c
    path = joint_path(ev, dW, dH, db, "descent")
    if path is None or path.coefficients[1] != 0 or path.coefficients[2] != value:
        if not strict:
            return JointResult("unconfirmed", None, products, supports, dims)
        raise InternalError("joint second-order witness: the path polynomial disagrees with Q "
                            f"(Q = {value}, coefficients {None if path is None else path.coefficients})")
    return JointResult("descent", path, products, supports, dims)


def joint_test(ev: Evaluation, tab: Any, tans: dict[int, TangentialAnalysis], escapes: dict[int, Any],
               budget: Budget) -> JointResult:
    """:func:`joint_second_order` for a certification's neuron table.

    Parameters
    ----------
    ev : Evaluation
    tab : exactland.core.bulk.NeuronTable
        Quiet neurons (``tab.quiet``) get :func:`quiet_flat_neuron`.
    tans, escapes : dict
        Tangential and escape analyses of the other neurons.
    budget : Budget
        The certification's budget; the joint test spends at most a quarter of
        its limit (at least 1000 units) on products of cones and supports.
    """
    p = ev.problem
    one = ev.loss - ev.loss + 1
    zero_tan = TangentialAnalysis("zero-form", True, (), None)
    nds: dict[int, NeuronData] = {}
    exact: list[FlatNeuron] = []
    relaxed: list[FlatNeuron] = []
    try:
        for i in range(p.n_neurons):
            if bool(tab.quiet[i]) and not ev.kink_set(i):
                exact.append(quiet_flat_neuron(i, p.dim, one))
                relaxed.append(exact[-1])
                continue
            nd = tab[i]
            if not bool(tab.quiet[i]):
                nds[i] = nd
            fl = flat_neuron(nd, tans.get(i, zero_tan), escapes[i].is_escape if i in escapes else False, budget)
            exact.append(fl)
            relaxed.append(fl if not bool(tab.quiet[i]) else FlatNeuron(
                i, False, fl.free + fl.rays, (), ((),), relaxed=True))
    except BudgetExceeded:
        return JointResult("budget-exceeded", None, 0, 0)
    local = Budget(max(0, min(budget.limit - budget.used, max(1000, budget.limit // 4))))
    try:
        if any(fl.relaxed for fl in relaxed):  # quiet kink neurons: their span first, exact cells if needed
            res = joint_second_order(ev, relaxed, nds, local)
            if res.status != "unconfirmed":
                return res
        return joint_second_order(ev, exact, nds, local)
    finally:
        budget.used += local.used
