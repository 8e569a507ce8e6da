"""Exact witness paths ``t ↦ P + tΔ`` and their loss polynomials.

A witness moves the parameters of one neuron i. While no sample outside the
kink set ``K⁰(i)`` changes side (``0 ≤ t < t_max``), the activations are affine
in t: ``rho((w_i + tΔw)·x_k) = A_k + t B_k`` with ``A_k = rho(w_i·x_k)`` and
``B_k = rho'(w_i·x_k)(Δw·x_k)`` off the kinks, ``B_k = rho(Δw·x_k)`` on them.
The residuals are then ``e_kj + t p_kj + t² q_kj`` with
``p_kj = Δh_j A_k + h_ji B_k`` and ``q_kj = Δh_j B_k``, and the loss is the
degree-4 polynomial ``½ Σ (e + tp + t²q)²`` — its coefficients are computed
here in closed form; the checker re-derives them by interpolation of direct
loss evaluations, an independent route.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from flint import fmpq

from exactland.core.network import Evaluation
from exactland.core.polynomial import loss_polynomial, witness_point
from exactland.errors import InternalError
from exactland.exact.linalg import dot
from exactland.exact.scalars import sign

__all__ = ["PathWitness", "activation_increments", "bias_gradient", "bias_path", "neuron_path"]

Vector = tuple[Any, ...]


@dataclass(frozen=True)
class PathWitness:
    """A ray ``P + tΔ`` with its exact loss polynomial and a witness point.

    Attributes
    ----------
    kind : str
        ``"descent"`` or ``"ascent"``.
    neuron : int or None
        The neuron whose parameters move (None: only the output bias moves).
    dh : vector
        ``Δh_{·i}`` (per output j).
    dw : vector
        ``Δw_i``.
    t_max : exact number or None
        The polynomial is valid on ``[0, t_max)`` (None: for every t ≥ 0).
    coefficients : tuple of 5 exact numbers
        ``c0..c4`` with ``L(P + tΔ) = Σ c_n tⁿ``.
    order : int
        First n ≥ 1 with ``c_n != 0``.
    t : exact number
        A point in ``(0, t_max)`` where the loss moved strictly the right way.
    loss : exact number
        ``L(P + tΔ)``.
    db : vector or None
        ``Δb``, the output-bias component (None: the bias does not move).
    """

    kind: str
    neuron: int | None
    dh: Vector
    dw: Vector
    t_max: Any
    coefficients: tuple[Any, ...]
    order: int
    t: Any
    loss: Any
    db: Vector | None = None

    def norm_sq(self) -> Any:
        """``‖Δ‖²`` (squared Euclidean norm over all parameters)."""
        return dot(self.dh, self.dh) + dot(self.dw, self.dw) + (dot(self.db, self.db) if self.db else 0)

    def full_direction(self, n_neurons: int, n_outputs: int) -> tuple[tuple[Vector, ...], tuple[Vector, ...]]:
        """``(ΔW, ΔH)`` over all parameters: zero except neuron ``i``'s row and column.

        Parameters
        ----------
        n_neurons, n_outputs : int
            |I| and |J| of the problem (d is ``len(dw)``).

        Returns
        -------
        (ΔW, ΔH) : tuples of rows, |I|×d and |J|×|I|

        Examples
        --------
        >>> pw = PathWitness("descent", 1, (fmpq(2),), (fmpq(1), fmpq(0)), None,
        ...                  (fmpq(0),) * 5, 2, fmpq(1), fmpq(0))
        >>> pw.full_direction(2, 1)
        (((0, 0), (1, 0)), ((0, 2),))
        """
        zero = fmpq(0)
        W = [(zero,) * len(self.dw)] * n_neurons
        if self.neuron is None:
            return tuple(W), tuple((zero,) * n_neurons for _ in range(n_outputs))
        W[self.neuron] = tuple(self.dw)
        H = tuple(tuple(self.dh[j] if i == self.neuron else zero for i in range(n_neurons))
                  for j in range(n_outputs))
        return tuple(W), H

    def corollary_4_4(self) -> tuple[Any, Any, Any]:
        """``(C, ‖Δ‖², C/‖Δ‖²)``: ``L(P + δℓ) − L(P) ~ C_unit δ²`` along ℓ = Δ/‖Δ‖."""
        c2 = self.coefficients[2]
        n = self.norm_sq()
        return c2, n, c2 / n


def activation_increments(
    ev: Evaluation, i: int, dw: Sequence[Any]
) -> tuple[list[tuple[Any, Any]], Any]:
    """``(A_k, B_k)`` with ``rho((w_i + tΔw)·x_k) = A_k + t B_k`` on ``[0, t_max)``.

    Returns
    -------
    AB : list of pairs
        ``A_k = rho(w_i·x_k)``; ``B_k = rho'(w_i·x_k)(Δw·x_k)`` off the kink set,
        ``rho(Δw·x_k)`` on it.
    t_max : exact number or None
        First t at which a sample outside the kink set changes side.
    """
    act = ev.problem.activation
    t_max: Any = None
    AB: list[tuple[Any, Any]] = []
    for k, x in enumerate(ev.problem.X):
        s = int(ev.signs[i, k])
        dz = dot(dw, x)
        if s == 0:
            B = act(dz)
        else:
            B = act.slope(s) * dz
            if sign(dz) == -s:
                flip = abs(ev.z(i, k)) / abs(dz)
                if t_max is None or flip < t_max:
                    t_max = flip
        AB.append((ev.rho(i, k), B))
    return AB, t_max


def neuron_path(
    ev: Evaluation, i: int, dh: Sequence[Any], dw: Sequence[Any], kind: str
) -> PathWitness | None:
    """Build the path that moves neuron ``i`` by ``(Δh, Δw)``.

    Parameters
    ----------
    ev : Evaluation
    i : int
    dh, dw : vectors
        Output-weight and input-weight components of Δ.
    kind : {"descent", "ascent"}

    Returns
    -------
    PathWitness or None
        None when the first nonzero coefficient after ``c0`` has the wrong
        sign (or all vanish), i.e. Δ is not a witness of the requested kind.

    Examples
    --------
    >>> from exactland.core.problem import load
    >>> from exactland.core.network import evaluate
    >>> from flint import fmpq
    >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0},
    ...           "X": [[1, 0], [0, 1]], "Y": [[1], [2]],
    ...           "W": [[0, 0]], "H": [[0]]})
    >>> pw = neuron_path(evaluate(p), 0, (fmpq(1),), (fmpq(0), fmpq(1)), "descent")
    >>> pw.coefficients, pw.order
    ((5/2, 0, -2, 0, 1/2), 2)
    """
    p = ev.problem
    J = p.n_outputs
    h = p.h_column(i)
    AB, t_max = activation_increments(ev, i, dw)
    c = loss_polynomial((ev.e(k, j), dh[j] * A + h[j] * B, dh[j] * B)
                        for k, (A, B) in enumerate(AB) for j in range(J))
    return _witness(ev, c, t_max, kind, i, tuple(dh), tuple(dw), None)


def bias_gradient(ev: Evaluation) -> Vector | None:
    """``∂L/∂b = Σ_k e_k`` (one entry per output), or None without an output bias.

    Examples
    --------
    >>> from exactland.core.problem import load
    >>> from exactland.core.network import evaluate
    >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [[1, 0], [0, 1]],
    ...           "Y": [[1], [2]], "W": [[1, 0]], "H": [[1]], "b": [0]})
    >>> bias_gradient(evaluate(p))
    (-2,)
    """
    p = ev.problem
    if p.b is None:
        return None
    return tuple(sum((ev.e(k, j) for k in range(p.n_samples)), fmpq(0)) for j in range(p.n_outputs))


def bias_path(ev: Evaluation, db: Sequence[Any], kind: str) -> PathWitness | None:
    """The path that moves only the output bias by ``Δb``.

    Every residual moves by ``tΔb``, so ``L(P + tΔ) = L + t Δb·Σ_k e_k +
    ½ t² |K| ‖Δb‖²`` for every t ≥ 0 (no sample changes side).

    Examples
    --------
    >>> from exactland.core.problem import load
    >>> from exactland.core.network import evaluate
    >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [[1, 0], [0, 1]],
    ...           "Y": [[1], [2]], "W": [[1, 0]], "H": [[1]], "b": [0]})
    >>> bias_path(evaluate(p), (fmpq(1),), "descent").coefficients
    (2, -2, 1, 0, 0)
    """
    p = ev.problem
    c = loss_polynomial((ev.e(k, j), db[j], fmpq(0)) for k in range(p.n_samples) for j in range(p.n_outputs))
    zero = (fmpq(0),) * p.n_outputs
    return _witness(ev, c, None, kind, None, zero, (fmpq(0),) * p.dim, tuple(db))


def _witness(ev: Evaluation, c: tuple[Any, ...], t_max: Any, kind: str, i: int | None,
             dh: Vector, dw: Vector, db: Vector | None) -> PathWitness | None:
    """The path with loss polynomial ``c`` if it moves the loss the ``kind`` way first."""
    if c[0] != ev.loss:
        raise InternalError("path polynomial does not start at the loss")
    if db is None and ev.problem.b is not None:
        db = (fmpq(0),) * ev.problem.n_outputs
    found = witness_point(c, t_max / 2 if t_max is not None else fmpq(1), -1 if kind == "descent" else 1, 2000)
    if found is None:
        return None
    order, t, val = found
    return PathWitness(kind, i, dh, dw, t_max, c, order, t, val, db)
