"""Independent checker of exactland certificates (``certificate_schema.md``).

Everything a certificate claims is re-derived from the problem it carries, with
code written here from the mathematics (paper, Lemma 3.2, Definitions 3.3 and
4.1, Appendix D; DESIGN §§3–7) and **no** code of the certifier: the only
exactland imports are :mod:`exactland.errors` and, lazily and only for
certificates with irrational algebraic numbers, ``exactland.numbers.parse_exact``.
Rational certificates are checked with :class:`fractions.Fraction` and Python
integers (matrices are cleared to a common denominator and multiplied as
integers).  No float and no tolerance appears anywhere.

Piecewise-linear forms.  With ``rho(t) = a⁻ t + (a⁺ − a⁻) max(t, 0)`` every
``φ_ji`` is written ``ℓ·v + Σ_l γ_l max(n_l·v, 0)`` over the distinct kink lines
``n_l`` (``max(−t, 0) = max(t, 0) − t`` merges antiparallel normals).  ``ℓ`` is
projected onto ``w_i^⊥``; the form is then invariant along ``w_i`` and its
behaviour on R^d is its behaviour on the tangent space.  A form is identically
zero iff ``ℓ = 0`` and ``γ = 0``; it is ``≥ 0`` iff ``ℓ`` lies in the span of
the normals and it is ``≥ 0`` on every extreme ray of the (essential) kink
arrangement, a ray being the line of ``span(n)`` orthogonal to ``r − 1``
normals of rank ``r − 1`` (both orientations).
"""
from __future__ import annotations

import json
import math
import pathlib
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Iterator

from exactland.errors import CertificateFormatError as CFE

__all__ = ["CheckReport", "check_certificate", "FORMAT"]

FORMAT = "exactland-certificate/1"
_VERDICTS = ("not-stationary", "saddle", "type-1-minimum", "undecided")
_METHODS = ("lineality", "separable", "zero-form", "rays", "budget-exceeded")
_RATIONAL = re.compile(r"[+-]?\d+(\s*/\s*\d+)?|[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")


class _Inf:
    """The certificate's ``"inf"`` (compared only through :func:`_le`)."""

    def __repr__(self) -> str:
        return "inf"


INF = _Inf()


class _BudgetExceeded(Exception):
    """Raised internally when ray enumeration would pass the budget."""


@dataclass(frozen=True)
class CheckReport:
    """Outcome of :func:`check_certificate`.

    Attributes
    ----------
    valid : bool
        True iff every claim of the certificate was re-derived.
    reasons : tuple of str
        Every failed claim, naming the field.
    checked : tuple of str
        What was verified, one line per claim group.
    """

    valid: bool
    reasons: tuple[str, ...]
    checked: tuple[str, ...]


# --------------------------------------------------------------------- helpers
def _le(a: Any, b: Any) -> bool:
    """``a ≤ b`` with ``INF`` as +infinity."""
    return b is INF or (a is not INF and a <= b)


def _min(a: Any, b: Any) -> Any:
    return b if a is INF else a if b is INF else (a if a <= b else b)


def _pos(a: Any) -> bool:
    return a is INF or a > 0


def _abs(a: Any) -> Any:
    return -a if a < 0 else a


def _dot(a: Any, b: Any) -> Any:
    return sum((x * y for x, y in zip(a, b)), 0)


def _zero(v: Any) -> bool:
    return all(x == 0 for x in v)


def _fmt(x: Any) -> str:
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(_fmt(y) for y in x) + "]"
    return "null" if x is None else str(x).lower() if isinstance(x, bool) else str(x)


