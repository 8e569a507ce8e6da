"""Certify a generated :class:`strategies.Spec` and re-derive its witnesses independently.

``certify`` runs exactland (and labels the Hypothesis example with its
verdict); everything the certificate claims about a witness path is then
re-derived here with the Fraction oracles of :mod:`oracles` (own loss along
the path, own ``t_max``, own interpolation of the coefficients).
"""
from __future__ import annotations

from fractions import Fraction as Fr
from typing import Sequence

from hypothesis import event
from hypothesis.control import currently_in_test_context
from oracles import dotf, fr, interpolate
from strategies import Mat, Spec, tup

import exactland


def certify(spec: Spec, **kw) -> exactland.Certificate:
    cert = exactland.certify(spec.problem(), **kw)
    if currently_in_test_context():
        event(f"{spec.family} |J|={spec.J}: {cert.verdict.value}")
    return cert


def assert_valid(cert: exactland.Certificate) -> None:
    """The independent checker (exactland.checker) accepts the certificate."""
    report = cert.verify()
    assert report.valid, report.reasons


def same_verdict(c1: exactland.Certificate, c2: exactland.Certificate) -> None:
    assert c1.verdict == c2.verdict
    assert c1.stationary == c2.stationary


def radius_of(cert: exactland.Certificate) -> Fr:
    """The certified radius (1 for an infinite one: any box is inside)."""
    r = cert.to_dict()["radius"]
    return Fr(1) if r == "inf" else Fr(r)


def move_neuron(spec: Spec, i: int, dh: Sequence[Fr], dw: Sequence[Fr], t: Fr) -> tuple[Mat, Mat]:
    """(W, H) of P + t*Delta where Delta moves only neuron i by (dh, dw)."""
    W = [list(r) for r in spec.W]
    H = [list(r) for r in spec.H]
    W[i] = [w + t * x for w, x in zip(W[i], dw)]
    for j in range(spec.J):
        H[j][i] += t * dh[j]
    return tup(W), tup(H)


def check_path(spec: Spec, cert, path, kind: str) -> list[Fr]:
    """Re-derive a witness path with our own loss; returns its coefficients."""
    L0 = spec.loss()
    i, dh, dw = path.neuron, [fr(x) for x in path.dh], [fr(x) for x in path.dw]
    assert len(dh) == spec.J and len(dw) == spec.d
    assert any(x != 0 for x in dh + dw), "zero direction"
    t = fr(path.t)
    Wt, Ht = move_neuron(spec, i, dh, dw, t)
    Lt = spec.loss_at(Wt, Ht)
    assert Lt == fr(path.loss)
    if kind == "descent":
        assert Lt < L0, (Lt, L0)
    else:
        assert Lt > L0, (Lt, L0)
    # own t_max: the first t > 0 at which a sample off the kink set changes side
    mine = None
    for x in spec.X:
        z, dz = dotf(spec.W[i], x), dotf(dw, x)
        if z != 0 and dz != 0 and (z > 0) != (dz > 0):
            flip = abs(z) / abs(dz)
            mine = flip if mine is None or flip < mine else mine
    tmax = None if path.t_max is None else fr(path.t_max)
    if tmax is None:
        assert mine is None
    else:
        assert tmax > 0 and (mine is None or tmax <= mine)
        assert 0 < t < tmax
    top = tmax if tmax is not None else Fr(1)
    ts = [top * n / 6 for n in range(1, 6)]
    vals = [spec.loss_at(*move_neuron(spec, i, dh, dw, s)) for s in ts]
    coeffs = interpolate(ts, vals)
    assert coeffs == [fr(c) for c in path.coefficients]
    assert coeffs[0] == L0
    return coeffs
