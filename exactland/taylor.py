"""Exact Taylor polynomials of the loss along a ray, one orthant at a time.

Along a direction ``Δ = (ΔW, ΔH)`` that moves *every* parameter, the
pre-activations ``(w_i + εΔw_i)·x_k = z_ik + ε Δz_ik`` are affine in ε. While
no sample outside a kink set changes side (``0 ≤ ε < ε0``) each activation is
affine too (Section 3.1, Appendix F: "moving along a fixed direction locally
exploits the loss of a linear network")::

    rho((w_i + εΔw_i)·x_k) = A_ik + ε B_ik,
    A_ik = rho(z_ik),
    B_ik = rho'(z_ik) Δz_ik   (z_ik != 0),   B_ik = rho(Δz_ik)   (z_ik = 0),

so the residuals are ``e_kj + ε p_kj + ε² q_kj`` with
``p_kj = Σ_i (Δh_ji A_ik + h_ji B_ik)`` and ``q_kj = Σ_i Δh_ji B_ik``, and the
loss (eq. 2) is the degree-4 polynomial ``½ Σ (e + εp + ε²q)²``::

    c0 = ½Σe²,  c1 = Σ e p,  c2 = Σ (½p² + e q),  c3 = Σ p q,  c4 = ½Σ q².

``n! c_n`` is the n-th one-sided directional derivative ``∂ⁿ_Δ L`` of
Appendix F.1. ε0 (exact) is the first ε at which a non-kink sample reaches
its kink; the identity holds on the closed interval ``[0, ε0]`` by continuity.
:func:`check_against_loss` re-derives the polynomial from direct exact loss
evaluations (:func:`exactland.network.loss`, an independent route): agreement
at five or more points of ``[0, ε0)`` proves equality of two polynomials of
degree ≤ 4.

The same "eventual side" rule (:func:`ray_side`, :func:`ray_crossing`) drives
the non-network teaching examples of :mod:`exactland.teaching`.
"""
from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from flint import fmpq

from .errors import ExactlandError, InputError, JSONFormatError
from .linalg import dot
from .network import loss as direct_loss
from .numbers import parse_exact, sign, to_str
from .problem import Problem, parse_matrix, read_json

__all__ = [
    "CheckFailed", "Direction", "NeuronOrthant", "RayPolynomial", "AxesContrast",
    "ray_side", "ray_crossing", "ray_polynomial", "check_against_loss",
    "sample_points", "parse_direction", "named_direction", "direction_from_dict",
    "axes_contrast",
]

Vector = tuple[Any, ...]
Matrix = tuple[tuple[Any, ...], ...]
ZERO = fmpq(0)


class CheckFailed(ExactlandError):
    """An internal cross-check disagreed (a bug, never a property of the input)."""


# ------------------------------------------------------------ ray primitives
def ray_side(a: Any, b: Any) -> int:
    """Side of ``a + εb`` for all small ε > 0: ``sign(a)``, or ``sign(b)`` if a = 0.

    Examples
    --------
    >>> ray_side(fmpq(1, 2), -5), ray_side(0, fmpq(-1, 3)), ray_side(0, 0)
    (1, -1, 0)
    """
    s = sign(a)
    return s if s != 0 else sign(b)


def ray_crossing(a: Any, b: Any) -> Any:
    """First ε > 0 where ``a + εb`` reaches 0 coming from ``a != 0``; None if never.

    Examples
    --------
    >>> ray_crossing(fmpq(3), fmpq(-2)), ray_crossing(fmpq(3), fmpq(2)), ray_crossing(0, 1)
    (3/2, None, None)
    """
    sa = sign(a)
    if sa == 0 or sign(b) != -sa:
        return None
    return abs(a) / abs(b)


def _poly(coeffs: Sequence[Any], x: Any) -> Any:
    acc: Any = ZERO
    for c in reversed(coeffs):
        acc = acc * x + c
    return acc


