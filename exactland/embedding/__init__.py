"""Network embeddings (Section 4.3, Appendices L–O), applied exactly.

Modules, from the bottom up:

* :mod:`exactland.embedding.arguments` — validated neuron indices and exact vectors;
* :mod:`exactland.embedding.prediction` — :class:`~exactland.embedding.prediction.Prediction`
  and its comparison with a certificate;
* :mod:`exactland.embedding.tangential` — ``F_i ≡ 0`` and Fukumizu et al.'s F matrix;
* :mod:`exactland.embedding.rules` — the paper's predictions (Proposition 4.9,
  Proposition M.1 / Remark M.2, Appendices M.1 and N);
* :mod:`exactland.embedding.operations` — the four embeddings, predicted and certified;
* :mod:`exactland.embedding.line_search` — exact line search along a one-neuron ray;
* :mod:`exactland.embedding.split` — escaping a type-1 minimum by unit replication.
"""
