"""Unit tests of exactland.checker on certificates written by hand.

Every expected number below is derived by hand in the comments; nothing is
produced by exactland's certifier.
"""
from __future__ import annotations

import copy
import hashlib
import json
import pathlib
from fractions import Fraction
from typing import Any

import pytest

from exactland.checker import CheckReport, check_certificate
from exactland.errors import CertificateFormatError
from exactland.exact.scalars import parse_exact

# Paper, Section 4.1.1: x_k = (x, 1), x in {-1, -0.6, -0.1, 0.3, 0.7},
# y = 0.28, -0.1, 0.03, 0.23, -0.22, ReLU (a+ = 1, a- = 0).
#   Σ y  = 0.28 - 0.1 + 0.03 + 0.23 - 0.22 = 0.22 = 11/50
#   Σ y² = 0.0784 + 0.01 + 0.0009 + 0.0529 + 0.0484 = 0.1906
PAPER_X = [["-1", "1"], ["-0.6", "1"], ["-0.1", "1"], ["0.3", "1"], ["0.7", "1"]]
PAPER_Y = [["0.28"], ["-0.1"], ["0.03"], ["0.23"], ["-0.22"]]
RELU = {"alpha_plus": "1", "alpha_minus": "0"}
# The kink lines of the five samples, primitive with a positive first entry:
# (-1,1) -> (1,-1); (-3/5,1) -> (3,-5); (-1/10,1) -> (1,-10); (3/10,1) -> (3,10);
# (7/10,1) -> (7,10).
PAPER_LINES = [["1", "-1"], ["3", "-5"], ["1", "-10"], ["3", "10"], ["7", "10"]]


def neuron(i: int, kinks: list[int], signs: list[int], d: list[list[str]], dldh: list[str],
           dldr: str, tangential: dict, escape: dict | None) -> dict:
    # ``signs`` documents the hand derivation; certificates do not carry it (the checker
    # recomputes the signs from the problem).
    return {"index": i, "kink_set": kinks, "d": d, "dL_dh": dldh,
            "dL_dr_scaled": dldr, "tangential": tangential, "escape": escape}


def tangential(method: str, lines: list, nonneg: bool | None, rays: int = 0,
               c: str | None = None, witness: dict | None = None) -> dict:
    # ``rays`` (how many extreme rays the hand derivation uses) is documentation only.
    return {"method": method, "lines": lines, "nonnegative": nonneg, "c": c, "witness": witness}


