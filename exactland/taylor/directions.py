"""Directions ``Δ = (ΔW, ΔH)`` in parameter space, and how they are named.

A :class:`Direction` has the problem's shapes (``ΔW`` |I|×d, ``ΔH`` |J|×|I|) and
is read from a direction file or dict (:func:`direction_from_dict`), or from a
name given on the command line (:func:`named_direction`: canonical axes, the
radial axis, tangential and escape witnesses of a certificate, its descent and
ascent paths); :func:`parse_direction` accepts any of these, and
:func:`neuron_direction` builds one that moves a single neuron.  The loss along a
direction is :func:`exactland.taylor.rays.ray_polynomial`.
"""
from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from flint import fmpq

from exactland.errors import InputError, JSONFormatError
from exactland.exact.linalg import dot
from exactland.exact.scalars import parse_exact, sign, to_str
from exactland.core.problem import Problem, parse_matrix, parse_vector
from exactland.exact.jsonio import read_json

__all__ = [
    "Direction", "direction_from_dict", "named_direction", "parse_direction",
    "escape_path_constants", "neuron_direction",
]

Vector = tuple[Any, ...]
Matrix = tuple[tuple[Any, ...], ...]
ZERO = fmpq(0)


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
    b : tuple or None
        ``Δb`` (output bias; docs/mathematics.md §12), None when it does not move.
    """

    W: Matrix
    H: Matrix
    label: str = "direction file"
    b: tuple[Any, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"W": [[...]], "H": [[...]]}`` (and ``"b"``) with exact strings (a direction file)."""
        out = {
            "W": [[to_str(x) for x in row] for row in self.W],
            "H": [[to_str(x) for x in row] for row in self.H],
        }
        if self.b is not None:
            out["b"] = [to_str(x) for x in self.b]
        return out

    def norm_sq(self) -> Any:
        """``‖Δ‖²`` over all parameters."""
        return sum((x * x for m in (self.W, self.H, (self.b or (),)) for row in m for x in row), ZERO)


def neuron_direction(problem: Problem, i: int, dw: Sequence[Any] | None = None,
                     dh: Sequence[Any] | None = None, label: str = "direction file") -> Direction:
    """The direction that moves only neuron i: ``Δw_i = dw``, ``Δh_ji = dh[j]``, all else 0.

    Parameters
    ----------
    problem : Problem
        Supplies the shapes.
    i : int
        The neuron (0-based, not range-checked here).
    dw : d exact numbers, optional
        ``Δw_i`` (zero when omitted).
    dh : |J| exact numbers, optional
        The column ``Δh_·i`` (zero when omitted).
    label : str
        How the direction was obtained.

    Returns
    -------
    Direction

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> p = load_example("appendix-g-kink")
    >>> d = neuron_direction(p, 0, dh=(fmpq(1),))
    >>> d.W, d.H
    (((0, 0),), ((1,),))
    """
    W = [[ZERO] * problem.dim for _ in range(problem.n_neurons)]
    H = [[ZERO] * problem.n_neurons for _ in range(problem.n_outputs)]
    if dw is not None:
        W[i] = list(dw)
    if dh is not None:
        for j, x in enumerate(dh):
            H[j][i] = x
    return Direction(tuple(map(tuple, W)), tuple(map(tuple, H)), label)


def _unit(n: int, k: int) -> Vector:
    """The k-th unit vector of length n (exact)."""
    return tuple(fmpq(1) if m == k else ZERO for m in range(n))


def direction_from_dict(problem: Problem, data: Mapping[str, Any], label: str = "direction file") -> Direction:
    """Read ``{"W": [[...]], "H": [[...]]}`` (the problem's own shapes, exact entries).

    Raises
    ------
    JSONFormatError, ShapeError, NotExactError
        Missing fields, wrong shapes or inexact entries (named ``direction.W[i][c]``).

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> p = load_example("appendix-g-kink")
    >>> direction_from_dict(p, {"W": [["3/10", "1/10"]], "H": [["0"]]}).W
    ((3/10, 1/10),)
    """
    if not isinstance(data, Mapping) or not {"W", "H"} <= set(data):
        raise JSONFormatError('a direction must be {"W": [[...]], "H": [[...]]}', "direction")
    extra = sorted(set(data) - {"W", "H", "b", "description", "name"})
    if extra:
        raise JSONFormatError(f"unknown field(s): {', '.join(extra)}", "direction")
    if "b" in data and problem.b is None:
        raise JSONFormatError("a b component needs a problem with an output bias", "direction.b")
    W = parse_matrix(data["W"], "direction.W", problem.n_neurons, problem.dim)
    H = parse_matrix(data["H"], "direction.H", problem.n_outputs, problem.n_neurons)
    b = parse_vector(data["b"], "direction.b", problem.n_outputs) if "b" in data else None
    return Direction(W, H, str(data.get("description", label)), b)


