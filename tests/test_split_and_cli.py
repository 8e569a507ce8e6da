"""Escaping a type-1 minimum by unit replication (``split``), the ``embed``/``split``
command line, and the examples script (Section 4.3; see tests/test_embedding.py)."""
from __future__ import annotations

import argparse
import json
import pathlib
from fractions import Fraction as Fr

import pytest
from oracles import fr
from oracles import own_loss_of as own_loss
from embedding_support import (  # noqa: F401
    ABS, LEAKY, Q, RELU, Gen, frm, lsq_kink_points, own_d, own_of, replication_args, s,
)
from embedding_support import load_examples_script as _examples  # noqa: F401
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import exactland
from exactland.cli import embedding as embedding_cli
from exactland.errors import ExactlandError, InputError
from exactland.builtin.examples import load_example
from exactland.embedding.split import split

ROOT = pathlib.Path(__file__).resolve().parents[1]
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
MIN = "type-1-minimum"


# ===================================================================== split
def test_split_on_the_final_minimum():
    mod = _examples()
    r = mod.split_final_minimum()
    assert r.neuron == 0                                  # the only neuron with F != 0
    assert r.embedding.certificate.verdict.value == "saddle" and r.embedding.agree
    assert fr(r.loss_before) == Fr(16139, 231500)
    assert fr(r.loss_after) == own_loss(r.point) < own_loss(load_example("final-minimum"))
    # the point moves only the escape replica (index 3) from the embedded point
    assert r.point.n_neurons == 4
    assert frm(r.point.W)[:3] == frm(load_example("final-minimum").W)
    assert r.continued is None and r.final_loss == r.loss_after


def test_split_without_line_search_stops_at_the_witness():
    r = split(load_example("final-minimum"), line_search=False)
    assert r.t == r.descent.t and r.loss_after == r.descent.loss
    assert own_loss(r.point) == fr(r.descent.loss) < Fr(16139, 231500)


def test_split_with_negative_gamma_and_continuation_hook():
    seen = []

    def continuation(point):                              # a stand-in for the GD fast path
        seen.append(point)
        H = [list(row) for row in point.H]
        H[0][-1] = H[0][-1] * 2
        return point.with_params(point.W, H)

    r = split(load_example("final-minimum"), beta=[1, 1], gamma=[2, -1], continuation=continuation)
    assert r.embedding.certificate.verdict.value == "not-stationary"   # Prop. 4.9: gamma < 0
    assert fr(r.loss_after) == own_loss(r.point) < Fr(16139, 231500)
    assert seen == [r.point] and fr(r.continued_loss) == own_loss(r.continued)
    with pytest.raises(InputError, match="same data"):
        split(load_example("final-minimum"), continuation=lambda q: load_example("appendix-g-kink"))


def test_split_refusals():
    with pytest.raises(InputError, match="not a type-1 minimum"):
        split(load_example("origin-saddle"))
    with pytest.raises(InputError, match="every neuron has F_i == 0"):
        split(load_example("interpolating-minimum"))      # zero loss: every F_i == 0
    with pytest.raises(InputError, match="gamma_l > 0"):
        split(load_example("final-minimum"), beta=[1, 1], gamma=["1/2", "1/2"])
    with pytest.raises(InputError, match="F_1 == 0"):
        split(load_example("final-minimum"), neuron=1)
    with pytest.raises(InputError, match="scalar-output"):
        split(load_example("appendix-i02-origin"))


@settings(max_examples=15, **SETTINGS)
@given(data=st.data())
def test_split_property_on_generated_minima(data):
    g = data.draw(lsq_kink_points(data.draw(st.sampled_from([RELU, LEAKY])), J=1, allow_escape=False))
    assume(not all(g.flat))                               # a neuron with F != 0 exists
    r = split(g.problem)
    assert not g.flat[r.neuron]
    assert r.embedding.certificate.verdict.value == "saddle"
    assert own_loss(r.point) == fr(r.loss_after) < own_loss(g.problem)


# ===================================================================== CLI
def _cli(argv, capsys):
    ap = argparse.ArgumentParser(prog="exactland")
    sub = ap.add_subparsers(dest="command", required=True)
    embedding_cli.register(sub)
    args = ap.parse_args(argv)
    rc = args.handler(args)
    out = capsys.readouterr()
    return rc, out.out, out.err


FINAL = str(ROOT / "exactland" / "builtin" / "data" / "final-minimum.json")