def digest(problem: dict) -> str:
    """SHA-256 of the canonical problem, written out here from the schema
    (docs/certificate-schema.md): sorted keys, no spaces, canonical number texts."""
    def canon(s: str) -> str:  # "-0.6" -> "-3/5"; irrational texts are already in normal form
        try:
            return str(Fraction(s))
        except ValueError:
            return s

    core = {k: [[canon(x) for x in row] for row in problem[k]] for k in ("X", "Y", "W", "H")}
    core["activation"] = {"alpha_plus": canon(problem["activation"]["alpha_plus"]),
                          "alpha_minus": canon(problem["activation"]["alpha_minus"])}
    text = json.dumps(core, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def certificate(problem: dict, verdict: str, loss: str, stationary: bool | None,
                escape: list[int], neurons: list[dict], witness: dict | None,
                local_max: bool, global_min: bool, radius: str | None = None,
                constants: dict | None = None) -> dict:
    return {"format": "exactland-certificate/2", "problem": problem, "problem_digest": digest(problem),
            "verdict": verdict,
            "loss": loss, "stationary": stationary, "escape_neurons": escape,
            "radius": radius, "radius_constants": constants,
            "local_maximum_possible": local_max, "global_minimum": global_min,
            "neurons": neurons, "witness": witness, "reason": None,
            "budget": {"limit": 1000000}}


def path(kind: str, dW: list, dH: list, t_max: str | None, coeffs: list[str], order: int,
         t: str, loss: str, neuron_: int | None, cor: dict | None = None) -> dict:
    return {"kind": kind, "direction": {"W": dW, "H": dH}, "t_max": t_max,
            "coefficients": coeffs, "order": order, "t": t, "loss": loss,
            "neuron": neuron_, "corollary_4_4": cor}


def origin_saddle() -> dict:
    """The paper's data at W = (0 ; (-1, -5)), H = (0, 3): a saddle.

    Neuron 0 is the zero neuron: every z_0k = 0, so K⁰(0) = K, d_0 = 0,
    ∂L/∂h_0 = 0 and F_0 = h_0 φ_0 ≡ 0 ("zero-form").  Neuron 1 is dead:
    z_1k = -x_k - 5 in {-4, -4.4, -4.9, -5.3, -5.7}, all < 0, so with a- = 0
    it adds nothing and d_1 = 0, φ_1 ≡ 0 (no kink, "zero-form", c = inf).
    ŷ = 0, e_k = -y_k, L = ½ Σ y² = 0.0953 = 953/10000.
    Escape witness of neuron 0: v = (0, 1), x_k·v = 1 > 0 for every k, so
    φ_0(v) = Σ e_k = -Σ y = -11/50 ≠ 0 and F_0(v) = 0.
    Descent: Δh_0 = -sgn(φ) = +1, Δw_0 = v: w = (0, t), h = t, ŷ_k = t²,
      L(t) = ½ Σ (t² - y_k)² = 953/10000 - (11/50) t² + (5/2) t⁴,
      no sample outside a kink set (t_max null); at t = 1/10:
      0.0953 - 0.0022 + 0.00025 = 0.09335 = 1867/20000.  ‖Δ‖² = 2,
      C = -11/50, C_unit = -11/100.
    Ascent: Δh_0 = -1, Δw_0 = v: ŷ_k = -t²,
      L(t) = 953/10000 + (11/50) t² + (5/2) t⁴; at t = 1/10: 0.09775 = 391/4000.
    Every rho(z_ik) = 0 (kinks and a dead ReLU), so a local maximum is possible.
    """
    problem = {"activation": RELU, "X": PAPER_X, "Y": PAPER_Y,
               "W": [["0", "0"], ["-1", "-5"]], "H": [["0", "3"]]}
    n0 = neuron(0, [0, 1, 2, 3, 4], [0] * 5, [["0", "0"]], ["0"], "0",
                tangential("zero-form", PAPER_LINES, True),
                {"is_escape": True,
                 "witness": {"j": 0, "v": ["0", "1"], "F": "0", "phi": "-11/50"}})
    n1 = neuron(1, [], [-1] * 5, [["0", "0"]], ["0"], "0",
                tangential("zero-form", [], True, c="inf"),
                {"is_escape": False, "witness": None})
    descent = path("descent", [["0", "1"], ["0", "0"]], [["1", "0"]], None,
                   ["953/10000", "0", "-11/50", "0", "5/2"], 2, "1/10", "1867/20000", 0,
                   {"C": "-11/50", "direction_norm_sq": "2", "C_unit": "-11/100"})
    ascent = path("ascent", [["0", "1"], ["0", "0"]], [["-1", "0"]], None,
                  ["953/10000", "0", "11/50", "0", "5/2"], 2, "1/10", "391/4000", 0)
    return certificate(problem, "saddle", "953/10000", True, [0], [n0, n1],
                       {"descent": descent, "ascent": ascent}, True, False)


def not_stationary() -> dict:
    """The paper's data at w = (0, 1), h = 1.

    z_k = 1 > 0 for every k, ŷ_k = 1, e_k = 1 - y_k = (0.72, 1.1, 0.97, 0.77, 1.22),
    Σ e² = 0.5184 + 1.21 + 0.9409 + 0.5929 + 1.4884 = 4.7506, L = 2.3753.
    d = Σ e_k x_k = (-0.72 - 0.66 - 0.097 + 0.231 + 0.854, Σ e) = (-49/125, 239/50),
    ∂L/∂h = w·d = 239/50 = ‖w‖∂L/∂r (h = 1).  Tangential v = (1, 0): F = d·v = -49/125.
    Descent Δw = (0, -1): w = (0, 1 - t), every z_k = 1 - t flips at t = 1 (t_max = 1),
      ŷ_k = 1 - t, L(t) = ½ Σ (e_k - t)² = 2.3753 - 4.78 t + 2.5 t²;
      at t = 1/10: 2.3753 - 0.478 + 0.025 = 1.9223.
    """
    problem = {"activation": RELU, "X": PAPER_X, "Y": PAPER_Y, "W": [["0", "1"]], "H": [["1"]]}
    n0 = neuron(0, [], [1] * 5, [["-49/125", "239/50"]], ["239/50"], "239/50",
                tangential("lineality", [], False, witness={"v": ["1", "0"], "F": "-49/125"}), None)
    descent = path("descent", [["0", "-1"]], [["0"]], "1",
                   ["23753/10000", "-239/50", "5/2", "0", "0"], 1, "1/10", "19223/10000", 0)
    return certificate(problem, "not-stationary", "23753/10000", False, [], [n0],
                       {"descent": descent}, False, False)


def zero_loss_minimum() -> dict:
    """x = (1,0), (0,1), (-1,-1); y = 2, 1, 0; w = (1, 1/2), h = 2, ReLU.

    z = (1, 1/2, -3/2), ŷ = 2·(1, 1/2, 0) = y, so e = 0, L = 0, d = 0, φ ≡ 0:
    no kink, no escape, c = inf.  rho_w = min(1/1, (1/2)/1, (3/2)/2) = 1/2,
    so radius = min(1/2, inf) = 1/2.
    """
    problem = {"activation": RELU, "X": [["1", "0"], ["0", "1"], ["-1", "-1"]],
               "Y": [["2"], ["1"], ["0"]], "W": [["1", "1/2"]], "H": [["2"]]}
    n0 = neuron(0, [], [1, 1, -1], [["0", "0"]], ["0"], "0",
                tangential("zero-form", [], True, c="inf"), {"is_escape": False, "witness": None})
    return certificate(problem, "type-1-minimum", "0", True, [], [n0], None, False, True,
                       "1/2", {"rho_w": "1/2", "rho_h": "inf", "c": ["inf"]})


def kink_minimum(h: str = "1", y0: str = "1") -> dict:
    """x = (1,0), (0,1); y = y0, -1; w = (1, 0), h = y0, ReLU (y0 = h).

    z = (1, 0): sample 1 is a kink, ŷ = (h, 0), e = (0, 1), L = 1/2, d = 0.
    φ(v) = e_1 max(v_2, 0) = max(v_2, 0), F = h max(v_2, 0) ≥ 0; F = 0 forces
    v_2 ≤ 0 and then φ = 0: no escape neuron.  On the two rays ±(0, 1):
    F/|φ| = h, so c = h; rho_w = |z_0|/‖x_0‖₁ = 1; radius = min(1, h/1).
    """
    problem = {"activation": RELU, "X": [["1", "0"], ["0", "1"]], "Y": [[y0], ["-1"]],
               "W": [["1", "0"]], "H": [[h]]}
    n0 = neuron(0, [1], [1, 0], [["0", "0"]], ["0"], "0",
                tangential("separable", [["0", "1"]], True, 2, h),
                {"is_escape": False, "witness": None})
    return certificate(problem, "type-1-minimum", "1/2", True, [], [n0], None, False, False,
                       "1", {"rho_w": "1", "rho_h": h, "c": [h]})


def rays_minimum(y: tuple[str, str, str] = ("-1", "-1", "-1")) -> dict:
    """x = (1,0), (0,1), (1,1); y = -1, -1, -1; w = 0, h = 1, ReLU: dependent normals.

    w = 0: every sample is a kink, ŷ = 0, e = -y = (1, 1, 1), L = ½·3 = 3/2, d = 0.
    Three lines of rank 2 ("rays"): the extreme rays are ±(0,1), ±(1,0), ±(1,-1)
    (orthogonal to one line each).  φ(v) = max(v1,0) + max(v2,0) + max(v1+v2,0) = F
    (h = 1) is ≥ 0; F = 0 forces φ = 0 (no escape); F/|φ| = 1, so c = 1.
    No sample is off a kink: rho_w = inf, radius = min(inf, 1/1) = 1.  Every
    rho(z) = rho(0) = 0, so local_maximum_possible is true.
    """
    problem = {"activation": RELU, "X": [["1", "0"], ["0", "1"], ["1", "1"]],
               "Y": [[v] for v in y], "W": [["0", "0"]], "H": [["1"]]}
    n0 = neuron(0, [0, 1, 2], [0, 0, 0], [["0", "0"]], ["0"], "0",
                tangential("rays", [["1", "0"], ["0", "1"], ["1", "1"]], True, 6, "1"),
                {"is_escape": False, "witness": None})
    return certificate(problem, "type-1-minimum", "3/2", True, [], [n0], None, True, False,
                       "1", {"rho_w": "inf", "rho_h": "1", "c": ["1"]})


def assert_invalid(report: CheckReport, field: str) -> None:
    assert not report.valid
    assert any(r.startswith(field) for r in report.reasons), report.reasons


# ------------------------------------------------------------------ valid ones
@pytest.mark.parametrize("make", [origin_saddle, not_stationary, zero_loss_minimum, kink_minimum,
                                  rays_minimum])
def test_hand_certificates_are_valid(make: Any) -> None:
    report = check_certificate(make())
    assert report.valid, report.reasons
    assert report.reasons == () and report.checked


def test_single_neuron_origin_is_a_saddle() -> None:
    # Drop the dead neuron: every neuron at the origin is an escape neuron.
    cert = origin_saddle()
    del cert["problem"]["W"][1]
    del cert["problem"]["H"][0][1]
    del cert["neurons"][1]
    for p in cert["witness"].values():
        del p["direction"]["W"][1]
        del p["direction"]["H"][0][1]
    assert not check_certificate(cert).valid  # the digest is still the two-neuron problem's
    cert["problem_digest"] = digest(cert["problem"])
    assert check_certificate(cert).valid


def test_json_text_and_path(tmp_path: pathlib.Path) -> None:
    text = json.dumps(origin_saddle())
    assert check_certificate(text).valid
    f = tmp_path / "cert.json"
    f.write_text(text)
    assert check_certificate(f).valid and check_certificate(str(f)).valid


def test_algebraic_certificate() -> None:
    # "sqrt(1)" is not a plain rational string: every number goes through parse_exact.
    assert parse_exact("sqrt(1)") == 1
    cert = origin_saddle()
    cert["problem"]["X"][1][1] = "sqrt(1)"
    assert check_certificate(cert).valid
    # kink_minimum with h = y0 = sqrt(2): e = (0, 1), c = sqrt(2), rho_h = sqrt(2).
    cert = kink_minimum("sqrt(2)", "sqrt(2)")
    assert check_certificate(cert).valid
    cert["radius_constants"]["c"] = ["3/2"]  # 3/2 > sqrt(2)
    assert_invalid(check_certificate(cert), "radius_constants.c[0]")


# ------------------------------------------------------------------ tampering
def tampered_cert(make: Any, edit: Any) -> dict:
    cert = copy.deepcopy(make())
    edit(cert)
    return cert


def tampered(make: Any, edit: Any) -> CheckReport:
    return check_certificate(tampered_cert(make, edit))


def test_wrong_loss() -> None:
    assert_invalid(tampered(origin_saddle, lambda c: c.update(loss="477/5000")), "loss")


def test_wrong_kink_set_and_d() -> None:
    r = tampered(origin_saddle, lambda c: c["neurons"][0].update(kink_set=[0, 1, 2, 3]))
    assert_invalid(r, "neurons[0].kink_set")
    r = tampered(not_stationary, lambda c: c["neurons"][0].update(d=[["-49/125", "5"]]))
    assert_invalid(r, "neurons[0].d")


def test_wrong_coefficient() -> None:
    def edit(c: dict) -> None:
        c["witness"]["descent"]["coefficients"][4] = "2"
    assert_invalid(tampered(origin_saddle, edit), "witness.descent.coefficients")


def test_t_beyond_t_max() -> None:
    def late_t(c: dict) -> None:
        c["witness"]["descent"]["t"] = "3/2"
    assert_invalid(tampered(not_stationary, late_t), "witness.descent.t")

    def late_t_max(c: dict) -> None:  # z_k = 1 - t changes side at t = 1
        c["witness"]["descent"]["t_max"] = "2"
    assert_invalid(tampered(not_stationary, late_t_max), "witness.descent.t_max")


def test_descent_not_lower() -> None:
    # At t = 1/2: 0.0953 - 0.22/4 + 2.5/16 = 0.19655 = 3931/20000 > 0.0953.
    def edit(c: dict) -> None:
        c["witness"]["descent"].update(t="1/2", loss="3931/20000")
    assert_invalid(tampered(origin_saddle, edit), "witness.descent.loss")


def test_radius_too_large() -> None:
    assert_invalid(tampered(zero_loss_minimum, lambda c: c.update(radius="3/4")), "radius")
    r = tampered(kink_minimum, lambda c: c["radius_constants"].update(c=["2"]))
    assert_invalid(r, "radius_constants.c[0]")
    assert_invalid(tampered(kink_minimum, lambda c: c["neurons"][0]["tangential"].update(c="2")),
                   "neurons[0].tangential.c")


def test_false_escape_neuron() -> None:
    def edit(c: dict) -> None:
        c["escape_neurons"] = [0, 1]
        c["neurons"][1]["escape"]["is_escape"] = True
    r = tampered(origin_saddle, edit)
    assert_invalid(r, "escape_neurons")
    assert_invalid(r, "neurons[1].escape.is_escape")


def test_bad_escape_witness_and_path_neuron() -> None:
    def edit(c: dict) -> None:  # x_k·(0,-1) = -1 < 0: ReLU gives φ = 0
        c["neurons"][0]["escape"]["witness"]["v"] = ["0", "-1"]
    assert_invalid(tampered(origin_saddle, edit), "neurons[0].escape.witness")

    def edit2(c: dict) -> None:
        c["witness"]["descent"]["neuron"] = 1
    assert_invalid(tampered(origin_saddle, edit2), "witness.descent.neuron")


def test_wrong_verdicts() -> None:
    def as_minimum(c: dict) -> None:
        c.update(verdict="type-1-minimum", witness=None, radius="1/2",
                 radius_constants={"rho_w": "inf", "rho_h": "1/2", "c": ["1/2", "inf"]})
    assert_invalid(tampered(origin_saddle, as_minimum), "verdict")
    assert_invalid(tampered(not_stationary, lambda c: c["neurons"][0]["tangential"]
                            .update(nonnegative=True, witness=None)), "neurons[0].tangential")
    r = tampered(kink_minimum, lambda c: c.update(local_maximum_possible=True))
    assert_invalid(r, "local_maximum_possible")


def test_rays_claims() -> None:
    # y = (1, 1, -1): e = (-1, -1, 1), L = 3/2 still, but
    # F(1, -1) = -max(1,0) - max(-1,0) + max(0,0) = -1 < 0: not stationary.
    r = check_certificate(rays_minimum(("1", "1", "-1")))
    assert_invalid(r, "neurons[0].tangential.nonnegative")
    assert_invalid(r, "stationary")
    assert_invalid(tampered(rays_minimum, lambda c: c["neurons"][0]["tangential"].update(c="2")),
                   "neurons[0].tangential.c")
    r = tampered(rays_minimum, lambda c: c["neurons"][0]["tangential"].update(
        lines=[["1", "0"], ["0", "1"], ["1", "-1"]]))
    assert_invalid(r, "neurons[0].tangential.lines")


def test_undecided() -> None:
    # An undecided verdict is allowed only for its two documented causes; a scalar-output
    # point with an escape neuron is decidable (Theorem 4.2), so "undecided" is refused.
    def undecided(c: dict) -> None:
        c.update(verdict="undecided", witness=None, reason="no descent witness was tried")
    assert_invalid(tampered(origin_saddle, undecided), "verdict: undecided needs")
    r = tampered(origin_saddle, lambda c: (undecided(c), c.update(reason="")))
    assert_invalid(r, "reason")


def test_reason_only_on_undecided_and_budget_exceeded_rules() -> None:
    assert_invalid(tampered(origin_saddle, lambda c: c.update(reason="because")), "reason: must be null")
    # 'budget-exceeded' with a nonnegative claim, or on a decided verdict, is refused
    r = tampered(kink_minimum, lambda c: c["neurons"][0]["tangential"].update(method="budget-exceeded"))
    assert_invalid(r, "neurons[0].tangential.method: 'budget-exceeded' requires verdict undecided")
    assert_invalid(r, "neurons[0].tangential.nonnegative: must be null")


def test_tangential_may_be_missing_only_when_refuted_first() -> None:
    assert_invalid(tampered(kink_minimum, lambda c: c["neurons"][0].update(tangential=None)),
                   "neurons[0].tangential: required")


def test_budget_exceeded() -> None:
    report = check_certificate(kink_minimum(), budget=0)
    assert not report.valid and "checker budget exceeded" in report.reasons
    # w = 0, h = 1 and 40 kink samples in general position in d = 6: C(40, 5)
    # subsets; a small budget stops the enumeration at once.
    X = [[str((k * 7 + q * q * (k + 3)) % 11 - 5) for q in range(6)] for k in range(40)]
    problem = {"activation": RELU, "X": X, "Y": [["-1"]] * 40, "W": [["0"] * 6], "H": [["1"]]}
    n0 = neuron(0, list(range(40)), [0] * 40, [["0"] * 6], ["0"], "0",
                tangential("rays", [], True), None)
    cert = certificate(problem, "undecided", "20", None, [], [n0], None, True, False)
    cert["reason"] = "budget"
    report = check_certificate(cert, budget=1000)
    assert "checker budget exceeded" in report.reasons


# ------------------------------------------------------------------ malformed
@pytest.mark.parametrize("edit", [
    lambda c: c.pop("loss"),
    lambda c: c.update(format="exactland-certificate/1"),
    lambda c: c.update(problem_digest="sha256:abc"),
    lambda c: c["neurons"][0]["tangential"].update(rays=999),
    lambda c: c["budget"].update(used=5),
    lambda c: c.update(comment="trust me"),
    lambda c: c["problem"]["Y"][0].__setitem__(0, 0.28),
    lambda c: c["problem"]["X"][0].append("1"),
    lambda c: c.update(loss="inf"),
    lambda c: c.update(verdict="maybe"),
    lambda c: c["neurons"][0].update(signs=[0, 0]),
    lambda c: c["witness"]["descent"].update(order=3),
])
def test_malformed_raises(edit: Any) -> None:
    cert = origin_saddle()
    edit(cert)
    with pytest.raises(CertificateFormatError):
        check_certificate(cert)


def test_not_json_raises() -> None:
    with pytest.raises(CertificateFormatError):
        check_certificate("{not json")
    with pytest.raises(CertificateFormatError):
        check_certificate([1, 2])  # type: ignore[arg-type]
