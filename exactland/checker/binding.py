"""Binding a certificate to a problem: the canonical digest and the exact
comparison with the user's own problem.

A certificate embeds its problem; what it proves is about *that* problem.
The checker recomputes the digest of the embedded problem (it must equal the
certificate's ``problem_digest``) and, when the user names their problem,
compares the two entry by entry, exactly.
"""
from __future__ import annotations


from exactland.checker.numtext import number_text
from exactland.checker.qarray import QArray
from exactland.exact.digest import problem_digest

__all__ = ["canonical_problem", "digest_of", "compare_problems", "MAX_REPORTED"]

#: Mismatching entries named in a report (the count of the rest is given).
MAX_REPORTED = 5


def canonical_problem(problem: dict) -> dict:
    """A parsed problem (exact numbers) as canonical strings, digest-ready."""
    mat = lambda m: m.canonical() if isinstance(m, QArray) else [[number_text(x) for x in row] for row in m]  # noqa: E731
    out = {"activation": {"alpha_plus": number_text(problem["alpha_plus"]),
                          "alpha_minus": number_text(problem["alpha_minus"])},
           "X": mat(problem["X"]), "Y": mat(problem["Y"]), "W": mat(problem["W"]), "H": mat(problem["H"])}
    if problem.get("b") is not None:
        out["b"] = [number_text(x) for x in problem["b"]]
    return out


def digest_of(problem: dict) -> str:
    """``"sha256:…"`` of a parsed problem's canonical form."""
    return problem_digest(canonical_problem(problem))


def compare_problems(certified: dict, users: dict) -> list[str]:
    """Reasons why two parsed problems differ (empty: the same problem, exactly).

    Shapes are compared first; then every entry, by canonical exact text.
    """
    a, b = canonical_problem(certified), canonical_problem(users)
    reasons: list[str] = []
    for key in ("alpha_plus", "alpha_minus"):
        if a["activation"][key] != b["activation"][key]:
            reasons.append(f"problem mismatch: activation.{key} is {a['activation'][key]} in the "
                           f"certificate, {b['activation'][key]} in the given problem")
    for name in ("X", "Y", "W", "H", "b"):
        ma, mb = a.get(name), b.get(name)
        if ma is None and mb is None:
            continue
        shape = lambda m: None if m is None else (len(m), len(m[0]) if m and isinstance(m[0], list) else 0)  # noqa: E731
        if shape(ma) != shape(mb):
            reasons.append(f"problem mismatch: {name} has shape {shape(ma)} in the certificate, "
                           f"{shape(mb)} in the given problem")
            continue
        diffs = _entry_diffs(name, ma, mb)
        reasons += diffs[:MAX_REPORTED]
        if len(diffs) > MAX_REPORTED:
            reasons.append(f"problem mismatch: … and {len(diffs) - MAX_REPORTED} more entries of {name}")
    return reasons


def _entry_diffs(name: str, ma: list, mb: list) -> list[str]:
    out = []
    rows = ma if ma and isinstance(ma[0], list) else [ma]
    rows_b = mb if mb and isinstance(mb[0], list) else [mb]
    for r, (ra, rb) in enumerate(zip(rows, rows_b)):
        for c, (x, y) in enumerate(zip(ra, rb)):
            if x != y:
                out.append(f"problem mismatch: {name}[{r}][{c}] is {_short(x)} in the certificate, "
                           f"{_short(y)} in the given problem")
    return out


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"
