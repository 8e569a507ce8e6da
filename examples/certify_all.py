"""Certify every problem JSON in this folder and re-check each certificate.

Run:  python examples/certify_all.py
Each file's "description" states the expected verdict (derived by hand in
tests/test_paper.py); tests/test_examples.py runs this script's function.
"""
from __future__ import annotations

import pathlib

import exactland

HERE = pathlib.Path(__file__).resolve().parent


def certify_all(folder: pathlib.Path = HERE) -> dict[str, tuple[str, bool]]:
    """Map each example file name to (verdict, independent check valid)."""
    out = {}
    for path in sorted(folder.glob("*.json")):
        cert = exactland.certify(exactland.load(path))
        out[path.stem] = (cert.verdict.value, cert.verify().valid)
    return out


if __name__ == "__main__":
    for name, (verdict, valid) in certify_all().items():
        print(f"{name:32s} {verdict:16s} check: {'valid' if valid else 'INVALID'}")
