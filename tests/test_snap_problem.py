"""``exactland snap PROBLEM`` and ``exactland.snap``: any float point to an exact certified one.

Float copies of the built-in examples (hand-constructed exact points) must
snap back to exactly those points; a point with an output bias is checked
against an independent route (the least-squares affine fit, by hand with
``Fraction``); the JSON report's certificate must be exactly what
``certify --json`` prints for the reported point, and ``check`` accepts it.
"""
from __future__ import annotations

import json
import pathlib
from fractions import Fraction

import numpy as np
import pytest

import exactland
from exactland.cli.main import main
from exactland.core.problem import load
from exactland.dynamics import point_snap
from exactland.errors import InputError
from exactland.exact.scalars import to_float

ROOT = pathlib.Path(__file__).resolve().parents[1]
BUILTIN = ["final-minimum", "interpolating-minimum", "origin-saddle", "appendix-i02-origin"]


def _fraction(x) -> Fraction:
    return Fraction(str(x))


def _float_copy(p: exactland.Problem, dtype=float) -> dict:
    """The problem with W, H (and b) written as floats: shortest decimals of their nearest floats."""
    d = p.to_dict()
    conv = lambda x: repr(float(dtype(to_float(x))))
    d["W"] = [[conv(x) for x in row] for row in p.W]
    d["H"] = [[conv(x) for x in row] for row in p.H]
    if p.b is not None:
        d["b"] = [conv(x) for x in p.b]
    return d


def _sup(given: dict, exact: exactland.Problem) -> Fraction:
    """‖given − exact‖_∞ over W, H, b, by Fractions."""
    pairs = [(g, e) for key in ("W", "H") for grow, erow in zip(given[key], getattr(exact, key))
             for g, e in zip(grow, erow)]
    pairs += list(zip(given.get("b", []), exact.b or ()))
    return max((abs(Fraction(g) - _fraction(e)) for g, e in pairs), default=Fraction(0))


@pytest.mark.parametrize("name", BUILTIN)
def test_a_float_copy_of_a_builtin_point_snaps_back_to_it(name: str) -> None:
    p = exactland.examples.load_example(name)
    copy = _float_copy(p)
    res = exactland.snap(copy)
    assert res.certified
    assert res.point.W == p.W and res.point.H == p.H  # the hand-constructed exact point itself
    assert res.verdict == exactland.certify(p).verdict.value
    assert _fraction(res.distance) == _sup(copy, p)
    assert res.certificate.verify().valid


def test_the_float_copy_itself_is_not_stationary_but_snaps() -> None:
    p = exactland.examples.load_example("final-minimum")
    copy = _float_copy(p)
    assert exactland.certify(load(copy)).verdict.value == "not-stationary"  # issue 12's first complaint
    res = exactland.snap(copy)
    assert res.verdict == "type-1-minimum" and str(res.certificate.loss) == "16139/231500"
    assert 0 < to_float(res.distance) < 1e-16


def _outputs(p: exactland.Problem) -> list[list[Fraction]]:
    """ŷ_kj = Σ_i h_ji ρ(w_i·x_k) (+ b_j), by hand with Fractions (rational points only)."""
    ap, am = _fraction(p.activation.alpha_plus), _fraction(p.activation.alpha_minus)
    out = []
    for x in p.X:
        z = [sum(_fraction(w) * _fraction(c) for w, c in zip(wi, x)) for wi in p.W]
        a = [(ap if zi > 0 else am) * zi for zi in z]
        out.append([sum(_fraction(h) * ai for h, ai in zip(row, a)) + (_fraction(p.b[j]) if p.b else 0)
                    for j, row in enumerate(p.H)])
    return out


