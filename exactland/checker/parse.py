"""Reading a certificate: its JSON structure, shapes and exact numbers.

Every field is parsed by a small parser that names the field on failure
(:class:`~exactland.errors.CertificateFormatError`).  Numbers are read as
rationals (:class:`fractions.Fraction`; matrices in bulk as
:class:`~exactland.checker.qarray.QArray`); at the first number that is not a
plain rational the certificate is read again with
``exactland.exact.scalars.parse_exact`` (exact algebraic numbers).
"""
from __future__ import annotations

import pathlib
from decimal import Decimal
from typing import Any, Callable

from exactland.errors import CertificateFormatError as CFE

from exactland.checker.arith import INFINITY, Field
from exactland.checker.numtext import (
    RATIONAL, algebraic_from_text, digest_text, fraction_from_text, int_text, show_value,
)
from exactland.checker.qarray import QArray, read_matrix

FORMAT = "exactland-certificate/2"
_VERDICTS = ("not-stationary", "saddle", "type-1-minimum", "type-2-minimum", "undecided")
_METHODS = ("lineality", "separable", "zero-form", "rays", "budget-exceeded")

# A parser is a function (value, where) -> parsed value; ``where`` names the field.
Parser = Callable[[Any, str], Any]


def _req(obj: Any, key: str, where: str) -> Any:
    if not isinstance(obj, dict):
        raise CFE("expected a JSON object", where or "certificate")
    if key not in obj:
        raise CFE(f"missing field '{key}'", where or "certificate")
    return obj[key]


def _fields(obj: Any, where: str, **parsers: Parser) -> dict:
    """Parse exactly the named fields of a JSON object, each with its parser.

    A field the checker does not know is refused: every field of a
    certificate is either checked or refused, never silently ignored.
    """
    _only(obj, where, parsers)
    return {k: fn(_req(obj, k, where), f"{where}.{k}" if where else k) for k, fn in parsers.items()}


def _only(obj: Any, where: str, keys: Any) -> None:
    """Refuse fields other than ``keys`` (the checker checks or refuses every field)."""
    if isinstance(obj, dict):
        extra = sorted(set(obj) - set(keys))
        if extra:
            raise CFE(f"unknown field(s) {', '.join(show_value(k) for k in extra[:5])}: the checker checks "
                      "or refuses every field", where or "certificate")


def _without(obj: Any, key: str) -> Any:
    return {k: v for k, v in obj.items() if k != key} if isinstance(obj, dict) else obj


def _with_optional(out: dict, obj: dict, where: str, **parsers: Parser) -> dict:
    """Add the optional fields of ``obj`` (None when absent; checked when present)."""
    for k, fn in parsers.items():
        out[k] = fn(obj[k], f"{where}.{k}") if k in obj else None
    return out


def _some_fields(obj: Any, where: str, **parsers: Parser) -> dict:
    """Parse the named fields of a JSON object, allowing others (user problem files)."""
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


class _NeedAlgebraic(Exception):
    """Raised by the rational reader at a number that is not a plain rational."""


def _rational(text: str, where: str) -> Any:
    if not RATIONAL.fullmatch(text.strip()):
        raise _NeedAlgebraic
    return fraction_from_text(text, where)


