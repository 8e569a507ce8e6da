r"""Render a :class:`~exactland.derivation.model.Derivation` as Markdown, LaTeX or HTML.

Rendering is formatting only; every number was fixed (and checked) when the
derivation was built. Text carries inline math between ``$...$``; display
equations are LaTeX.

* Markdown: ``$...$`` inline and fenced ``math`` blocks (GitHub renders
  both); math avoids ``|`` and ``\{`` so tables and escaping survive.
* LaTeX: a complete ``article`` using only ``amsmath``/``amssymb``/``geometry``
  (in ``texlive-latex-base``); text is escaped, non-ASCII mapped to macros.
* HTML: a complete, self-contained page; every formula is converted to
  MathML when the page is written (``latex2mathml``), so it renders offline
  with no script.
"""
from __future__ import annotations

import html
import re
from typing import Callable

from exactland.derivation.model import Derivation, Step, Table
from exactland.errors import InputError, InternalError

__all__ = ["render", "render_markdown", "render_latex", "render_html", "latex_problems", "FORMATS"]

FORMATS = ("markdown", "latex", "html")
_MATH = re.compile(r"\$([^$]+)\$")


def _segments(text: str) -> list[tuple[bool, str]]:
    """Split text into (is_math, content) segments.

    Examples
    --------
    >>> _segments("a $x$ b")
    [(False, 'a '), (True, 'x'), (False, ' b')]
    """
    out, pos = [], 0
    for m in _MATH.finditer(text):
        if m.start() > pos:
            out.append((False, text[pos:m.start()]))
        out.append((True, m.group(1)))
        pos = m.end()
    if pos < len(text):
        out.append((False, text[pos:]))
    return out


def _inline(text: str, plain: Callable[[str], str], math: Callable[[str], str]) -> str:
    return "".join(math(s) if is_math else plain(s) for is_math, s in _segments(text))


# ------------------------------------------------------------------ Markdown
def _md_step(n: int, s: Step) -> list[str]:
    out = [f"## {n}. {_inline(s.title, str, lambda m: f'${m}$')}", ""]
    if s.refs:
        out += [f"*Uses: {', '.join(s.refs)}*", ""]
    out += [f"**Claim.** {s.claim}", ""]
    if s.justification:
        out += [f"**Why.** {s.justification}", ""]
    for eq in s.display:
        out += ["```math", eq, "```", ""]
    if s.table is not None:
        out.append("| " + " | ".join(s.table.header) + " |")
        out.append("|" + "---|" * len(s.table.header))
        out += ["| " + " | ".join(row) + " |" for row in s.table.rows]
        out.append("")
    if s.checks:
        out.append("**Checked.**")
        out += [f"- {c}" for c in s.checks]
        out.append("")
    return out


def render_markdown(d: Derivation) -> str:
    """GitHub-flavoured Markdown with ``$...$`` and fenced ``math`` blocks.

    Examples
    --------
    >>> from exactland.derivation.model import Derivation, Step
    >>> print(render_markdown(Derivation("T", "", (Step("k", "S", ("eq. (2)",), "$L = 1$"),))))
    # T
    <BLANKLINE>
    ## 1. S
    <BLANKLINE>
    *Uses: eq. (2)*
    <BLANKLINE>
    **Claim.** $L = 1$
    <BLANKLINE>
    """
    out = [f"# {d.title}", ""]
    if d.summary:
        out += [d.summary, ""]
    for n, s in enumerate(d.steps, 1):
        out += _md_step(n, s)
    return "\n".join(out)


# -------------------------------------------------------------------- LaTeX
_TEX_CHARS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "%": r"\%",
    "&": r"\&", "#": r"\#", "~": r"\~{}", "<": r"\textless{}", ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
