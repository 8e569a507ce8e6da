"""Exact gradient descent on eq. (7) from ``(10⁻⁶, 1)`` (Appendix C.2, Figure 7).

:func:`eq7_gradient_descent` runs GD with rationals on the piecewise
polynomial of eq. (7) (:func:`exactland.derivation.piecewise.eq7`) and checks
the closed forms of its iterates, which prove that GD cannot get past the
saddle for any step ``η ≤ 1/2``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from flint import fmpq

from exactland.errors import InputError
from exactland.exact.scalars import parse_exact, sign, to_str
from exactland.derivation.piecewise import eq7
from exactland.taylor.rays import CheckFailed

__all__ = ["GDReport", "eq7_gradient_descent"]

Vector = tuple[Any, ...]


@dataclass(frozen=True)
class GDReport:
    """Exact gradient descent on eq. (7) (see :func:`eq7_gradient_descent`)."""

    eta: Any
    points: tuple[Vector, ...]
    values: tuple[Any, ...]
    escaped_at: int | None
    regime: str


def eq7_gradient_descent(eta: Any, steps: int = 60, start: Sequence[Any] = ("1/1000000", 1)) -> GDReport:
    """Exact GD ``z_{n+1} = z_n − η ∇f(z_n)`` on eq. (7), and what is proved about it.

    With ``f(x, y) = |x| + y|y|`` (eq. (7) in closed form) the piece gradients
    are ``∂_x f = 1`` for ``x > 0``, ``−1`` for ``x ≤ 0``; ``∂_y f = 2y`` for
    ``y > 0``, ``−2y`` for ``y ≤ 0``. So the coordinates decouple:

    * ``y_{n+1} = (1 − 2η) y_n`` while ``y_n > 0`` and ``(1 + 2η) y_n`` when ``y_n ≤ 0``.
      From ``y_0 = 1``: for ``η < 1/2``, ``y_n = (1 − 2η)^n > 0`` for every n (→ 0);
      for ``η = 1/2``, ``y_n = 0`` for n ≥ 1; for ``η > 1/2``,
      ``y_n = (1 + 2η)^{n−1}(1 − 2η) → −∞``.
    * ``x_{n+1} = x_n − η`` while ``x_n > 0``, ``x_n + η`` when ``x_n ≤ 0``: x walks down
      to ``(−η, 0]`` and then alternates between ``a ∈ (0, η]`` and ``a − η``, so
      ``|x_n| ≤ max(x_0, η)`` forever.

    Hence for every ``η ≤ 1/2``, ``y_n ≥ 0`` and ``f(z_n) = |x_n| + y_n² ≥ 0 = f(0)``:
    GD never gets below the saddle value, it only approaches the 2-cycle
    ``{(a, 0), (a − η, 0)}`` within η of the saddle. In particular the paper's
    claim (step < 1/4 cannot escape) holds, but 1/4 is not sharp for this
    start: the threshold is 1/2. For ``η > 1/2`` GD escapes:
    ``f(z_n) ≤ max(x_0, η) − (1 + 2η)^{2(n−1)}(2η − 1)² → −∞``. (From any start
    with ``y_0 < 0`` GD escapes for every η > 0.) Each run checks these
    formulas on every iterate.

    Parameters
    ----------
    eta : exact number > 0
    steps : int
    start : pair of exact numbers, default ``(1/1000000, 1)`` (the paper's 1e-6, 1)

    Returns
    -------
    GDReport
        ``escaped_at``: first n with ``f(z_n) < 0``; ``regime``: ``"contracting"``
        (``y_n = (1 − 2η)^n y_0``), ``"zero"`` (y reaches 0 and stays) or ``"escaping"``
        (y ends up negative and grows geometrically).

    Examples
    --------
    >>> r = eq7_gradient_descent(fmpq(1, 5), steps=4)
    >>> [tuple(map(str, p)) for p in r.points[:3]], r.escaped_at
    ([('1/1000000', '1'), ('-199999/1000000', '3/5'), ('1/1000000', '9/25')], None)
    >>> eq7_gradient_descent(fmpq(3, 5), steps=8).escaped_at  # y_2 = -11/25, f(z_2) = 10^-6 - 121/625
    2
    """
    eta = parse_exact(eta, "eta")
    if sign(eta) <= 0:
        raise InputError("the step size must be positive", "eta")
    f = eq7()
    z = tuple(parse_exact(c, "start") for c in start)
    pts, vals, esc = [z], [f.value(z)], None
    for n in range(1, steps + 1):
        g = f.gradient(z)
        z = tuple(a - eta * b for a, b in zip(z, g))
        pts.append(z)
        vals.append(f.value(z))
        if esc is None and sign(vals[-1]) < 0:
            esc = n
    _check_closed_forms(eta, pts, vals)
    return GDReport(eta, tuple(pts), tuple(vals), esc, _regime(eta, pts[0][1]))


def _regime(eta: Any, y0: Any) -> str:
    """``contracting`` (``y_n = (1 − 2η)^n y_0``), ``zero`` or ``escaping``."""
    if sign(y0) > 0 and eta < fmpq(1, 2):
        return "contracting"
    if (sign(y0) > 0 and eta == fmpq(1, 2)) or sign(y0) == 0:
        return "zero"
    return "escaping"


def _check_closed_forms(eta: Any, pts: list[Vector], vals: list[Any]) -> None:
    """Verify the closed forms of :func:`eq7_gradient_descent` on every iterate."""
    x0, y0 = pts[0]
    if sign(y0) > 0:
        for n, (x, y) in enumerate(pts):
            if eta < fmpq(1, 2):
                want = (1 - 2 * eta) ** n * y0
            elif eta == fmpq(1, 2):
                want = y0 if n == 0 else fmpq(0)
            else:
                want = y0 if n == 0 else (1 + 2 * eta) ** (n - 1) * (1 - 2 * eta) * y0
            if y != want:
                raise CheckFailed(f"y_{n} = {to_str(y)} != {to_str(want)}")
            if eta <= fmpq(1, 2) and (sign(vals[n]) < 0 or abs(x) > max(abs(x0), eta)):
                raise CheckFailed(f"iterate {n} left the proved region")
    for n in range(1, len(pts) - 1):  # the 2-cycle of x once it is in (-eta, eta]
        x = pts[n][0]
        if -eta < x <= 0 and pts[n + 1][0] != x + eta:
            raise CheckFailed("x does not follow its 2-cycle")
