"""Shared helpers of the embedding tests: Fraction re-implementations (own
maths), the generator of least-squares kink points, and the examples script."""
from __future__ import annotations

import importlib.util
import pathlib
from dataclasses import dataclass
from fractions import Fraction as Fr

from oracles import dotf, fr, null_space, own_outputs
from hypothesis import HealthCheck, assume
from hypothesis import strategies as st

import exactland

ROOT = pathlib.Path(__file__).resolve().parents[1]
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
MIN = "type-1-minimum"


# ===================================================================== own maths
def frm(m) -> list[list[Fr]]:
    return [[fr(x) for x in row] for row in m]


def own_of(p: exactland.Problem):
    act = (fr(p.activation.alpha_plus), fr(p.activation.alpha_minus))
    return act, frm(p.X), frm(p.Y), frm(p.W), frm(p.H)


def own_d(p: exactland.Problem, i: int) -> list[list[Fr]]:
    """d_ji = sum_{w.x>0} a+ e_kj x_k + sum_{w.x<0} a- e_kj x_k (eq. 3), for every j."""
    act, X, Y, W, H = own_of(p)
    out = own_outputs(act, X, W, H)
    res = []
    for j in range(len(H)):
        d = [Fr(0)] * len(X[0])
        for x, o, y in zip(X, out, Y):
            z = dotf(W[i], x)
            a = act[0] if z > 0 else act[1] if z < 0 else Fr(0)
            d = [dc + a * (o[j] - y[j]) * xc for dc, xc in zip(d, x)]
        res.append(d)
    return res


# ===================================================================== generator
DENS = [1, 2, 3, 4]
Q = st.builds(Fr, st.integers(-6, 6), st.sampled_from(DENS))
QPOS = st.builds(Fr, st.integers(1, 6), st.sampled_from(DENS))
RELU, LEAKY, ABS = (Fr(1), Fr(0)), (Fr(1), Fr(1, 10)), (Fr(1), Fr(-1))


@dataclass(frozen=True)
class Gen:
    """A generated stationary point and the facts known by construction."""

    problem: exactland.Problem
    act: tuple[Fr, Fr]
    kink_of: dict[int, int]        # kink neuron -> its kink sample
    flat: tuple[bool, ...]         # F_i == 0 (module docstring)
    escape: tuple[bool, ...]       # escape neuron (module docstring)

    @property
    def type1(self) -> bool:
        return not any(self.escape)


@st.composite
def lsq_kink_points(draw, act: tuple[Fr, Fr], J: int | None = None, allow_escape: bool = True) -> Gen:
    d = draw(st.sampled_from([2, 3]))
    K = draw(st.integers(d + 1, 5))
    J = J or draw(st.sampled_from([1, 2]))
    X = [tuple(draw(Q) for _ in range(d - 1)) + (Fr(1),) for _ in range(K)]
    assume(len(set(X)) == K)
    basis = null_space([[x[m] for x in X] for m in range(d)], K)
    E = [[Fr(0)] * J for _ in range(K)]
    for j in range(J):
        for b in basis:
            c = draw(st.integers(-3, 3))
            for k in range(K):
                E[k][j] += c * b[k]
    jump = act[0] - act[1]
    W: list[tuple[Fr, ...]] = []
    Hc: list[list[Fr]] = []
    sides: list[int] = []
    kink_of: dict[int, int] = {}
    flat: list[bool] = []
    escape: list[bool] = []
    for _ in range(draw(st.integers(1, 2))):  # kink neurons
        u = tuple(draw(Q) for _ in range(d - 1))
        vals = [dotf(u, x[:-1]) for x in X]
        k = max(range(K), key=lambda j: vals[j])
        assume(sum(v == vals[k] for v in vals) == 1)
        s = draw(st.sampled_from([1, -1]))
        W.append(tuple(s * c for c in tuple(-a for a in u) + (vals[k],)))
        ek = E[k]
        mode = draw(st.sampled_from(["aligned", "aligned", "zero-h"] if allow_escape else ["aligned"]))
        if mode == "zero-h":
            h = [Fr(0)] * J
        else:  # (a+ - a-) h.e_k > 0 when e_k != 0
            c = draw(QPOS) * (1 if jump > 0 else -1)
            h = [c * e + draw(st.sampled_from([Fr(0), Fr(1, 7)])) for e in ek]
            if dotf(h, ek) * jump < 0 or (any(ek) and dotf(h, ek) == 0):
                h = [c * e for e in ek]
            if not any(ek):
                h = [draw(Q) for _ in range(J)]
        g = dotf(h, ek)
        kink_of[len(W) - 1] = k
        flat.append(g == 0)
        escape.append(g == 0 and any(ek))
        Hc.append(h)
        sides.append(s)
    for _ in range(draw(st.integers(0, 2))):  # neurons without kinks
        u = tuple(draw(Q) for _ in range(d - 1))
        bound = sum((abs(a * x[m]) for x in X for m, a in enumerate(u)), Fr(0))
        s = draw(st.sampled_from([1, -1]))
        W.append(u + (s * (bound + draw(QPOS)),))
        Hc.append([draw(Q) for _ in range(J)])
        sides.append(s)
        flat.append(True)
        escape.append(False)
    C = [[sum((Hc[i][j] * (act[0] if sides[i] > 0 else act[1]) * W[i][m] for i in range(len(W))), Fr(0))
          for m in range(d)] for j in range(J)]
    Y = [[dotf(C[j], x) - E[k][j] for j in range(J)] for k, x in enumerate(X)]
    H = [[Hc[i][j] for i in range(len(W))] for j in range(J)]
    m = lambda a: [[str(v) for v in row] for row in a]  # noqa: E731
    problem = exactland.load({"activation": {"alpha_plus": str(act[0]), "alpha_minus": str(act[1])},
                              "X": m(X), "Y": m(Y), "W": m(W), "H": m(H)})
    return Gen(problem, act, kink_of, tuple(flat), tuple(escape))


@st.composite
def replication_args(draw, n_neurons: int):
    i0 = draw(st.integers(0, n_neurons - 1))
    L = draw(st.integers(1, 3))
    beta = [draw(QPOS) for _ in range(L)]
    gamma = [draw(st.sampled_from([Fr(0), Fr(-1), Fr(1, 2), Fr(2)]) | Q) for _ in range(L - 1)]
    gamma.append((1 - sum((b * g for b, g in zip(beta, gamma)), Fr(0))) / beta[-1])
    return i0, beta, gamma


def s(xs) -> list[str]:
    return [str(x) for x in xs]




def load_examples_script():
    spec = importlib.util.spec_from_file_location("embedding_examples", ROOT / "examples" / "embedding_examples.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod
