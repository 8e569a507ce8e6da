"""Every example in examples/ certifies to the verdict derived by hand, and checks."""
from __future__ import annotations

import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]

# expected verdicts: hand derivations in tests/test_paper.py and in each file's description
EXPECTED = {
    "algebraic-direction": "not-stationary",
    "appendix-i02-final-minimum": "type-1-minimum",
    "kink-one-sided-abs": "type-1-minimum",
    "leaky-not-stationary": "not-stationary",
    "section-4.1.1-dead-neuron": "saddle",
}


def _module():
    spec = importlib.util.spec_from_file_location("certify_all", ROOT / "examples" / "certify_all.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_every_example_is_listed():
    assert sorted(p.stem for p in (ROOT / "examples").glob("*.json")) == sorted(EXPECTED)


@pytest.fixture(scope="module")
def results():
    return _module().certify_all()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_verdict_and_check(results, name):
    verdict, valid = results[name]
    assert verdict == EXPECTED[name]
    assert valid


def test_algebraic_direction_kink_is_exact():
    # w = (√2/2, √2/2), x_1 = (-1, 1): w·x_1 = -√2/2 + √2/2 = 0 exactly -> kink sample 0;
    # x_k = (x, 1): w·x_k = (√2/2)(x + 1) > 0 for x > -1.
    import exactland

    cert = exactland.certify(exactland.load(ROOT / "examples" / "algebraic-direction.json"))
    assert cert.neurons[0].kink_set == (0,)
    from exactland.core.network import evaluate

    assert evaluate(cert.problem).signs[0].tolist() == [0, 1, 1, 1, 1]
