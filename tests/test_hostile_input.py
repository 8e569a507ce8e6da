"""Hostile input: every reader refuses it quickly, as bad input, never as a bug.

Numbers that would hang SymPy (``10**999999999``, ``9**9**9``, ten nested
radicals, ``sqrt(2)**100000000``), strings that are no exact decimals
(``0x10``, ``1_000``, non-ASCII digits), literals beyond Python's 4,300-digit
limit, hostile JSON (duplicate keys, 100,000-deep nesting) and malformed files
are refused with :class:`~exactland.errors.NotExactError` /
:class:`~exactland.errors.JSONFormatError`, and by the command line with exit
status 2 and one ``error:`` line: never exit 3, a traceback or a hang.  The
small corpus is ``tests/hostile/``; large inputs are written at test time.
"""
from __future__ import annotations

import contextlib
import io
import json
import pathlib
import time
import warnings
from decimal import Decimal
from typing import Any

import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from exactland.cli.main import main
from exactland.errors import JSONFormatError, NotExactError, describe_value
from exactland.exact.jsonio import read_json, read_json_text
from exactland.exact.scalars import RealAlg, parse_exact, to_str

CORPUS = pathlib.Path(__file__).parent / "hostile"
NESTED = "2"
for _ in range(10):
    NESTED = f"sqrt(2+{NESTED})"

HOSTILE_NUMBERS = [
    "10**999999999", "9**9**9", NESTED, "sqrt(2)**100000000", "2**(1/999999999)",
    "0x10", "0b101", "0o17", "1_000", "1e1_0", "1.5_0", "\u0661\u0662", "\uff11\uff12", "1\u00b2",
    "1e" + "9" * 5000, "7" * 5000 + "*sqrt(2)", "7" * 100_001, "1." + "5" * 100_001,
    "(" * 300 + "1" + ")" * 300, "-" * 5000 + "1", "+".join(["1"] * 3000),
    "sqrt(2)+sqrt(3)+sqrt(5)+sqrt(7)+sqrt(11)+sqrt(13)+sqrt(17)", "root(2, 13)", "root(2, x)",
    "2**pi", "(2).real", "__import__('os')", "lambda: 1", "[1]", "1 if 1 else 2", "1j", "True",
    "root(3+root(2,4),4)*root(5+root(3,4),4)", "(10**64)**64", "1e999999", "1if", "0x1g",
    "sqrt((66)/(((87640)**(5/12))+((7)/(77084))))", "sqrt(1-root(3,8)/69522)",
    "((3945435829)/((210)**(5/12)))**(7/2)",
]


def _quick_refusal(text: str) -> NotExactError:
    start = time.perf_counter()
    with pytest.raises(NotExactError) as info, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parse_exact(text, "X[0][0]")
    assert time.perf_counter() - start < 2.0, text[:40]
    assert not caught, [str(w.message) for w in caught]  # no SyntaxWarning on the terminal
    return info.value


# ------------------------------------------------------------------ numbers
@pytest.mark.parametrize("text", HOSTILE_NUMBERS, ids=lambda t: describe_value(t, 24))
def test_hostile_number_is_refused_quickly_naming_the_field(text: str) -> None:
    err = _quick_refusal(text)
    assert err.where == "X[0][0]"
    assert len(str(err)) < 400  # the value is quoted short, never in full


@pytest.mark.parametrize("text, phrase", [
    ("10**999999999", "limit of 100 "), ("9**9**9", "not a literal integer or fraction"),
    (NESTED, "nested 5 deep"), ("sqrt(2)**100000000", "limit of 100"),
    ("1e" + "9" * 5000, "limit of 6 digits"), ("7" * 100_001, "limit of 100000 digits"),
    ("sqrt(2)+sqrt(3)+sqrt(5)+sqrt(7)+sqrt(11)+sqrt(13)+sqrt(17)", "degree up to 128"),
    ("0x10", "ASCII digits"), ("\u0661\u0662", "outside ASCII"),
])
def test_refusal_names_the_limit(text: str, phrase: str) -> None:
    assert phrase in str(_quick_refusal(text))


def _repunit(digit: int, n: int) -> int:
    """The integer spelled by ``n`` times ``digit``."""
    return digit * (10**n - 1) // 9


@pytest.mark.parametrize("text, value", [
    ("7" * 5000, fmpq(_repunit(7, 5000))), ("-" + "3" * 100_000, -fmpq(_repunit(3, 100_000))),
    ("1" + "0" * 4999 + "/3", fmpq(10**4999, 3)),
    ("1e100000", fmpq(10**100000)), ("25e-100001", fmpq(25, 10**100001)),
    ("0e999999", fmpq(0)), ("0." + "0" * 99_998 + "1", fmpq(1, 10**99_999)),
], ids=lambda v: describe_value(v, 16) if isinstance(v, str) else "value")
def test_long_numbers_up_to_the_limits_are_read_exactly(text: str, value: fmpq) -> None:
    start = time.perf_counter()
    assert parse_exact(text) == value
    assert time.perf_counter() - start < 2.0


