"""Bring your own network: float weights and data from files, arrays and PyTorch → exact problems.

One concept per module:

* :mod:`~exactland.importing.activation`: the activation spec (``relu``,
  ``leaky_relu:SLOPE``, ``ALPHA_PLUS,ALPHA_MINUS``);
* :mod:`~exactland.importing.arrays`: :func:`from_arrays`, the one place where
  float arrays become an exact :class:`~exactland.core.problem.Problem`
  (float rule of :mod:`exactland.exact.floats`, input bias folded as a
  constant-1 input coordinate);
* :mod:`~exactland.importing.layers`: finding ``Linear → activation → Linear``
  among named tensors by their shapes;
* :mod:`~exactland.importing.weights`: reading ``.npz``, ``.safetensors`` and
  PyTorch ``.pt``/``.pth`` files;
* :mod:`~exactland.importing.data`: reading data as ``.npz``, ``.csv`` or exact JSON;
* :mod:`~exactland.importing.torch_model`: :func:`from_torch` (PyTorch is an
  optional extra, imported only there and only when used);
* :mod:`~exactland.importing.files`: the ``exactland import`` pipeline.

This package file imports nothing, so that ``import exactland.importing.data``
does not load NumPy's file readers, safetensors or torch.
"""
