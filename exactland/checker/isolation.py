"""Checking an *isolation* certificate: a minimum at an irrational point (docs/isolation.md).

Format ``exactland-isolation/1``. The certificate names a rational *center*
``P̃ = (W̃, H̃, b̃)`` and claims that exactly one stationary point ``P*`` of the
loss lies near it (modulo positive rescaling of each neuron), that ``P*`` is a
local minimum, and where its loss lies.  The exact minimum is typically
algebraic of high degree (several outputs, positive loss), so it is
represented the way an algebraic number is: by an isolating region and the
equations it solves.

Everything is re-derived here from the problem alone, in rational arithmetic
(python-flint ``fmpq_mat``); the certificate's numbers are only the claimed
bounds, each tested exactly:

* ``dead`` neurons have slope 0 on every sample at the center; every other
  (*alive*) neuron has no sample on its kink and a nonzero gauge coordinate
  ``w_i[c_i]`` (``gauge``), which is fixed: the remaining parameters ``u``
  (``w_i[c]``, ``c ≠ c_i``, the column ``h_i`` of every alive neuron, then
  ``b``) are the *gauge coordinates*;
* no sample changes side for ``‖u − ũ‖₂ ≤ radius`` (``z_ik² > r²‖x_k'‖²``);
* ``f(u) = L`` is then a quartic polynomial with gradient ``g = J̃ᵀR̃`` and
  Hessian ``Hs = J̃ᵀJ̃ + Σ R̃_kj ∇²R_kj`` at the center (``J̃`` the residual
  Jacobian); ``Hs − μI`` is positive definite (exact elimination);
* ``jacobian_bound² ≥ ‖J̃‖_F²`` and ``sigma_bound² ≥ |J|·s_max²·Σ_k‖x_k‖²``;
  with ``μ' = μ − 3·Jn·S·r − (3/2)·S²·r²``: ``μ' > 0`` and ``4‖g‖² < μ'²r²``;
* ``location_radius²·μ'² ≥ ‖g‖²`` and ``location_radius ≤ radius``;
* ``loss_interval = [lo, hi]``: ``hi = f(ũ)``, ``lo ≤ f(ũ) − ‖g‖²/(2μ')``;
* every ``escape_neurons`` entry ``i`` has ``‖M_i(ũ)‖_F² > ((Jn·ρ + S·ρ²/2)·S)²``
  with ``M_i = Σ_k R̃_k s_ik x_kᵀ``; verdict ``type-2-minimum`` needs one such
  neuron (and |J| ≥ 2), ``type-1-minimum`` needs |J| = 1 and ``|h̃_i| > ρ``
  for every alive neuron.

The argument that these inequalities prove the claim is in docs/isolation.md.
No float and no tolerance appears.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from flint import fmpq, fmpq_mat

from exactland.checker.binding import digest_of
from exactland.checker.numtext import fraction_from_text, show_value
from exactland.checker.parse import parse_problem
from exactland.errors import CertificateFormatError as CFE

__all__ = ["ISOLATION_FORMAT", "MAX_VARIABLES", "SmoothData", "smooth_data", "smooth_quantities",
           "isolation_reasons", "positive_definite"]

ISOLATION_FORMAT = "exactland-isolation/1"
#: Most gauge coordinates an isolation certificate may have (``snap`` writes at most 200).
MAX_VARIABLES = 400
_FIELDS = ("format", "verdict", "problem", "problem_digest", "dead", "gauge", "radius", "mu", "jacobian_bound",
           "sigma_bound", "gradient_norm_sq", "location_radius", "loss_interval", "escape_neurons")
_NUMBERS = ("radius", "mu", "jacobian_bound", "sigma_bound", "gradient_norm_sq", "location_radius")


def _fq(x: Fraction) -> fmpq:
    return fmpq(x.numerator, x.denominator)


def _q(x: Any) -> Fraction:
    return x if isinstance(x, Fraction) else Fraction(int(x.p), int(x.q))


class SmoothData:
    """Exact quantities at the center in gauge coordinates (computed once).

    Attributes
    ----------
    alive, gauge : list of int
        The alive neurons and their fixed coordinates.
    Z : fmpq_mat
        ``K×I``, ``z_ik = w̃_i·x_k``.
    slopes : list of list of Fraction
        ``s_ik`` (``α⁺`` or ``α⁻`` by the side of ``z_ik``; ``None`` on a kink).
    R : fmpq_mat
        ``K×J`` residuals ``ŷ_k + b − y_k``.
    loss, grad_sq : Fraction
        ``f(ũ)`` and ``‖g‖²``.
    hessian : fmpq_mat
        ``Hs`` (n×n).
    jac_sq, sigma_sq : Fraction
        ``‖J̃‖_F²`` and ``|J|·s_max²·Σ_k‖x_k‖²``.
    M_sq : dict
        ``‖M_i(ũ)‖_F²`` per alive neuron.
    """

    def __init__(self, p: dict, dead: list[int], gauge: list[int]) -> None:
        X = p["X"].fractions()
        self.Xq = fmpq_mat([[_fq(v) for v in row] for row in X])
        Wq = fmpq_mat([[_fq(v) for v in row] for row in p["W"].fractions()])
        self.Hf = p["H"].fractions()
        self.K, self.d = len(X), len(X[0])
        self.J, self.I = len(self.Hf), Wq.nrows()
        ap, am = p["alpha_plus"], p["alpha_minus"]
        self.Z = self.Xq * Wq.transpose()
        self.alive = [i for i in range(self.I) if i not in dead]
        self.gauge = gauge
        self.slopes = [[None if self.Z[k, i] == 0 else (ap if self.Z[k, i] > 0 else am) for k in range(self.K)]
                       for i in range(self.I)]
        self.X, self.Wf, self.b = X, p["W"].fractions(), p.get("b")
        self.s_max = max(abs(ap), abs(am))
        self._residuals(p)

    def _residuals(self, p: dict) -> None:
        K, J = self.K, self.J
        A = fmpq_mat(K, self.I, [fmpq(0) if self.slopes[i][k] is None else
                                 _fq(self.slopes[i][k]) * self.Z[k, i] for k in range(K) for i in range(self.I)])
        Hq = fmpq_mat([[_fq(v) for v in row] for row in self.Hf])
        Yq = fmpq_mat([[_fq(v) for v in row] for row in p["Y"].fractions()])
        R = A * Hq.transpose() - Yq
        if self.b is not None:
            R = R + fmpq_mat(K, J, [_fq(c) for _ in range(K) for c in self.b])
        self.R, self.A = R, A
        self.loss = sum((_q(R[k, j]) ** 2 for k in range(K) for j in range(J)), Fraction(0)) / 2

    def kink_distances(self) -> list[tuple[int, int, Fraction, Fraction]]:
        """``(i, k, z_ik², ‖x_k'‖²)`` for every alive neuron and sample (``x_k'``: ``x_k`` without the
        gauge coordinate ``c_i``). No sample changes side for ``‖u − ũ‖₂ ≤ r`` iff ``z² > r²‖x'‖²`` for all."""
        return [(i, k, _q(self.Z[k, i]) ** 2, sum((v * v for a, v in enumerate(x) if a != c_i), Fraction(0)))
                for i, c_i in zip(self.alive, self.gauge) for k, x in enumerate(self.X)]

    def n_vars(self) -> int:
        return len(self.alive) * (self.d - 1 + self.J) + (self.J if self.b is not None else 0)

    def jacobian(self) -> fmpq_mat:
        """``J̃``: rows ``(k, j)``; columns per alive neuron ``w_i[c]`` (c ≠ c_i), ``h_·i``; then ``b``."""
        K, J, n = self.K, self.J, self.n_vars()
        rows = [[fmpq(0)] * n for _ in range(K * J)]
        col = 0
        for i, c_i in zip(self.alive, self.gauge):
            for c in range(self.d):
                if c == c_i:
                    continue
                for k in range(K):
                    sx = _fq(self.slopes[i][k]) * self.Xq[k, c]
                    if sx != 0:
                        for j in range(J):
                            h = self.Hf[j][i]
                            rows[k * J + j][col] = sx * _fq(h)
                col += 1
            for j in range(J):
                for k in range(K):
                    rows[k * J + j][col] = self.A[k, i]
                col += 1
        if self.b is not None:
            for j in range(J):
                for k in range(K):
                    rows[k * J + j][col + j] = fmpq(1)
        return fmpq_mat(rows) if rows and n else fmpq_mat(K * J, n)

    def M(self, i: int) -> fmpq_mat:
        """``M_i = Σ_k R̃_k s_ik x_kᵀ`` (J×d)."""
        S = fmpq_mat(self.K, self.d, [_fq(self.slopes[i][k])
                                      * self.Xq[k, c] for k in range(self.K) for c in range(self.d)])
        return self.R.transpose() * S