def test_cli_embed_writes_the_problem(capsys, tmp_path):
    out = tmp_path / "wide.json"
    rc, text, _ = _cli(["embed", FINAL, "replicate", "--neuron", "1", "--beta", "1/2,1/2",
                        "--gamma", "1,1", "--out", str(out)], capsys)
    assert rc == 0
    p = exactland.load(json.loads(text))
    assert p == exactland.load(out)
    assert frm(p.W)[1] == frm(p.W)[3] == [Fr(1, 2) * fr(c) for c in load_example("final-minimum").W[1]]


def test_cli_embed_certify_json(capsys):
    rc, text, err = _cli(["embed", "--example", "final-minimum", "replicate", "--neuron", "0",
                          "--beta", "1,1", "--gamma", "2,-1", "--certify", "--json"], capsys)
    d = json.loads(text)
    assert rc == 0 and err == ""
    assert set(d) == {"problem", "predicted", "certificate", "agree"}
    assert d["predicted"]["stationary"] is False and d["predicted"]["type1_minimum"] is False
    assert d["predicted"]["rule"].startswith("Proposition 4.9")
    assert d["certificate"]["verdict"] == "not-stationary" and d["agree"] is True
    rc, text, _ = _cli(["embed", FINAL, "inactive-propagation", "--w", "1,1", "--certify", "--json"], capsys)
    d = json.loads(text)
    assert d["predicted"]["stationary"] is None and d["agree"] is True


def test_cli_embed_certify_text_and_other_operations(capsys):
    rc, text, _ = _cli(["embed", FINAL, "negative-unit", "--w", "0,-1", "--h", "3", "--certify"], capsys)
    assert rc == 0 and "Proposition M.1" in text and "agree: yes" in text
    rc, text, _ = _cli(["embed", FINAL, "orthogonal-unit", "--w", "0,0", "--h", "0"], capsys)
    assert rc == 0 and exactland.load(json.loads(text)).n_neurons == 4


@pytest.mark.parametrize("argv,match", [
    (["replicate", "--neuron", "0", "--beta", "0,1", "--gamma", "1,1"], "beta_l > 0"),
    (["replicate", "--neuron", "0", "--beta", "1,1", "--gamma", "1,1"], "!= 1"),
    (["replicate", "--neuron", "0", "--beta", "1,,1", "--gamma", "1,1"], "empty entry"),
    (["orthogonal-unit", "--w", "1,1", "--h", "1"], "not an orthogonal unit"),
    (["negative-unit", "--w", "1,1", "--h", "1"], "not a negative unit"),
    (["replicate", "--neuron", "0", "--beta", "1", "--gamma", "1", "--budget", "-1"], "non-negative"),
])
def test_cli_refusals_raise_exactland_errors(capsys, argv, match):
    with pytest.raises(ExactlandError, match=match):
        _cli(["embed", FINAL] + argv, capsys)


def test_cli_split(capsys, tmp_path):
    out = tmp_path / "lower.json"
    rc, text, _ = _cli(["split", "--example", "final-minimum", "--json", "--out", str(out)], capsys)
    d = json.loads(text)
    assert rc == 0 and d["embedded"]["certificate"]["verdict"] == "saddle"
    assert Fr(d["loss_after"]) < Fr(d["loss_before"]) == Fr(16139, 231500)
    assert own_loss(exactland.load(out)) == Fr(d["loss_after"])
    rc, text, _ = _cli(["split", FINAL], capsys)
    assert rc == 0 and "strict decrease verified" in text
    with pytest.raises(ExactlandError, match="not a type-1 minimum"):
        _cli(["split", "--example", "origin-saddle"], capsys)


def test_disagreement_is_reported_loudly(capsys, monkeypatch):
    # Simulate a wrong prediction to exercise the loud path (the real ones always agree).
    # replicate() looks predict_replication up in exactland.embedding.operations, its own module.
    import exactland.embedding.operations as ops
    from exactland.embedding.prediction import Prediction
    argv = ["embed", FINAL, "replicate", "--neuron", "0", "--beta", "1,1", "--gamma", "2,-1", "--certify"]
    calls = []

    def wrong(*a, **k):
        calls.append(a)
        return Prediction(True, True, "deliberately wrong")

    monkeypatch.setattr(ops, "predict_replication", wrong)
    rc, text, err = _cli(argv, capsys)
    assert len(calls) == 1  # the patched prediction is the one the CLI used
    assert rc == 1 and "DISAGREEMENT" in err and "certificate of the original point" in err
    assert err.count('"format": "exactland-certificate/2"') == 2
    monkeypatch.undo()
    rc, text, err = _cli(argv, capsys)  # the real prediction agrees with the certificate
    assert rc == 0 and "DISAGREEMENT" not in err


# ===================================================================== examples script
