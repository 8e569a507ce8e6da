"""Refusal of bad input (exactland.load, the CLI) and acceptance of good input.

Every refusal must raise the documented exception type of ``exactland.errors``
and name the offending field and position (``where`` and the message text).
"""
from __future__ import annotations

import copy
import json
import pathlib
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable

import pytest
import sympy
from flint import fmpq

import exactland
from exactland.cli.main import main
from exactland.errors import (ActivationError, DimensionError, ExactlandError, InputError,
                              JSONFormatError, NotExactError, ShapeError)
from exactland.exact.scalars import to_sympy

BASE: dict[str, Any] = {
    "activation": {"alpha_plus": "1", "alpha_minus": "0"},
    "X": [["1", "0"], ["0", "1"]],
    "Y": [["1"], ["2"]],
    "W": [["1", "0"]],
    "H": [["1"]],
}


def mutated(fn: Callable[[dict], Any]) -> dict:
    d = copy.deepcopy(BASE)
    fn(d)
    return d


def set_entry(field: str, r: int, c: int, value: Any) -> Callable[[dict], None]:
    def fn(d: dict) -> None:
        d[field][r][c] = value
    return fn


def refused(data: Any, exc_type: type, where: str) -> ExactlandError:
    with pytest.raises(exc_type) as info:
        exactland.load(data)
    err = info.value
    assert isinstance(err, InputError) and isinstance(err, ValueError)
    assert err.where == where
    assert where in str(err)
    return err


# ------------------------------------------------------------ non-exact entries
@pytest.mark.parametrize("value, words", [
    (0.28, "float"),
    (float("nan"), "float"),
    (float("inf"), "float"),
    (Decimal("NaN"), "finite"),
    (Decimal("Infinity"), "finite"),
    ("NaN", "nan"),
    ("nan", "nan"),
    ("inf", "infinite"),
    ("-inf", "infinite"),
    ("abc", "abc"),
    ("pi", "pi"),
    ("E", "E"),
    ("sqrt(-2)", "real"),
    ("1/0", "division by zero"),
    ("", "empty"),
    (True, "bool"),
    (None, "None"),
])
def test_non_exact_entry_is_refused_with_its_position(value: Any, words: str) -> None:
    err = refused(mutated(set_entry("Y", 1, 0, value)), NotExactError, "Y[1][0]")
    assert words.lower() in str(err).lower()


@pytest.mark.parametrize("field, r, c", [("X", 1, 1), ("W", 0, 1), ("H", 0, 0), ("Y", 0, 0)])
def test_python_float_is_refused_in_every_matrix(field: str, r: int, c: int) -> None:
    refused(mutated(set_entry(field, r, c, 0.28)), NotExactError, f"{field}[{r}][{c}]")


@pytest.mark.parametrize("key", ["alpha_plus", "alpha_minus"])
def test_non_exact_activation_is_refused(key: str) -> None:
    d = mutated(lambda d: d["activation"].__setitem__(key, 0.5))
    refused(d, NotExactError, f"activation.{key}")


# ------------------------------------------------------------------- shapes
def test_ragged_rows_in_X() -> None:
    err = refused(mutated(lambda d: d.__setitem__("X", [["1", "0"], ["0"]])), ShapeError, "X[1]")
    assert "ragged" in err.message


def test_W_with_the_wrong_number_of_columns() -> None:
    err = refused(mutated(lambda d: d.__setitem__("W", [["1", "0", "2"]])), ShapeError, "W")
    assert "3" in err.message and "2" in err.message


@pytest.mark.parametrize("H", [[["1", "2"]], [["1"], ["2"]], [["1", "2"], ["3", "4"]]])
def test_H_with_the_wrong_shape(H: list) -> None:
    refused(mutated(lambda d: d.__setitem__("H", H)), ShapeError, "H")


def test_Y_with_a_wrong_number_of_rows() -> None:
    err = refused(mutated(lambda d: d.__setitem__("Y", [["1"]])), ShapeError, "Y")
    assert "1" in err.message and "2" in err.message


def test_matrix_that_is_not_a_list_of_rows() -> None:
    refused(mutated(lambda d: d.__setitem__("W", ["1", "0"])), ShapeError, "W")


@pytest.mark.parametrize("X", [[], [[], []]])
def test_empty_X(X: list) -> None:
    refused(mutated(lambda d: d.__setitem__("X", X)), ShapeError, "X")


def test_input_dimension_one() -> None:
    d = mutated(lambda d: (d.__setitem__("X", [["1"], ["2"]]), d.__setitem__("W", [["1"]])))
    err = refused(d, DimensionError, "X")
    assert "d = 1" in err.message


# --------------------------------------------------------------- activation
@pytest.mark.parametrize("plus, minus", [("1", "1"), ("1", "1.0"), ("1/2", "0.5"),
                                         ("2/2", "1"), (3, "3")])
