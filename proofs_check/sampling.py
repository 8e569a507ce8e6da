"""Seeded generation of exact instances, without Hypothesis.

``exactland proofs`` is part of the base install, so the instance generators
must not need the ``test`` extra. This module is the small subset of a
property-based-testing library that the checks use, with the familiar
spelling (``integers``, ``sampled_from``, ``booleans``, ``sets``, ``one_of``,
``composite``, ``.map``, ``.filter``) so that a generator reads the same:

>>> from proofs_check import sampling as st
>>> @st.composite
... def pairs(draw, hi=3):
...     a = draw(st.integers(0, hi))
...     return a, draw(st.integers(a, hi))
>>> [v for v, _ in examples(pairs(), 3, seed=1)][0]  # the first example is the simplest
(0, 0)

Every draw is one *choice*: an index ``c ∈ [0, n)`` among ``n`` options,
ordered from simplest to least simple (``integers`` from the value nearest 0
outwards, ``sampled_from`` in the given order, ``one_of`` by branch). A value
is therefore a function of its choice sequence, which gives:

* generation: the all-zero sequence first, then uniform random choices from
  ``random.Random(seed)`` — every option of every draw equally likely;
* replay and shrinking: :func:`shrink` edits a failing sequence (drops
  chunks, lowers choices) and keeps an edit when the value it replays to still
  fails, so a counterexample is reported small.
"""
from __future__ import annotations

import random
from typing import Any, Callable, Iterator, Sequence

__all__ = ["Strategy", "Reject", "ChoiceSource", "integers", "sampled_from", "booleans", "sets",
           "one_of", "composite", "examples", "replay", "shrink"]

#: Draws of a filtered value before the instance is rejected.
FILTER_TRIES = 3
#: Property evaluations :func:`shrink` may spend on one counterexample.
SHRINK_EVALUATIONS = 150


class Reject(Exception):
    """The choices do not give a valid instance (a filter kept failing)."""


class ChoiceSource:
    """Where the choices come from: a replayed ``prefix``, then ``rng`` (None: zeros).

    ``choices`` records what was used (an out-of-range prefix entry is clamped).
    """

    def __init__(self, prefix: Sequence[int] = (), rng: random.Random | None = None) -> None:
        self.prefix = list(prefix)
        self.rng = rng
        self.choices: list[int] = []

    def choice(self, n: int) -> int:
        """An index in ``[0, n)``."""
        if n < 1:
            raise ValueError("a choice needs at least one option")
        pos = len(self.choices)
        if pos < len(self.prefix):
            c = min(max(self.prefix[pos], 0), n - 1)
        elif self.rng is not None:
            c = self.rng.randrange(n)
        else:
            c = 0
        self.choices.append(c)
        return c

    def draw(self, strategy: "Strategy") -> Any:
        return strategy.do_draw(self)


class Strategy:
    """A recipe ``ChoiceSource -> value``."""

    def __init__(self, fn: Callable[[ChoiceSource], Any], name: str = "strategy") -> None:
        self._fn = fn
        self.name = name

    def do_draw(self, source: ChoiceSource) -> Any:
        return self._fn(source)

    def map(self, f: Callable[[Any], Any]) -> "Strategy":
        return Strategy(lambda s: f(self._fn(s)), f"{self.name}.map")

    def filter(self, pred: Callable[[Any], bool]) -> "Strategy":
        def draw(s: ChoiceSource) -> Any:
            for _ in range(FILTER_TRIES):
                v = self._fn(s)
                if pred(v):
                    return v
            raise Reject(f"{self.name}.filter: no value accepted in {FILTER_TRIES} tries")
        return Strategy(draw, f"{self.name}.filter")

    def __repr__(self) -> str:
        return f"<{self.name}>"


def _nth_simplest(c: int, lo: int, hi: int) -> int:
    """The c-th integer of ``[lo, hi]`` ordered by distance from the simplest one
    (0, or the bound nearest 0), the larger value first on ties.

    >>> [_nth_simplest(c, -2, 3) for c in range(6)]
    [0, 1, -1, 2, -2, 3]
    >>> [_nth_simplest(c, 2, 4) for c in range(3)]
    [2, 3, 4]
    """
    t = 0 if lo <= 0 <= hi else (lo if lo > 0 else hi)
    above, below = hi - t, t - lo
    m = min(above, below)
    if c <= 2 * m:
        k = (c + 1) // 2
        return t + k if c % 2 else t - k
    r = c - 2 * m
    return t + m + r if above > m else t - m - r


def integers(lo: int, hi: int) -> Strategy:
    """Integers ``lo ≤ n ≤ hi``, uniformly."""
    if lo > hi:
        raise ValueError(f"integers({lo}, {hi}): empty range")
    return Strategy(lambda s: _nth_simplest(s.choice(hi - lo + 1), lo, hi), f"integers({lo}, {hi})")