def smooth_data(p: dict, dead: list[int], gauge: list[int]) -> tuple[SmoothData, dict]:
    """The center's exact quantities: ``(data, {"grad", "grad_sq", "hessian", "jac_sq", "sigma_sq", "M_sq"})``.

    ``p`` is a parsed problem (:func:`exactland.checker.parse.parse_problem`);
    the slopes of the alive neurons must be defined (no kink sample): the
    caller checks that first.
    """
    sd = SmoothData(p, dead, gauge)
    return sd, smooth_quantities(sd)


def smooth_quantities(sd: SmoothData) -> dict:
    """The gradient, Hessian and bounds of :func:`smooth_data` for an existing :class:`SmoothData`."""
    Jm = sd.jacobian()
    n = sd.n_vars()
    Rv = fmpq_mat(sd.K * sd.J, 1, [sd.R[k, j] for k in range(sd.K) for j in range(sd.J)])
    g = Jm.transpose() * Rv
    Hs = Jm.transpose() * Jm
    col, Ms = 0, {}
    for i, c_i in zip(sd.alive, sd.gauge):
        M = sd.M(i)
        Ms[i] = sum((_q(M[j, c]) ** 2 for j in range(sd.J) for c in range(sd.d)), Fraction(0))
        cols = [c for c in range(sd.d) if c != c_i]
        for j in range(sd.J):
            hcol = col + len(cols) + j
            for a, c in enumerate(cols):
                Hs[col + a, hcol] += M[j, c]
                Hs[hcol, col + a] += M[j, c]
        col += len(cols) + sd.J
    jac_sq = sum((_q(Jm[r, c]) ** 2 for r in range(Jm.nrows()) for c in range(n)), Fraction(0))
    xsq = sum((x * x for row in sd.X for x in row), Fraction(0))
    return {"grad": [g[a, 0] for a in range(n)], "grad_sq": sum((_q(g[a, 0]) ** 2 for a in range(n)), Fraction(0)), "hessian": Hs,
                "jac_sq": jac_sq, "sigma_sq": sd.J * sd.s_max ** 2 * xsq, "M_sq": Ms}