def test_float32_arrays_snap_to_the_same_function() -> None:
    p = exactland.examples.load_example("final-minimum")
    W = np.array([[to_float(x) for x in row] for row in p.W], dtype=np.float32)
    H = np.array([[to_float(x) for x in row] for row in p.H], dtype=np.float32)
    res = exactland.snap(p.dataset, W=W, H=H)
    assert res.verdict == "type-1-minimum" and res.certificate.loss == exactland.certify(p).loss
    # neuron 0's column lies in the span of neuron 1's (affine) ones, so the minimiser is not unique:
    # the float32 point may snap to another exact point of the same minimum; the fitted outputs agree
    assert _outputs(res.point) == _outputs(p)
    assert 1e-9 < to_float(res.distance) < 1e-7  # float32 rounding of the given point


# ---------------------------------------------------------------- a point with an output bias
DATA = {"activation": {"alpha_plus": "1", "alpha_minus": "0"},
        "X": [["1", "0"], ["0", "1"], ["1", "1"], ["2", "1"], ["1", "3"]],
        "Y": [["1"], ["2"], ["2"], ["4"], ["3"]]}


def _ols() -> tuple[Fraction, Fraction, Fraction]:
    """The least-squares affine fit y ≈ a₁x₁ + a₂x₂ + c of DATA (normal equations, Cramer's rule)."""
    rows = [[Fraction(x[0]), Fraction(x[1]), Fraction(1)] for x in DATA["X"]]
    ys = [Fraction(y[0]) for y in DATA["Y"]]
    G = [[sum(r[a] * r[b] for r in rows) for b in range(3)] for a in range(3)]
    v = [sum(r[a] * y for r, y in zip(rows, ys)) for a in range(3)]

    def det(m):
        return (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))

    D = det(G)
    sol = []
    for c in range(3):
        m = [row[:] for row in G]
        for a in range(3):
            m[a][c] = v[a]
        sol.append(det(m) / D)
    return sol[0], sol[1], sol[2]


def _residuals(W, H, b) -> list[Fraction]:
    """e_k = Σ_i h_i relu(w_i·x_k) + b − y_k (Fractions)."""
    out = []
    for x, y in zip(DATA["X"], DATA["Y"]):
        xs = [Fraction(c) for c in x]
        o = sum(_fraction(h) * max(Fraction(0), sum(_fraction(w) * c for w, c in zip(wi, xs)))
                for h, wi in zip(H[0], W))
        out.append(o + _fraction(b[0]) - Fraction(y[0]))
    return out


def _bias_problem(with_zero_neuron: bool) -> tuple[dict, dict]:
    """(exact point, float copy): neuron 0 is the affine fit, all samples active; optionally a zero neuron 1."""
    a1, a2, c = _ols()
    exact = dict(DATA, W=[[str(a1), str(a2)]], H=[["1"]], b=[str(c)])
    copy = dict(DATA, W=[[repr(float(a1)), repr(float(a2))]], H=[["1.0"]], b=[repr(float(c))])
    if with_zero_neuron:
        exact = dict(exact, W=exact["W"] + [["0", "0"]], H=[["1", "0"]])
        copy = dict(copy, W=copy["W"] + [["1e-9", "-2e-9"]], H=[["1.0", "3e-9"]])
    return exact, copy


def test_a_bias_minimum_snaps_to_the_least_squares_affine_fit() -> None:
    _, copy = _bias_problem(with_zero_neuron=False)
    res = exactland.snap(copy)
    a1, a2, c = _ols()
    p = res.point
    assert res.verdict == "type-1-minimum"
    assert [_fraction(p.H[0][0]) * _fraction(w) for w in p.W[0]] == [a1, a2] and [_fraction(x) for x in p.b] == [c]
    # independent route: every sample strictly active, so near the point the network is affine in
    # (h w, b) and L ≥ the least-squares minimum, attained here: a local minimum by hand
    assert all(sum(_fraction(w) * Fraction(x) for w, x in zip(p.W[0], xk)) > 0 for xk in DATA["X"])
    e = _residuals(p.W, p.H, p.b)
    assert _fraction(res.certificate.loss) == sum(x * x for x in e) / 2
    assert sum(e) == 0 and res.certificate.dL_db == (0,)