# ------------------------------------------------------------------ directions
@dataclass(frozen=True)
class Direction:
    """A direction ``Δ = (ΔW, ΔH)`` in parameter space, with the problem's shapes.

    Attributes
    ----------
    W : tuple of tuples
        ``Δw_i`` rows, |I|×d.
    H : tuple of tuples
        ``Δh_ji``, |J|×|I|.
    label : str
        How the direction was obtained (for reports).
    """

    W: Matrix
    H: Matrix
    label: str = "direction file"

    def to_dict(self) -> dict[str, Any]:
        """``{"W": [[...]], "H": [[...]]}`` with exact strings (a direction file)."""
        return {
            "W": [[to_str(x) for x in row] for row in self.W],
            "H": [[to_str(x) for x in row] for row in self.H],
        }

    def norm_sq(self) -> Any:
        """``‖Δ‖²`` over all parameters."""
        return sum((x * x for m in (self.W, self.H) for row in m for x in row), ZERO)


def _zero_direction(p: Problem) -> tuple[list[list[Any]], list[list[Any]]]:
    return ([[ZERO] * p.dim for _ in range(p.n_neurons)],
            [[ZERO] * p.n_neurons for _ in range(p.n_outputs)])


def direction_from_dict(problem: Problem, data: Mapping[str, Any], label: str = "direction file") -> Direction:
    """Read ``{"W": [[...]], "H": [[...]]}`` (the problem's own shapes, exact entries).

    Raises
    ------
    JSONFormatError, ShapeError, NotExactError
        Missing fields, wrong shapes or inexact entries (named ``direction.W[i][c]``).

    Examples
    --------
    >>> from exactland.examples import load_example
    >>> p = load_example("appendix-g-kink")
    >>> direction_from_dict(p, {"W": [["3/10", "1/10"]], "H": [["0"]]}).W
    ((3/10, 1/10),)
    """
    if not isinstance(data, Mapping) or not {"W", "H"} <= set(data):
        raise JSONFormatError('a direction must be {"W": [[...]], "H": [[...]]}', "direction")
    extra = sorted(set(data) - {"W", "H", "description", "name"})
    if extra:
        raise JSONFormatError(f"unknown field(s): {', '.join(extra)}", "direction")
    W = parse_matrix(data["W"], "direction.W", problem.n_neurons, problem.dim)
    H = parse_matrix(data["H"], "direction.H", problem.n_outputs, problem.n_neurons)
    return Direction(W, H, str(data.get("description", label)))


_NAMED = re.compile(r"^(-?)(escape|axis|radial|tangential|descent|ascent)(?::(.*))?$")


def _ints(parts: Sequence[str], spec: str, n: int) -> list[int]:
    try:
        vals = [int(x) for x in parts]
    except ValueError:
        raise InputError(f"expected {n} integer index(es)", spec) from None
    if len(vals) != n:
        raise InputError(f"expected {n} integer index(es), got {len(vals)}", spec)
    return vals


def _check_index(value: int, bound: int, what: str, spec: str) -> None:
    if not 0 <= value < bound:
        raise InputError(f"{what} index {value} out of range 0..{bound - 1}", spec)


