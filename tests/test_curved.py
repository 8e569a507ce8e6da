"""Issue 13, deliverable 2: curved paths P + tΔ₁ + t²Δ₂, their exact degree-8 polynomial and the checker.

Expected values come from this file's own plain ``Fraction`` forward pass (``_loss``), never from the
code under test.
"""
from __future__ import annotations

import copy
import dataclasses
import random
from fractions import Fraction as Fr

from flint import fmpq

import exactland
from exactland.checker import check_certificate
from exactland.core.curved import curved_path, curved_polynomial
from exactland.core.network import evaluate
from exactland.errors import CertificateFormatError
from exactland.testing.multi import multi_output_point

# A saddle with two outputs (ReLU-like a⁺ = 2, a⁻ = 1/2, one neuron w = (−3, 0), h = (0, 0)):
# sample x1 = (0, 6) is on the kink, the other two are fitted (Y = 0 there, ŷ = h ρ = 0).
# Residual e1 = (3, 2); φ(v) = e1 ρ(6 v2); h = 0, so F ≡ 0 and φ ≠ 0: an escape neuron, and the
# straight path (Δh = α, Δw = v) has t² coefficient α·φ(v) + ½‖ρ αᵀ + …‖²: negative for suitable
# (α, v) — the certifier's order-2 witness D. The curve P + t²D (Δ₁ = 0, Δ₂ = D) is the same path
# reparametrised by s = t²: its polynomial is the straight one in t², so order 4 with c4 = c2(D) < 0.
SADDLE = {"activation": {"alpha_plus": "2", "alpha_minus": "1/2"}, "X": [["0", "6"], ["2", "-1"], ["1", "-1"]],
          "Y": [["-3", "-2"], ["0", "0"], ["0", "0"]], "W": [["-3", "0"]], "H": [["0"], ["0"]]}


def _fr(m):
    return [[Fr(str(x)) for x in r] for r in m]


def _loss(p, W, H, b=None) -> Fr:
    """½ Σ (Σ_i h_ji ρ(w_i·x_k) + b_j − y_kj)², plain Fractions."""
    ap, am = Fr(str(p.activation.alpha_plus)), Fr(str(p.activation.alpha_minus))
    total = Fr(0)
    for x, y in zip(_fr(p.X), _fr(p.Y)):
        act = [(ap if z >= 0 else am) * z for z in (sum(a * c for a, c in zip(w, x)) for w in W)]
        for j, yj in enumerate(y):
            e = sum(H[j][i] * act[i] for i in range(len(W))) + (b[j] if b else 0) - yj
            total += e * e
    return total / 2


def _curve(p, d1, d2, t):
    def mv(m, m1, m2):
        return [[a + t * c + t * t * e for a, c, e in zip(r, r1, r2)] for r, r1, r2 in zip(m, m1, m2)]
    return mv(_fr(p.W), d1[0], d2[0]), mv(_fr(p.H), d1[1], d2[1])


def _rand_dir(rng, p):
    return ([[fmpq(rng.randint(-3, 3), rng.randint(1, 3)) for _ in range(p.dim)] for _ in range(p.n_neurons)],
            [[fmpq(rng.randint(-3, 3), rng.randint(1, 3)) for _ in range(p.n_neurons)] for _ in range(p.n_outputs)],
            None)


def test_curved_polynomial_is_the_loss_on_its_interval():
    rng = random.Random(3)
    for seed in range(12):
        p = multi_output_point(seed, J=2, dim=3, n_neurons=3, n_samples=6, n_zero=0, bias=False).problem
        ev = evaluate(p)
        d1, d2 = _rand_dir(rng, p), _rand_dir(rng, p)
        if seed % 3 == 0:  # Δ₁ zero on some rows: Δ₂ alone chooses kink sides there
            d1 = ([[fmpq(0)] * p.dim] + d1[0][1:], d1[1], None)
        c, t_max = curved_polynomial(ev, d1, d2)
        assert len(c) == 9 and 0 < t_max <= 1
        for m in range(1, 8):
            t = Fr(str(t_max)) * m / 8
            W, H = _curve(p, (_fr(d1[0]), _fr(d1[1])), (_fr(d2[0]), _fr(d2[1])), t)
            assert sum(Fr(str(x)) * t ** n for n, x in enumerate(c)) == _loss(p, W, H)


