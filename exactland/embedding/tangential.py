"""First-order facts about one neuron that the embedding rules need.

``F_i ≡ 0`` (all tangential derivatives of ``w_i`` vanish, condition (1) of
Proposition 4.9) decides what unit replication does to a stationary point;
Fukumizu et al.'s F matrix (eq. 41) is the object of their Theorem 10, which
Appendix O compares with type-1 minima.
"""
from __future__ import annotations

from exactland.core.kinks import neuron_data
from exactland.core.network import evaluate
from exactland.core.problem import Problem
from exactland.embedding.arguments import Vector, neuron_index
from exactland.errors import InputError

__all__ = ["tangentially_flat", "fukumizu_f_matrix"]


def tangentially_flat(problem: Problem, neuron: int) -> bool:
    """Whether all tangential derivatives of ``w_i`` vanish: ``F_i ≡ 0``.

    ``∂L/∂s_i = F_i(v)`` (eq. 6) is a piecewise-linear form on the tangent
    space; ``F_i ≡ 0`` is an exact coefficient test (condition (1) of
    Proposition 4.9).

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> p = load_example("final-minimum")   # neuron 0 sits on the kink of x_5
    >>> tangentially_flat(p, 0), tangentially_flat(p, 1)
    (False, True)
    """
    return neuron_data(evaluate(problem), neuron_index(problem, neuron)).F.is_zero()


def fukumizu_f_matrix(problem: Problem, neuron: int) -> tuple[Vector, ...]:
    """Fukumizu et al.'s F matrix of a kink-free neuron (eq. 41), as columns.

    ``F_{:,j} = Σ_k e_kj ∂rho(x_k·w_i)/∂w_i = d_ji`` (for ReLU-like rho the
    derivative is ``a⁺x_k`` or ``a⁻x_k``). Lemma O.1: at a type-1 minimum
    every kink-free neuron has ``d_ji = 0``, so this matrix is zero and
    Theorem 10 of Fukumizu et al. (2019) says nothing there (Appendix O).

    Returns
    -------
    tuple of vectors
        Column j is ``d_ji`` (length d), for j in J.

    Raises
    ------
    InputError
        If some ``w_i·x_k = 0`` (eq. 40, the assumption of their theorem).

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> fukumizu_f_matrix(load_example("final-minimum"), 1)
    ((0, 0),)
    """
    nd = neuron_data(evaluate(problem), neuron_index(problem, neuron))
    if nd.kink_set:
        raise InputError(
            f"w_{neuron} is orthogonal to x_k for k in {list(nd.kink_set)}: the F matrix "
            "of Fukumizu et al. (eq. 41) needs w·x_k != 0 for every k (eq. 40)",
            "neuron",
        )
    return nd.d