def named_direction(problem: Problem, spec: str, cert: Any = None) -> Direction:
    """A direction named on the command line (indices 0-based, as in certificates).

    ``axis:h,i`` (|J| = 1) / ``axis:h,j,i``
        the canonical axis of ``h_ji``;
    ``axis:w,i,c``
        the canonical axis of the weight ``w_ic``;
    ``radial:i``
        ``Δw_i = w_i`` (the radial axis ``u_i`` scaled by ``‖w_i‖``, Definition 3.1);
    ``tangential:i`` or ``tangential:i,v``
        ``Δw_i = v`` for the certificate's tangential witness of neuron i
        (``F_i(v) < 0``), else its escape witness;
    ``tangential:i,x1,...,xd``
        ``Δw_i = (x1, ..., xd)``, which must be orthogonal to ``w_i``;
    ``escape:i``
        the Appendix F.2 path of escape neuron i: ``Δh_j'i = −sgn(φ) a``,
        ``Δw_i = b v`` with a = 1 and b above the bound of eq. (17);
    ``descent`` / ``ascent``
        the certificate's witness paths.

    A leading ``-`` negates the direction (``-axis:w,0,1``).

    Raises
    ------
    InputError
        Unknown names, bad indices, a non-tangential v, or a witness the
        certificate does not have.

    Examples
    --------
    >>> from exactland.examples import load_example
    >>> p = load_example("appendix-g-kink")
    >>> named_direction(p, "-axis:w,0,1").W, named_direction(p, "tangential:0,3,1").W
    (((0, -1),), ((3, 1),))
    """
    m = _NAMED.match(spec.strip())
    if m is None:
        raise InputError("unknown direction name", spec)
    neg, kind, rest = m.group(1) == "-", m.group(2), m.group(3) or ""
    parts = [s.strip() for s in rest.split(",")] if rest else []
    W, H = _zero_direction(problem)
    I, J, d = problem.n_neurons, problem.n_outputs, problem.dim
    label = spec
    if kind == "axis":
        if not parts or parts[0] not in ("h", "w"):
            raise InputError("use axis:h,i / axis:h,j,i / axis:w,i,c", spec)
        if parts[0] == "h":
            idx = _ints(parts[1:], spec, 1 if len(parts) == 2 else 2)
            j, i = (0, idx[0]) if len(idx) == 1 else idx
            if len(idx) == 1 and J != 1:
                raise InputError("|J| > 1: name the output, axis:h,j,i", spec)
            _check_index(j, J, "output", spec)
            _check_index(i, I, "neuron", spec)
            H[j][i] = fmpq(1)
            label = f"canonical axis of h_{{{j},{i}}}"
        else:
            i, c = _ints(parts[1:], spec, 2)
            _check_index(i, I, "neuron", spec)
            _check_index(c, d, "coordinate", spec)
            W[i][c] = fmpq(1)
            label = f"canonical axis of w_{{{i},{c}}}"
    elif kind == "radial":
        (i,) = _ints(parts, spec, 1)
        _check_index(i, I, "neuron", spec)
        if all(x == 0 for x in problem.W[i]):
            raise InputError("w_i = 0 has no radial direction (Definition 3.1)", spec)
        W[i] = list(problem.W[i])
        label = f"radial axis of neuron {i} (Delta w_i = w_i)"
    elif kind == "tangential":
        if not parts:
            raise InputError("use tangential:i, tangential:i,v or tangential:i,x1,...,xd", spec)
        (i,) = _ints(parts[:1], spec, 1)
        _check_index(i, I, "neuron", spec)
        if len(parts) <= 2 and (len(parts) == 1 or parts[1] == "v"):
            v = _certificate_v(problem, i, spec, cert)
            label = f"certificate witness v of neuron {i}"
        else:
            if len(parts) != d + 1:
                raise InputError(f"expected d = {d} entries after the neuron index", spec)
            v = tuple(parse_exact(x, f"{spec}[{c}]") for c, x in enumerate(parts[1:]))
            if dot(v, problem.W[i]) != 0:
                raise InputError("v is not tangential: v . w_i != 0 (Definition 3.1)", spec)
            label = f"tangential direction of neuron {i}"
        W[i] = list(v)
    elif kind == "escape":
        (i,) = _ints(parts, spec, 1)
        _check_index(i, I, "neuron", spec)
        return _negate(_escape_direction(problem, i, spec, cert), neg)
    else:  # descent / ascent
        if parts:
            raise InputError(f"{kind} takes no arguments", spec)
        pw = getattr(_cert(problem, cert), kind)
        if pw is None:
            raise InputError(f"the certificate has no {kind} path", spec)
        W[pw.neuron] = list(pw.dw)
        for j, x in enumerate(pw.dh):
            H[j][pw.neuron] = x
        label = f"certificate {kind} path (neuron {pw.neuron})"
    direction = Direction(tuple(map(tuple, W)), tuple(map(tuple, H)), label)
    return _negate(direction, neg)


def _negate(dv: Direction, neg: bool) -> Direction:
    if not neg:
        return dv
    flip = lambda m: tuple(tuple(-x for x in row) for row in m)  # noqa: E731
    return Direction(flip(dv.W), flip(dv.H), "minus " + dv.label)