def sampled_from(options: Sequence[Any]) -> Strategy:
    """One of ``options``, uniformly (the first is the simplest)."""
    opts = tuple(options)
    if not opts:
        raise ValueError("sampled_from needs at least one option")
    return Strategy(lambda s: opts[s.choice(len(opts))], f"sampled_from({len(opts)})")


def booleans() -> Strategy:
    return sampled_from((False, True))


def one_of(*strategies: Strategy) -> Strategy:
    """A value of one of the strategies (the branch uniformly)."""
    if len(strategies) == 1 and not isinstance(strategies[0], Strategy):
        strategies = tuple(strategies[0])
    if not strategies:
        raise ValueError("one_of needs at least one strategy")
    return Strategy(lambda s: strategies[s.choice(len(strategies))].do_draw(s), "one_of")


def sets(elements: Strategy, min_size: int = 0, max_size: int | None = None) -> Strategy:
    """Sets of distinct ``elements``; the size uniformly in ``[min_size, max_size]``."""
    hi = min_size + 5 if max_size is None else max_size

    def draw(s: ChoiceSource) -> frozenset:
        size = s.choice(hi - min_size + 1) + min_size
        out: set = set()
        for _ in range(10 * size + 10):
            if len(out) == size:
                return frozenset(out)
            out.add(elements.do_draw(s))
        if len(out) == size:
            return frozenset(out)
        raise Reject(f"sets: {size} distinct elements not reached")
    return Strategy(draw, "sets")


def composite(fn: Callable[..., Any]) -> Callable[..., Strategy]:
    """``@composite def f(draw, *args)``: ``f(*args)`` is a strategy whose values are
    ``fn``'s results, ``draw(strategy)`` drawing from the same choices."""
    def build(*args: Any, **kwargs: Any) -> Strategy:
        return Strategy(lambda s: fn(s.draw, *args, **kwargs), fn.__name__)
    build.__name__ = fn.__name__
    build.__qualname__ = fn.__qualname__
    build.__doc__ = fn.__doc__
    return build


def replay(strategy: Strategy, choices: Sequence[int],
           rng: random.Random | None = None) -> tuple[Any, list[int]]:
    """The value of ``strategy`` under ``choices`` (then ``rng``, or zeros) and the
    choices it used. Raises :class:`Reject` for an invalid instance."""
    src = ChoiceSource(choices, rng)
    return strategy.do_draw(src), src.choices


def examples(strategy: Strategy, n: int, seed: int) -> Iterator[tuple[Any, list[int]]]:
    """Up to ``n`` valid ``(value, choices)``: the simplest value first, then seeded
    uniformly random ones (rejected draws are skipped, at most ``10 n + 10`` tries)."""
    rng = random.Random(seed)
    made = 0
    for attempt in range(10 * n + 10):
        if made >= n:
            return
        try:
            value, used = replay(strategy, (), None if attempt == 0 else rng)
        except Reject:
            continue
        made += 1
        yield value, used


def _candidates(best: list[int]) -> Iterator[list[int]]:
    """Edits of a choice sequence, the most aggressive first."""
    n = len(best)
    for size in (8, 4, 2, 1):
        for start in range(n - size, -1, -1):
            yield best[:start] + best[start + size:]
    for p in range(n):
        c = best[p]
        # 0; half the index; and, as integers alternate signs (0, 1, -1, 2, -2, ...),
        # half the magnitude and one less with the same sign (index parity kept)
        for smaller in dict.fromkeys((0, c // 2, c % 2 + 2 * (c // 4), c - 2, c - 1)):
            if 0 <= smaller < c:
                yield best[:p] + [smaller] + best[p + 1:]


def shrink(strategy: Strategy, choices: Sequence[int], fails: Callable[[Any], bool],
           max_evaluations: int = SHRINK_EVALUATIONS) -> tuple[Any, list[int]]:
    """A simpler failing value than the one ``choices`` gives (which must fail).

    Greedy: the first edit (:func:`_candidates`) whose replay is valid, strictly
    simpler (shorter, or equal length and lexicographically smaller) and still
    ``fails`` is kept, until no edit helps or ``max_evaluations`` calls of
    ``fails`` are spent. Deterministic.
    """
    value, best = replay(strategy, choices)
    spent = 0
    improved = True
    while improved and spent < max_evaluations:
        improved = False
        for cand in _candidates(best):
            if spent >= max_evaluations:
                break
            try:
                v, used = replay(strategy, cand)
            except Exception:  # an edited sequence may be invalid in any way: not simpler
                continue
            if (len(used), used) >= (len(best), best):
                continue
            spent += 1
            if fails(v):
                value, best, improved = v, used, True
                break
    return value, best