class _Field:
    """Division and small constants of the number type in use."""

    def __init__(self, algebraic: bool) -> None:
        self.algebraic = algebraic
        if algebraic:
            from flint import fmpq  # the type parse_exact returns
            self._frac: Callable[[int, int], Any] = fmpq
        else:
            self._frac = Fraction

    def div(self, a: Any, b: Any) -> Any:
        if isinstance(a, int) and isinstance(b, int):
            return self._frac(a, b)
        return a / b

    def clear(self, values: list) -> tuple[list, int]:
        """Integer numerators over one common denominator (rational mode)."""
        if self.algebraic:
            return list(values), 1
        den = 1
        for v in values:
            den = den * v.denominator // math.gcd(den, v.denominator)
        return [v.numerator * (den // v.denominator) for v in values], den

    def clear_rows(self, rows: list) -> tuple[list, int]:
        flat, den = self.clear([x for r in rows for x in r])
        n = len(rows[0]) if rows else 0
        return [flat[a * n:(a + 1) * n] for a in range(len(rows))], den

    def q(self, num: Any, den: int) -> Any:
        return num if self.algebraic else Fraction(num, den)


class _Span:
    """Incremental row echelon form of a set of vectors."""

    def __init__(self, div: Callable[[Any, Any], Any]) -> None:
        self.div, self.rows = div, []

    def reduce(self, v: Any) -> list:
        v = list(v)
        for p, row in self.rows:
            if v[p] != 0:
                f = v[p]
                v = [a - f * b for a, b in zip(v, row)]
        return v

    def add(self, v: Any) -> bool:
        v = self.reduce(v)
        p = next((t for t, x in enumerate(v) if x != 0), None)
        if p is None:
            return False
        self.rows.append((p, [self.div(x, v[p]) for x in v]))
        return True

    def contains(self, v: Any) -> bool:
        return _zero(self.reduce(v))


def _kernels(M: list, r: int, div: Callable[[Any, Any], Any],
             spend: Callable[[int], None]) -> Iterator[list]:
    """Kernel vector of every (r−1)-subset of rank r−1 of the rows of M (m×r).

    Depth-first over subsets in lexicographic order, keeping the echelon form of
    the chosen prefix: a dependent row prunes its whole subtree and each node
    costs one O(r²) reduction; nodes and leaves are charged to ``spend``.
    """
    def rec(start: int, rows: list) -> Iterator[list]:
        need = r - 1 - len(rows)
        if need == 0:
            spend(1)
            piv = {p for p, _ in rows}
            c: list = [0] * r
            c[next(q for q in range(r) if q not in piv)] = 1
            for p, row in reversed(rows):  # rows vanish on earlier pivots
                c[p] = -sum((row[q] * c[q] for q in range(r) if q != p), 0)
            yield c
            return
        for s in range(start, len(M) - need + 1):
            spend(1)
            v = M[s]
            for p, row in rows:
                if v[p] != 0:
                    f = v[p]
                    v = [a - f * b for a, b in zip(v, row)]
            p = next((q for q, a in enumerate(v) if a != 0), None)
            if p is not None:
                yield from rec(s + 1, rows + [(p, [div(a, v[p]) for a in v])])

    yield from rec(0, [])


def _interpolate(ts: list, vals: list, div: Callable[[Any, Any], Any]) -> list:
    """Monomial coefficients of the polynomial through (ts, vals) (Newton)."""
    n, c = len(ts), list(vals)
    for lev in range(1, n):
        for m in range(n - 1, lev - 1, -1):
            c[m] = div(c[m] - c[m - 1], ts[m] - ts[m - lev])
    poly = [c[n - 1]]
    for m in range(n - 2, -1, -1):
        new: list = [0] * (len(poly) + 1)
        for a, x in enumerate(poly):
            new[a + 1] += x
            new[a] -= x * ts[m]
        new[0] += c[m]
        poly = new
    return poly


# --------------------------------------------------------------------- parsing
# A parser is a function (value, where) -> parsed value; ``where`` names the field.
Parser = Callable[[Any, str], Any]


def _req(obj: Any, key: str, where: str) -> Any:
    if not isinstance(obj, dict):
        raise CFE("expected a JSON object", where or "certificate")
    if key not in obj:
        raise CFE(f"missing field '{key}'", where or "certificate")
    return obj[key]


def _fields(obj: Any, where: str, **parsers: Parser) -> dict:
    """Parse the named fields of a JSON object, each with its parser."""
    return {k: fn(_req(obj, k, where), f"{where}.{k}" if where else k) for k, fn in parsers.items()}


def _opt(fn: Parser) -> Parser:
    return lambda v, w: None if v is None else fn(v, w)


def _int(lo: int = 0, hi: int | None = None) -> Parser:
    def parse(v: Any, w: str) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or v < lo or (hi is not None and v >= hi):
            raise CFE(f"expected an integer in [{lo}, {'inf' if hi is None else hi}), got {v!r}", w)
        return v
    return parse


def _choice(*options: Any) -> Parser:
    def parse(v: Any, w: str) -> Any:
        if isinstance(v, bool) != isinstance(options[0], bool) or v not in options:
            raise CFE(f"expected one of {', '.join(map(repr, options))}, got {v!r}", w)
        return v
    return parse


def _list(item: Parser, n: int | None = None) -> Parser:
    def parse(v: Any, w: str) -> list:
        if not isinstance(v, list) or (n is not None and len(v) != n):
            raise CFE(f"expected a list{'' if n is None else f' of length {n}'}", w)
        return [item(x, f"{w}[{a}]") for a, x in enumerate(v)]
    return parse


def _str(v: Any, w: str) -> str:
    if not isinstance(v, str):
        raise CFE(f"expected a string, got {v!r}", w)
    return v


_BOOL = _choice(True, False)


class _Reader:
    """Number parsers; ``conv`` turns a number string into a number."""

    def __init__(self, conv: Callable[[str, str], Any]) -> None:
        self.conv = conv

    def num(self, v: Any, where: str) -> Any:
        if isinstance(v, bool) or not isinstance(v, (str, int)):
            raise CFE(f"expected an exact number written as a string, got {v!r}", where)
        if isinstance(v, str) and v.strip() == "inf":
            raise CFE("'inf' is not allowed here", where)
        return self.conv(str(v), where)

    def num_inf(self, v: Any, where: str) -> Any:
        return INF if v == "inf" else self.num(v, where)

    def vec(self, n: int | None = None) -> Parser:
        return _list(self.num, n)

    def mat(self, rows: int | None, cols: int | None) -> Parser:
        def parse(v: Any, w: str) -> list:
            if not isinstance(v, list) or not v or not isinstance(v[0], list) or not v[0]:
                raise CFE("expected a non-empty matrix (list of rows)", w)
            return _list(self.vec(cols or len(v[0])), rows)(v, w)
        return parse


def _problem(p: Any, rd: _Reader) -> dict:
    out = _fields(p, "problem", X=rd.mat(None, None))
    K, d = len(out["X"]), len(out["X"][0])
    if d < 2:
        raise CFE("input dimension d must be at least 2", "problem.X")
    out.update(_fields(p, "problem", Y=rd.mat(K, None), W=rd.mat(None, d)))
    out.update(_fields(p, "problem", H=rd.mat(len(out["Y"][0]), len(out["W"]))))
    act = p.get("activation", p)  # {"activation": {...}}, or the slopes at top level
    out.update(_fields(act, "problem.activation", alpha_plus=rd.num, alpha_minus=rd.num))
    return out


def _neuron(i: int, sizes: tuple, rd: _Reader) -> Parser:
    K, d, J, I = sizes
    witness = _opt(lambda v, w: _fields(v, w, v=rd.vec(d), F=rd.num))
    escape_witness = _opt(lambda v, w: _fields(v, w, j=_int(0, J), v=rd.vec(d), F=rd.num, phi=rd.num))
    tangential = lambda v, w: _fields(  # noqa: E731
        v, w, method=_choice(*_METHODS), lines=_list(rd.vec(d)), nonnegative=_opt(_BOOL),
        rays=_int(), c=_opt(rd.num_inf), witness=witness)
    escape = _opt(lambda v, w: _fields(v, w, is_escape=_BOOL, witness=escape_witness))
    return lambda v, w: _fields(
        v, w, index=_choice(i), kink_set=_list(_int(0, K)), signs=_list(_int(-1, 2), K),
        d=rd.mat(J, d), dL_dh=rd.vec(J), dL_dr_scaled=rd.num, tangential=tangential, escape=escape)


def _path(sizes: tuple, rd: _Reader) -> Parser:
    K, d, J, I = sizes
    corollary = _opt(lambda v, w: _fields(v, w, C=rd.num, direction_norm_sq=rd.num, C_unit=rd.num))
    direction = lambda v, w: _fields(v, w, W=rd.mat(I, d), H=rd.mat(J, I))  # noqa: E731
    return lambda v, w: _fields(
        v, w, kind=_choice("descent", "ascent"), direction=direction, t_max=_opt(rd.num),
        coefficients=rd.vec(5), order=_choice(1, 2), t=rd.num, loss=rd.num,
        neuron=_opt(_int(0, I)), corollary_4_4=corollary)


def _witness(sizes: tuple, rd: _Reader) -> Parser:
    def parse(v: Any, w: str) -> dict:
        if not isinstance(v, dict) or not set(v) <= {"descent", "ascent"}:
            raise CFE("expected an object with 'descent' and/or 'ascent'", w)
        return {k: _path(sizes, rd)(x, f"{w}.{k}") for k, x in v.items()}
    return _opt(parse)


def _structure(raw: Any, rd: _Reader) -> dict:
    if not isinstance(raw, dict):
        raise CFE("a certificate must be a JSON object", "certificate")
    _fields(raw, "", format=_choice(FORMAT))
    prob = _problem(_req(raw, "problem", ""), rd)
    sizes = (len(prob["X"]), len(prob["X"][0]), len(prob["Y"][0]), len(prob["W"]))
    I = sizes[3]
    neurons = _list(lambda v, w: v, I)(_req(raw, "neurons", ""), "neurons")
    out = _fields(
        raw, "", verdict=_choice(*_VERDICTS), loss=rd.num, stationary=_opt(_BOOL),
        escape_neurons=_list(_int(0, I)), radius=_opt(rd.num_inf),
        radius_constants=_opt(lambda v, w: _fields(v, w, rho_w=rd.num_inf, rho_h=rd.num_inf,
                                                   c=_list(rd.num_inf, I))),
        local_maximum_possible=_BOOL, global_minimum=_BOOL, witness=_witness(sizes, rd),
        reason=_opt(_str),
        budget=lambda v, w: _fields(v, w, limit=_int(), used=_int()))
    out["neurons"] = [_neuron(i, sizes, rd)(n, f"neurons[{i}]") for i, n in enumerate(neurons)]
    out["problem"] = prob
    return out


def _algebraic_conv(text: str, where: str) -> Any:
    try:
        from exactland.numbers import parse_exact
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise CFE(f"{text!r} is not a rational and exactland.numbers is unavailable", where) from exc
    try:
        return parse_exact(text, where)
    except Exception as exc:  # NotExactError and SymPy parse failures alike
        raise CFE(f"{text!r} is not an exact number ({exc})", where) from exc


def _long_int(digits: str) -> int:
    """``int(digits)`` for decimal strings of any length (Python refuses more than
    4300 digits in one conversion; convert in chunks, leaving the global limit alone)."""
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    value = 0
    for start in range(0, len(digits), 4000):
        chunk = digits[start:start + 4000]
        value = value * 10 ** len(chunk) + int(chunk)
    return sign * value


def _fraction_conv(text: str, where: str) -> Fraction:
    big = re.fullmatch(r"\s*([+-]?\d+)\s*(?:/\s*(\d+))?\s*", text)
    if big and len(text) > 4000:
        den = _long_int(big.group(2)) if big.group(2) else 1
        if den == 0:
            raise CFE(f"{text[:40]}...: division by zero", where)
        return Fraction(_long_int(big.group(1)), den)
    m = re.search(r"[eE]([+-]?\d+)$", text.strip())
    if m and abs(int(m.group(1))) > 100_000:
        raise CFE(f"{text!r} has an exponent beyond 10**100000", where)
    try:
        return Fraction(text.replace(" ", ""))
    except (ValueError, ZeroDivisionError) as exc:
        raise CFE(f"{text!r} is not an exact number", where) from exc


def _parse(raw: Any) -> tuple[dict, _Field]:
    """Parse twice: first to see whether every number is a plain rational."""
    irrational: list[str] = []

    def probe(text: str, where: str) -> str:
        if not _RATIONAL.fullmatch(text.strip()):
            irrational.append(text)
        return text

    _structure(raw, _Reader(probe))
    alg = bool(irrational)
    cert = _structure(raw, _Reader(_algebraic_conv if alg else _fraction_conv))
    p = cert["problem"]
    if p["alpha_plus"] == p["alpha_minus"]:
        raise CFE("alpha_plus = alpha_minus is excluded", "problem.activation")
    return cert, _Field(alg)


def _load(cert: dict | str | pathlib.Path) -> Any:
    if isinstance(cert, dict):
        return cert
    if isinstance(cert, str) and cert.lstrip().startswith("{"):
        text = cert
    elif isinstance(cert, (str, pathlib.Path)):
        try:
            text = pathlib.Path(cert).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CFE(f"cannot read the certificate file: {exc}", str(cert)) from exc
    else:
        raise CFE(f"expected a dict, JSON text or a path, got {type(cert).__name__}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CFE(f"not JSON: {exc}") from exc


# --------------------------------------------------------------------- checker
class _Checker:
    """Re-derives every quantity of one parsed certificate."""

    def __init__(self, cert: dict, field: _Field, budget: int) -> None:
        self.c, self.f, self.budget, self.used = cert, field, budget, 0
        self.reasons: list[str] = []
        self.checked: list[str] = []
        p = cert["problem"]
        self.X, self.Y, self.W, self.H = p["X"], p["Y"], p["W"], p["H"]
        self.ap, self.am = p["alpha_plus"], p["alpha_minus"]
        self.K, self.d, self.J, self.I = len(self.X), len(self.X[0]), len(self.Y[0]), len(self.W)
        self.Xn, self.Dx = field.clear_rows(self.X)
        self._reps: dict[int, tuple] = {}
        self._forms: dict[tuple, tuple] = {}
        self._ana: dict[int, tuple] = {}
        self._stat: bool | None = None
        self._evidence = False  # a verified proof of non-stationarity
        self._point()

    # -- the point ---------------------------------------------------------
    def _hcol(self, i: int) -> list:
        return [self.H[j][i] for j in range(self.J)]

    def _outputs(self, rows: list, cols: list) -> tuple[list, list, int]:
        """ŷ (K×J) of the neurons with input rows ``rows`` and output columns ``cols``."""
        f, J = self.f, self.J
        Wn, Dw = f.clear_rows(rows)
        Hn, Dh = f.clear_rows(cols)
        (ap, am), Da = f.clear([self.ap, self.am])
        acc = [[0] * J for _ in range(self.K)]
        Z = []
        for wn, hn in zip(Wn, Hn):
            zrow = [_dot(wn, xn) for xn in self.Xn]
            Z.append(zrow)
            for k, z in enumerate(zrow):
                if z != 0:
                    r = (ap if z > 0 else am) * z
                    row = acc[k]
                    for j in range(J):
                        row[j] += hn[j] * r
        den = Dw * Dh * Da * self.Dx
        return [[f.q(v, den) for v in row] for row in acc], Z, Dw * self.Dx

    def _point(self) -> None:
        f, K, J, d = self.f, self.K, self.J, self.d
        self.Yhat, self.Zn, self.Dz = self._outputs(self.W, [self._hcol(i) for i in range(self.I)])
        self.sign = [[(z > 0) - (z < 0) for z in row] for row in self.Zn]
        self.E = [[self.Yhat[k][j] - self.Y[k][j] for j in range(J)] for k in range(K)]
        self.L = f.div(sum((e * e for row in self.E for e in row), 0), 2)
        En, De = f.clear_rows(self.E)
        (ap, am), Da = f.clear([self.ap, self.am])
        P = [[[En[k][j] * x for x in self.Xn[k]] for j in range(J)] for k in range(K)]
        den = Da * De * self.Dx
        self.D, self.dLdh, self.dLdr = [], [], []
        for i in range(self.I):
            plus, minus = [[0] * d for _ in range(J)], [[0] * d for _ in range(J)]
            for k, s in enumerate(self.sign[i]):
                if s > 0 or (s < 0 and am != 0):
                    tgt = plus if s > 0 else minus
                    for j in range(J):
                        tgt[j] = [a + b for a, b in zip(tgt[j], P[k][j])]
            Di = [[f.q(ap * a + am * b, den) for a, b in zip(plus[j], minus[j])] for j in range(J)]
            self.D.append(Di)
            self.dLdh.append([_dot(self.W[i], Di[j]) for j in range(J)])
            self.dLdr.append(sum((self.H[j][i] * self.dLdh[i][j] for j in range(J)), 0))
        self.K0 = [[k for k in range(K) if self.sign[i][k] == 0] for i in range(self.I)]

    def _z(self, i: int, k: int) -> Any:
        return self.f.q(self.Zn[i][k], self.Dz)

    def _rho(self, t: Any) -> Any:
        return (self.ap if t > 0 else self.am) * t

    def _phi(self, i: int, j: int, v: list) -> Any:
        """φ_ji(v) by its definition (eq. 6)."""
        return _dot(self.D[i][j], v) + sum((self.E[k][j] * self._rho(_dot(self.X[k], v))
                                            for k in self.K0[i]), 0)

    def _F(self, i: int, v: list) -> Any:
        return sum((self.H[j][i] * self._phi(i, j, v) for j in range(self.J)), 0)

    # -- piecewise-linear forms -------------------------------------------
    def _kink_form(self, kinks: tuple) -> tuple[list, list, list]:
        """(lines, Σ_k coef_kj x_k, γ_j) of a kink set; shared by equal kink sets."""
        if kinks in self._forms:
            return self._forms[kinks]
        f, J, diff = self.f, self.J, self.ap - self.am
        lines: list = []
        index: dict = {}  # rational mode only: fmpq and RealAlg need not hash alike
        lin: list = [[0] * self.d for _ in range(J)]
        gam: list[list] = [[] for _ in range(J)]
        for k in kinks:
            x = self.X[k]
            p = next((t for t, a in enumerate(x) if a != 0), None)
            if p is None:
                continue
            lam = x[p]
            n = tuple(f.div(a, lam) for a in x)
            l = self._find(lines, index, n)
            if l == len(lines):
                index[n] = l
                lines.append(n)
                for g in gam:
                    g.append(0)
            for j in range(J):
                e = self.E[k][j]
                if e != 0:  # rho(t) = a⁻t + (a⁺−a⁻)max(t,0); max(λt,0) = |λ|max(t,0) − [λ<0]|λ|t
                    gam[j][l] += diff * e * _abs(lam)
                    coef = self.am * e + (diff * e if lam < 0 else 0)
                    lin[j] = [a + coef * b for a, b in zip(lin[j], x)]
        self._forms[kinks] = (lines, lin, gam)
        return self._forms[kinks]

    def _rep(self, i: int) -> tuple[list, list, list]:
        """(lines, ℓ_j, γ_j) of the φ_ji of neuron i, ℓ projected on w_i^⊥."""
        if i not in self._reps:
            lines, lin, gam = self._kink_form(tuple(self.K0[i]))
            ell = [[a + b for a, b in zip(self.D[i][j], lin[j])] for j in range(self.J)]
            w = self.W[i]
            ww = _dot(w, w)
            for j in range(self.J):
                s = _dot(ell[j], w)
                if ww != 0 and s != 0:
                    s = self.f.div(s, ww)
                    ell[j] = [a - s * b for a, b in zip(ell[j], w)]
            self._reps[i] = (lines, ell, gam)
        return self._reps[i]

    def _find(self, lines: list, index: dict, n: tuple) -> int:
        """Position of line ``n`` in ``lines`` (``len(lines)`` when new)."""
        if not self.f.algebraic:
            return index.get(n, len(lines))
        return next((l for l, m in enumerate(lines) if all(a == b for a, b in zip(m, n))), len(lines))

    def _show(self, n: tuple) -> list:
        """A kink line as the schema writes it: a primitive integer vector."""
        if self.f.algebraic:
            return list(n)
        ints, _ = self.f.clear(list(n))
        g = math.gcd(*ints)
        return [a // g for a in ints]

    def _spend(self, n: int) -> None:
        if self.used + n > self.budget:
            raise _BudgetExceeded
        self.used += n

    def _F_form(self, i: int) -> tuple[list, list]:
        """(ℓ, γ) of F_i = Σ_j h_ji φ_ji."""
        lines, ell, gam = self._rep(i)
        h = self._hcol(i)
        return ([sum((h[j] * ell[j][t] for j in range(self.J)), 0) for t in range(self.d)],
                [sum((h[j] * gam[j][l] for j in range(self.J)), 0) for l in range(len(lines))])

    def _analysis(self, i: int) -> tuple[bool, bool, Any]:
        """(F_i ≥ 0 on T_i, escape: ∃v F_i(v)=0≠φ_ji(v), c_i) — c_i is 0 for escape."""
        if i in self._ana:
            return self._ana[i]
        lines, ell, gam = self._rep(i)
        J, h, div = self.J, self._hcol(i), self.f.div
        ellF, gamF = self._F_form(i)
        if _zero(ellF) and _zero(gamF):  # F_i ≡ 0: escape iff some φ_ji ≢ 0
            esc = not all(_zero(ell[j]) and _zero(gam[j]) for j in range(J))
            self._ana[i] = (True, esc, 0 if esc else INF)
            return self._ana[i]
        span = _Span(div)
        basis = [n for n in lines if span.add(n)]
        if not span.contains(ellF):
            self._ana[i] = (False, False, None)
            return self._ana[i]
        escape = any(not span.contains(ell[j]) for j in range(J))
        r = len(basis)
        M = [[_dot(n, b) for b in basis] for n in lines]
        Lj = [[_dot(ell[j], b) for b in basis] for j in range(J)]
        cmin: Any = INF
        for cvec in _kernels(M, r, div, self._spend):
            p0 = [_dot(row, cvec) for row in M]
            l0 = [_dot(Lj[j], cvec) for j in range(J)]
            for sg in (1, -1):
                p = p0 if sg > 0 else [-a for a in p0]
                phis = [(l0[j] if sg > 0 else -l0[j])
                        + sum((gam[j][l] * a for l, a in enumerate(p) if a > 0), 0) for j in range(J)]
                F = sum((h[j] * phis[j] for j in range(J)), 0)
                if F < 0:
                    self._ana[i] = (False, False, None)
                    return self._ana[i]
                mx = max((_abs(a) for a in phis), default=0)
                if mx != 0:
                    escape = escape or F == 0
                    cmin = _min(cmin, div(F, mx))
        self._ana[i] = (True, escape, 0 if escape else cmin)
        return self._ana[i]

    def _stationary(self) -> bool:
        if self._stat is None:
            if self._evidence or any(v != 0 for row in self.dLdh for v in row):
                self._stat = False
            else:
                self._stat = all(self._analysis(i)[0] for i in range(self.I))
        return self._stat

    # -- reporting ---------------------------------------------------------
    def _fail(self, msg: str) -> None:
        self.reasons.append(msg)

    def _cmp(self, where: str, claimed: Any, actual: Any) -> bool:
        if claimed != actual:
            self._fail(f"{where}: certificate says {_fmt(claimed)}, recomputed {_fmt(actual)}")
            return False
        return True

    # -- item 1–2 ------------------------------------------------------------
    def check_point(self) -> None:
        c = self.c
        self._cmp("loss", c["loss"], self.L)
        for i, n in enumerate(c["neurons"]):
            w = f"neurons[{i}]"
            self._cmp(f"{w}.kink_set", n["kink_set"], self.K0[i])
            self._cmp(f"{w}.signs", n["signs"], self.sign[i])
            self._cmp(f"{w}.d", n["d"], self.D[i])
            self._cmp(f"{w}.dL_dh", n["dL_dh"], self.dLdh[i])
            self._cmp(f"{w}.dL_dr_scaled", n["dL_dr_scaled"], self.dLdr[i])
        lmax = all(self._rho(z) == 0 for row in self.Zn for z in row)
        self._cmp("local_maximum_possible", c["local_maximum_possible"], lmax)
        self._cmp("global_minimum", c["global_minimum"], self.L == 0)
        self.checked.append("loss, and kink_set, signs, d, dL_dh, dL_dr_scaled of every neuron")
        self.checked.append("local_maximum_possible and global_minimum")

    def check_tangential(self, i: int) -> None:
        t, w = self.c["neurons"][i]["tangential"], f"neurons[{i}].tangential"
        lines = self._rep(i)[0]
        canon = []
        for a, v in enumerate(t["lines"]):
            p = next((s for s, x in enumerate(v) if x != 0), None)
            if p is None or v[p] < 0:
                self._fail(f"{w}.lines[{a}]: {_fmt(v)} is zero or its first nonzero entry is negative")
                continue
            canon.append(tuple(self.f.div(x, v[p]) for x in v))
        index = {n: l for l, n in enumerate(lines)}
        found = {self._find(lines, index, n) for n in canon}
        if len(canon) != len(lines) or len(lines) in found or len(found) != len(lines):
            self._fail(f"{w}.lines: certificate says {_fmt(t['lines'])}, recomputed the kink lines "
                       f"{_fmt([self._show(n) for n in lines])} (up to positive scaling)")
        method = t["method"]
        if method == "lineality" and (t["witness"] is None or t["nonnegative"] is not False):
            self._fail(f"{w}.method: 'lineality' requires a negative witness and nonnegative false")
        if method == "separable":
            span = _Span(self.f.div)
            if not all(span.add(n) for n in lines):
                self._fail(f"{w}.method: 'separable' but the kink normals are linearly dependent")
        if method == "zero-form":
            if not all(_zero(part) for part in self._F_form(i)):
                self._fail(f"{w}.method: 'zero-form' but F_{i} is not identically zero")
        wit = t["witness"]
        if wit is not None:
            F = self._F(i, wit["v"])
            self._cmp(f"{w}.witness.F", wit["F"], F)
            if _dot(wit["v"], self.W[i]) != 0:
                self._fail(f"{w}.witness.v: not tangential (v·w_{i} ≠ 0)")
            elif F >= 0:
                self._fail(f"{w}.witness: F_{i}(v) = {F} is not negative")
            else:
                self._evidence = True  # Definition 3.3, condition 3 fails
        if t["nonnegative"] is not None:
            self._cmp(f"{w}.nonnegative", t["nonnegative"], self._analysis(i)[0])
        if t["c"] is not None:
            nonneg, _, c = self._analysis(i)
            if not nonneg or not _le(t["c"], c):
                self._fail(f"{w}.c: certificate says {_fmt(t['c'])}, but the largest c with "
                           f"F_{i} ≥ c·max_j|φ_j{i}| is {_fmt(c) if nonneg else 'none (F is not ≥ 0)'}")

    # -- item 3 --------------------------------------------------------------
    def _path_loss(self, path: dict, moved: list, base: list, t: Any) -> Any:
        rows = [[a + t * b for a, b in zip(self.W[i], path["W"][i])] for i in moved]
        cols = [[self.H[j][i] + t * path["H"][j][i] for j in range(self.J)] for i in moved]
        new = self._outputs(rows, cols)[0] if moved else base
        s = sum(((self.Yhat[k][j] - base[k][j] + new[k][j] - self.Y[k][j]) ** 2
                 for k in range(self.K) for j in range(self.J)), 0)
        return self.f.div(s, 2)

    def check_path(self, name: str) -> list | None:
        """Verify one PATH; returns the recomputed coefficients or None."""
        p, w, f = self.c["witness"][name], f"witness.{name}", self.f
        if p["kind"] != name:
            self._fail(f"{w}.kind: certificate says {p['kind']}, expected {name}")
        p = dict(p, **p["direction"])
        moved = [i for i in range(self.I)
                 if not _zero(p["W"][i]) or any(p["H"][j][i] != 0 for j in range(self.J))]
        if p["neuron"] is not None and any(i != p["neuron"] for i in moved):
            self._fail(f"{w}.neuron: certificate says {p['neuron']}, but the direction moves neurons {moved}")
        flip: Any = INF
        for i in moved:
            for k in range(self.K):
                dz = _dot(p["W"][i], self.X[k])
                if self.sign[i][k] * dz < 0:
                    flip = _min(flip, f.div(_abs(self._z(i, k)), _abs(dz)))
        tmax = p["t_max"]
        if (tmax is None and flip is not INF) or (tmax is not None and not (tmax > 0 and _le(tmax, flip))):
            self._fail(f"{w}.t_max: certificate says {_fmt(tmax)}, but a sample outside a kink set "
                       f"changes side at t = {_fmt(flip)}")
            return None
        base = self._outputs([self.W[i] for i in moved], [self._hcol(i) for i in moved])[0] \
            if moved else [[0] * self.J for _ in range(self.K)]
        ts = [f.div(tmax * m, 6) if tmax is not None else f.div(m, 5) for m in range(1, 6)]
        coeffs = _interpolate(ts, [self._path_loss(p, moved, base, t) for t in ts], f.div)
        self._cmp(f"{w}.coefficients", p["coefficients"], coeffs)
        self._cmp(f"{w}.coefficients[0]", p["coefficients"][0], self.L)
        order = next((n for n in range(1, 5) if coeffs[n] != 0), None)
        self._cmp(f"{w}.order", p["order"], order)
        if order is None or (coeffs[order] < 0) != (name == "descent"):
            self._fail(f"{w}: first nonzero coefficient after c0 is {_fmt(coeffs[order] if order else 0)}, "
                       f"not {'negative' if name == 'descent' else 'positive'}")
        t = p["t"]
        if not (t > 0 and (tmax is None or t < tmax)):
            self._fail(f"{w}.t: certificate says {_fmt(t)}, not in (0, t_max = {_fmt(tmax)})")
        else:
            Lt = self._path_loss(p, moved, base, t)
            self._cmp(f"{w}.loss", p["loss"], Lt)
            if (Lt < self.L) != (name == "descent") or Lt == self.L:
                self._fail(f"{w}.loss: L(P + tΔ) = {_fmt(Lt)} is not strictly "
                           f"{'below' if name == 'descent' else 'above'} L(P) = {_fmt(self.L)}")
        cor = p["corollary_4_4"]
        if cor is not None:
            norm = sum((x * x for M in (p["W"], p["H"]) for row in M for x in row), 0)
            self._cmp(f"{w}.corollary_4_4.C", cor["C"], coeffs[2])
            self._cmp(f"{w}.corollary_4_4.direction_norm_sq", cor["direction_norm_sq"], norm)
            if norm != 0:
                self._cmp(f"{w}.corollary_4_4.C_unit", cor["C_unit"], f.div(coeffs[2], norm))
        if name == "descent" and order == 1 and coeffs[1] < 0:
            self._evidence = True  # c1 = Σ ∂L/∂h·Δh + Σ_i F_i(Δw_i) < 0: Def. 3.3 fails
        self.checked.append(f"{w}: t_max, coefficients, order, t and loss")
        return coeffs

    # -- items 4–8 -----------------------------------------------------------
    def check_stationarity(self) -> None:
        c = self.c
        escs = [n["escape"] for n in c["neurons"]]
        if not (c["verdict"] in ("saddle", "type-1-minimum") or c["stationary"] is not None
                or c["escape_neurons"] or any(e is not None for e in escs)):
            return
        stat = self._stationary()
        if c["stationary"] is not None:
            self._cmp("stationary", c["stationary"], stat)
        self.checked.append("stationarity (Definition 3.3) re-derived")
        if not stat:
            if c["escape_neurons"]:
                self._fail(f"escape_neurons: certificate says {c['escape_neurons']}, "
                           "but the point is not stationary")
            for i, e in enumerate(escs):
                if e is not None:
                    self._fail(f"neurons[{i}].escape: must be null at a non-stationary point")
            return
        actual = [i for i in range(self.I) if self._analysis(i)[1]]
        self._cmp("escape_neurons", sorted(c["escape_neurons"]), actual)
        for i, e in enumerate(escs):
            if e is None:
                continue
            w = f"neurons[{i}].escape"
            self._cmp(f"{w}.is_escape", e["is_escape"], i in actual)
            if e["is_escape"] != (i in c["escape_neurons"]):
                self._fail(f"{w}.is_escape: inconsistent with escape_neurons")
            wit = e["witness"]
            if wit is not None:
                F, phi = self._F(i, wit["v"]), self._phi(i, wit["j"], wit["v"])
                self._cmp(f"{w}.witness.F", wit["F"], F)
                self._cmp(f"{w}.witness.phi", wit["phi"], phi)
                if _dot(wit["v"], self.W[i]) != 0 or F != 0 or phi == 0:
                    self._fail(f"{w}.witness: needs v·w_{i} = 0, F_{i}(v) = 0 and φ ≠ 0; "
                               f"recomputed v·w = {_fmt(_dot(wit['v'], self.W[i]))}, F = {F}, φ = {phi}")
        self.checked.append("escape neurons (Definition 4.1) re-derived")

    def check_radius(self) -> None:
        c, f = self.c, self.f
        rho_w: Any = INF
        norms = [sum((_abs(x) for x in xk), 0) for xk in self.X]
        for i in range(self.I):
            for k in range(self.K):
                if self.sign[i][k] != 0:
                    rho_w = _min(rho_w, f.div(_abs(self._z(i, k)), norms[k]))
        cs = [self._analysis(i)[2] for i in range(self.I)]
        rho_h: Any = INF
        for ci in cs:
            rho_h = _min(rho_h, INF if ci is INF else f.div(ci, self.J))
        bound = _min(rho_w, rho_h)
        r = c["radius"]
        if r is None or not _pos(r) or not _le(r, bound):
            self._fail(f"radius: certificate says {_fmt(r)}, must be positive and at most "
                       f"min(rho_w, min_i c_i/|J|) = {_fmt(bound)}")
        rc = c["radius_constants"]
        if rc is None:
            self._fail("radius_constants: required for a type-1-minimum")
            return
        for name, claim, true in [("rho_w", rc["rho_w"], rho_w), ("rho_h", rc["rho_h"], rho_h)] + \
                [(f"c[{i}]", rc["c"][i], cs[i]) for i in range(self.I)]:
            if not _pos(claim) or not _le(claim, true):
                self._fail(f"radius_constants.{name}: certificate says {_fmt(claim)}, "
                           f"must be positive and at most the recomputed {_fmt(true)}")
        own = _min(rc["rho_w"], rc["rho_h"])
        for ci in rc["c"]:
            own = _min(own, INF if ci is INF else f.div(ci, self.J))
        if r is not None and not _le(r, own):
            self._fail(f"radius: {_fmt(r)} exceeds the certificate's own constants ({_fmt(own)})")
        self.checked.append("radius and radius_constants (rho_w, c_i re-derived on every ray)")

    def check_verdict(self) -> None:
        c = self.c
        v, wit = c["verdict"], c["witness"] or {}
        need = {"not-stationary": ("descent",), "saddle": ("descent", "ascent")}.get(v, ())
        for name in need:
            if name not in wit:
                self._fail(f"witness.{name}: required for verdict {v}")
        if v in ("type-1-minimum", "undecided") and c["witness"] is not None:
            self._fail(f"witness: must be null for verdict {v}")
        if v != "type-1-minimum":
            for name in ("radius", "radius_constants"):
                if c[name] is not None:
                    self._fail(f"{name}: must be null for verdict {v}")
        coeffs = {name: self.check_path(name) for name in wit}
        expected = {"not-stationary": False, "saddle": True, "type-1-minimum": True}.get(v)
        if expected is not None and c["stationary"] is not expected:
            self._fail(f"stationary: certificate says {_fmt(c['stationary'])}, verdict {v} "
                       f"requires {_fmt(expected)}")
        self.check_stationarity()
        if v == "not-stationary" and self._stationary():
            self._fail("verdict: not-stationary, but the point is stationary (Definition 3.3)")
        if v in ("saddle", "type-1-minimum") and self._stationary():
            esc = [i for i in range(self.I) if self._analysis(i)[1]]
            if v == "saddle" and not esc:
                self._fail("verdict: saddle, but there is no escape neuron")
            if v == "type-1-minimum":
                if esc:
                    self._fail(f"verdict: type-1-minimum, but neurons {esc} are escape neurons")
                self.check_radius()
            desc = wit.get("descent")
            if v == "saddle" and desc is not None:
                cd = coeffs.get("descent")
                if cd is not None and not (cd[1] == 0 and cd[2] < 0):
                    self._fail("witness.descent: a saddle needs c1 = 0 and c2 < 0 (order 2)")
                if desc["corollary_4_4"] is None:
                    self._fail("witness.descent.corollary_4_4: required for a saddle")
                if desc["neuron"] is not None and desc["neuron"] not in esc:
                    self._fail(f"witness.descent.neuron: {desc['neuron']} is not an escape neuron")
        if v == "undecided" and not (c["reason"] or "").strip():
            self._fail("reason: an undecided certificate needs a non-empty reason")
        self.checked.append(f"verdict {v}")

    def run(self) -> CheckReport:
        try:
            self.check_point()
            for i in range(self.I):
                self.check_tangential(i)
            self.checked.append("tangential lines, method, witness, nonnegative and c of every neuron")
            self.check_verdict()
        except _BudgetExceeded:
            self._fail("checker budget exceeded")
        return CheckReport(not self.reasons, tuple(self.reasons), tuple(self.checked))


def check_certificate(cert: dict | str | pathlib.Path, *, budget: int = 1_000_000) -> CheckReport:
    """Re-derive every claim of an exactland certificate in exact arithmetic.

    Parameters
    ----------
    cert : dict, str or pathlib.Path
        The certificate: a parsed JSON object, JSON text (a string starting
        with ``{``) or the path of a JSON file.
    budget : int
        Most steps of ray enumeration (one step: one kink line added to a
        partial subset of hyperplanes); beyond it the report is invalid with
        reason ``"checker budget exceeded"``.

    Returns
    -------
    CheckReport
        ``valid`` is False with a reason for every numerically wrong claim.

    Raises
    ------
    CertificateFormatError
        Input that is not a well-formed certificate (not JSON, missing fields,
        wrong types or shapes, wrong ``format``, inexact numbers).
    """
    cert_dict, field = _parse(_load(cert))
    return _Checker(cert_dict, field, budget).run()
