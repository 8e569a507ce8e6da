"""The claim-by-claim verification of a parsed certificate (schema items 1–8).

Every claimed quantity is compared with its re-derived value; every
disagreement becomes a reason naming the field.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exactland.checker.arith import INFINITY, Field, fmt, interpolate, le, minimum, positive, is_zero_vector
from exactland.checker.bracket import bracket_reasons
from exactland.checker.consistency import consistency_reasons
from exactland.checker.curved import curved_reasons
from exactland.checker.forms import CheckerBudgetExceeded, Forms, Span
from exactland.checker.point import Point
from exactland.checker.qpoint import QPoint
from exactland.checker.type2 import type2_reasons


@dataclass(frozen=True)
class CheckReport:
    """Outcome of :func:`check_certificate`.

    Attributes
    ----------
    valid : bool
        True iff every claim of the certificate was re-derived.
    reasons : tuple of str
        Every failed claim, naming the field.
    checked : tuple of str
        What was verified, one line per claim group.
    digest : str
        ``"sha256:…"`` of the certificate's problem, recomputed by the checker.
    problem_matches : bool or None
        Whether the certificate's problem is exactly the given problem (None
        when no problem was given).
    """

    valid: bool
    reasons: tuple[str, ...]
    checked: tuple[str, ...]
    digest: str = ""
    problem_matches: bool | None = None


class Checker:
    """Re-derives every quantity of one parsed certificate."""

    def __init__(self, cert: dict, field: Field, budget: int) -> None:
        self.c = cert
        self.reasons: list[str] = []
        self.checked: list[str] = []
        self._stat: bool | None = None
        self._evidence = False  # a verified proof of non-stationarity
        self.pt: Any = Point(cert["problem"], field) if field.algebraic else QPoint(cert["problem"], field)
        self.forms = Forms(self.pt, budget)
        self.budget = budget

    def _stationary(self) -> bool:
        if self._stat is None:
            if (self._evidence or any(v != 0 for row in self.pt.dLdh for v in row)
                    or any(v != 0 for v in self.pt.dLdb or ())):
                self._stat = False
            else:
                self._stat = all(self.forms.analysis(i)[0] for i in range(self.pt.I))
        return self._stat

    # -- reporting ---------------------------------------------------------
    def _fail(self, msg: str) -> None:
        self.reasons.append(msg)

    def _cmp(self, where: str, claimed: Any, actual: Any) -> bool:
        if claimed != actual:
            self._fail(f"{where}: certificate says {fmt(claimed)}, recomputed {fmt(actual)}")
            return False
        return True

    # -- item 1–2 ------------------------------------------------------------
    def check_point(self) -> None:
        c, pt = self.c, self.pt
        self._cmp("loss", c["loss"], pt.L)
        bad_d = set(pt.d_mismatches([n["d"] for n in c["neurons"]]))
        for i, n in enumerate(c["neurons"]):
            w = f"neurons[{i}]"
            self._cmp(f"{w}.kink_set", n["kink_set"], pt.K0[i])
            if i in bad_d:
                self._fail(f"{w}.d: certificate says {fmt(n['d'])}, recomputed {fmt(pt.D_row(i))}")
            self._cmp(f"{w}.dL_dh", n["dL_dh"], pt.dLdh[i])
            self._cmp(f"{w}.dL_dr_scaled", n["dL_dr_scaled"], pt.dLdr[i])
        if pt.dLdb is not None:
            self._cmp("dL_db", c["dL_db"], pt.dLdb)
            self.checked.append("dL_db = Σ_k e_k (the output bias)")
        self._cmp("local_maximum_possible", c["local_maximum_possible"], pt.lmax)
        self._cmp("global_minimum", c["global_minimum"], self.pt.L == 0)
        self.checked.append("loss, and kink_set, d, dL_dh, dL_dr_scaled of every neuron")
        self.checked.append("local_maximum_possible and global_minimum")

    def check_tangential(self, i: int) -> None:
        t, w = self.c["neurons"][i]["tangential"], f"neurons[{i}].tangential"
        if t is None:  # allowed only at a not-stationary verdict (consistency rules)
            return
        lines = self.forms.rep(i)[0]
        if t["lines"] is not None:  # optional: the kink lines are recomputed in any case
            self._check_lines(t["lines"], lines, w)
        method = t["method"]
        if method == "lineality" and (t["witness"] is None or t["nonnegative"] is not False):
            self._fail(f"{w}.method: 'lineality' requires a negative witness and nonnegative false")
        if method == "separable":
            span = Span(self.pt.f.div)
            if not all(span.add(n) for n in lines):
                self._fail(f"{w}.method: 'separable' but the kink normals are linearly dependent")
        if method == "zero-form":
            if not all(is_zero_vector(part) for part in self.forms.F_form(i)):
                self._fail(f"{w}.method: 'zero-form' but F_{i} is not identically zero")
        wit = t["witness"]
        if wit is not None:
            F = self.pt.F(i, wit["v"])
            self._cmp(f"{w}.witness.F", wit["F"], F)
            if self.pt.w_dot(i, wit["v"]) != 0:
                self._fail(f"{w}.witness.v: not tangential (v·w_{i} ≠ 0)")
            elif F >= 0:
                self._fail(f"{w}.witness: F_{i}(v) = {F} is not negative")
            else:
                self._evidence = True  # Definition 3.3, condition 3 fails
        if t["nonnegative"] is not None:
            self._cmp(f"{w}.nonnegative", t["nonnegative"], self.forms.analysis(i)[0])
        if t["c"] is not None:
            nonneg, _, c = self.forms.analysis(i)
            if not nonneg or not le(t["c"], c):
                self._fail(f"{w}.c: certificate says {fmt(t['c'])}, but the largest c with "
                           f"F_{i} ≥ c·max_j|φ_j{i}| is {fmt(c) if nonneg else 'none (F is not ≥ 0)'}")

    def _check_lines(self, claimed: Any, lines: list, w: str) -> None:
        """Claimed kink lines: each line once, its normal with first nonzero entry
        positive (rational certificates: exactly its primitive integer vector)."""
        if not self.pt.f.algebraic:
            rows = claimed.fractions() if hasattr(claimed, "fractions") else claimed
            want = sorted(tuple(self.forms.show(n)) for n in lines)
            if sorted(tuple(v) for v in rows) != want:
                self._fail(f"{w}.lines: certificate says {fmt(claimed)}, the kink lines as primitive integer "
                           f"vectors (first nonzero entry positive) are {fmt([list(x) for x in want])}")
            return
        canon = []
        for a, v in enumerate(claimed):
            p = next((s for s, x in enumerate(v) if x != 0), None)
            if p is None or v[p] < 0:
                self._fail(f"{w}.lines[{a}]: {fmt(v)} is zero or its first nonzero entry is negative")
                continue
            canon.append(self.pt.canon_line(v))
        found = {self.forms.find(lines, n) for n in canon}
        if len(canon) != len(lines) or len(lines) in found or len(found) != len(lines):
            self._fail(f"{w}.lines: certificate says {fmt(claimed)}, recomputed the kink lines "
                       f"{fmt([self.forms.show(n) for n in lines])} (up to positive scaling)")

    # -- item 3 --------------------------------------------------------------
    def check_path(self, name: str) -> list | None:
        """Verify one PATH; returns the recomputed coefficients or None."""
        p, w, f, pt = self.c["witness"][name], f"witness.{name}", self.pt.f, self.pt
        if p["kind"] != name:
            self._fail(f"{w}.kind: certificate says {p['kind']}, expected {name}")
        if p.get("direction2") is not None:
            return self._check_curved(p, name, w)
        dW, dH, db = p["direction"]["W"], p["direction"]["H"], p["direction"].get("b")
        moved = pt.moved(dW, dH)
        if p["neuron"] is not None and any(i != p["neuron"] for i in moved):
            self._fail(f"{w}.neuron: certificate says {p['neuron']}, but the direction moves neurons {moved}")
        flip = pt.flip(dW, moved)
        tmax = p["t_max"]
        if (tmax is None and flip is not INFINITY) or (tmax is not None and not (tmax > 0 and le(tmax, flip))):
            self._fail(f"{w}.t_max: certificate says {fmt(tmax)}, but a sample outside a kink set "
                       f"changes side at t = {fmt(flip)}")
            return None
        ts = [f.div(tmax * m, 6) if tmax is not None else f.div(m, 5) for m in range(1, 6)]
        coeffs = interpolate(ts, pt.path_losses(dW, dH, moved, ts, db), f.div)
        self._cmp(f"{w}.coefficients", p["coefficients"], coeffs)
        self._cmp(f"{w}.coefficients[0]", p["coefficients"][0], self.pt.L)
        order = next((n for n in range(1, 5) if coeffs[n] != 0), None)
        self._cmp(f"{w}.order", p["order"], order)
        if order is None or (coeffs[order] < 0) != (name == "descent"):
            self._fail(f"{w}: first nonzero coefficient after c0 is {fmt(coeffs[order] if order else 0)}, "
                       f"not {'negative' if name == 'descent' else 'positive'}")
        t = p["t"]
        if not (t > 0 and (tmax is None or t < tmax)):
            self._fail(f"{w}.t: certificate says {fmt(t)}, not in (0, t_max = {fmt(tmax)})")
        else:
            Lt = pt.path_losses(dW, dH, moved, [t], db)[0]
            self._cmp(f"{w}.loss", p["loss"], Lt)
            if (Lt < self.pt.L) != (name == "descent") or Lt == self.pt.L:
                self._fail(f"{w}.loss: L(P + tΔ) = {fmt(Lt)} is not strictly "
                           f"{'below' if name == 'descent' else 'above'} L(P) = {fmt(self.pt.L)}")
        cor = p["corollary_4_4"]
        if cor is not None:
            norm = pt.norm_sq(dW, dH, db)
            self._cmp(f"{w}.corollary_4_4.C", cor["C"], coeffs[2])
            self._cmp(f"{w}.corollary_4_4.direction_norm_sq", cor["direction_norm_sq"], norm)
            if norm != 0:
                self._cmp(f"{w}.corollary_4_4.C_unit", cor["C_unit"], f.div(coeffs[2], norm))
        if name == "descent" and order == 1 and coeffs[1] < 0:
            self._evidence = True  # c1 = Σ ∂L/∂h·Δh + Σ_i F_i(Δw_i) < 0: Def. 3.3 fails
        self.checked.append(f"{w}: t_max, coefficients, order, t and loss")
        return coeffs

    def _check_curved(self, p: dict, name: str, w: str) -> list | None:
        """A curved PATH ``P + tΔ₁ + t²Δ₂`` (docs/type2.md §6): descent only, nine coefficients."""
        if name != "descent":
            self._fail(f"{w}.direction2: only a descent path may be curved")
            return None
        coeffs, reasons = curved_reasons(self.c["problem"], p, w, self.pt.L, self.pt.f.algebraic)
        for r in reasons:
            self._fail(r)
        self.checked.append(f"{w}: curved path P + tΔ₁ + t²Δ₂: t_max, 9 coefficients, order, t and loss")
        return coeffs

    # -- items 4–8 -----------------------------------------------------------
    def check_stationarity(self) -> None:
        c = self.c
        escs = [n["escape"] for n in c["neurons"]]
        if not (c["verdict"] in ("saddle", "type-1-minimum") or c["stationary"] is not None
                or c["escape_neurons"] or any(e is not None for e in escs)):
            return
        stat = self._stationary()
        if c["stationary"] is not None:
            self._cmp("stationary", c["stationary"], stat)
        self.checked.append("stationarity (Definition 3.3) re-derived")
        if not stat:
            if c["escape_neurons"]:
                self._fail(f"escape_neurons: certificate says {c['escape_neurons']}, "
                           "but the point is not stationary")
            for i, e in enumerate(escs):
                if e is not None:
                    self._fail(f"neurons[{i}].escape: must be null at a non-stationary point")
            return
        actual = [i for i in range(self.pt.I) if self.forms.analysis(i)[1]]
        self._cmp("escape_neurons", sorted(c["escape_neurons"]), actual)
        for i, e in enumerate(escs):
            if e is None:
                continue
            w = f"neurons[{i}].escape"
            self._cmp(f"{w}.is_escape", e["is_escape"], i in actual)
            if e["is_escape"] != (i in c["escape_neurons"]):
                self._fail(f"{w}.is_escape: inconsistent with escape_neurons")
            wit = e["witness"]
            if wit is not None:
                F, phi = self.pt.F(i, wit["v"]), self.pt.phi(i, wit["j"], wit["v"])
                self._cmp(f"{w}.witness.F", wit["F"], F)
                self._cmp(f"{w}.witness.phi", wit["phi"], phi)
                vw = self.pt.w_dot(i, wit["v"])
                if vw != 0 or F != 0 or phi == 0:
                    self._fail(f"{w}.witness: needs v·w_{i} = 0, F_{i}(v) = 0 and φ ≠ 0; "
                               f"recomputed v·w = {fmt(vw)}, F = {F}, φ = {phi}")
        self.checked.append("escape neurons (Definition 4.1) re-derived")

    def check_radius(self) -> None:
        c, f = self.c, self.pt.f
        rho_w = self.pt.rho_w()
        cs = [self.forms.analysis(i)[2] for i in range(self.pt.I)]
        rho_h: Any = INFINITY
        for ci in cs:
            rho_h = minimum(rho_h, INFINITY if ci is INFINITY else f.div(ci, self.pt.J))
        bound = minimum(rho_w, rho_h)
        r = c["radius"]
        if r is None or not positive(r) or not le(r, bound):
            self._fail(f"radius: certificate says {fmt(r)}, must be positive and at most "
                       f"min(rho_w, min_i c_i/|J|) = {fmt(bound)}")
        rc = c["radius_constants"]
        if rc is None:
            self._fail("radius_constants: required for a type-1-minimum")
            return
        for name, claim, true in [("rho_w", rc["rho_w"], rho_w), ("rho_h", rc["rho_h"], rho_h)] + \
                [(f"c[{i}]", rc["c"][i], cs[i]) for i in range(self.pt.I)]:
            if not positive(claim) or not le(claim, true):
                self._fail(f"radius_constants.{name}: certificate says {fmt(claim)}, "
                           f"must be positive and at most the recomputed {fmt(true)}")
        own = minimum(rc["rho_w"], rc["rho_h"])
        for ci in rc["c"]:
            own = minimum(own, INFINITY if ci is INFINITY else f.div(ci, self.pt.J))
        if r is not None and not le(r, own):
            self._fail(f"radius: {fmt(r)} exceeds the certificate's own constants ({fmt(own)})")
        self.checked.append("radius and radius_constants (rho_w, c_i re-derived on every ray)")

    def check_verdict(self) -> None:
        c = self.c
        v, wit = c["verdict"], c["witness"] or {}
        need = {"not-stationary": ("descent",), "saddle": ("descent", "ascent")}.get(v, ())
        for name in need:
            if name not in wit:
                self._fail(f"witness.{name}: required for verdict {v}")
        if v in ("type-1-minimum", "type-2-minimum", "undecided") and c["witness"] is not None:
            self._fail(f"witness: must be null for verdict {v}")
        if v != "type-1-minimum":
            for name in ("radius_constants",) if v == "type-2-minimum" else ("radius", "radius_constants"):
                if c[name] is not None:
                    self._fail(f"{name}: must be null for verdict {v}")
        coeffs = {name: self.check_path(name) for name in wit}
        expected = {"not-stationary": False, "saddle": True, "type-1-minimum": True, "type-2-minimum": True}.get(v)
        if expected is not None and c["stationary"] is not expected:
            self._fail(f"stationary: certificate says {fmt(c['stationary'])}, verdict {v} "
                       f"requires {fmt(expected)}")
        self.check_stationarity()
        if v == "not-stationary" and self._stationary():
            self._fail("verdict: not-stationary, but the point is stationary (Definition 3.3)")
        if v in ("saddle", "type-1-minimum", "type-2-minimum") and self._stationary():
            esc = [i for i in range(self.pt.I) if self.forms.analysis(i)[1]]
            if v == "type-2-minimum":
                self.check_type2(esc)
            if v == "saddle" and not esc:
                self._fail("verdict: saddle, but there is no escape neuron")
            if v == "type-1-minimum":
                if esc:
                    self._fail(f"verdict: type-1-minimum, but neurons {esc} are escape neurons")
                self.check_radius()
            desc = wit.get("descent")
            if v == "saddle" and desc is not None:
                cd = coeffs.get("descent")
                if desc.get("direction2") is not None:  # a curved path of order 3 or 4 (docs/type2.md §6)
                    if cd is not None and not (desc["order"] in (3, 4) and cd[desc["order"]] < 0):
                        self._fail("witness.descent: a curved saddle path needs order 3 or 4")
                else:
                    if cd is not None and not (cd[1] == 0 and cd[2] < 0):
                        self._fail("witness.descent: a saddle needs c1 = 0 and c2 < 0 (order 2)")
                    if desc["corollary_4_4"] is None:
                        self._fail("witness.descent.corollary_4_4: required for a saddle")
                if desc["neuron"] is not None and desc["neuron"] not in esc:
                    self._fail(f"witness.descent.neuron: {desc['neuron']} is not an escape neuron")
        if v == "undecided" and not (c["reason"] or "").strip():
            self._fail("reason: an undecided certificate needs a non-empty reason")
        self.check_bracket()
        self.checked.append(f"verdict {v}")

    def check_type2(self, esc: list) -> None:
        """Verdict ``type-2-minimum``: an escape neuron exists and the radius is re-derived (docs/type2.md)."""
        if not esc:
            self._fail("verdict: type-2-minimum, but there is no escape neuron (a type-1 minimum)")
        if self.pt.f.algebraic:
            self._fail("verdict: type-2-minimum certificates are checked for rational problems only")
            return
        for reason in type2_reasons(self.c, self.budget):
            self._fail(reason)
        self.checked.append("type-2 radius re-derived by variable projection (docs/type2.md)")

    def check_bracket(self) -> None:
        """``type2`` only with its verdict; ``radius_bracket`` and its witness point re-evaluated."""
        c = self.c
        if c.get("type2") is not None and c["verdict"] != "type-2-minimum":
            self._fail("type2: only for verdict type-2-minimum")
        make = Point if self.pt.f.algebraic else QPoint
        for reason in bracket_reasons(c, self.pt.L, lambda prob: make(prob, self.pt.f).L):
            self._fail(reason)
        if c.get("radius_bracket") is not None:
            self.checked.append("radius_bracket (certified = radius; a witness point's loss evaluated from scratch)")

    def run(self) -> CheckReport:
        for reason in consistency_reasons(self.c, self.pt.J):
            self._fail(reason)
        try:
            self.check_point()
            for i in range(self.pt.I):
                self.check_tangential(i)
            self.checked.append("tangential lines, method, witness, nonnegative and c of every neuron")
            self.check_verdict()
        except CheckerBudgetExceeded:
            self._fail("checker budget exceeded")
        return CheckReport(not self.reasons, tuple(self.reasons), tuple(self.checked))