def _curved_certificate():
    p = exactland.load(SADDLE)
    cert = exactland.certify(p)
    assert cert.verdict.value == "saddle" and cert.descent.order == 2
    ev = evaluate(p)
    dW, dH = cert.descent.full_direction(p.n_neurons, p.n_outputs)
    zero = ([[0] * p.dim for _ in range(p.n_neurons)], [[0] * p.n_neurons for _ in range(p.n_outputs)], None)
    path = curved_path(ev, zero, (dW, dH, None))
    return p, cert, path


def test_reparametrised_curve_is_order_four_and_checks():
    p, cert, path = _curved_certificate()
    assert path.order == 4 and path.coefficients[4] == cert.descent.coefficients[2] < 0
    assert all(path.coefficients[n] == 0 for n in (1, 2, 3, 5, 7))
    W, H = _curve(p, (_fr(path.dW), _fr(path.dH)), (_fr(path.dW2), _fr(path.dH2)), Fr(str(path.t)))
    L0 = _loss(p, _fr(p.W), _fr(p.H))
    assert _loss(p, W, H) == Fr(str(path.loss)) < L0
    new = dataclasses.replace(cert, descent=path)
    d = new.to_dict()
    assert d["witness"]["descent"]["corollary_4_4"] is None and len(d["witness"]["descent"]["coefficients"]) == 9
    report = check_certificate(d)
    assert report.valid, report.reasons
    assert "direction2" not in cert.to_dict()["witness"]["descent"]  # straight paths unchanged


def _tampered(change):
    _, cert, path = _curved_certificate()
    d = copy.deepcopy(dataclasses.replace(cert, descent=path).to_dict())
    change(d["witness"]["descent"])
    try:
        return check_certificate(d).valid
    except CertificateFormatError:  # refused as malformed
        return False


def test_tampered_curved_certificates_are_rejected():
    def coeff(w):
        w["coefficients"][4] = str(Fr(w["coefficients"][4]) * 2)

    def beyond(w):
        w["t"] = str(Fr(w["t_max"]) * 2)

    def loss(w):
        w["loss"] = str(Fr(w["loss"]) - 1)

    def tmax(w):
        w["t_max"] = "2"

    def order(w):
        w["order"] = 3

    def corollary(w):
        w["corollary_4_4"] = {"C": "-1", "direction_norm_sq": "1", "C_unit": "-1"}

    def drop(w):  # a 9-coefficient path without its second direction is malformed
        w.pop("direction2")

    for change in (coeff, beyond, loss, tmax, order, corollary, drop):
        assert not _tampered(change), change.__name__


# Point 28 of benchmarks/bench_multi.py (--seed 0): undecided; the reason names the curved search.
UNDECIDED = {"activation": {"alpha_plus": "1", "alpha_minus": "0"},
             "X": [["-4", "-4"], ["6", "6"], ["6", "6"], ["0", "2"], ["2", "-1/2"], ["-2", "-2"], ["0", "4"], ["0", "2"]],
             "Y": [["2", "2"], ["2", "-1"], ["0", "0"], ["-112", "-32"], ["-240", "240"], ["0", "0"], ["-224", "-64"],
                   ["-112", "-32"]],
             "W": [["3", "-3"], ["-1/2", "1/2"]], "H": [["-32", "-112"], ["32", "-32"]]}


def test_undecided_reason_mentions_curved_paths():
    p = exactland.load(UNDECIDED)
    cert = exactland.certify(p)
    assert cert.verdict.value == "undecided" and "curved paths P + tΔ₁ + t²Δ₂ were tried" in cert.reason
    assert cert.verify(problem=p).valid


def test_render_and_derivation_show_a_curved_path():
    from exactland.core.render import summary
    from exactland.derivation.build import derive

    _, cert, path = _curved_certificate()
    new = dataclasses.replace(cert, descent=path)
    assert "P + tD1 + t^2 D2" in summary(new)
    assert derive(new.problem, new) is not None