def test_decimal_values_are_held_to_the_same_limits() -> None:
    with pytest.raises(NotExactError, match="limit of 100000 digits"):
        parse_exact(Decimal("1." + "5" * 100_001), "Y[1][0]")
    with pytest.raises(NotExactError, match="10\\*\\*100000"):
        parse_exact(Decimal("1e100001"), "Y[1][0]")
    assert parse_exact(Decimal("0E+999999999999")) == 0


@pytest.mark.parametrize("text, expected", [
    ("sqrt(2)/2", "sqrt(2)/2"), ("(1+sqrt(5))/2", "1/2 + sqrt(5)/2"), ("cbrt(2)", "2**(1/3)"),
    ("root(3, 4)", "3**(1/4)"), ("real_root(-8, 3)", "-2"), ("2**(1/2)", "sqrt(2)"),
    ("2^(1/2)", "sqrt(2)"), ("Rational(1,3)", "1/3"), ("Abs(-2)", "2"), ("2**0.5", "sqrt(2)"),
    ("2**-100", "1/1267650600228229401496703205376"), ("sqrt(8)/2", "sqrt(2)"),
    ("(1/3)**(-2)", "9"), ("4**(3/2)", "8"), ("sqrt(1/2)", "sqrt(2)/2"),
])
def test_legitimate_expressions_still_work(text: str, expected: str) -> None:
    assert to_str(parse_exact(text)) == expected


@pytest.mark.parametrize("text", [
    "sqrt(2)+sqrt(3)+sqrt(5)+sqrt(6)+sqrt(10)+sqrt(15)+sqrt(30)",  # 7 radicals, degree 8
    "sqrt(2+sqrt(2+sqrt(2+sqrt(2))))", "root(85400/32678, 12)", "42700**(5/12)",
    "(98933057027422762592)**(5/12)", "root(" + "9" * 200 + "1, 2)",
    "((4174583953/926115003785689068)/(24))**(5/12)", "((cbrt(3))+((5)**(-1/4)))**(7/2)",
    "Abs(sqrt(((Abs(4))-((6/52425)**20))/(18566)))",  # SymPy 1.14 fails on its own sqrt here
])
def test_legitimate_radicals_within_the_limits_are_quick(text: str) -> None:
    start = time.perf_counter()
    value = parse_exact(text)
    assert isinstance(value, RealAlg)
    assert time.perf_counter() - start < 2.0


def test_what_to_str_writes_reads_back() -> None:
    for text in ["sqrt(2)*sqrt(3)+sqrt(5)", "(1+sqrt(2)+sqrt(3)+sqrt(5))**3", "root(42700,12)",
                 "(1/16339)**(1/12)", "(3/4)**(5/6)"]:
        x = parse_exact(text)
        assert parse_exact(to_str(x)) == x


_ALPHABET = st.sampled_from(list("0123456789+-*/^().,_ eEjx") + [
    "sqrt(", "cbrt(", "root(", "real_root(", "Abs(", "Rational(", "pi", "I", "**", "\u0663",
    "\uff15", "0x", "9**9", "e9", "/0"])


@settings(max_examples=200, deadline=2000)
@given(st.lists(_ALPHABET, max_size=16).map("".join))
def test_parse_exact_returns_an_exact_number_or_refuses(text: str) -> None:
    try:
        value = parse_exact(text)
    except NotExactError:
        return
    assert isinstance(value, (fmpq, RealAlg))


@pytest.mark.parametrize("value, expected", [
    (10**5000, "an integer of 5001 digits"), (-(10**5000), "a negative integer of 5001 digits"),
    ("x" * 1000, "'" + "x" * 60 + "'… (1000 characters)"), (12, "12"), (None, "None"),
], ids=["huge", "huge-negative", "long-string", "int", "none"])
def test_describe_value_never_raises(value: Any, expected: str) -> None:
    assert describe_value(value) == expected


# ------------------------------------------------------------------ JSON
@pytest.mark.parametrize("text, phrase", [
    ('{"a": 1, "b": 2, "a": 3}', "duplicate key 'a'"),
    ('{"p": {"X": 1, "X": 2}}', "duplicate key 'X'"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"x": ' + "7" * 1_000_000 + "}", "limit of 100000 digits"),
    ('{"x": 1.' + "5" * 100_001 + "}", "limit of 100000 digits"),
    ('{"x": 1e' + "9" * 5000 + "}", "limit of 6 digits"),
])
def test_hostile_json_is_refused(text: str, phrase: str) -> None:
    start = time.perf_counter()
    with pytest.raises(JSONFormatError) as info:
        read_json_text(text, "<text>")
    assert phrase in str(info.value) and info.value.where == "<text>"
    assert time.perf_counter() - start < 2.0


def test_long_json_numbers_under_the_limit_are_exact() -> None:
    data = read_json_text('{"x": [-' + "7" * 99_999 + ", 0." + "3" * 50_000 + "]}", "<text>")
    assert data["x"][0] == -_repunit(7, 99_999)
    assert parse_exact(data["x"][1], "x[1]") == fmpq(_repunit(3, 50_000), 10**50_000)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"X": [["1", "\xe9"]]}')
    with pytest.raises(JSONFormatError, match="UTF-8"):
        read_json(path)