class _Reader:
    """Number parsers; ``conv`` turns a number string into a number.

    With ``bulk`` (rational certificates) a matrix is read into a
    :class:`~exactland.checker.qarray.QArray`, otherwise into lists of rows.
    """

    def __init__(self, conv: Callable[[str, str], Any], decimals: bool = False, bulk: bool = False) -> None:
        self.conv = conv
        self.decimals = decimals
        self.bulk = bulk

    def num(self, v: Any, where: str) -> Any:
        if isinstance(v, Decimal) and self.decimals and v.is_finite():
            v = str(v)  # a decimal literal of a user's problem file: the decimal it spells
        if isinstance(v, bool) or not isinstance(v, (str, int)):
            raise CFE(f"expected an exact number written as a string, got {show_value(v)}", where)
        if isinstance(v, str) and v.strip() == "inf":
            raise CFE("'inf' is not allowed here", where)
        return self.conv(v if isinstance(v, str) else int_text(v), where)

    def num_inf(self, v: Any, where: str) -> Any:
        return INFINITY if v == "inf" else self.num(v, where)

    def vec(self, n: int | None = None) -> Parser:
        return _list(self.num, n)

    def mat(self, rows: int | None, cols: int | None) -> Parser:
        def parse(v: Any, w: str) -> Any:
            n = _matrix_shape(v, w, rows, cols, self.bulk)
            if not self.bulk:
                return _list(self.vec(n), rows)(v, w)
            flat = [x for row in v for x in row]
            return read_matrix(flat, (len(v), n), lambda p: self.num(flat[p], f"{w}[{p // n}][{p % n}]"))
        return parse

    def shaped(self, rows: int, cols: int) -> Parser:
        """A matrix whose numbers are read later by :meth:`stack` (bulk), else now."""
        def parse(v: Any, w: str) -> Any:
            if not self.bulk:
                return self.mat(rows, cols)(v, w)
            _matrix_shape(v, w, rows, cols, True)
            return v
        return parse

    def stack(self, mats: list, names: list) -> list:
        """Read equally shaped matrices (from :meth:`shaped`) in one bulk pass."""
        if not self.bulk or not mats:
            return mats
        r, c = len(mats[0]), len(mats[0][0])
        per = r * c
        flat = [x for m in mats for row in m for x in row]
        q = read_matrix(flat, (len(mats) * r, c),
                        lambda p: self.num(flat[p], f"{names[p // per]}[{p % per // c}][{p % c}]"))
        return [QArray(q.num[a * r:(a + 1) * r], q.den[a * r:(a + 1) * r]) for a in range(len(mats))]

    def rows(self, cols: int) -> Parser:
        """A possibly empty list of vectors of length ``cols`` (a matrix when non-empty)."""
        def parse(v: Any, w: str) -> Any:
            return self.mat(None, cols)(v, w) if isinstance(v, list) and v else _list(self.vec(cols))(v, w)
        return parse


def _matrix_shape(v: Any, w: str, rows: int | None, cols: int | None, every_row: bool) -> int:
    """Check a matrix's outer shape; returns its number of columns."""
    if not isinstance(v, list) or not v or not isinstance(v[0], list) or not v[0]:
        raise CFE("expected a non-empty matrix (list of rows)", w)
    n = cols or len(v[0])
    if every_row:
        if rows is not None and len(v) != rows:
            raise CFE(f"expected a list of length {rows}", w)
        for a, row in enumerate(v):
            if not isinstance(row, list) or len(row) != n:
                raise CFE(f"expected a list of length {n}", f"{w}[{a}]")
    return n


def dims(m: Any) -> tuple[int, int]:
    """(rows, columns) of a parsed matrix (a QArray or a list of rows)."""
    return m.shape if isinstance(m, QArray) else (len(m), len(m[0]))


def _problem(p: Any, rd: _Reader, strict: bool = True, where: str = "problem") -> dict:
    """The problem section; ``strict``: exactly the certificate's fields."""
    if not isinstance(p, dict):
        raise CFE("expected a JSON object", where)
    if strict:
        _only(p, where, ("activation", "X", "Y", "W", "H", "b", "origin"))
    out = _some_fields(p, where, X=rd.mat(None, None))
    K, d = dims(out["X"])
    if d < 2:
        raise CFE("input dimension d must be at least 2", f"{where}.X")
    out.update(_some_fields(p, where, Y=rd.mat(K, None), W=rd.mat(None, d)))
    out.update(_some_fields(p, where, H=rd.mat(dims(out["Y"])[1], dims(out["W"])[0])))
    act = _req(p, "activation", where) if strict else p.get("activation", p)  # files: slopes may be top level
    if strict:
        _only(act, f"{where}.activation", ("alpha_plus", "alpha_minus"))
    out.update(_some_fields(act, f"{where}.activation", alpha_plus=rd.num, alpha_minus=rd.num))
    out["b"] = _opt(rd.vec(dims(out["Y"])[1]))(p.get("b"), f"{where}.b")
    if "origin" in p and not isinstance(p["origin"], dict):
        raise CFE("expected a JSON object (metadata; not part of the mathematics)", f"{where}.origin")
    return out


