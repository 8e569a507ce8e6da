"""Network embedding on the paper's Section 4.1.1 minimum (Section 4.3, Appendices L-N).

Run:  python examples/embedding_examples.py

The final type-1 minimum of the Section 4.1.1 run (``final-minimum``): the
learned function is the least-squares line through the 5 samples; neuron 0
(w = (-1, 7/10), h = 1/8) sits on the kink of x_5 = (0.7, 1), neuron 1 is
active on every sample, neuron 2 is dead. With residual e_5 = 3201/23150 > 0,
d_0 = sum_{k<5} e_k x_k = -e_5 x_5 (least squares: sum_k e_k x_k = 0), so along a
tangential v, with z = x_5 . v,

    dL/ds_0 = F_0(v) = h_0 (d_0 . v + e_5 rho(z)) = h_0 e_5 (rho(z) - z) = h_0 e_5 max(-z, 0),

which is >= 0 but not identically 0, while F_1 = F_2 = 0 (d_1 = sum_k e_k x_k = 0,
d_2 = 0 for a dead ReLU neuron). Proposition 4.9 then predicts:

* replicating neuron 0 with gamma = (2, -1) destroys stationarity;
* replicating neuron 0 with gamma = (1/2, 1/2) keeps the type-1 minimum;
* replicating neuron 1 with gamma = (2, -1) keeps it too (F_1 = 0);
* replicating neuron 0 with gamma = (1, 0) gives a saddle, which ``split``
  follows to a point of strictly lower loss (Section 4.3, closing remark).

Each function returns the library result; tests/test_embedding.py calls them.
"""
from __future__ import annotations

from exactland.builtin.examples import load_example
from exactland.embedding.operations import EmbeddingResult, replicate
from exactland.embedding.split import SplitResult, split
from exactland.errors import InternalError
from exactland.exact.scalars import to_float, to_str

__all__ = [
    "replication_destroys_stationarity",
    "replication_keeps_minimum",
    "replication_of_flat_neuron_keeps_minimum",
    "split_final_minimum",
]


def replication_destroys_stationarity() -> EmbeddingResult:
    """Neuron 0 of ``final-minimum`` with beta = (1, 1), gamma = (2, -1): not stationary."""
    return replicate(load_example("final-minimum"), 0, [1, 1], [2, -1])


def replication_keeps_minimum() -> EmbeddingResult:
    """Neuron 0 of ``final-minimum`` with beta = (1, 1), gamma = (1/2, 1/2): type-1 kept."""
    return replicate(load_example("final-minimum"), 0, [1, 1], ["1/2", "1/2"])


def replication_of_flat_neuron_keeps_minimum() -> EmbeddingResult:
    """Neuron 1 (F_1 = 0) with beta = (1, 1), gamma = (2, -1): type-1 kept despite gamma < 0."""
    return replicate(load_example("final-minimum"), 1, [1, 1], [2, -1])


def split_final_minimum() -> SplitResult:
    """The split procedure on the final minimum of the Section 4.1.1 run."""
    return split(load_example("final-minimum"))


def _show(name: str, r: EmbeddingResult) -> None:
    if r.prediction is None or r.certificate is None:
        raise InternalError("replicate(compare=True) returned no prediction or certificate")
    print(f"== {name}")
    print(f"   predicted: stationary {r.prediction.stationary}, type-1 minimum {r.prediction.type1_minimum}")
    print(f"   rule: {r.prediction.rule}")
    print(f"   certificate: {r.certificate.verdict.value}; agree: {r.agree}")


if __name__ == "__main__":
    _show("replication destroys stationarity", replication_destroys_stationarity())
    _show("replication keeps the type-1 minimum", replication_keeps_minimum())
    _show("replicating a tangentially flat neuron keeps it", replication_of_flat_neuron_keeps_minimum())
    s = split_final_minimum()
    print("== split (Section 4.3, closing remark)")
    print(f"   neuron {s.neuron}, beta {[to_str(b) for b in s.beta]}, gamma {[to_str(g) for g in s.gamma]}: "
          f"{s.embedding.certificate.verdict.value if s.embedding.certificate else None}")
    print(f"   L: {to_str(s.loss_before)} -> {to_str(s.loss_after)}")
    print(f"   MSE: {to_float(s.mse(s.loss_before)):.9f} -> {to_float(s.mse(s.loss_after)):.9f}")
