"""The worked notebooks under examples/notebooks/ execute without error (nbclient),
and the rich displays they rely on exist and stay compact."""
from __future__ import annotations

import pathlib

import pytest

import exactland
from exactland.builtin.examples import load_example

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "examples" / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(path: pathlib.Path) -> None:
    nbformat = pytest.importorskip("nbformat", reason="the notebook test needs the test extra")
    nbclient = pytest.importorskip("nbclient", reason="the notebook test needs the test extra")
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("type-1-minimum" in h for h in html) and any("saddle" in h for h in html)


def test_reprs_are_compact_and_rich() -> None:
    cert = exactland.certify(load_example("final-minimum"))
    assert len(repr(cert)) < 200 and "type-1-minimum" in repr(cert)
    assert len(repr(cert.problem)) < 200 and "|I|=3" in repr(cert.problem)
    assert "16139/231500 ≈ 0.0697" in cert._repr_html_()
    assert cert._repr_latex_() == r"$\text{type-1-minimum}:\ L = \frac{16139}{231500}$"
    assert cert.problem.digest() in cert.problem._repr_html_()
    assert cert.problem._repr_latex_().startswith(r"$\lvert K\rvert = 5")
