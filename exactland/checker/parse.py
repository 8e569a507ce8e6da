"""Reading a certificate: its JSON structure, shapes and exact numbers.

Every field is parsed by a small parser that names the field on failure
(:class:`~exactland.errors.CertificateFormatError`).  Numbers are parsed twice:
first to see whether every number is a plain rational (then
:class:`fractions.Fraction` is used), else with ``exactland.exact.scalars.parse_exact``.
"""
from __future__ import annotations

import json
import pathlib
import re
from fractions import Fraction
from typing import Any, Callable

from exactland.errors import CertificateFormatError as CFE

from exactland.checker.arith import INFINITY, Field

FORMAT = "exactland-certificate/1"
_VERDICTS = ("not-stationary", "saddle", "type-1-minimum", "undecided")
_METHODS = ("lineality", "separable", "zero-form", "rays", "budget-exceeded")
_RATIONAL = re.compile(r"[+-]?\d+(\s*/\s*\d+)?|[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")

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
        return INFINITY if v == "inf" else self.num(v, where)

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
        from exactland.exact.scalars import parse_exact
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise CFE(f"{text!r} is not a rational and exactland.exact.scalars is unavailable", where) from exc
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


def parse_certificate(raw: Any) -> tuple[dict, Field]:
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
    return cert, Field(alg)


def load_certificate(cert: dict | str | pathlib.Path) -> Any:
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
