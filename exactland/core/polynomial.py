"""The exact loss polynomial along a straight path (the one implementation).

Along ``P + tΔ``, while no sample outside a kink set changes side, every
activation is affine in t, so each residual is a quadratic
``e_kj + t p_kj + t² q_kj`` and the loss (eq. 2 of arXiv:2402.05626) is the
degree-4 polynomial ::

    c0 = ½Σe²,  c1 = Σ e p,  c2 = Σ (½p² + e q),  c3 = Σ p q,  c4 = ½Σ q².

``n! c_n`` is the n-th one-sided directional derivative of Appendix F.1.
The saddle witnesses (:mod:`exactland.core.paths`), the all-parameter ray
polynomials (:mod:`exactland.taylor.rays`) and the split line search
(:mod:`exactland.embedding.split`) all call :func:`loss_polynomial`; see
``docs/mathematics.md`` (path polynomials).
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from flint import fmpq

from exactland.errors import InternalError
from exactland.exact.scalars import sign

__all__ = ["horner", "loss_polynomial", "witness_point"]


def horner(coeffs: Sequence[Any], t: Any) -> Any:
    """Evaluate ``Σ c_n tⁿ`` exactly (Horner's rule).

    Parameters
    ----------
    coeffs : sequence of exact numbers
        ``c_0, c_1, ...`` (constant term first).
    t : exact number

    Returns
    -------
    exact number
        ``0`` (an ``fmpq``) for an empty sequence.

    Examples
    --------
    >>> horner([fmpq(1), fmpq(-3), fmpq(2)], fmpq(1, 2))
    0
    >>> horner([], 5)
    0
    """
    acc: Any = fmpq(0)
    for c in reversed(coeffs):
        acc = acc * t + c
    return acc


def loss_polynomial(residuals: Iterable[tuple[Any, Any, Any]]) -> tuple[Any, ...]:
    """Coefficients ``(c0, ..., c4)`` of ``½ Σ (e + tp + t²q)²``.

    Parameters
    ----------
    residuals : iterable of (e, p, q)
        One triple per sample and output: the residual ``e_kj`` and the
        first- and second-order coefficients of its change along the path.

    Returns
    -------
    tuple of 5 exact numbers

    Examples
    --------
    One residual ``e = -1`` that moves as ``-1 + t``: ``½(t - 1)² = ½ - t + ½t²``.

    >>> loss_polynomial([(fmpq(-1), fmpq(1), fmpq(0))])
    (1/2, -1, 1/2, 0, 0)
    """
    c: list[Any] = [fmpq(0)] * 5
    for e, p, q in residuals:
        c[0] += e * e / 2
        c[1] += e * p
        c[2] += p * p / 2 + e * q
        c[3] += p * q
        c[4] += q * q / 2
    return tuple(c)


def witness_point(coeffs: Sequence[Any], t: Any, want: int, tries: int) -> tuple[int, Any, Any] | None:
    """``(order, t, L(t))`` for a path whose loss polynomial is ``coeffs``, or None.

    ``order`` is the index of the first nonzero coefficient after ``c0``; None when
    there is none or its sign is not ``want`` (−1: descent, +1: ascent). Otherwise
    ``t`` is halved from the given start until ``L(t) − c0`` has the sign ``want``
    (at most ``tries`` times; the leading coefficient guarantees it happens).

    Raises
    ------
    InternalError
        No such ``t`` within ``tries`` halvings.

    Examples
    --------
    ``L(t) = 1 − t² + t³`` descends at order 2:

    >>> witness_point([fmpq(1), fmpq(0), fmpq(-1), fmpq(1)], fmpq(2), -1, 10)
    (2, 1/2, 7/8)
    """
    order = next((n for n in range(1, len(coeffs)) if coeffs[n] != 0), None)
    if order is None or sign(coeffs[order]) != want:
        return None
    for _ in range(tries):
        val = horner(coeffs, t)
        if sign(val - coeffs[0]) == want:
            return order, t, val
        t = t / 2
    raise InternalError("no witness point found although the first coefficient has the right sign")