_UNICODE = {
    "·": r"$\cdot$", "−": "-", "–": "--", "—": "---", "≥": r"$\ge$", "≤": r"$\le$", "≠": r"$\ne$",
    "→": r"$\to$", "×": r"$\times$", "ε": r"$\varepsilon$", "Δ": r"$\Delta$", "φ": r"$\varphi$",
    "ρ": r"$\rho$", "α": r"$\alpha$", "±": r"$\pm$", "√": r"$\surd$", "…": r"\dots{}", "‖": r"$\Vert$",
    "’": "'", "“": "``", "”": "''", "²": r"$^2$", "⁺": r"$^+$", "⁻": r"$^-$", "⁰": r"$^0$",
    "₀": r"$_0$", "₁": r"$_1$", "₂": r"$_2$", "₃": r"$_3$", "₄": r"$_4$", "₅": r"$_5$",
}


def _tex_text(s: str) -> str:
    out = []
    for ch in s:
        if ch in _TEX_CHARS:
            out.append(_TEX_CHARS[ch])
        elif ch in _UNICODE:
            out.append(_UNICODE[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append("?")
    return "".join(out)


def _tex_inline(text: str) -> str:
    return _inline(text, _tex_text, lambda m: f"${m}$")


def render_latex(d: Derivation) -> str:
    """A complete LaTeX document (``pdflatex``/``lualatex``, ``texlive-latex-base`` only).

    Examples
    --------
    >>> from exactland.derivation.model import Derivation, Step
    >>> t = render_latex(Derivation("T_1", "", (Step("k", "S", (), "$L = 1$ & 5%"),)))
    >>> "\\\\textbf{Claim.} $L = 1$ \\\\& 5\\\\%" in t, latex_problems(t)
    (True, [])
    """
    out = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{amsmath,amssymb}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\setlength{\parindent}{0pt}",
        r"\setlength{\parskip}{0.5em}",
        r"\allowdisplaybreaks",
        r"\begin{document}",
        r"\section*{" + _tex_inline(d.title) + "}",
    ]
    if d.summary:
        out.append(_tex_inline(d.summary))
    for n, s in enumerate(d.steps, 1):
        out.append(r"\subsection*{" + f"{n}. " + _tex_inline(s.title) + "}")
        if s.refs:
            out.append(r"\emph{Uses: " + _tex_text(", ".join(s.refs)) + "}")
        out.append(r"\textbf{Claim.} " + _tex_inline(s.claim))
        if s.justification:
            out.append(r"\textbf{Why.} " + _tex_inline(s.justification))
        for eq in s.display:
            out.append(r"\begin{equation*}" + "\n" + r"\begin{gathered}" + "\n" + eq + "\n"
                       + r"\end{gathered}" + "\n" + r"\end{equation*}")
        if s.table is not None:
            spec = "|" + "".join(f"p{{{w:.3f}\\linewidth}}|" for w in _widths(s.table))
            rows = [" & ".join(_tex_inline(c) for c in s.table.header) + r" \\ \hline"]
            rows += [" & ".join(_tex_inline(c) for c in row) + r" \\ \hline" for row in s.table.rows]
            out.append(r"{\small" + "\n" + r"\begin{tabular}{" + spec + "}\n" + r"\hline" + "\n"
                       + "\n".join(rows) + "\n" + r"\end{tabular}}")
        if s.checks:
            out.append(r"\textbf{Checked.}" + "\n" + r"\begin{itemize}" + "\n"
                       + "\n".join(r"\item " + _tex_text(c) for c in s.checks) + "\n" + r"\end{itemize}")
    out.append(r"\end{document}")
    return "\n\n".join(out) + "\n"


def _widths(table: Table) -> list[float]:
    """Column widths (fractions of the line) proportional to the longest cell, clamped."""
    longest = [max(len(row[c]) for row in (table.header,) + table.rows) for c in range(len(table.header))]
    weight = [min(max(n, 6), 80) for n in longest]
    return [0.9 * w / sum(weight) for w in weight]


def latex_problems(text: str) -> list[str]:
    """Structural problems of a LaTeX document (empty list: well formed).

    Checks: one ``\\begin{document}``/``\\end{document}``, balanced braces
    (ignoring ``\\{ \\}``), balanced ``\\begin``/``\\end`` environments, an even
    number of unescaped ``$`` per paragraph, ASCII only.
    """
    probs = []
    if text.count(r"\begin{document}") != 1 or text.count(r"\end{document}") != 1:
        probs.append("document environment")
    stripped = re.sub(r"\\[{}$%&#_]", "", text)
    depth = 0
    for ch in stripped:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            probs.append("unbalanced }")
            break
    if depth > 0:
        probs.append("unbalanced {")
    envs: list[str] = []
    for kind, name in re.findall(r"\\(begin|end)\{([^}]*)\}", text):
        if kind == "begin":
            envs.append(name)
        elif not envs or envs.pop() != name:
            probs.append(f"environment {name} closed out of order")
            break
    if envs:
        probs.append(f"unclosed environments {envs}")
    for para in stripped.split("\n\n"):
        if para.count("$") % 2:
            probs.append("odd number of $ in a paragraph: " + para[:60])
    if any(ord(c) > 127 for c in text):
        probs.append("non-ASCII character")
    return probs


# --------------------------------------------------------------------- HTML
def _h(s: str) -> str:
    return html.escape(s, quote=False)


def _h_inline(text: str) -> str:
    return _inline(text, _h, lambda m: _mathml(m, "inline"))


def _mathml(tex: str, display: str) -> str:
    """MathML for a LaTeX formula, generated when the page is written (no script, works offline)."""
    from latex2mathml.converter import convert

    try:
        return convert(tex, display=display)
    except Exception as exc:  # noqa: BLE001 - a formula the converter cannot read is a bug here
        raise InternalError(f"cannot convert {tex!r} to MathML: {exc}") from exc


_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ max-width: 60em; margin: 2em auto; font-family: serif; line-height: 1.45; }}
table {{ border-collapse: collapse; margin: 0.5em 0; }}
td, th {{ border: 1px solid #999; padding: 0.2em 0.5em; vertical-align: top; }}
.refs {{ font-style: italic; color: #444; }}
.checks {{ color: #264; }}
</style>
</head>
<body>"""


def render_html(d: Derivation) -> str:
    """A complete, self-contained HTML page: every formula is MathML written
    into the page (no script, no network; browsers render MathML natively).

    Examples
    --------
    >>> from exactland.derivation.model import Derivation, Step
    >>> t = render_html(Derivation("T", "", (Step("k", "S", (), "$a < b$"),)))
    >>> "<math" in t and "<mo>&#x0003C;</mo>" in t and "<script" not in t
    True
    """
    out = [_HEAD.format(title=_h(d.title)), f"<h1>{_h_inline(d.title)}</h1>"]
    if d.summary:
        out.append(f"<p>{_h_inline(d.summary)}</p>")
    for n, s in enumerate(d.steps, 1):
        out.append(f'<section id="{_h(s.key)}">')
        out.append(f"<h2>{n}. {_h_inline(s.title)}</h2>")
        if s.refs:
            out.append(f'<p class="refs">Uses: {_h(", ".join(s.refs))}</p>')
        out.append(f"<p><strong>Claim.</strong> {_h_inline(s.claim)}</p>")
        if s.justification:
            out.append(f"<p><strong>Why.</strong> {_h_inline(s.justification)}</p>")
        for eq in s.display:
            out.append("<p>" + _mathml(eq, "block") + "</p>")
        if s.table is not None:
            out.append("<table>")
            out.append("<tr>" + "".join(f"<th>{_h_inline(c)}</th>" for c in s.table.header) + "</tr>")
            for row in s.table.rows:
                out.append("<tr>" + "".join(f"<td>{_h_inline(c)}</td>" for c in row) + "</tr>")
            out.append("</table>")
        if s.checks:
            out.append('<p class="checks"><strong>Checked.</strong></p>')
            out.append('<ul class="checks">' + "".join(f"<li>{_h(c)}</li>" for c in s.checks) + "</ul>")
        out.append("</section>")
    out.append("</body>\n</html>\n")
    return "\n".join(out)


def render(d: Derivation, fmt: str) -> str:
    """Render in ``fmt`` (one of :data:`FORMATS`).

    Raises
    ------
    InputError
        Unknown format.
    """
    if fmt == "markdown":
        return render_markdown(d)
    if fmt == "latex":
        return render_latex(d)
    if fmt == "html":
        return render_html(d)
    raise InputError(f"unknown format {fmt!r}; choose one of {FORMATS}", "--format")