def test_a_bias_saddle_snaps_and_its_descent_is_confirmed_by_hand() -> None:
    exact, copy = _bias_problem(with_zero_neuron=True)
    res = exactland.snap(copy)
    assert res.verdict == "saddle" and res.structure_dict()["zero"] == [1]
    assert res.point.to_dict()["W"] == exact["W"] and res.point.to_dict()["b"] == exact["b"]
    assert _fraction(res.distance) == Fraction(3, 10**9)
    e = _residuals(exact["W"], exact["H"], exact["b"])
    assert sum(e) == 0  # ∂L/∂b = 0 by hand
    # the certificate's descent direction, evaluated with the hand formula: the loss drops
    d = res.certificate.to_dict()["witness"]["descent"]["direction"]
    L0 = sum(x * x for x in e) / 2
    t = Fraction(1, 100)
    W = [[Fraction(w) + t * Fraction(dw) for w, dw in zip(row, drow)] for row, drow in zip(exact["W"], d["W"])]
    H = [[Fraction(h) + t * Fraction(dh) for h, dh in zip(exact["H"][0], d["H"][0])]]
    b = [Fraction(exact["b"][0]) + t * Fraction(d.get("b", ["0"])[0])]
    assert sum(x * x for x in _residuals(W, H, b)) / 2 < L0


# ---------------------------------------------------------------- the command
@pytest.fixture()
def saddle_file(tmp_path):
    path = tmp_path / "float-point.json"
    path.write_text(json.dumps(_bias_problem(with_zero_neuron=True)[1]))
    return path