def _neuron(i: int, sizes: tuple, rd: _Reader) -> Parser:
    K, d, J, I = sizes
    witness = _opt(lambda v, w: _fields(v, w, v=rd.vec(d), F=rd.num))
    escape_witness = _opt(lambda v, w: _fields(v, w, j=_int(0, J), v=rd.vec(d), F=rd.num, phi=rd.num))
    tangential = _opt(lambda v, w: _with_optional(_fields(
        _without(v, "lines"), w, method=_choice(*_METHODS), nonnegative=_opt(_BOOL),
        c=_opt(rd.num_inf), witness=witness), v, w, lines=rd.rows(d)))
    escape = _opt(lambda v, w: _fields(v, w, is_escape=_BOOL, witness=escape_witness))
    return lambda v, w: _fields(
        v, w, index=_choice(i), kink_set=_list(_int(0, K)),
        d=rd.shaped(J, d), dL_dh=rd.vec(J), dL_dr_scaled=rd.num, tangential=tangential, escape=escape)


def _path(sizes: tuple, rd: _Reader, bias: bool) -> Parser:
    K, d, J, I = sizes
    corollary = _opt(lambda v, w: _fields(v, w, C=rd.num, direction_norm_sq=rd.num, C_unit=rd.num))
    if bias:  # with an output bias every direction has its b component
        direction = lambda v, w: _fields(v, w, W=rd.mat(I, d), H=rd.mat(J, I), b=rd.vec(J))  # noqa: E731
    else:
        direction = lambda v, w: _fields(v, w, W=rd.mat(I, d), H=rd.mat(J, I))  # noqa: E731
    def parse(v: Any, w: str) -> dict:
        curved = isinstance(v, dict) and v.get("direction2") is not None  # P + tΔ₁ + t²Δ₂ (docs/type2.md §6)
        out = _fields(_without(v, "direction2"), w, kind=_choice("descent", "ascent"), direction=direction,
                      t_max=_opt(rd.num), coefficients=rd.vec(9 if curved else 5),
                      order=_choice(3, 4) if curved else _choice(1, 2), t=rd.num, loss=rd.num,
                      neuron=_opt(_int(0, I)), corollary_4_4=corollary)
        return _with_optional(out, v, w, direction2=_opt(direction))
    return parse


def _witness(sizes: tuple, rd: _Reader, bias: bool) -> Parser:
    def parse(v: Any, w: str) -> dict:
        if not isinstance(v, dict) or not set(v) <= {"descent", "ascent"}:
            raise CFE("expected an object with 'descent' and/or 'ascent'", w)
        return {k: _path(sizes, rd, bias)(x, f"{w}.{k}") for k, x in v.items()}
    return _opt(parse)


def _structure(raw: Any, rd: _Reader) -> dict:
    if not isinstance(raw, dict):
        raise CFE("a certificate must be a JSON object", "certificate")
    fmt_ = _req(raw, "format", "")
    if fmt_ != FORMAT:
        raise CFE(f"expected {FORMAT!r}, got {show_value(fmt_)} (certificates of earlier formats: certify "
                  "the problem again)", "format")
    prob = _problem(_req(raw, "problem", ""), rd)
    sizes = dims(prob["X"]) + (dims(prob["Y"])[1], dims(prob["W"])[0])
    I, bias = sizes[3], prob["b"] is not None
    neurons = _list(lambda v, w: v, I)(_req(raw, "neurons", ""), "neurons")
    extra = {"dL_db": rd.vec(sizes[2])} if bias else {}  # ∂L/∂b: only with an output bias
    optional = _extras(sizes, rd, bias)
    out = _fields(
        {k: v for k, v in raw.items() if k not in optional}, "", format=_choice(FORMAT), problem=lambda v, w: v, problem_digest=digest_text,
        neurons=lambda v, w: v, verdict=_choice(*_VERDICTS), loss=rd.num, stationary=_opt(_BOOL),
        escape_neurons=_list(_int(0, I)), radius=_opt(rd.num_inf),
        radius_constants=_opt(lambda v, w: _fields(v, w, rho_w=rd.num_inf, rho_h=rd.num_inf,
                                                   c=_list(rd.num_inf, I))),
        local_maximum_possible=_BOOL, global_minimum=_BOOL, witness=_witness(sizes, rd, bias),
        reason=_opt(_str),
        budget=lambda v, w: _fields(v, w, limit=_int()), **extra)
    _with_optional(out, raw, "", **optional)
    out["neurons"] = [_neuron(i, sizes, rd)(n, f"neurons[{i}]") for i, n in enumerate(neurons)]
    ds = rd.stack([n["d"] for n in out["neurons"]], [f"neurons[{i}].d" for i in range(I)])
    for n, d in zip(out["neurons"], ds):
        n["d"] = d
    out["problem"] = prob
    return out


