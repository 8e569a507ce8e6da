"""Compact displays of problems and certificates: ``repr``, and the HTML and
LaTeX that notebooks show (``_repr_html_``, ``_repr_latex_``).

Duck-typed (imports no other core module), so that :mod:`exactland.core.problem`
and :mod:`exactland.core.certificate` can use it without an import cycle.
Every number shown is exact; long ones carry a 3-digit decimal after ``≈``.
"""
from __future__ import annotations

import html
from typing import Any

from exactland.exact.scalars import is_rational, to_float, to_str

__all__ = ["short", "problem_repr", "problem_html", "problem_latex", "certificate_repr",
           "certificate_html", "certificate_latex"]


def short(x: Any, long: int = 10) -> str:
    """Exact text, with ``≈`` and a decimal when it is long.

    Examples
    --------
    >>> from flint import fmpq
    >>> short(fmpq(1, 3)), short(fmpq(16139, 231500))
    ('1/3', '16139/231500 ≈ 0.0697')
    """
    if isinstance(x, str) or x is None:
        return str(x)
    s = to_str(x)
    if len(s) <= long or (is_rational(x) and "/" not in s and len(s) <= 15):
        return s
    return f"{s} ≈ {to_float(x):.3g}"


def _shape(p: Any) -> str:
    act = p.activation
    return (f"|K|={p.n_samples}, d={p.dim}, |I|={p.n_neurons}, |J|={p.n_outputs}, "
            f"alpha=({to_str(act.alpha_plus)}, {to_str(act.alpha_minus)})")


def problem_repr(p: Any) -> str:
    """``Problem(|K|=5, d=2, |I|=4, |J|=1, alpha=(1, 0), digest=sha256:432f5a24…)``."""
    return f"Problem({_shape(p)}, digest={p.digest()[:15]}…)"


def _rows(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                    for k, v in rows)
    return f"<table>{cells}</table>"


def problem_html(p: Any) -> str:
    """A small HTML table: sizes, activation, digest."""
    return _rows([("problem", _shape(p)), ("digest", p.digest())])


def problem_latex(p: Any) -> str:
    """One line of LaTeX: the sizes and the activation."""
    act = p.activation
    return (rf"$\lvert K\rvert = {p.n_samples},\ d = {p.dim},\ \lvert I\rvert = {p.n_neurons},\ "
            rf"\lvert J\rvert = {p.n_outputs},\ \alpha^+ = {to_str(act.alpha_plus)},\ "
            rf"\alpha^- = {to_str(act.alpha_minus)}$")


def _facts(c: Any) -> list[tuple[str, str]]:
    rows = [("verdict", c.verdict.value), ("loss L", short(c.loss)), ("stationary", str(c.stationary)),
            ("escape neurons (0-based)", str(list(c.escape_neurons)))]
    if c.radius is not None:
        rows.append(("certified radius (∞-norm)", short(c.radius)))
    if c.descent is not None:
        rows.append(("descent witness", f"neuron {c.descent.neuron}: L = {short(c.descent.loss)} at t = "
                                        f"{short(c.descent.t)}"))
    if c.ascent is not None:
        rows.append(("ascent witness", f"neuron {c.ascent.neuron}: L = {short(c.ascent.loss)}"))
    if c.reason:
        rows.append(("reason", c.reason))
    return rows


def certificate_repr(c: Any) -> str:
    """``Certificate(verdict='saddle', loss=953/10000, |I|=4, escape_neurons=[0, 1, 2, 3])``."""
    return (f"Certificate(verdict={c.verdict.value!r}, loss={short(c.loss)}, |I|={len(c.neurons)}, "
            f"escape_neurons={list(c.escape_neurons)[:12]}{'…' if len(c.escape_neurons) > 12 else ''})")


def certificate_html(c: Any) -> str:
    """The verdict and its evidence as a small HTML table."""
    return _rows(_facts(c) + [("problem", _shape(c.problem))])


def certificate_latex(c: Any) -> str:
    """The verdict and the loss in LaTeX."""
    loss = to_str(c.loss)
    if "/" in loss and is_rational(c.loss):
        num, den = loss.lstrip("-").split("/")
        loss = ("-" if loss.startswith("-") else "") + rf"\frac{{{num}}}{{{den}}}"
    return rf"$\text{{{c.verdict.value}}}:\ L = {loss}$"