def test_cli_text_report(saddle_file, capsys) -> None:
    assert main(["snap", str(saddle_file)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "saddle — exact L = 43/48 (MSE ≈ 0.358333333); escape neurons [1]"
    assert out[1] == "assumed structure: dead [], zero [1], groups [[0]], kink samples [[]]"
    assert out[2] == "exact output bias b = [3/4]"
    assert out[3] == "tolerances: zero 0.01, group 0.01 rad, kink 0.001, dead margin 0"
    assert out[4] == "|given − exact|_∞ = 3e-09 (exact: 3/1000000000)"
    assert out[5] == "independent check: valid"


def test_cli_json_point_certificate_and_check(saddle_file, tmp_path, capsys) -> None:
    point = tmp_path / "exact.json"
    assert main(["snap", str(saddle_file), "--json", "-o", str(point)]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert list(rep) == ["verdict", "loss", "distance", "structure", "point", "certificate"]
    assert rep["verdict"] == "saddle" and rep["loss"] == "43/48"
    assert rep["distance"] == {"exact": "3/1000000000", "float": 3e-09}
    assert rep["point"] == json.loads(point.read_text())
    assert set(rep["point"]) == {"activation", "X", "Y", "W", "H", "b"}
    assert {"dead", "zero", "groups", "kink_samples", "tolerances", "attempts"} <= set(rep["structure"])
    assert main(["certify", str(point), "--json", "-o", str(tmp_path / "cert.json")]) == 0
    assert rep["certificate"] == json.loads(capsys.readouterr().out)  # exactly what certify --json prints
    assert main(["check", str(tmp_path / "cert.json"), "--problem", str(point)]) == 0


def test_cli_tolerances_are_used_and_reported(saddle_file, capsys) -> None:
    assert main(["snap", str(saddle_file), "--json", "--tol-kink", "0.02", "--tol-zero", "0.05",
                 "--tol-group", "0.1", "--tol-dead", "0.001"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["structure"]["tolerances"] == {"small": 0.05, "angle": 0.1, "kink": 0.02, "dead": 0.001}
    assert all(a["tolerances"]["kink"] == 0.02 for a in rep["structure"]["attempts"])


#: an untrained point of the Section 4.1.1 data, far from any stationary point (gradient of order 1)
FAR_FROM_STATIONARY = {"W": [["0.13", "-0.13"], ["0.64", "0.1"], ["-0.54", "0.36"]], "H": [["1.3", "0.95", "-0.7"]]}


@pytest.fixture()
def far_file(tmp_path):
    data = json.loads((ROOT / "examples" / "experiments" / "section-4.1.1.json").read_text())
    path = tmp_path / "far.json"
    path.write_text(json.dumps({k: data[k] for k in ("activation", "X", "Y")} | FAR_FROM_STATIONARY))
    return path


def test_cli_refuses_to_give_a_verdict_when_nothing_certifies(far_file, capsys) -> None:
    assert exactland.certify(load(far_file)).verdict.value == "not-stationary"
    assert main(["snap", str(far_file)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("no certified exact point near the float point") and "no verdict" in out
    assert "saddle" not in out and "minimum" not in out
    assert main(["snap", str(far_file), "--json"]) == 1
    rep = json.loads(capsys.readouterr().out)
    assert rep["verdict"] is None and rep["point"] is None and rep["certificate"] is None
    assert rep["loss"] is None and rep["distance"] is None
    assert rep["structure"]["attempts"] and all(a["verdict"] in (None, "not-stationary")
                                                for a in rep["structure"]["attempts"])


def test_cli_bad_usage(saddle_file, capsys) -> None:
    assert main(["snap", str(saddle_file), "--at", "5"]) == 2
    assert "run folders only" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["snap", str(saddle_file), "--tol-kink", "-1"])
    assert exc.value.code == 2


def test_cli_snap_of_a_run_folder_keeps_working_with_tolerances(tmp_path, capsys) -> None:
    data = tmp_path / "data.json"
    data.write_text(json.dumps(DATA))
    run = tmp_path / "run"
    assert main(["train", str(data), "--width", "3", "--init-std", "0.3", "--lr", "1e-2", "--steps", "20000",
                 "--loss", "half-sse", "--bias", "--out", str(run), "--engine", "numpy"]) == 0
    capsys.readouterr()
    assert main(["snap", str(run), "--json", "--tol-kink", "0.002"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["step"] == 20000 and rep["verdict"] is not None
    assert rep["certificate"]["problem"]["b"] == [str(_ols()[2])]
    assert json.loads((run / "snap-final.json").read_text())["b"] == [str(_ols()[2])]


# ---------------------------------------------------------------- the Python API
def test_api_sources_agree() -> None:
    exact, copy = _bias_problem(with_zero_neuron=True)
    p = load(copy)
    arrays = {k: np.array([[float(x) for x in row] for row in copy[k]]) for k in ("W", "H")}
    b = np.array([float(x) for x in copy["b"]])
    results = [exactland.snap(copy), exactland.snap(p), exactland.snap(p.dataset, W=arrays["W"], H=arrays["H"], b=b),
               exactland.snap(dict(DATA, W=arrays["W"], H=arrays["H"], b=b))]
    assert {r.point.digest() for r in results} == {load(exact).digest()}
    assert all(r.verdict == "saddle" for r in results)
    assert exactland.snap is point_snap.snap_point


def test_api_refusals(far_file) -> None:
    res = exactland.snap(far_file)
    assert not res.certified and res.verdict is None and res.to_dict()["point"] is None
    assert res.distance is None and res.certificate is None
    _, copy = _bias_problem(with_zero_neuron=False)
    ds = load(copy).dataset
    with pytest.raises(InputError, match="shape"):
        exactland.snap(ds, W=np.zeros((2, 3)), H=np.zeros((1, 2)))
    with pytest.raises(InputError, match="both W and H"):
        exactland.snap(ds, W=np.zeros((2, 2)))
    with pytest.raises(InputError, match="no point"):
        exactland.snap(ds)
    with pytest.raises(InputError, match="NaN"):
        exactland.snap(ds, W=np.full((1, 2), np.nan), H=np.ones((1, 1)))
