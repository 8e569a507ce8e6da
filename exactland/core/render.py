"""Human-readable summaries of certificates (data in, text out; no printing)."""
from __future__ import annotations

from typing import Any

from exactland.core.certificate import Certificate, Verdict
from exactland.errors import InternalError
from exactland.core.display import short
from exactland.exact.scalars import to_str

__all__ = ["polynomial", "summary"]

def _v(v: Any) -> str:
    return "(" + ", ".join(to_str(x) for x in v) + ")"


def polynomial(coeffs: Any, var: str = "t") -> str:
    """``c0 + c1 t + …`` with exact coefficients, zero terms dropped.

    Examples
    --------
    >>> from flint import fmpq
    >>> polynomial([fmpq(9, 2), fmpq(-9, 20), fmpq(0), fmpq(1)])
    '9/2 - 9/20 t + t^3'
    """
    out = ""
    for n, c in enumerate(coeffs):
        if c == 0:
            continue
        neg = c < 0
        mag = -c if neg else c
        body = to_str(mag) if n == 0 or mag != 1 else ""
        term = body + ("" if n == 0 else ((" " if body else "") + var + ("" if n == 1 else f"^{n}")))
        out += (" - " if neg else " + ") + term if out else ("-" if neg else "") + term
    return out or "0"


def summary(cert: Certificate, *, max_neurons: int = 12) -> str:
    """A short plain-text report of a certificate.

    Parameters
    ----------
    cert : Certificate
    max_neurons : int, default 12
        Neurons listed individually; the rest are counted.

    Returns
    -------
    str

    Examples
    --------
    >>> import exactland
    >>> c = exactland.certify(exactland.examples.load_example("appendix-g-kink"))
    >>> print(summary(c).splitlines()[0])
    verdict: not-stationary
    """
    p = cert.problem
    lines = [
        f"verdict: {cert.verdict.value}",
        f"loss L = {short(cert.loss)}   (|K| = {p.n_samples}, d = {p.dim}, "
        f"|I| = {p.n_neurons}, |J| = {p.n_outputs}, "
        f"alpha+ = {to_str(p.activation.alpha_plus)}, alpha- = {to_str(p.activation.alpha_minus)})",
        f"stationary (Def. 3.3): {cert.stationary}",
        f"escape neurons (Def. 4.1): {list(cert.escape_neurons)}",
    ]
    if p.b is not None:
        lines.insert(3, f"output bias b = {_v(p.b)}, dL/db = sum_k e_k = {_v(cert.dL_db or ())}")
    if cert.verdict is Verdict.TYPE_1_MINIMUM:
        rc = cert.radius_constants
        if rc is None:
            raise InternalError("a type-1 certificate without radius constants")
        lines.append(
            f"certified radius: L(P + dP) >= L(P) for all ||dP||_inf < {short(cert.radius)}"
            f"{' (dP over W and H; any db)' if p.b is not None else ''}"
            f"   (rho_w = {short(rc.rho_w)}, rho_h = {short(rc.rho_h)})"
        )
        if cert.global_minimum:
            lines.append("global minimum: L = 0")
    if cert.verdict is Verdict.TYPE_2_MINIMUM:
        lines.append(f"certified radius (type 2, docs/type2.md): L(W', H', b') >= L(P) for all "
                     f"||W' - W||_inf < {short(cert.radius)} and any H', b' (moving neuron {cert.type2.neuron})")
    if cert.bracket is not None:
        w = cert.bracket.witnessed
        lines.append(f"radius bracket: [{short(cert.radius)}, {'none found' if w is None else short(w)}]"
                     + ("" if w is None else f" (a strictly lower point, L = {short(cert.bracket.loss)})"))
    d = cert.descent
    if d is not None:
        several = d.neuron is None and any(c != 0 for c in d.dw)
        moved = ("several neurons (joint second-order test, docs/type2.md)" if several else
                 f"output bias only, db = {_v(d.db or ())}" if d.neuron is None else
                 f"neuron {d.neuron}, dh = {_v(d.dh)}, dw = {_v(d.dw)}")
        lines.append(
            f"descent path: {moved}; "
            f"L({'P + tD1 + t^2 D2' if hasattr(d, 'dW2') else 'P + tD'}) = {polynomial(d.coefficients)}"
            + (f" for 0 <= t < {to_str(d.t_max)}" if d.t_max is not None else " for all t >= 0")
        )
        lines.append(f"  at t = {short(d.t)}: L = {short(d.loss)} < {short(cert.loss)}")
        if hasattr(d, "dW2"):
            lines.append(f"  curved path P + tD1 + t^2 D2 (docs/type2.md §6), order {d.order}: no straight path "
                         "descends at second order")
        elif cert.verdict is Verdict.SADDLE:
            C, n, cu = d.corollary_4_4()
            lines.append(f"  Corollary 4.4: L(P + s l) - L(P) ~ {short(cu)} s^2 along l = D/|D|")
    a = cert.ascent
    if a is not None:
        lines.append(
            f"ascent path: neuron {a.neuron}; at t = {short(a.t)}: L = {short(a.loss)} > {short(cert.loss)}"
            " (not a local maximum, Appendix D)"
        )
    if cert.reason:
        lines.append(f"reason: {cert.reason}")
    lines.append("neurons (numbered from 0, as in the certificate):")
    lines += [_neuron_line(n) for n in cert.neurons[:max_neurons]]
    if len(cert.neurons) > max_neurons:
        lines.append(f"  ... {len(cert.neurons) - max_neurons} more")
    return "\n".join(lines)

def _neuron_line(n: Any) -> str:
    """One line of the summary per neuron report."""
    tag = []
    if n.nonnegative is False:
        tw = n.tangential_witness
        if tw is None:
            raise InternalError(f"neuron {n.index}: a negative tangential derivative without witness")
        tag.append(f"dL/ds < 0 along v = {_v(tw[0])} (value {short(tw[1])})")
    if n.is_escape:
        ew = n.escape_witness
        if ew is None:
            raise InternalError(f"neuron {n.index}: an escape neuron without witness")
        tag.append(f"escape: phi_{ew[0]}(v) = {short(ew[3])} != 0 at v = {_v(ew[1])}")
    if n.c is not None and n.is_escape is False:
        tag.append(f"c = {short(n.c)}")
    return (f"  {n.index}: kinks {list(n.kink_set)}, dL/dh = {_v(n.dL_dh)}, "
            f"tangential: {n.method}" + ("; " + "; ".join(tag) if tag else ""))