def test_equal_slopes_as_exact_numbers_are_refused(plus: Any, minus: Any) -> None:
    d = mutated(lambda d: d.__setitem__("activation", {"alpha_plus": plus, "alpha_minus": minus}))
    err = refused(d, ActivationError, "activation")
    assert "alpha_plus" in err.message


def test_alpha_plus_zero_is_accepted() -> None:
    # only alpha_plus != alpha_minus is required (paper, Section 2)
    p = exactland.load(mutated(lambda d: d.__setitem__(
        "activation", {"alpha_plus": "0", "alpha_minus": "1"})))
    assert p.activation.alpha_plus == 0 and p.activation.alpha_minus == 1


@pytest.mark.parametrize("act", [{"alpha_plus": "1"}, {"alpha_plus": "1", "alpha_minus": "0",
                                                        "beta": "2"}, "relu"])
def test_malformed_activation_object(act: Any) -> None:
    refused(mutated(lambda d: d.__setitem__("activation", act)), JSONFormatError, "activation")


# ------------------------------------------------------------------- fields
@pytest.mark.parametrize("field", ["activation", "X", "Y", "W", "H"])
def test_missing_field_is_named(field: str) -> None:
    err = refused(mutated(lambda d: d.pop(field)), JSONFormatError, "problem")
    assert "missing" in err.message and field in err.message


def test_unknown_field_is_named() -> None:
    err = refused(mutated(lambda d: d.__setitem__("bias", [["1"]])), JSONFormatError, "problem")
    assert "unknown" in err.message and "bias" in err.message


def test_name_and_description_are_allowed() -> None:
    p = exactland.load(mutated(lambda d: d.update(name="n", description="text")))
    assert p.n_neurons == 1


