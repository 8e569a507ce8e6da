"""Float (or exact) arrays → an exact problem: :func:`from_arrays`.

The network is ``ŷ = H ρ(W x + c) + b`` with PyTorch's shapes (``nn.Linear``
stores its weight as (out, in)): W is |I|×d0, the input bias c has |I|
entries, H is |J|×|I| and the output bias b has |J|.

* **Floats** become exact by the float rule of :mod:`exactland.exact.floats`:
  the shortest decimal that rounds back to the same float in its own precision
  (float32 read as float32), or with ``exact_binary=True`` the exact binary
  value. Integers and exact numbers (strings, ``fmpq``, ``Fraction``) are kept.
* **Input bias**: ``w·x + c = (w, c)·(x, 1)``, the paper's own convention: the
  data get a constant-1 input coordinate appended (column d0 of X) and c
  becomes the last column of W. ``origin["input_bias_column"] = d0`` records
  it, so that results map back to the user's layers: the first d0 columns of
  W are the first layer's weight, the last is its bias.
* **Output bias** b is the problem's ``b`` (``ŷ = Hρ(Wx) + b``).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from exactland.core.entries import origin_text, parse_matrix, parse_vector
from exactland.core.problem import Problem
from exactland.errors import InputError, ShapeError
from exactland.exact.floats import float_rule, float_to_exact, floats_to_exact
from exactland.exact.scalars import parse_exact
from exactland.importing.activation import parse_activation

__all__ = ["exact_array", "from_arrays"]


def _as_numpy(value: Any, name: str) -> np.ndarray:
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor, without importing torch
        value = value.detach().cpu()
        value = value.float() if str(value.dtype) == "torch.bfloat16" else value
        value = value.numpy()
    try:
        arr = np.asarray(value)
        if not isinstance(value, np.ndarray) and arr.dtype.kind in "US":  # mixed lists: keep each entry
            arr = np.asarray(value, dtype=object)
    except ValueError as exc:  # ragged nested lists
        raise ShapeError(f"not a rectangular array ({exc})", name) from None
    return arr


def exact_array(value: Any, name: str, ndim: int, exact_binary: bool = False) -> tuple[list[Any], bool]:
    """An array-like as nested lists of exact numbers, and whether floats were converted.

    Parameters
    ----------
    value : array_like
        A NumPy array, a (CPU) torch tensor, or nested lists of numbers or
        exact texts; floats follow the float rule, everything else must be
        exact.
    name : str
        The array's name in messages (``"W"``).
    ndim : int
        1 or 2.
    exact_binary : bool
        The float rule (:mod:`exactland.exact.floats`).

    Raises
    ------
    ShapeError
        Wrong number of dimensions, ragged or empty.
    NotExactError
        NaN/infinite or inexact entries, named by position.

    Examples
    --------
    >>> exact_array([[0.1, "1/3"], [2, 0.5]], "W", 2)
    ([[1/10, 1/3], [2, 1/2]], True)
    """
    arr = _as_numpy(value, name)
    if arr.ndim != ndim:
        raise ShapeError(f"expected a {ndim}-D array, got shape {arr.shape}", name)
    if arr.size == 0:
        raise ShapeError(f"is empty (shape {arr.shape})", name)
    kind = arr.dtype.kind
    if kind in "fiu":
        return floats_to_exact(arr, exact_binary=exact_binary, where=name).tolist(), kind == "f"
    if kind not in "OU":
        raise InputError(f"dtype {arr.dtype} is not a number type", name)
    floats = False
    flat = []
    for idx, x in zip(np.ndindex(arr.shape), arr.ravel().tolist()):
        where = name + "".join(f"[{i}]" for i in idx)
        if isinstance(x, (float, np.floating)):
            floats = True
            flat.append(float_to_exact(x, exact_binary=exact_binary, where=where))
        else:
            flat.append(parse_exact(x, where))
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(arr.shape).tolist(), floats


def _shape_checks(W: list, H: list, X: list, Y: list, b: list | None, c: list | None) -> None:
    n_in, d0 = len(W), len(W[0])
    if len(X[0]) != d0:
        raise ShapeError(f"X has {len(X[0])} columns but the first layer W is {n_in}×{d0} "
                         f"(|I|×d0, PyTorch's (out, in)): X must have d0 = {d0} columns", "X")
    if len(H[0]) != n_in:
        raise ShapeError(f"H is {len(H)}×{len(H[0])} but W has |I| = {n_in} rows: H must be "
                         f"|J|×|I| = {len(H)}×{n_in}", "H")
    if len(Y) != len(X):
        raise ShapeError(f"Y has {len(Y)} rows but X has {len(X)} samples", "Y")
    if len(Y[0]) != len(H):
        raise ShapeError(f"Y has {len(Y[0])} columns but H has |J| = {len(H)} rows (outputs)", "Y")
    if b is not None and len(b) != len(H):
        raise ShapeError(f"the output bias has {len(b)} entries but H has |J| = {len(H)} rows", "b")
    if c is not None and len(c) != n_in:
        raise ShapeError(f"the input bias has {len(c)} entries but W has |I| = {n_in} rows", "input_bias")


def from_arrays(W: Any, H: Any, X: Any, Y: Any, b: Any = None, *, activation: Any = "relu",
                input_bias: Any = None, exact_binary: bool = False,
                origin: Mapping[str, Any] | None = None) -> Problem:
    """The exact problem of the network ``ŷ = H ρ(W x + c) + b`` on the data (X, Y).

    Parameters
    ----------
    W : array_like, |I|×d0
        First layer weight (PyTorch's ``nn.Linear.weight``: (out, in)).
    H : array_like, |J|×|I|
        Second layer weight.
    X : array_like, |K|×d0
        Inputs.
    Y : array_like, |K|×|J| (or |K| when |J| = 1)
        Targets.
    b : array_like, |J|, optional
        Output bias (the problem's ``b``).
    activation : str, Activation, mapping or pair, default "relu"
        See :func:`exactland.importing.activation.parse_activation`.
    input_bias : array_like, |I|, optional
        First layer bias c: folded as a constant-1 input coordinate (column
        d0 of X, last column of W), recorded in ``origin``.
    exact_binary : bool, default False
        False: floats become the shortest decimal that rounds back to the same
        float (float32 read as float32); True: their exact binary values.
    origin : mapping, optional
        Extra metadata for the problem's ``origin`` (for example ``source``).

    Returns
    -------
    Problem
        Its ``origin`` records ``float_rule`` (when any float was converted)
        and ``input_bias_column`` (when an input bias was folded).

    Raises
    ------
    ShapeError, DimensionError
        Shapes that do not chain (the message names both arrays).
    NotExactError
        NaN or infinite entries (named), inexact non-float entries.
    ActivationError
        An unknown activation spec.

    Examples
    --------
    >>> import numpy as np
    >>> p = from_arrays(np.array([[0.5]], dtype=np.float32), [[2.0]], [[1.0], [3.0]],
    ...                 [[1.5], [4.0]], b=[0.1], input_bias=[0.25])
    >>> p.W, p.X, p.b
    (((1/2, 1/4),), ((1, 1), (3, 1)), (1/10,))
    >>> p.origin
    '{"float_rule":"shortest-decimal","input_bias_column":1}'
    """
    act = parse_activation(activation)
    if _as_numpy(Y, "Y").ndim == 1:
        Y = _as_numpy(Y, "Y").reshape(-1, 1)
    conv = {name: exact_array(v, name, nd, exact_binary) for name, v, nd in
            (("W", W, 2), ("H", H, 2), ("X", X, 2), ("Y", Y, 2), ("b", b, 1),
             ("input_bias", input_bias, 1)) if v is not None}
    Wl, Hl, Xl, Yl = (conv[k][0] for k in ("W", "H", "X", "Y"))
    bl = conv["b"][0] if "b" in conv else None
    cl = conv["input_bias"][0] if "input_bias" in conv else None
    _shape_checks(Wl, Hl, Xl, Yl, bl, cl)
    meta: dict[str, Any] = dict(origin or {})
    if any(floats for _, floats in conv.values()):
        meta["float_rule"] = float_rule(exact_binary)
    if cl is not None:
        meta["input_bias_column"] = len(Xl[0])
        Xl = [row + [parse_exact(1)] for row in Xl]
        Wl = [row + [ci] for row, ci in zip(Wl, cl)]
    Xm = parse_matrix(Xl, "X")
    Ym = parse_matrix(Yl, "Y", rows=len(Xm))
    Wm = parse_matrix(Wl, "W", cols=len(Xm[0]))
    Hm = parse_matrix(Hl, "H", rows=len(Ym[0]), cols=len(Wm))
    bv = None if bl is None else parse_vector(bl, "b", len(Ym[0]))
    return Problem(act, Xm, Ym, Wm, Hm, bv, origin_text(meta) if meta else None)