_NAMED = re.compile(r"^(-?)(escape|axis|radial|tangential|descent|ascent)(?::(.*))?$")


def _ints(parts: Sequence[str], spec: str, n: int) -> list[int]:
    """Exactly n integer indices from the comma-separated parts of a name."""
    try:
        vals = [int(x) for x in parts]
    except ValueError:
        raise InputError(f"expected {n} integer index(es)", spec) from None
    if len(vals) != n:
        raise InputError(f"expected {n} integer index(es), got {len(vals)}", spec)
    return vals


def _check_index(value: int, bound: int, what: str, spec: str) -> None:
    """Raise InputError unless ``0 <= value < bound``."""
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

    Parameters
    ----------
    problem : Problem
    spec : str
        The name, e.g. ``"tangential:0,3,1"``.
    cert : Certificate, optional
        Supplies the witnesses (computed with :func:`exactland.core.classify.certify`
        when a name needs one and it is omitted).

    Returns
    -------
    Direction

    Raises
    ------
    InputError
        Unknown names, bad indices, a non-tangential v, or a witness the
        certificate does not have.

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> p = load_example("appendix-g-kink")
    >>> named_direction(p, "-axis:w,0,1").W, named_direction(p, "tangential:0,3,1").W
    (((0, -1),), ((3, 1),))
    """
    m = _NAMED.match(spec.strip())
    if m is None:
        raise InputError("unknown direction name", spec)
    neg, kind, rest = m.group(1) == "-", m.group(2), m.group(3) or ""
    parts = [s.strip() for s in rest.split(",")] if rest else []
    if kind == "axis":
        direction = _axis_direction(problem, parts, spec)
    elif kind == "radial":
        direction = _radial_direction(problem, parts, spec)
    elif kind == "tangential":
        direction = _tangential_direction(problem, parts, spec, cert)
    elif kind == "escape":
        direction = _escape_direction(problem, parts, spec, cert)
    else:  # descent / ascent
        direction = _witness_path_direction(problem, kind, parts, spec, cert)
    return _negate(direction, neg)


def _neuron_index(problem: Problem, parts: Sequence[str], spec: str) -> int:
    """The single neuron index of ``radial:i`` / ``escape:i`` (range-checked)."""
    (i,) = _ints(parts, spec, 1)
    _check_index(i, problem.n_neurons, "neuron", spec)
    return i


def _axis_direction(problem: Problem, parts: Sequence[str], spec: str) -> Direction:
    """``axis:h,i`` / ``axis:h,j,i`` / ``axis:w,i,c``: one canonical axis."""
    if not parts or parts[0] not in ("h", "w"):
        raise InputError("use axis:h,i / axis:h,j,i / axis:w,i,c", spec)
    I, J = problem.n_neurons, problem.n_outputs
    if parts[0] == "h":
        idx = _ints(parts[1:], spec, 1 if len(parts) == 2 else 2)
        j, i = (0, idx[0]) if len(idx) == 1 else idx
        if len(idx) == 1 and J != 1:
            raise InputError("|J| > 1: name the output, axis:h,j,i", spec)
        _check_index(j, J, "output", spec)
        _check_index(i, I, "neuron", spec)
        return neuron_direction(problem, i, dh=_unit(J, j), label=f"canonical axis of h_{{{j},{i}}}")
    i, c = _ints(parts[1:], spec, 2)
    _check_index(i, I, "neuron", spec)
    _check_index(c, problem.dim, "coordinate", spec)
    return neuron_direction(problem, i, _unit(problem.dim, c), label=f"canonical axis of w_{{{i},{c}}}")


def _radial_direction(problem: Problem, parts: Sequence[str], spec: str) -> Direction:
    """``radial:i``: ``Δw_i = w_i``."""
    i = _neuron_index(problem, parts, spec)
    if all(x == 0 for x in problem.W[i]):
        raise InputError("w_i = 0 has no radial direction (Definition 3.1)", spec)
    return neuron_direction(problem, i, problem.W[i], label=f"radial axis of neuron {i} (Delta w_i = w_i)")


def _tangential_direction(problem: Problem, parts: Sequence[str], spec: str, cert: Any) -> Direction:
    """``tangential:i[,v]`` (a certificate witness) or ``tangential:i,x1,...,xd``."""
    if not parts:
        raise InputError("use tangential:i, tangential:i,v or tangential:i,x1,...,xd", spec)
    (i,) = _ints(parts[:1], spec, 1)
    _check_index(i, problem.n_neurons, "neuron", spec)
    if len(parts) <= 2 and (len(parts) == 1 or parts[1] == "v"):
        v = _certificate_v(problem, i, spec, cert)
        return neuron_direction(problem, i, v, label=f"certificate witness v of neuron {i}")
    d = problem.dim
    if len(parts) != d + 1:
        raise InputError(f"expected d = {d} entries after the neuron index", spec)
    v = tuple(parse_exact(x, f"{spec}[{c}]") for c, x in enumerate(parts[1:]))
    if dot(v, problem.W[i]) != 0:
        raise InputError("v is not tangential: v . w_i != 0 (Definition 3.1)", spec)
    return neuron_direction(problem, i, v, label=f"tangential direction of neuron {i}")


def _escape_direction(problem: Problem, parts: Sequence[str], spec: str, cert: Any) -> Direction:
    """``escape:i``: the eq. (17) path with a = 1 (Appendix F.2)."""
    i = _neuron_index(problem, parts, spec)
    n = _cert(problem, cert).neurons[i]
    if not n.is_escape or n.escape_witness is None:
        raise InputError(f"neuron {i} is not an escape neuron (Definition 4.1)", spec)
    j, v, _, phi = n.escape_witness
    _, _, b = escape_path_constants(problem, i, phi)
    dh = [ZERO] * problem.n_outputs
    dh[j] = fmpq(-sign(phi))
    label = f"escape path of neuron {i} (Appendix F.2, eq. 17: a = 1, b = {to_str(b)})"
    return neuron_direction(problem, i, [b * c for c in v], dh, label)


def _witness_path_direction(problem: Problem, kind: str, parts: Sequence[str], spec: str,
                            cert: Any) -> Direction:
    """``descent`` / ``ascent``: the certificate's witness path over all parameters."""
    if parts:
        raise InputError(f"{kind} takes no arguments", spec)
    pw = getattr(_cert(problem, cert), kind)
    if pw is None:
        raise InputError(f"the certificate has no {kind} path", spec)
    dW, dH = pw.full_direction(problem.n_neurons, problem.n_outputs)
    return Direction(tuple(map(tuple, dW)), tuple(map(tuple, dH)),
                     f"certificate {kind} path (neuron {pw.neuron})", pw.db)


