"""Issue 10 (trust): a certificate is bound to the user's problem, its digest
is checked, every field is checked or refused, and a first-order refutation
short-circuits the expensive tangential analysis."""
from __future__ import annotations

import copy
import json
import pathlib
import time

import pytest

import exactland
from exactland.builtin.examples import load_example
from exactland.checker import check_certificate
from exactland.cli.main import main
from exactland.errors import CertificateFormatError

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _write(path: pathlib.Path, obj: dict) -> pathlib.Path:
    path.write_text(json.dumps(obj))
    return path


def test_certificate_for_a_different_problem_is_refused_when_the_problem_is_given(tmp_path, capsys):
    # The audit's attack: a valid certificate for a problem with one entry of H changed.
    user = load_example("final-minimum").to_dict()
    other = copy.deepcopy(user)
    other["H"][0][0] = "1"  # the user's h_00 is something else
    cert = exactland.certify(exactland.load(other))
    assert cert.verify().valid  # valid about its *own* problem ...
    report = cert.verify(problem=exactland.load(user))  # ... but not about the user's
    assert not report.valid and report.problem_matches is False
    assert report.reasons[0].startswith("problem mismatch: H[0][0] is 1 in the certificate")
    assert check_certificate(cert.to_dict(), problem=user).problem_matches is False
    assert check_certificate(cert.to_dict(), problem=other).valid

    c = _write(tmp_path / "cert.json", cert.to_dict())
    p = _write(tmp_path / "mine.json", user)
    assert main(["check", str(c), "--problem", str(p)]) == 1
    out = capsys.readouterr().out
    assert "given problem: DIFFERENT" in out and "H[0][0]" in out
    assert main(["check", str(c), "--problem", str(_write(tmp_path / "theirs.json", other))]) == 0
    assert "given problem: identical" in capsys.readouterr().out


def test_problem_comparison_is_exact_not_textual(tmp_path):
    # The same numbers in other notation (decimal literals, unreduced fractions) match.
    p = load_example("origin-saddle")
    cert = exactland.certify(p).to_dict()
    data = p.to_dict()
    data["Y"] = [[str(2 * exactland.load(data).Y[k][0].p) + "/" + str(2 * exactland.load(data).Y[k][0].q)]
                 for k in range(p.n_samples)]
    data["description"] = "extra fields of a problem file are fine"
    assert check_certificate(cert, problem=data).problem_matches is True
    text = (tmp_path / "p.json")
    text.write_text('{"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": '
                    + json.dumps([[float(x) for x in row] for row in [[-1, 1], [-0.6, 1], [-0.1, 1], [0.3, 1], [0.7, 1]]])
                    + ', "Y": ' + json.dumps(data["Y"]) + ', "W": ' + json.dumps(data["W"])
                    + ', "H": ' + json.dumps(data["H"]) + "}")
    # JSON decimal literals are read as the decimals they spell: -0.6 is -3/5 exactly
    assert check_certificate(cert, problem=text).problem_matches is True


def test_digest_is_stored_printed_and_checked(tmp_path, capsys):
    p = load_example("origin-saddle")
    cert = exactland.certify(p).to_dict()
    assert cert["problem_digest"] == p.digest() and cert["problem_digest"].startswith("sha256:")
    assert check_certificate(cert).digest == p.digest()
    bad = copy.deepcopy(cert)
    bad["problem_digest"] = "sha256:" + "0" * 64
    r = check_certificate(bad)
    assert not r.valid and r.reasons[0].startswith("problem_digest:")
    # editing the embedded problem without the digest is caught as well
    bad = copy.deepcopy(cert)
    bad["problem"]["Y"][0][0] = "1"
    assert any(x.startswith("problem_digest:") for x in check_certificate(bad).reasons)
    assert main(["check", str(_write(tmp_path / "c.json", cert))]) == 0
    assert f"problem digest: {p.digest()}" in capsys.readouterr().out


def test_check_json_output(tmp_path, capsys):
    cert = exactland.certify(load_example("final-minimum")).to_dict()
    c = _write(tmp_path / "c.json", cert)
    assert main(["check", str(c), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is True and out["digest"] == cert["problem_digest"] and out["problem_matches"] is None


def test_duplicate_keys_are_refused(tmp_path):
    cert = exactland.certify(load_example("origin-saddle")).to_dict()
    other = exactland.certify(load_example("final-minimum")).to_dict()
    text = json.dumps(cert)
    # a second "problem" key: a reader keeping the first sees another problem than the last-wins reader
    doubled = text[:-1] + ', "problem": ' + json.dumps(other["problem"]) + "}"
    with pytest.raises(CertificateFormatError, match="problem"):
        check_certificate(doubled)
    with pytest.raises(CertificateFormatError):
        check_certificate(_write(tmp_path / "x.json", cert).read_text().replace(
            '"loss":', '"loss": "0", "loss":', 1))


def test_kink_lines_when_written_must_be_exactly_the_primitive_ones():
    # final-minimum: neuron 0 has one kink sample, x_4 = (7/10, 1); its kink line's normal as a
    # primitive integer vector with a positive first entry is (7, 10). Certificates need not
    # carry the lines (the checker recomputes them); when they do, they must be exactly these.
    cert = exactland.certify(load_example("final-minimum")).to_dict()
    cert["neurons"][0]["tangential"]["lines"] = [["7", "10"]]
    assert check_certificate(cert).valid
    cert["neurons"][0]["tangential"]["lines"] = [["14", "20"]]  # the same line, not primitive
    r = check_certificate(cert)
    assert not r.valid and any(x.startswith("neurons[0].tangential.lines") for x in r.reasons)


@pytest.mark.parametrize("bad", ["0x10", "1_000", "١٢", "１２"])
def test_numbers_that_are_not_exact_decimals_are_refused_in_certificates(bad):
    cert = exactland.certify(load_example("origin-saddle")).to_dict()
    cert["loss"] = bad
    with pytest.raises(CertificateFormatError):
        check_certificate(cert)


def test_first_order_refutation_short_circuits_the_tangential_analysis():
    # A zero neuron with 40 kink samples in general position in d = 6 (C(40, 5) subsets for
    # the ray enumeration), plus a neuron with dL/dh != 0: the gradient refutes stationarity
    # before any ray is enumerated, so even budget 0 decides.
    X = [[(k * 7 + q * q * (k + 3)) % 11 - 5 for q in range(6)] for k in range(40)]
    X = [row if any(row) else [1] + row[1:] for row in X]
    p = exactland.load({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": X,
                        "Y": [[1]] * 40, "W": [[0] * 6, [1] * 6], "H": [[1, 1]]})
    start = time.perf_counter()
    cert = exactland.certify(p, budget=0)
    assert cert.verdict.value == "not-stationary" and cert.budget_used == 0
    assert all(n.method is None for n in cert.neurons)  # no tangential analysis at all
    assert cert.descent is not None and cert.descent.order == 1
    assert cert.verify(problem=p).valid
    assert cert.to_dict()["neurons"][0]["tangential"] is None
    assert time.perf_counter() - start < 30  # a guard against a hang, not a benchmark


def test_train_on_data_too_large_for_floats_is_refused_naming_the_entry(tmp_path, capsys):
    data = json.loads((ROOT / "examples" / "experiments" / "section-4.1.1.json").read_text())
    data["Y"][0][0] = "1" + "0" * 400  # exact, but 1e400 overflows float64
    f = _write(tmp_path / "huge.json", data)
    assert main(["train", str(f), "--steps", "10", "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert "Y[0][0]" in err and "float64" in err and "Traceback" not in err