# ------------------------------------------------------------------ the command line
def _cli(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    assert time.perf_counter() - start < 5.0, argv
    return code, err.getvalue()


def _assert_bad_input(argv: list[str], code: int, err: str) -> None:
    assert code == 2, (argv, code, err)
    assert err.startswith("error: ") and err.count("\n") == 1, (argv, err)
    assert "Traceback" not in err


# train reads only activation, X and Y: hostile W or H is no concern of its
_DATA_ONLY_OK = {"number-in-w.json", "number-in-h.json", "shape-w-columns.json", "shape-h-columns.json"}
# not yet: cli.common.load_problem hands a JSON list to core.problem.load, which takes it for a path
_KNOWN: set[tuple[str, str]] = set()  # every hostile file now exits 2


def _commands(path: pathlib.Path, out: pathlib.Path) -> dict[str, list[str]]:
    return {"certify": ["certify", str(path)],
            "taylor": ["taylor", str(path), "--direction", "escape:0"],
            "train": ["train", str(path), "--steps", "10", "--engine", "numpy", "--out", str(out)]}


def _generated(tmp_path: pathlib.Path) -> list[pathlib.Path]:
    base = json.loads((CORPUS / "number-hex.json").read_text(encoding="utf-8"))
    base["X"][0][0] = "1"
    text = json.dumps(base)
    files = {
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "int-million-digits.json": text.replace('"X": [["1"', '"X": [[' + "7" * 1_000_000, 1),
        "exponent-5000-digits.json": text.replace('"X": [["1"', '"X": [[1e' + "9" * 5000, 1),
        "string-exponent-5000-digits.json": text.replace('"X": [["1"', '"X": [["1e' + "9" * 5000 + '"', 1),
    }
    for name, body in files.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    return [tmp_path / name for name in files]


def test_cli_refuses_every_hostile_file_with_exit_2(tmp_path: pathlib.Path) -> None:
    paths = sorted(CORPUS.iterdir()) + _generated(tmp_path)
    assert len(paths) > 25
    for n, path in enumerate(paths):
        for name, argv in _commands(path, tmp_path / f"run{n}").items():
            code, err = _cli(argv)
            if (path.name, name) in _KNOWN:
                assert code in (2, 3), (argv, code, err)
                continue
            if name == "train" and path.name in _DATA_ONLY_OK:
                assert code == 0, (argv, code, err)
                continue
            _assert_bad_input(argv, code, err)


def _certificate(tmp_path: pathlib.Path) -> dict:
    out = tmp_path / "cert.json"
    code, err = _cli(["certify", "--example", "origin-saddle", "--json", "--out", str(out)])
    assert code == 0, err
    return json.loads(out.read_text(encoding="utf-8"))


def test_cli_check_refuses_hostile_certificates_with_exit_2(tmp_path: pathlib.Path) -> None:
    cert = _certificate(tmp_path)
    bodies = {"dup-problem": json.dumps(cert).replace(
        '"problem": ', '"problem": ' + json.dumps(cert["problem"]) + ', "problem": ', 1)}
    for n, value in enumerate(["0x10", "1_000", "\u0661\u0662", "10**999999999", "9**9**9", NESTED,
                               "sqrt(2)**100000000", "1e" + "9" * 5000]):
        bad = json.loads(json.dumps(cert))
        bad["problem"]["X"][0][0] = value
        bodies[f"number-{n}"] = json.dumps(bad)
    bodies["deep"] = '{"format": ' + "[" * 100_000 + "]" * 100_000 + "}"
    for name in ["json-garbage.bin", "json-empty.json", "json-list.json", "json-duplicate-key.json"]:
        bodies[name] = (CORPUS / name).read_bytes().decode("utf-8", "replace")
    for name, body in bodies.items():
        path = tmp_path / f"{name}.json"
        path.write_text(body, encoding="utf-8")
        code, err = _cli(["check", str(path)])
        _assert_bad_input(["check", name], code, err)


@pytest.mark.parametrize("entry, value", [("X", "1" + "0" * 400), ("Y", "-1e400")])
def test_cli_train_refuses_data_too_large_for_float64(tmp_path: pathlib.Path, entry: str,
                                                      value: str) -> None:
    data = json.loads((CORPUS / "number-hex.json").read_text(encoding="utf-8"))
    data["X"][0][0] = "1"
    data[entry][1][0] = value
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    argv = ["train", str(path), "--steps", "10", "--engine", "numpy", "--out", str(tmp_path / "run")]
    code, err = _cli(argv)
    _assert_bad_input(argv, code, err)
    assert f"{entry}[1][0]" in err