def positive_definite(Hs: fmpq_mat, mu: Fraction) -> bool:
    """True iff ``Hs − μI`` is positive definite: every pivot of exact symmetric elimination is positive."""
    n = Hs.nrows()
    A = [[Hs[r, c] - (_fq(mu) if r == c else 0) for c in range(n)] for r in range(n)]
    for p in range(n):
        piv = A[p][p]
        if piv <= 0:
            return False
        for r in range(p + 1, n):
            if A[r][p] != 0:
                f = A[r][p] / piv
                row, prow = A[r], A[p]
                for c in range(p + 1, n):
                    row[c] -= f * prow[c]
    return True


def _parse(raw: Any) -> dict:
    if not isinstance(raw, dict):
        raise CFE("expected a JSON object", "certificate")
    missing = [k for k in _FIELDS if k not in raw]
    extra = [k for k in raw if k not in _FIELDS]
    if missing or extra:
        raise CFE(f"missing fields {missing}, unknown fields {extra}", "certificate")
    if raw["verdict"] not in ("type-1-minimum", "type-2-minimum"):
        raise CFE(f"{show_value(raw['verdict'])} is not type-1-minimum or type-2-minimum", "verdict")
    out = dict(raw)
    out["problem"] = parse_problem(raw["problem"])
    I, d = out["problem"]["W"].shape
    for key, hi in (("dead", I), ("escape_neurons", I)):
        v = raw[key]
        if not isinstance(v, list) or any(isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < hi
                                          for x in v) or len(set(v)) != len(v):
            raise CFE(f"expected distinct neuron indices in 0..{hi - 1}", key)
    g = raw["gauge"]
    if not isinstance(g, list) or any(not isinstance(x, int) or isinstance(x, bool) or not 0 <= x < d for x in g):
        raise CFE(f"expected one coordinate index in 0..{d - 1} per alive neuron", "gauge")
    for key in _NUMBERS:
        out[key] = _num(raw[key], key)
    li = raw["loss_interval"]
    if not isinstance(li, list) or len(li) != 2:
        raise CFE("expected [lo, hi]", "loss_interval")
    out["loss_interval"] = [_num(x, "loss_interval") for x in li]
    return out