def _cert(problem: Problem, cert: Any) -> Any:
    if cert is None:
        from .certify import certify

        cert = certify(problem)
    return cert


def _certificate_v(problem: Problem, i: int, spec: str, cert: Any) -> Vector:
    n = _cert(problem, cert).neurons[i]
    if n.tangential_witness is not None:
        return tuple(n.tangential_witness[0])
    if n.escape_witness is not None:
        return tuple(n.escape_witness[1])
    raise InputError(f"neuron {i} has neither a tangential nor an escape witness", spec)


def escape_path_constants(problem: Problem, i: int, phi: Any) -> tuple[Any, Any, Any]:
    """``(‖V_h‖², bound, b)`` of eq. (17) for a = 1: ``b > ‖V_h‖²/(2|φ|)``.

    ``V_h = (rho(w_i·x_k))_k`` (eq. 10); b is 1 when that is above the bound,
    else twice the bound.

    Examples
    --------
    >>> from exactland.examples import load_example
    >>> escape_path_constants(load_example("origin-saddle"), 0, fmpq(11, 125))
    (0, 0, 1)
    """
    act = problem.activation
    vh = sum((act(dot(problem.W[i], x)) ** 2 for x in problem.X), ZERO)
    bound = vh / (2 * abs(phi))
    b = fmpq(1) if bound < 1 else 2 * bound
    return vh, bound, b


def _escape_direction(problem: Problem, i: int, spec: str, cert: Any) -> Direction:
    n = _cert(problem, cert).neurons[i]
    if not n.is_escape or n.escape_witness is None:
        raise InputError(f"neuron {i} is not an escape neuron (Definition 4.1)", spec)
    j, v, _, phi = n.escape_witness
    _, _, b = escape_path_constants(problem, i, phi)
    W, H = _zero_direction(problem)
    W[i] = [b * c for c in v]
    H[j][i] = fmpq(-sign(phi))
    label = f"escape path of neuron {i} (Appendix F.2, eq. 17: a = 1, b = {to_str(b)})"
    return Direction(tuple(map(tuple, W)), tuple(map(tuple, H)), label)


def parse_direction(problem: Problem, spec: Any, cert: Any = None) -> Direction:
    """A direction from a dict, a JSON file path, or a name (:func:`named_direction`).

    Raises
    ------
    InputError
        Neither a known name nor a readable direction file.
    """
    if isinstance(spec, Mapping):
        return direction_from_dict(problem, spec)
    text = str(spec)
    if _NAMED.match(text.strip()):
        return named_direction(problem, text, cert)
    path = pathlib.Path(text)
    if not path.exists():
        raise InputError(
            "neither a direction file nor a named direction (escape:i, axis:h,i, "
            "axis:w,i,c, radial:i, tangential:i[,v], descent, ascent)", text)
    return direction_from_dict(problem, read_json(path), f"direction file {path.name}")


