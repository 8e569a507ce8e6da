"""The checker's integer-matrix route agrees with the entry-by-entry Fraction route.

Rational certificates are checked by :class:`exactland.checker.qpoint.QPoint`
(integer numerators over known denominators, NumPy ``int64`` under a proved
bound, Python integers beyond it).  On generated small rational problems,
with small and with huge numbers (beyond ``int64``), it must agree exactly

* with a re-derivation written here from the schema's formulas (loss, kink
  sets, ``d_ji``, ``∂L/∂h_ji``), and
* with the checker's general route :class:`exactland.checker.point.Point` run
  on :class:`fractions.Fraction` lists (``φ``, ``F``, the forms' analysis,
  witness paths, ``rho_w``);

and single-entry mutations of a valid certificate's ``loss``, ``d``,
``dL_dh`` and ``kink_set`` must be rejected.
"""
from __future__ import annotations

import copy
from fractions import Fraction as Fr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exactland
from exactland.checker import check_certificate, intarr
from exactland.checker.arith import Field
from exactland.checker.forms import Forms
from exactland.checker.numtext import fraction_from_text, fraction_text
from exactland.checker.parse import parse_problem
from exactland.checker.point import Point
from exactland.checker.qarray import QArray, read_matrix
from exactland.checker.qpoint import QPoint

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOPES = [(Fr(1), Fr(0)), (Fr(2), Fr(-1, 3)), (Fr(1, 2), Fr(1, 10)), (Fr(-1), Fr(1))]