def _negate(dv: Direction, neg: bool) -> Direction:
    """``-Δ`` (relabelled) when ``neg``, else Δ unchanged."""
    if not neg:
        return dv
    flip = lambda m: tuple(tuple(-x for x in row) for row in m)  # noqa: E731
    return Direction(flip(dv.W), flip(dv.H), "minus " + dv.label,
                     None if dv.b is None else tuple(-x for x in dv.b))


def _cert(problem: Problem, cert: Any) -> Any:
    """The given certificate, or a fresh one (:func:`exactland.core.classify.certify`)."""
    if cert is None:
        from exactland.core.classify import certify

        cert = certify(problem)
    return cert


def _certificate_v(problem: Problem, i: int, spec: str, cert: Any) -> Vector:
    """The certificate's tangential witness v of neuron i, else its escape witness v."""
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

    Parameters
    ----------
    problem : Problem
    i : int
        The escape neuron.
    phi : exact number
        ``φ_j'i(v)`` of its escape witness (nonzero).

    Returns
    -------
    (exact, exact, exact)
        ``‖V_h‖²``, the bound ``‖V_h‖²/(2|φ|)`` and the chosen b.

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> escape_path_constants(load_example("origin-saddle"), 0, fmpq(11, 125))
    (0, 0, 1)
    """
    act = problem.activation
    vh = sum((act(dot(problem.W[i], x)) ** 2 for x in problem.X), ZERO)
    bound = vh / (2 * abs(phi))
    b = fmpq(1) if bound < 1 else 2 * bound
    return vh, bound, b


def parse_direction(problem: Problem, spec: Any, cert: Any = None) -> Direction:
    """A direction from a dict, a JSON file path, or a name (:func:`named_direction`).

    Parameters
    ----------
    problem : Problem
    spec : dict, path or str
        A direction dict, a direction file, or a direction name.
    cert : Certificate, optional
        Passed on to :func:`named_direction`.

    Returns
    -------
    Direction

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