# ------------------------------------------------------------ the polynomial
@dataclass(frozen=True)
class NeuronOrthant:
    """Where neuron i's samples sit along the ray (for ``0 < ε < ε0``).

    Attributes
    ----------
    index : int
    positive, negative : tuple of int
        ``K⁺(i)``, ``K⁻(i)`` at P (they keep their side for ε < ε0).
    kink_moves : tuple of (k, side)
        Kink samples and the side ``sign(Δw_i·x_k)`` they move to (0: stays).
    crossings : tuple of (k, ε)
        Non-kink samples that reach the kink at ε (≥ ε0), if the ray went on.
    """

    index: int
    positive: tuple[int, ...]
    negative: tuple[int, ...]
    kink_moves: tuple[tuple[int, int], ...]
    crossings: tuple[tuple[int, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (0-based indices)."""
        return {
            "neuron": self.index,
            "positive": list(self.positive),
            "negative": list(self.negative),
            "kink": [{"sample": k, "side": s} for k, s in self.kink_moves],
            "crossings": [{"sample": k, "eps": to_str(e)} for k, e in self.crossings],
        }


@dataclass(frozen=True)
class RayPolynomial:
    """``L(P + εΔ) = Σ c_n εⁿ`` for ``0 ≤ ε < ε0`` (ε0 None: every ε ≥ 0).

    Attributes
    ----------
    problem : Problem
    direction : Direction
    coefficients : tuple of 5 exact numbers
    eps0 : exact number or None
    first_change : (neuron, sample) or None
        Which sample reaches its kink at ε0.
    orthant : tuple of NeuronOrthant
    p, q : tuple of tuples
        Residual increments ``p_kj``, ``q_kj``.
    """

    problem: Problem
    direction: Direction
    coefficients: tuple[Any, ...]
    eps0: Any
    first_change: tuple[int, int] | None
    orthant: tuple[NeuronOrthant, ...]
    p: Matrix
    q: Matrix

    def __call__(self, eps: Any) -> Any:
        return _poly(self.coefficients, eps)

    @property
    def order(self) -> int | None:
        """First n ≥ 1 with ``c_n != 0`` (None: constant along the ray)."""
        return next((n for n in range(1, 5) if self.coefficients[n] != 0), None)

    def derivatives(self) -> tuple[Any, ...]:
        """``∂ⁿ_Δ L = n! c_n`` for n = 1..4 (one-sided, Appendix F.1)."""
        c = self.coefficients
        return (c[1], 2 * c[2], 6 * c[3], 24 * c[4])

    def orthant_dict(self) -> dict[str, Any]:
        """The orthant: per neuron the sides of its samples, and the first change."""
        fc = self.first_change
        return {
            "neurons": [o.to_dict() for o in self.orthant],
            "first_change": None if fc is None else {
                "neuron": fc[0], "sample": fc[1], "eps": to_str(self.eps0)},
        }

    def to_dict(self) -> dict[str, Any]:
        """``{"coefficients", "eps0", "orthant"}`` with exact strings (the CLI's JSON)."""
        return {
            "coefficients": [to_str(c) for c in self.coefficients],
            "eps0": None if self.eps0 is None else to_str(self.eps0),
            "orthant": self.orthant_dict(),
        }


def ray_polynomial(problem: Problem, direction: Direction) -> RayPolynomial:
    """The exact loss polynomial along ``P + εΔ`` in its orthant (module notes).

    Parameters
    ----------
    problem : Problem
    direction : Direction

    Returns
    -------
    RayPolynomial

    Examples
    --------
    Appendix G: one ReLU neuron on the kink of ``x_1 = (9/10, 3/10)``, ``h = 1/2``,
    ``y = 3``; moving w along ``v = (3/10, 1/10)`` activates x_1:
    ``L = ½(½·(3/10)ε − 3)² = 9/2 − 9/20 ε + 9/800 ε²``.

    >>> from exactland.examples import load_example
    >>> p = load_example("appendix-g-kink")
    >>> rp = ray_polynomial(p, named_direction(p, "tangential:0,3/10,1/10"))
    >>> rp.coefficients, rp.eps0, rp.orthant[0].kink_moves
    ((9/2, -9/20, 9/800, 0, 0), None, ((0, 1),))
    """
    act = problem.activation
    I, J, K = problem.n_neurons, problem.n_outputs, problem.n_samples
    dW, dH = direction.W, direction.H
    A = [[ZERO] * K for _ in range(I)]
    B = [[ZERO] * K for _ in range(I)]
    eps0: Any = None
    first: tuple[int, int] | None = None
    orth: list[NeuronOrthant] = []
    for i in range(I):
        pos, neg, kinks, cross = [], [], [], []
        for k, x in enumerate(problem.X):
            z, dz = dot(problem.W[i], x), dot(dW[i], x)
            s = sign(z)
            A[i][k] = act(z)
            if s == 0:
                B[i][k] = act(dz)
                kinks.append((k, sign(dz)))
                continue
            B[i][k] = act.slope(s) * dz
            (pos if s > 0 else neg).append(k)
            t = ray_crossing(z, dz)
            if t is not None:
                cross.append((k, t))
                if eps0 is None or t < eps0:
                    eps0, first = t, (i, k)
        orth.append(NeuronOrthant(i, tuple(pos), tuple(neg), tuple(kinks), tuple(cross)))
    c = [ZERO] * 5
    P: list[tuple[Any, ...]] = []
    Q: list[tuple[Any, ...]] = []
    for k in range(K):
        prow, qrow = [], []
        for j in range(J):
            yhat = sum((problem.H[j][i] * A[i][k] for i in range(I)), ZERO)
            e = yhat - problem.Y[k][j]
            pk = sum((dH[j][i] * A[i][k] + problem.H[j][i] * B[i][k] for i in range(I)), ZERO)
            qk = sum((dH[j][i] * B[i][k] for i in range(I)), ZERO)
            c[0] += e * e / 2
            c[1] += e * pk
            c[2] += pk * pk / 2 + e * qk
            c[3] += pk * qk
            c[4] += qk * qk / 2
            prow.append(pk)
            qrow.append(qk)
        P.append(tuple(prow))
        Q.append(tuple(qrow))
    return RayPolynomial(problem, direction, tuple(c), eps0, first, tuple(orth), tuple(P), tuple(Q))


def sample_points(eps0: Any, n: int = 6) -> tuple[Any, ...]:
    """``n`` distinct rational points of ``[0, ε0)`` (of ``[0, n/2)`` when ε0 is None).

    Examples
    --------
    >>> sample_points(fmpq(3), 3), sample_points(None, 3)
    ((0, 1, 2), (0, 1/2, 1))
    """
    if eps0 is None:
        return tuple(fmpq(m, 2) for m in range(n))
    return tuple(eps0 * fmpq(m, n) for m in range(n))


def point_along(problem: Problem, direction: Direction, eps: Any) -> Problem:
    """The problem at ``P + εΔ``."""
    W = [[a + eps * b for a, b in zip(r, dr)] for r, dr in zip(problem.W, direction.W)]
    H = [[a + eps * b for a, b in zip(r, dr)] for r, dr in zip(problem.H, direction.H)]
    return problem.with_params(W, H)


def check_against_loss(rp: RayPolynomial, points: Sequence[Any] | None = None) -> tuple[tuple[Any, Any], ...]:
    """Compare the polynomial with exact loss evaluations at points of ``[0, ε0)``.

    Returns
    -------
    tuple of (ε, L(P + εΔ))
        The agreeing values (at least 5 distinct points: two polynomials of
        degree ≤ 4 that agree there are equal).

    Raises
    ------
    CheckFailed
        If any value differs (a bug), or a point lies outside ``[0, ε0)``.

    Examples
    --------
    >>> from exactland.examples import load_example
    >>> p = load_example("origin-saddle")
    >>> rp = ray_polynomial(p, named_direction(p, "escape:0"))
    >>> len(check_against_loss(rp))
    6
    """
    pts = tuple(sample_points(rp.eps0) if points is None else points)
    if len(set(pts)) < 5:
        raise CheckFailed("at least 5 distinct points are needed to pin down a quartic")
    out = []
    for eps in pts:
        if sign(eps) < 0 or (rp.eps0 is not None and not eps < rp.eps0):
            raise CheckFailed(f"eps = {to_str(eps)} is outside [0, eps0)")
        direct = direct_loss(point_along(rp.problem, rp.direction, eps))
        if direct != rp(eps):
            raise CheckFailed(
                f"Taylor polynomial {to_str(rp(eps))} != exact loss {to_str(direct)} at eps = {to_str(eps)}")
        out.append((eps, direct))
    return tuple(out)


# ------------------------------------------------- canonical vs aligned axes
@dataclass(frozen=True)
class AxesContrast:
    """Appendix G: first-order Taylor from canonical vs aligned axes (d = 2).

    For each test direction ``Δw_i`` (neuron i only), ``actual`` is the exact
    one-sided slope ``c1`` along it and ``predicted`` the slope composed
    from the one-sided axis slopes, ``Σ_a |t_a| c1(sgn(t_a) e_a)`` for the
    coordinates ``t_a`` of Δw in the axes ``e_a``.

    Attributes
    ----------
    neuron : int
    u, v : vectors
        Aligned axes: ``u = w_i`` (radial) and ``v = (−w_i2, w_i1)`` (tangential).
    canonical, aligned : tuple of rows
        ``(orthant signs, cut_by, Δw, actual, predicted)``; ``cut_by`` lists
        the kink samples whose line ``x_k·Δ = 0`` crosses the open orthant.
    """

    neuron: int
    u: Vector
    v: Vector
    canonical: tuple[tuple[tuple[int, int], tuple[int, ...], Vector, Any, Any], ...]
    aligned: tuple[tuple[tuple[int, int], tuple[int, ...], Vector, Any, Any], ...]

    @property
    def canonical_fails(self) -> bool:
        """Some canonical prediction is wrong."""
        return any(a != p for *_, a, p in self.canonical)

    @property
    def aligned_exact(self) -> bool:
        """Every aligned prediction is right."""
        return all(a == p for *_, a, p in self.aligned)


def _slope(problem: Problem, i: int, dw: Vector) -> Any:
    W, H = _zero_direction(problem)
    W[i] = list(dw)
    return ray_polynomial(problem, Direction(tuple(map(tuple, W)), tuple(map(tuple, H)))).coefficients[1]


def _cut(x: Vector, axes: Sequence[Vector], signs: Sequence[int]) -> bool:
    vals = [sg * dot(x, a) for sg, a in zip(signs, axes)]
    return any(sign(t) > 0 for t in vals) and any(sign(t) < 0 for t in vals)


def _compose(axes: Sequence[Vector], coords: Sequence[Any]) -> Vector:
    return tuple(sum((t * a[c] for t, a in zip(coords, axes)), ZERO) for c in range(len(axes[0])))


def axes_contrast(problem: Problem, i: int) -> AxesContrast:
    """Compare Taylor expansions built on canonical and on aligned axes (Appendix G).

    In each open orthant of the axes, test directions are ``±1`` and ``±(1+m)``
    combinations, plus, where a kink line ``x_k·Δ = 0`` cuts the orthant, a
    direction on each side of it. Inside an aligned orthant no kink sample
    changes side (``x_k·u = 0`` for k ∈ K⁰(i)), so the composed slope is exact;
    a canonical orthant cut by a kink line mixes two pieces.

    Raises
    ------
    InputError
        d != 2 or ``w_i = 0`` (no radial axis).

    Examples
    --------
    >>> from exactland.examples import load_example
    >>> ac = axes_contrast(load_example("appendix-g-kink"), 0)
    >>> ac.canonical_fails, ac.aligned_exact
    (True, True)
    """
    if problem.dim != 2:
        raise InputError("the axes contrast is drawn for d = 2 (Appendix G)", "X")
    w = problem.W[i]
    if all(c == 0 for c in w):
        raise InputError("w_i = 0 has no radial axis", f"W[{i}]")
    kinks = [k for k, x in enumerate(problem.X) if dot(w, x) == 0]
    one = fmpq(1)
    canon = ((one, ZERO), (ZERO, one))
    aligned = (tuple(w), (-w[1], w[0]))

    def rows(axes: tuple[Vector, Vector]) -> tuple[Any, ...]:
        slopes = {(a, s): _slope(problem, i, tuple(s * c for c in axes[a])) for a in (0, 1) for s in (1, -1)}
        out = []
        for sg in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
            cut = tuple(k for k in kinks if _cut(problem.X[k], axes, sg))
            coords = [(one, one), (one, fmpq(3)), (fmpq(3), one)]
            for k in cut:  # a direction strictly on each side of the kink line
                x = problem.X[k]
                m0, m1 = (abs(dot(x, a)) for a in axes)
                coords.append((1 + m1 / m0, one))  # x·Δ = ±(m0 + m1 m0/m0 − m1) ≠ 0
                coords.append((one, 1 + m0 / m1))
            for t0, t1 in coords:
                tt = (sg[0] * t0, sg[1] * t1)
                dw = _compose(axes, tt)
                pred = t0 * slopes[(0, sg[0])] + t1 * slopes[(1, sg[1])]
                out.append((sg, cut, dw, _slope(problem, i, dw), pred))
        return tuple(out)

    return AxesContrast(i, aligned[0], aligned[1], rows(canon), rows(aligned))
