"""Fixed exact points used as explicit instances (so no check is vacuous at small counts)."""
from __future__ import annotations

from functools import lru_cache

from .net import Net

__all__ = ["final_minimum", "origin_saddle", "final_plus_zero", "i02_origin", "i02_final",
           "o1_counterexample", "kink_example", "explicit_stationary"]


@lru_cache(maxsize=None)
def final_minimum() -> Net:
    """Section 4.1.1's final minimum, exactly (exactland's built-in example)."""
    from exactland.builtin.examples import load_example

    return Net.from_problem(load_example("final-minimum"))


@lru_cache(maxsize=None)
def origin_saddle() -> Net:
    from exactland.builtin.examples import load_example

    return Net.from_problem(load_example("origin-saddle"))


@lru_cache(maxsize=None)
def final_plus_zero() -> Net:
    """The final minimum with a zero neuron added: a saddle (the zero neuron escapes)."""
    n = final_minimum()
    return n.with_params([list(r) for r in n.W] + [[0, 0]], [list(r) + [0] for r in n.H])


@lru_cache(maxsize=None)
def i02_origin() -> Net:
    from exactland.builtin.examples import load_example

    return Net.from_problem(load_example("appendix-i02-origin"))


@lru_cache(maxsize=None)
def i02_final() -> Net:
    """Appendix I.0.2's end state written exactly (hand construction of tests/test_paper.py)."""
    X = [["-0.3", "0.5"], ["1.0", "1.0"], ["-0.6", "-1.0"], ["0.4", "-0.4"]]
    Y = [["0.6", "-0.5"], ["0.5", "-1.0"], ["-0.4", "0.6"], ["0.8", "0.2"]]
    W = [["-1", "1"], ["1", "2"], ["-2", "-1"]]
    H = [["331/528", "1/6", "-2/11"], ["-97/264", "-1/3", "3/11"]]
    return Net.make(1, 0, X, Y, W, H)


@lru_cache(maxsize=None)
def o1_counterexample() -> Net:
    """ReLU, X = (1,0),(0,1), Y = (1,-1), W = (1,1), H = 0: a stationary saddle whose
    kink-free neuron has d = (-1, 1) != 0 (against Lemma O.1 as printed)."""
    return Net.make(1, 0, [[1, 0], [0, 1]], [[1], [-1]], [[1, 1]], [[0]])


@lru_cache(maxsize=None)
def kink_example() -> Net:
    """ReLU, x_1 = (1, -1) on the kink of w = (1, 1), x_2 = (1, 1), y = (1, 0), h = 1: a
    non-stationary point where Appendix A's printed lines go wrong (E-A2, E-A3)."""
    return Net.make(1, 0, [[1, -1], [1, 1]], [[1], [0]], [[1, 1]], [[1]])


def explicit_stationary(J1_only: bool = False) -> list[Net]:
    out = [final_minimum(), origin_saddle(), final_plus_zero(), o1_counterexample()]
    if not J1_only:
        out += [i02_origin(), i02_final()]
    return out