def _num(v: Any, where: str) -> Fraction:
    if not isinstance(v, str):
        raise CFE(f"expected an exact number as a string, got {show_value(v)}", where)
    return fraction_from_text(v, where)


def isolation_reasons(raw: Any) -> tuple[list[str], list[str], str]:
    """Re-derive an isolation certificate: ``(reasons, checked, digest)``; no reason means valid.

    Raises
    ------
    CertificateFormatError
        Malformed input (missing or unknown fields, wrong types, inexact numbers).
    """
    c = _parse(raw)
    p, reasons, checked = c["problem"], [], []
    digest = digest_of(p)
    if c["problem_digest"] != digest:
        reasons.append(f"problem_digest: certificate says {c['problem_digest']}, recomputed {digest}")
    I = p["W"].shape[0]
    alive = [i for i in range(I) if i not in c["dead"]]
    if len(c["gauge"]) != len(alive):
        return reasons + [f"gauge: {len(c['gauge'])} coordinates for {len(alive)} alive neurons"], checked, digest
    sd = SmoothData(p, c["dead"], c["gauge"])
    reasons += _pattern_reasons(c, sd)
    if reasons:
        return reasons, checked, digest
    checked.append("dead neurons silent on every sample; alive neurons off every kink within the radius")
    if sd.n_vars() > MAX_VARIABLES:  # the exact elimination costs n³/3 rational operations
        return reasons + [f"gauge: {sd.n_vars()} gauge coordinates exceed the checker's limit of "
                          f"{MAX_VARIABLES} for isolation certificates"], checked, digest
    q = smooth_quantities(sd)
    reasons += _bound_reasons(c, sd, q)
    checked.append("gradient, Hessian (μ, exact elimination), Jacobian and σ bounds, strong convexity on the ball")
    reasons += _verdict_reasons(c, sd, q)
    checked.append(f"loss interval and verdict {c['verdict']}")
    return reasons, checked, digest


def _pattern_reasons(c: dict, sd: SmoothData) -> list[str]:
    out = []
    r2 = c["radius"] ** 2
    if not c["radius"] > 0:
        out.append(f"radius: {c['radius']} is not positive")
    for i in c["dead"]:
        if any(s != 0 for s in sd.slopes[i]):
            out.append(f"dead[{i}]: neuron {i} has a sample with nonzero slope (or on its kink) at the center")
    for i, c_i in zip(sd.alive, c["gauge"]):
        if sd.Wf[i][c_i] == 0:
            out.append(f"gauge: w_{i}[{c_i}] = 0 cannot be fixed")
    reached: set[int] = set()
    for i, k, z2, x2 in sd.kink_distances():
        if i not in reached and z2 <= r2 * x2:
            reached.add(i)
            out.append(f"radius: sample {k} can reach the kink of neuron {i} within the radius "
                       f"(z = {_q(sd.Z[k, i])}); the loss is not one polynomial on the ball")
    return out


