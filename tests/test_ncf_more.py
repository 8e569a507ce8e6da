"""More tests of exactland.ncf: irrational residuals, |J| > 1 kinds, the paper's Appendix I.0.2
saddles, and the dashed NCF directions of Figure 3 (DESIGN.md §13; Kumar & Haupt)."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from exactland.exact.scalars import parse_exact
from exactland.ncf import kkt_points, ncf_from_data
from exactland.ncf.second import negative_definite

#: Appendix I.0.2 data (x_k, y_k) of the paper.
X_I02 = [["-3/10", "1/2"], ["1", "1"], ["-3/5", "-1"], ["2/5", "-2/5"]]
Y_I02 = [["3/5", "-1/2"], ["1/2", "-1"], ["-2/5", "3/5"], ["4/5", "1/5"]]
#: Residuals e = ŷ − y at the exact saddle that gradient descent's second plateau snaps to
#: (`exactland train examples/experiments/appendix-i02.json` with its paper settings, seed 0,
#: `exactland snap RUN --at plateau-1`): entries in Q(√29).
E_I02_SADDLE2 = [["-3/10 + 13*sqrt(29)/580", "1/4 - 2*sqrt(29)/29"],
                 ["-1/4 + 2*sqrt(29)/29", "1/2 - 9*sqrt(29)/116"], ["2/5", "-3/5"], ["-4/5", "-1/5"]]


def _angle(p) -> float:
    u = p.direction_float()
    return math.atan2(u[1], u[0]) % (2 * math.pi)


def _grid(n: int) -> list[tuple[Fraction, Fraction]]:
    """Rational points on the unit circle, ordered by angle: ((1−t²)/(1+t²), 2t/(1+t²))."""
    pts = [(Fraction(-1), Fraction(0))]
    pts += [((1 - t * t) / (1 + t * t), 2 * t / (1 + t * t))
            for t in (Fraction(m, n) for m in range(-8 * n, 8 * n + 1))]
    return sorted(pts, key=lambda u: math.atan2(float(u[1]), float(u[0])))


def _brute_multi(ncf, pts) -> None:
    """Strict local max/min of ‖N‖² on a fine exact grid sit near reported points of that kind."""
    grid = _grid(30)
    vals = [sum((c * c for c in ncf(u)), Fraction(0)) for u in grid]
    n = len(grid)
    for i in range(n):
        l, r = vals[i - 1], vals[(i + 1) % n]
        kind = "local-max" if vals[i] > max(l, r) else "local-min" if vals[i] < min(l, r) else None
        if kind is None or vals[i] == 0:
            continue
        ang = math.atan2(float(grid[i][1]), float(grid[i][0]))
        near = [p for p in pts if p.kind == kind and abs(math.remainder(ang - _angle(p), 2 * math.pi)) < 0.1]
        assert near, (kind, ang)
        assert (near[0].value2 >= vals[i]) if kind == "local-max" else (near[0].value2 <= vals[i])


def test_scalar_irrational_residuals() -> None:
    # ReLU, x = (1,0), (0,1), e = (−√2, −1): on the open quadrant N(u) = −√2 u₁ − u₂,
    # minimised at (√2, 1)/√3 with N = −√3; h > 0 grows along it.
    pts = kkt_points(ncf_from_data([[1, 0], [0, 1]], [["-sqrt(2)"], ["-1"]], (1, 0)))
    top = pts[0]
    assert top.kind == "local-min" and top.grows == 1 and top.value2 == 3
    assert [str(c) for c in top.direction()] == ["sqrt(6)/3", "sqrt(3)/3"]
    assert top.value == -parse_exact("sqrt(3)")


def test_multi_output_irrational_interior_maximum() -> None:
    # x = (1,0), (0,1), ReLU, e₁ = (−1, −1), e₂ = (0, −√2): on the quadrant
    # N(u) = (−u₁, −u₁ − √2 u₂), MᵀM = [[2, √2], [√2, 2]] with eigenvalues 2 ± √2 and
    # eigenvectors (1, ±1): the maximum of ‖N‖ is at (1,1)/√2 with ‖N‖² = 2 + √2.
    ncf = ncf_from_data([[1, 0], [0, 1]], [["-1", "-1"], ["0", "-sqrt(2)"]], (1, 0))
    pts = kkt_points(ncf)
    top = pts[0]
    assert top.kind == "local-max" and top.value2 == parse_exact("2 + sqrt(2)")
    assert [str(c) for c in top.direction()] == ["sqrt(2)/2", "sqrt(2)/2"]
    _brute_multi(ncf, pts)


def test_multi_output_kinds_second_order() -> None:
    # Linear activation (a⁺ = a⁻ = 1), x = (1,0), (0,1), e₁ = (2,1), e₂ = (1,2): N(u) = Eᵀu,
    # ‖N‖² = uᵀ[[5,4],[4,5]]u: maxima (±(1,1)/√2, 9), minima (±(1,−1)/√2, 1); the axis points
    # (face candidates, ‖N‖² = 5) have transversal first-order terms ±4: `other`.
    ncf = ncf_from_data([[1, 0], [0, 1]], [[2, 1], [1, 2]], (1, 1))
    pts = kkt_points(ncf)
    kinds = {round(math.degrees(_angle(p))) % 360: (p.kind, str(p.value2)) for p in pts}
    assert kinds == {45: ("local-max", "9"), 225: ("local-max", "9"), 135: ("local-min", "1"),
                     315: ("local-min", "1"), 0: ("other", "5"), 90: ("other", "5"),
                     180: ("other", "5"), 270: ("other", "5")}
    _brute_multi(ncf, pts)


def test_multi_output_face_kinds() -> None:
    # x = (1,0), (0,1), ReLU, e = ((−1,0), (0,−2)): N = (−u₁, −2u₂) on the quadrant.
    # (0,1) (face u₁ = 0) is a strict local max of ‖N‖ (first order 0, second order −3 and −4);
    # (1,0): ‖N‖² = cos² + 4sin² grows for t > 0 and is cos² for t < 0: neither.
    ncf = ncf_from_data([[1, 0], [0, 1]], [[-1, 0], [0, -2]], (1, 0))
    kinds = {round(math.degrees(_angle(p))): p.kind for p in kkt_points(ncf)}
    assert kinds[90] == "local-max" and kinds[0] == "other"
    _brute_multi(ncf, kkt_points(ncf))


def test_negative_definite() -> None:
    F = Fraction
    assert negative_definite([[F(-1)]]) is True and negative_definite([[F(1)]]) is False
    assert negative_definite([[F(-2), F(1)], [F(1), F(-1)]]) is True
    s = parse_exact("sqrt(2)")
    assert negative_definite([[F(-1), s], [s, F(-3)]]) is True  # det 3 − 2 > 0
    assert negative_definite([[F(-1), s], [s, F(-2)]]) is None   # det 0


def test_appendix_i02_origin_matches_the_paper() -> None:
    # The paper's first saddle (the origin): escape direction 1.03 rad, ṽ = (0.51, 0.85) read
    # from its Figure 12b (it prints (0.85, 0.51): coordinates swapped). The strongest KKT
    # point of ‖N‖ is at 1.0261 rad. Tolerance 0.01 rad (the paper's two digits).
    E = [[str(-parse_exact(c)) for c in y] for y in Y_I02]
    top = kkt_points(ncf_from_data(X_I02, E, (1, 0)))[0]
    assert top.kind == "local-max" and abs(_angle(top) - 1.03) < 0.01
    assert abs(top.value_float() - 1.7324) < 1e-4


def test_appendix_i02_second_saddle_irrational() -> None:
    # Second saddle: residuals in Q(√29). The paper: group 2 neurons attracted to
    # ṽ = (−0.65, −0.76) (it writes 3.22 rad; the vector is at 4.00 rad). The strongest KKT
    # point is (−0.6476, −0.7619) at 4.0079 rad, an interior point of the cell where
    # samples 2 and 4 are active. Tolerance: the paper's two digits.
    ncf = ncf_from_data(X_I02, E_I02_SADDLE2, (1, 0))
    top = kkt_points(ncf)[0]
    u = top.direction_float()
    assert top.kind == "local-max" and top.zero == ()
    assert abs(u[0] + 0.65) < 0.005 and abs(u[1] + 0.76) < 0.005
    assert abs(top.value_float() - 0.81775) < 1e-4


@pytest.fixture(scope="module")
def short_run():
    """A short run on the Section 4.1.1 data (large step: several short plateaus, ~1 s)."""
    from exactland.builtin.examples import load_example
    from exactland.dynamics.config import TrainConfig
    from exactland.dynamics.run import train

    cfg = TrainConfig(width=6, init_std=1e-4, lr=0.05, steps=20000, loss="half-sse", seeds=(3,),
                      log_every=100, checkpoint_every=200, engine="numpy")
    return train(load_example("origin-saddle").dataset, cfg)


def test_plot_draws_dashed_ncf_lines(short_run) -> None:
    from exactland.dynamics.phases import phases
    from exactland.dynamics.plot import NCF_LABEL, figure_run

    ps = phases(short_run)
    inner = [p for p in ps if not p.final]
    assert inner, "the short run has a plateau"
    lines = {p.index: [(2.52, "2.52"), (7.0, "0.72")] for p in inner}
    fig = figure_run(short_run, ps, ps[-1].structure, ncf_lines=lines)
    ax = fig.axes[1]  # the angle panel of the first row
    dashed = [l for l in ax.get_lines() if l.get_label() == NCF_LABEL]
    assert len(dashed) == 2 * len(inner)
    by_index = {p.index: p for p in inner}
    for l in dashed:
        assert l.get_linestyle() == "--"
        p = by_index[int(l.get_gid().rsplit("-", 1)[1])]
        assert list(l.get_xdata()) == [p.start, p.end]
    assert sorted({round(float(l.get_ydata()[0]), 4) for l in dashed}) == [round(7.0 - 2 * np.pi, 4), 2.52]
    assert sorted(t.get_text() for t in ax.texts) == sorted(["2.52", "0.72"] * len(inner))
    assert not [l for l in fig.axes[0].get_lines() if l.get_label() == NCF_LABEL]


def test_cli_plot_ncf(short_run, tmp_path) -> None:
    # The first plateau is the origin: its strongest predicted direction is (−7, 5)/√74, 2.5213 rad.
    from exactland.cli.main import main
    from exactland.cli.ncf import plateau_angles
    from exactland.dynamics.phases import phases

    ps = phases(short_run)
    angles = plateau_angles(short_run, 0, ps[:1])
    assert abs(angles[0][0][0] - math.atan2(5, -7)) < 1e-12 and angles[0][0][1] == "2.52"
    short_run.save(tmp_path / "run")
    assert main(["plot", str(tmp_path / "run"), "--ncf", "--out", str(tmp_path / "f.png")]) == 0
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_cli_ncf_run_predicts_growth_rates(tmp_path, capsys) -> None:
    # Section 4.1.1 (seed 12): the growing neuron's measured exponential rate agrees with the
    # NCF rate within 3 %, its direction within 1 degree (the README table).
    import json
    import pathlib

    from exactland.cli.main import main

    data = pathlib.Path(__file__).resolve().parents[1] / "examples" / "experiments" / "section-4.1.1.json"
    run = tmp_path / "run"
    assert main(["train", str(data), "--init-std", "8e-6", "--lr", "1e-3", "--steps", "600000",
                 "--log-every", "200", "--checkpoint-every", "1000", "--seed", "12", "--out", str(run)]) == 0
    capsys.readouterr()
    assert main(["ncf", str(run), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    rows = [r for r in rep["plateaus"] if "note" not in r]
    assert len(rows) == 2 and rep["fitted_constant"]["plateaus"] == 2
    for r in rows:
        assert abs(r["rate_ratio"] - 1) < 0.03 and r["angle_to_nearest_kkt_deg"] < 1.0


@pytest.mark.slow
def test_cli_ncf_run_appendix_i02_irrational_saddle(tmp_path, capsys) -> None:
    # Appendix I.0.2 (seed 0, paper settings): the second plateau snaps to a saddle with
    # residuals in Q(√29); the growing neuron is within 1° of the predicted direction
    # (4.0079 rad) and grows at the NCF rate within 3 %.
    import json
    import pathlib

    from exactland.cli.main import main
    from exactland.dynamics.settings import APPENDIX_I02

    data = pathlib.Path(__file__).resolve().parents[1] / "examples" / "experiments" / "appendix-i02.json"
    run = tmp_path / "run"
    assert main(["train", str(data), "--init-std", repr(APPENDIX_I02.init_std), "--lr", "2e-3",
                 "--steps", "300000", "--log-every", "200", "--checkpoint-every", "1000", "--seed", "0",
                 "--out", str(run)]) == 0
    capsys.readouterr()
    assert main(["ncf", str(run), "--json"]) == 0
    rows = {r["plateau"]: r for r in json.loads(capsys.readouterr().out)["plateaus"]}
    r = rows[1]
    assert r["residual_field"] == "algebraic" and r["nearest_kkt"]["kind"] == "local-max"
    assert r["angle_to_nearest_kkt_deg"] < 1.0 and abs(r["rate_ratio"] - 1) < 0.03
    assert abs(math.radians(r["nearest_kkt"]["angle"]) - 4.0079) < 1e-4