def test_problem_that_is_not_an_object(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    refused(path, JSONFormatError, "problem")


# ------------------------------------------------------------------- files
def test_malformed_json_file_names_file_and_line(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"activation": {"alpha_plus": "1", "alpha_minus": "0"},\n "X": [[1, 2],}\n')
    with pytest.raises(JSONFormatError) as info:
        exactland.load(path)
    assert info.value.where == str(path)
    assert str(path) in str(info.value) and "line 2" in str(info.value)


def test_missing_file(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(JSONFormatError) as info:
        exactland.load(path)
    assert str(path) in str(info.value)


def _nan_file(tmp_path: pathlib.Path, literal: str = "NaN") -> pathlib.Path:
    # Y[1][0] becomes the bare literal
    data = copy.deepcopy(BASE)
    data["Y"][1][0] = "@@"
    text = json.dumps(data, indent=1).replace('"@@"', literal)
    path = tmp_path / "nan.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_literal_in_a_file_is_refused(tmp_path: pathlib.Path, literal: str) -> None:
    path = _nan_file(tmp_path, literal)
    with pytest.raises((JSONFormatError, NotExactError)) as info:
        exactland.load(path)
    assert literal.lstrip("-") in str(info.value)


def test_json_nan_literal_message_names_its_position(tmp_path: pathlib.Path) -> None:
    path = _nan_file(tmp_path)
    with pytest.raises((JSONFormatError, NotExactError)) as info:
        exactland.load(path)
    msg = str(info.value)
    assert "Y[1][0]" in msg or (str(path) in msg and "line" in msg)


def test_json_decimal_literal_is_the_exact_decimal(tmp_path: pathlib.Path) -> None:
    data = copy.deepcopy(BASE)
    data["Y"][1][0] = "@@"
    path = tmp_path / "dec.json"
    path.write_text(json.dumps(data).replace('"@@"', "0.28"))
    p = exactland.load(path)
    assert p.Y[1][0] == fmpq(7, 25)  # 0.28 = 28/100 = 7/25, not the binary double
    assert Fraction(int(p.Y[1][0].p), int(p.Y[1][0].q)) == Fraction(7, 25)
    assert p.Y[1][0] != fmpq(*(0.28).as_integer_ratio())


def test_json_integers_and_string_fractions_are_exact(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "ints.json"
    data = copy.deepcopy(BASE)
    data["X"] = [[1, "-3/5"], ["1e-3", 2]]
    path.write_text(json.dumps(data))
    p = exactland.load(path)
    assert p.X == ((fmpq(1), fmpq(-3, 5)), (fmpq(1, 1000), fmpq(2)))


# ------------------------------------------------------------ algebraic input
def test_sqrt_entries_are_accepted_and_certified() -> None:
    s = "sqrt(2)/2"
    # z = w.x_k = sqrt(2)/2 > 0 for both samples, yhat_k = sqrt(2)/2 = y_k:
    # residuals 0, so d = 0, phi = 0: a type-1 minimum with L = 0.
    fit = {"activation": {"alpha_plus": "1", "alpha_minus": "0"},
           "X": [["1", "0"], ["0", "1"]], "Y": [[s], [s]], "W": [[s, s]], "H": [["1"]]}
    cert = exactland.certify(exactland.load(fit))
    assert cert.verdict.value == "type-1-minimum"
    assert cert.loss == 0
    assert cert.verify().valid, cert.verify().reasons
    # Targets 1: e_k = sqrt(2)/2 - 1, L = (sqrt(2)/2 - 1)^2 = 3/2 - sqrt(2), and
    # dL/dh = w.d = sum_k e_k z_k = 2 (sqrt(2)/2)(sqrt(2)/2 - 1) = 1 - sqrt(2) != 0.
    miss = copy.deepcopy(fit)
    miss["Y"] = [["1"], ["1"]]
    cert = exactland.certify(exactland.load(miss))
    assert cert.verdict.value == "not-stationary"
    assert sympy.simplify(to_sympy(cert.loss) - (sympy.Rational(3, 2) - sympy.sqrt(2))) == 0
    assert sympy.simplify(to_sympy(cert.neurons[0].dL_dh[0]) - (1 - sympy.sqrt(2))) == 0
    report = cert.verify()
    assert report.valid, report.reasons


# ---------------------------------------------------------------------- CLI
def _write(tmp_path: pathlib.Path, data: Any, name: str = "p.json") -> pathlib.Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("mutate, where", [
    (set_entry("Y", 1, 0, "abc"), "Y[1][0]"),
    (set_entry("X", 0, 1, "pi"), "X[0][1]"),
    (lambda d: d.__setitem__("X", [["1", "0"], ["0"]]), "X[1]"),
    (lambda d: d.__setitem__("H", [["1", "2"]]), "H"),
    (lambda d: d.__setitem__("activation", {"alpha_plus": "1", "alpha_minus": "1.0"}),
     "activation"),
])
def test_cli_certify_bad_file_returns_2_and_names_the_field(
        tmp_path: pathlib.Path, capsys: pytest.CaptureFixture, mutate, where: str) -> None:
    path = _write(tmp_path, mutated(mutate))
    assert main(["certify", str(path)]) == 2
    err = capsys.readouterr().err
    assert where in err


def test_cli_certify_malformed_json_returns_2(tmp_path: pathlib.Path,
                                              capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    assert main(["certify", str(path)]) == 2
    assert "malformed JSON" in capsys.readouterr().err


def test_cli_certify_negative_budget_returns_2(capsys: pytest.CaptureFixture) -> None:
    assert main(["certify", "--example", "origin-saddle", "--budget", "-1"]) == 2
    assert "--budget" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["hello", '{"a": 1}', "[]", '{"format": "other"}'])
def test_cli_check_garbage_returns_2(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture,
                                     text: str) -> None:
    path = tmp_path / "garbage.json"
    path.write_text(text)
    assert main(["check", str(path)]) == 2
    assert capsys.readouterr().err.startswith("error:")


def test_cli_example_json_is_a_saddle(capsys: pytest.CaptureFixture) -> None:
    assert main(["certify", "--example", "origin-saddle", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == "saddle"
    assert out["format"] == "exactland-certificate/2"
    # Section 4.1.1 data at the origin: L = 1/2 sum y^2 = 1/2 * 0.1906 = 953/10000
    assert Fraction(out["loss"]) == Fraction(953, 10000)


def test_cli_check_accepts_written_certificate_and_rejects_tampering(
        tmp_path: pathlib.Path, capsys: pytest.CaptureFixture) -> None:
    data = {"activation": {"alpha_plus": "1", "alpha_minus": "0"},
            "X": [["-1", "1"], ["-3/5", "1"], ["3/10", "1"]],
            "Y": [["0.28"], ["-0.1"], ["0.23"]],
            "W": [["0", "0"], ["1/2", "1"]], "H": [["0", "-2"]]}
    prob = _write(tmp_path, data)
    cert_path = tmp_path / "cert.json"
    assert main(["certify", str(prob), "--out", str(cert_path)]) == 0
    capsys.readouterr()
    assert main(["check", str(cert_path)]) == 0
    assert "valid" in capsys.readouterr().out
    cert = json.loads(cert_path.read_text())
    cert["loss"] = str(Fraction(cert["loss"]) + Fraction(1, 1000))
    cert_path.write_text(json.dumps(cert))
    assert main(["check", str(cert_path)]) == 1
    assert "INVALID" in capsys.readouterr().out


def test_cli_check_example_certificate_roundtrip(tmp_path: pathlib.Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    cert_path = tmp_path / "c.json"
    assert main(["certify", "--example", "origin-saddle", "--out", str(cert_path)]) == 0
    assert main(["check", str(cert_path)]) == 0
    cert = json.loads(cert_path.read_text())
    cert["loss"] = "0"
    cert_path.write_text(json.dumps(cert))
    assert main(["check", str(cert_path)]) == 1