def _shrunk_mu(c: dict) -> Fraction:
    Jn, S, r = c["jacobian_bound"], c["sigma_bound"], c["radius"]
    return c["mu"] - 3 * Jn * S * r - Fraction(3, 2) * S * S * r * r


def _bound_reasons(c: dict, sd: SmoothData, q: dict) -> list[str]:
    out = []
    if c["gradient_norm_sq"] != q["grad_sq"]:
        out.append(f"gradient_norm_sq: certificate says {c['gradient_norm_sq']}, recomputed {q['grad_sq']}")
    Jn, S = c["jacobian_bound"], c["sigma_bound"]
    if Jn < 0 or Jn * Jn < q["jac_sq"]:
        out.append(f"jacobian_bound: {Jn}² is below ‖J̃‖_F² = {q['jac_sq']}")
    if S < 0 or S * S < q["sigma_sq"]:
        out.append(f"sigma_bound: {S}² is below |J|·s_max²·Σ‖x_k‖² = {q['sigma_sq']}")
    if not c["mu"] > 0 or not positive_definite(q["hessian"], c["mu"]):
        out.append(f"mu: Hs − μI is not positive definite for μ = {c['mu']} (exact elimination)")
    mu1, r, rho = _shrunk_mu(c), c["radius"], c["location_radius"]
    if not mu1 > 0:
        out.append(f"mu: μ' = μ − 3·Jn·S·r − (3/2)·S²·r² = {mu1} is not positive")
    elif not 4 * q["grad_sq"] < mu1 * mu1 * r * r:
        out.append("radius: 4‖g‖² ≥ μ'²r²; the minimiser on the ball may be on its boundary")
    if mu1 > 0 and (rho * rho * mu1 * mu1 < q["grad_sq"] or rho > r or rho < 0):
        out.append(f"location_radius: {rho} is not in [‖g‖/μ', radius]")
    return out


def _verdict_reasons(c: dict, sd: SmoothData, q: dict) -> list[str]:
    out, mu1 = [], _shrunk_mu(c)
    lo, hi = c["loss_interval"]
    if hi != sd.loss:
        out.append(f"loss_interval: hi = {hi}, but f(center) = {sd.loss}")
    if mu1 > 0 and not lo <= sd.loss - q["grad_sq"] / (2 * mu1):
        out.append(f"loss_interval: lo = {lo} exceeds f(center) − ‖g‖²/(2μ')")
    Jn, S, rho = c["jacobian_bound"], c["sigma_bound"], c["location_radius"]
    drift = (Jn * rho + S * rho * rho / 2) * S
    for i in c["escape_neurons"]:
        if i not in sd.alive or not q["M_sq"][i] > drift * drift:
            out.append(f"escape_neurons: ‖M_{i}‖_F² = {q['M_sq'].get(i, 0)} is not above the drift bound "
                       f"{drift * drift} (or neuron {i} is dead)")
    if c["verdict"] == "type-2-minimum" and (sd.J < 2 or not c["escape_neurons"]):
        out.append("verdict: type-2-minimum needs |J| ≥ 2 and a certified escape neuron")
    if c["verdict"] == "type-1-minimum":
        if sd.J != 1 or c["escape_neurons"]:
            out.append("verdict: type-1-minimum is certified here for |J| = 1 only, without escape neurons")
        elif any(not abs(sd.Hf[0][i]) > rho for i in sd.alive):
            out.append("verdict: type-1-minimum needs |h̃_i| > location_radius for every alive neuron")
    return out
