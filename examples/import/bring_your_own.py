"""Bring your own network: a float32 PyTorch-style network with biases, imported and certified.

Run:  python examples/import/bring_your_own.py [FOLDER]

It writes ``tiny-net.npz`` (the float32 layers of ``Linear(2→3) → ReLU →
Linear(3→1)``: ``W``, input bias ``c``, ``H``, output bias ``b``, and the data
``X``, ``Y``) into FOLDER (default: the current folder), imports it as
``exactland import`` does and certifies the result.

Every number is a short binary fraction (0.5, -1.25, ...), so the float32
values are exactly the decimals one reads, and the targets are the network's
own outputs: the loss is exactly 0 and the point is a global, hence type-1,
minimum. By hand, for x = (1, 2): W x + c = (0.5+(-1)+0.25, -1.25+1.5+0.5,
1+0.5-1) = (-0.25, 0.75, 0.5); ReLU gives (0, 0.75, 0.5); H·that + b =
(2·0 + (-1)·0.75 + 0.5·0.5) + 0.25 = -0.25, which is Y[0].
tests/test_import.py runs :func:`main` in a temporary folder.
"""
from __future__ import annotations

import pathlib
import sys

import numpy as np

W = np.array([[0.5, -0.5], [-1.25, 0.75], [1.0, 0.25]], dtype=np.float32)
c = np.array([0.25, 0.5, -1.0], dtype=np.float32)
H = np.array([[2.0, -1.0, 0.5]], dtype=np.float32)
b = np.array([0.25], dtype=np.float32)
X = np.array([[1.0, 2.0], [2.0, -1.0], [-1.0, 0.5], [0.5, 0.5], [3.0, 1.0]], dtype=np.float32)


def network(x: np.ndarray) -> np.ndarray:
    """``H relu(W x + c) + b`` in float32 (exact here: every value is a short binary fraction)."""
    return np.maximum(x @ W.T + c, 0) @ H.T + b


def write_npz(folder: pathlib.Path = pathlib.Path(".")) -> pathlib.Path:
    """Write ``tiny-net.npz`` (W, c, H, b, X, Y = network(X)) and return its path."""
    path = pathlib.Path(folder) / "tiny-net.npz"
    np.savez(path, W=W, c=c, H=H, b=b, X=X, Y=network(X))
    return path


def main(folder: pathlib.Path = pathlib.Path(".")) -> tuple[str, bool]:
    """Write the file, import it, certify it; return (verdict, independent check valid)."""
    import exactland
    from exactland.importing.files import import_network

    imported = import_network(write_npz(folder))
    for line in imported.report:
        print(line)
    cert = exactland.certify(imported.problem)
    valid = cert.verify().valid
    print(f"verdict: {cert.verdict.value}, loss {cert.loss}, check: {'valid' if valid else 'INVALID'}")
    return cert.verdict.value, valid


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path("."))