def _extras(sizes: tuple, rd: _Reader, bias: bool) -> dict:
    """Parsers of the optional fields ``type2``, ``radius_bracket``, ``bracket_witness`` (docs/type2.md)."""
    K, d, J, I = sizes

    def bracket(v: Any, w: str) -> list:
        if not isinstance(v, list) or len(v) != 2:
            raise CFE("expected [certified, witnessed]", w)
        return [rd.num_inf(v[0], f"{w}[0]"), _opt(rd.num)(v[1], f"{w}[1]")]
    point = {"W": rd.mat(I, d), "H": rd.mat(J, I), "loss": rd.num, **({"b": rd.vec(J)} if bias else {})}
    return {"type2": _opt(lambda v, w: _fields(v, w, method=_choice("single-column-projection"),
                                               neuron=_int(0, I))),
            "radius_bracket": _opt(bracket),
            "bracket_witness": _opt(lambda v, w: _fields(v, w, **point))}


def _one_pass(raw: Any, parse: Callable[[Any, _Reader], dict], decimals: bool) -> tuple[dict, Field]:
    """Parse with rational numbers (matrices in bulk); at the first number that
    is not a plain rational, parse again with exact algebraic numbers."""
    try:
        return parse(raw, _Reader(_rational, decimals, bulk=True)), Field(False)
    except _NeedAlgebraic:
        return parse(raw, _Reader(algebraic_from_text, decimals)), Field(True)


def parse_certificate(raw: Any) -> tuple[dict, Field]:
    """The parsed certificate (exact numbers) and the arithmetic it needs."""
    cert, field = _one_pass(raw, _structure, decimals=False)
    p = cert["problem"]
    if p["alpha_plus"] == p["alpha_minus"]:
        raise CFE("alpha_plus = alpha_minus is excluded", "problem.activation")
    return cert, field


def parse_problem(raw: Any) -> dict:
    """A user's problem file or dict (decimals allowed, extra fields such as a
    description ignored), parsed with the checker's own number readers."""
    return _one_pass(raw, lambda v, rd: _problem(v, rd, strict=False, where="problem file"), decimals=True)[0]


def load_json_source(source: Any, what: str) -> Any:
    """A parsed JSON object from a dict, JSON text or a file path (duplicate
    keys, NaN and over-deep nesting refused), as :class:`CertificateFormatError`."""
    from exactland.errors import JSONFormatError
    from exactland.exact.jsonio import read_json_text

    if isinstance(source, dict):
        return source
    if isinstance(source, str) and source.lstrip().startswith("{"):
        text, name = source, f"<{what} text>"
    elif isinstance(source, (str, pathlib.Path)):
        try:
            text, name = pathlib.Path(source).read_text(encoding="utf-8"), str(source)
        except (OSError, UnicodeDecodeError) as exc:
            raise CFE(f"cannot read the {what} file: {exc}", str(source)) from exc
    else:
        raise CFE(f"expected a dict, JSON text or a path, got {type(source).__name__}", what)
    try:
        return read_json_text(text, name)
    except JSONFormatError as exc:
        raise CFE(f"not valid JSON: {exc.message}", name) from exc


def load_certificate(cert: dict | str | pathlib.Path) -> Any:
    """The certificate as parsed JSON (see :func:`load_json_source`)."""
    return load_json_source(cert, "certificate")