@st.composite
def problems(draw, big: bool = False) -> dict:
    """A small rational problem; small integers make kinks (z_ik = 0) frequent.

    ``big``: every entry of X and W is scaled by a huge power of ten (and
    given a huge denominator), so that products leave the int64 range.
    """
    K, d, I, J = draw(st.integers(1, 5)), draw(st.integers(2, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    small = st.fractions(min_value=-2, max_value=2, max_denominator=3)
    ent = (lambda: small.map(lambda x: x * 10 ** 25 / (10 ** 19 + 7))) if big else (lambda: small)
    mat = lambda r, c, e: draw(st.lists(st.lists(e, min_size=c, max_size=c), min_size=r, max_size=r))  # noqa: E731
    X, W = mat(K, d, ent()), mat(I, d, ent())
    W = [row if draw(st.booleans()) else [Fr(0)] * d for row in W]  # zero neurons: every sample a kink
    H, Y = mat(J, I, small), mat(K, J, small)
    ap, am = draw(st.sampled_from(SLOPES))
    if draw(st.booleans()):  # fit some targets exactly: zero residuals
        Y = [[sum((H[j][i] * _rho(ap, am, _dot(W[i], X[k])) for i in range(I)), Fr(0)) if draw(st.booleans())
              else Y[k][j] for j in range(J)] for k in range(K)]
    text = lambda m: [[fraction_text(Fr(x)) for x in row] for row in m]  # noqa: E731
    return {"activation": {"alpha_plus": fraction_text(ap), "alpha_minus": fraction_text(am)},
            "X": text(X), "Y": text(Y), "W": text(W), "H": text(H)}


def _dot(a, b):
    return sum((x * y for x, y in zip(a, b)), Fr(0))


def _rho(ap, am, z):
    return (ap if z > 0 else am) * z


def own(problem: dict) -> dict:
    """Loss, kink sets, d and ∂L/∂h from the schema's formulas, in Fractions."""
    X, Y, W, H = ([[Fr(x) for x in row] for row in problem[k]] for k in ("X", "Y", "W", "H"))
    ap, am = Fr(problem["activation"]["alpha_plus"]), Fr(problem["activation"]["alpha_minus"])
    K, d, I, J = len(X), len(X[0]), len(W), len(Y[0])
    z = [[_dot(W[i], X[k]) for k in range(K)] for i in range(I)]
    e = [[sum((H[j][i] * _rho(ap, am, z[i][k]) for i in range(I)), Fr(0)) - Y[k][j] for j in range(J)]
         for k in range(K)]
    D = [[[sum(((ap if z[i][k] > 0 else am) * e[k][j] * X[k][c] for k in range(K) if z[i][k] != 0), Fr(0))
           for c in range(d)] for j in range(J)] for i in range(I)]
    return {"loss": sum((x * x for row in e for x in row), Fr(0)) / 2,
            "kinks": [[k for k in range(K) if z[i][k] == 0] for i in range(I)],
            "d": D, "dLdh": [[_dot(W[i], D[i][j]) for j in range(J)] for i in range(I)]}


def both(problem: dict) -> tuple[QPoint, Point]:
    parsed = parse_problem(problem)
    fractions = {k: v.fractions() if isinstance(v, QArray) else v for k, v in parsed.items()}
    return QPoint(parsed, Field(False)), Point(fractions, Field(False))


@settings(max_examples=60, **SETTINGS)
@given(problems())
def test_point_quantities_agree_with_the_definitions(problem):
    q, ref = both(problem)
    mine = own(problem)
    assert q.L == ref.L == mine["loss"]
    assert q.K0 == ref.K0 == mine["kinks"]
    assert [q.D_row(i) for i in range(q.I)] == mine["d"] == ref.D
    assert q.d_mismatches([QArray(intarr.ints([[x.numerator for x in r] for r in Di]),
                                  intarr.ints([[x.denominator for x in r] for r in Di]))
                           for Di in mine["d"]]) == []
    assert q.dLdh == mine["dLdh"] == ref.dLdh and q.dLdr == ref.dLdr and q.lmax == ref.lmax


@settings(max_examples=30, **SETTINGS)
@given(problems(big=True))
def test_beyond_int64_the_integer_route_is_still_exact(problem):
    q, ref = both(problem)
    mine = own(problem)
    assert q.L == mine["loss"] and q.K0 == mine["kinks"]
    assert [q.D_row(i) for i in range(q.I)] == mine["d"] and q.dLdh == mine["dLdh"]
    _same_forms(q, ref)


vectors = st.lists(st.fractions(min_value=-3, max_value=3, max_denominator=4), min_size=3, max_size=3)


def _same_forms(q, ref, vs=()):
    fq, fr_ = Forms(q, 10 ** 6), Forms(ref, 10 ** 6)
    for i in range(q.I):
        assert fq.analysis(i) == fr_.analysis(i)
        assert sorted(map(ref.canon_line, fq.rep(i)[0])) == sorted(fr_.rep(i)[0])
        for v in vs:
            v = v[:q.d]
            assert q.F(i, v) == ref.F(i, v) and q.w_dot(i, v) == ref.w_dot(i, v)
            assert all(q.phi(i, j, v) == ref.phi(i, j, v) for j in range(q.J))


@settings(max_examples=60, **SETTINGS)
@given(problems(), st.lists(vectors, min_size=1, max_size=3))
def test_forms_phi_and_F_agree_with_the_fraction_route(problem, vs):
    q, ref = both(problem)
    _same_forms(q, ref, vs)
    assert q.rho_w() == ref.rho_w()


@settings(max_examples=40, **SETTINGS)
@given(problems(), st.data())
def test_witness_paths_agree_with_the_fraction_route(problem, data):
    q, ref = both(problem)
    small = st.fractions(min_value=-2, max_value=2, max_denominator=3)
    dW = [[data.draw(small) if data.draw(st.booleans()) else Fr(0) for _ in range(q.d)] for _ in range(q.I)]
    dH = [[data.draw(small) for _ in range(q.I)] for _ in range(q.J)]
    qa = lambda m: QArray(intarr.ints([[x.numerator for x in r] for r in m]),  # noqa: E731
                          intarr.ints([[x.denominator for x in r] for r in m]))
    ts = [Fr(1, 7), Fr(2, 3), Fr(5, 2)]
    moved = ref.moved(dW, dH)
    assert q.moved(qa(dW), qa(dH)) == moved
    assert q.flip(qa(dW), moved) == ref.flip(dW, moved)
    assert q.path_losses(qa(dW), qa(dH), moved, ts) == ref.path_losses(dW, dH, moved, ts)
    assert q.norm_sq(qa(dW), qa(dH)) == ref.norm_sq(dW, dH)


def _mutations(cert: dict, draw) -> list[tuple[str, dict]]:
    """Single-entry mutations: (the field the checker must name, the mutated certificate)."""
    out = []
    delta = fraction_text(draw(st.sampled_from([Fr(1), Fr(-1, 3), Fr(1, 10 ** 30)])))
    bad = copy.deepcopy(cert)
    bad["loss"] = fraction_text(Fr(bad["loss"]) + Fr(delta))
    out.append(("loss", bad))
    I, J, d = len(cert["neurons"]), len(cert["neurons"][0]["d"]), len(cert["neurons"][0]["d"][0])
    i, j, c = draw(st.integers(0, I - 1)), draw(st.integers(0, J - 1)), draw(st.integers(0, d - 1))
    bad = copy.deepcopy(cert)
    bad["neurons"][i]["d"][j][c] = fraction_text(Fr(bad["neurons"][i]["d"][j][c]) + Fr(delta))
    out.append((f"neurons[{i}].d", bad))
    bad = copy.deepcopy(cert)
    bad["neurons"][i]["dL_dh"][j] = fraction_text(Fr(bad["neurons"][i]["dL_dh"][j]) + Fr(delta))
    out.append((f"neurons[{i}].dL_dh", bad))
    bad = copy.deepcopy(cert)
    k = draw(st.integers(0, len(cert["problem"]["X"]) - 1))
    ks = set(bad["neurons"][i]["kink_set"]) ^ {k}
    bad["neurons"][i]["kink_set"] = sorted(ks)
    out.append((f"neurons[{i}].kink_set", bad))
    return out


@settings(max_examples=40, **SETTINGS)
@given(problems(), st.data())
def test_single_entry_mutations_are_rejected(problem, data):
    cert = exactland.certify(exactland.load(problem), budget=2000).to_dict()
    assert check_certificate(cert).valid
    for field, bad in _mutations(cert, data.draw):
        r = check_certificate(bad)
        assert not r.valid and any(x.startswith(field) for x in r.reasons), (field, r.reasons)


def test_a_certificate_with_written_kink_lines_has_them_checked():
    # exactland no longer writes the kink lines; a certificate that carries them (as
    # earlier format-2 certificates do) has them checked: primitive vectors, each once.
    # x = (1,0), (0,1); w = (1, 0): sample 1 is on the kink, its line has normal (0, 1).
    p = {"activation": {"alpha_plus": "1", "alpha_minus": "0"}, "X": [["1", "0"], ["0", "1"]],
         "Y": [["1"], ["-1"]], "W": [["1", "0"]], "H": [["1"]]}
    cert = exactland.certify(exactland.load(p)).to_dict()
    assert "lines" not in cert["neurons"][0]["tangential"] and check_certificate(cert).valid
    for lines, valid in [([["0", "1"]], True), ([["0", "2"]], False), ([["0", "-1"]], False),
                         ([["0", "1"], ["0", "1"]], False), ([], False)]:
        c = copy.deepcopy(cert)
        c["neurons"][0]["tangential"]["lines"] = lines
        r = check_certificate(c)
        assert r.valid == valid and (valid or r.reasons[0].startswith("neurons[0].tangential.lines"))


def test_the_python_integer_fallback_is_used_beyond_int64():
    big = str(10 ** 30)
    p = {"activation": {"alpha_plus": "1", "alpha_minus": "0"}, "X": [[big, "1"], ["-1", big]],
         "Y": [["1"], ["2"]], "W": [["1", "1/" + big]], "H": [["3"]]}
    q, ref = both(p)
    assert q.Zn.dtype == object and q.L == ref.L == own(p)["loss"]
    cert = exactland.certify(exactland.load(p)).to_dict()
    assert check_certificate(cert).valid


@settings(max_examples=80, **SETTINGS)
@given(st.lists(st.fractions(max_denominator=10 ** 20).map(lambda x: x * 10 ** 18), min_size=1, max_size=12),
       st.sampled_from(["plain", "spaced", "decimal"]))
def test_bulk_reading_and_canonical_texts_agree_with_the_entry_reader(values, style):
    def text(x):
        if style == "spaced" and x.denominator != 1:
            return f"{2 * x.numerator} / {2 * x.denominator}"  # unreduced and spaced: the general reader
        if style == "decimal" and x.denominator == 1:
            return f"{x.numerator}.0"
        return f"{x.numerator}/{x.denominator}" if x.denominator != 1 else str(x.numerator)
    flat = [text(x) for x in values]
    q = read_matrix(flat, (1, len(flat)), lambda p: fraction_from_text(flat[p], "x"))
    assert q.fractions() == [values]
    assert q.canonical() == [[fraction_text(x) for x in values]]
    N, D = q.cleared()
    assert [Fr(int(n), D) for n in N.ravel().tolist()] == values


@settings(max_examples=100, **SETTINGS)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.sampled_from([3, 10 ** 9, 2 ** 40, 10 ** 25]),
       st.data())
def test_integer_arrays_are_exact(r, n, c, size, data):
    ints = st.integers(-size, size)
    A = [[data.draw(ints) for _ in range(n)] for _ in range(r)]
    B = [[data.draw(ints) for _ in range(c)] for _ in range(n)]
    a, b = intarr.ints(A), intarr.ints(B)
    want = [[sum(A[x][k] * B[k][y] for k in range(n)) for y in range(c)] for x in range(r)]
    assert intarr.matmul(a, b).tolist() == want
    assert intarr.mul(a, size).tolist() == [[x * size for x in row] for row in A]
    nums = [abs(x) for x in A[0]]
    dens = [abs(data.draw(ints)) + 1 for _ in nums]
    p = intarr.argmin_ratio(intarr.ints(nums), intarr.ints(dens))
    assert Fr(nums[p], dens[p]) == min(Fr(x, y) for x, y in zip(nums, dens))
