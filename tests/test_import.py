"""Importing networks (issue 12, item 1): the float rule, files, arrays, torch, the CLI.

Expected values come from an independent route: ``Fraction(repr(x))`` for
float64, a brute-force shortest-decimal search with exact interval arithmetic
for float32, ``Fraction(float)`` for the exact binary values, and hand
computations for the bias folding.
"""
from __future__ import annotations

import json
import math
import pathlib
import sys
from fractions import Fraction

import numpy as np
import pytest
from flint import fmpq

import exactland
from exactland.cli.main import main
from exactland.errors import ActivationError, InputError, NotExactError, ShapeError
from exactland.exact.floats import float_to_exact, floats_to_exact, shortest_decimal
from exactland.importing.files import import_network
from exactland.importing.layers import find_layers

ROOT = pathlib.Path(__file__).resolve().parents[1]
RELU = {"alpha_plus": 1, "alpha_minus": 0}


def F(x) -> Fraction:
    return Fraction(int(x.p), int(x.q))


# ------------------------------------------------------------------ the float rule
def test_float32_is_read_as_float32() -> None:
    assert float_to_exact(np.float32(0.1)) == fmpq(1, 10)
    assert float_to_exact(0.1) == fmpq(1, 10)
    # 0.1 in float32 is 13421773 · 2^-27 (the nearest 24-bit mantissa to 0.1 · 2^27 = 13421772.8)
    assert float_to_exact(np.float32(0.1), exact_binary=True) == fmpq(13421773, 134217728)
    assert float_to_exact(0.1, exact_binary=True) == fmpq(3602879701896397, 2**55)
    assert float_to_exact(np.float16(0.1)) == fmpq(1, 10)
    assert float_to_exact(-0.0) == 0 and float_to_exact(np.int64(-7)) == -7


def _interval(x: np.floating) -> tuple[Fraction, Fraction]:
    """The reals halfway to x's neighbours: those strictly between round to ``x``."""
    X = Fraction(float(x))
    up = Fraction(float(np.nextafter(x, type(x)(np.inf))))
    down = Fraction(float(np.nextafter(x, type(x)(-np.inf))))
    return (X + down) / 2, (X + up) / 2


def _rounds_to(v: Fraction, x: np.floating) -> bool:
    """Whether the real ``v`` rounds to ``x`` (ties: half to even, decided in float64 for
    float16/32, where the halfway points are exact float64 numbers)."""
    lo, hi = _interval(x)
    if lo < v < hi:
        return True
    return v in (lo, hi) and type(x) is not np.float64 and type(x)(float(v)) == x


def _significant_digits(v: Fraction) -> int:
    while v.denominator != 1:
        v *= 10
    m = abs(v.numerator)
    while m and m % 10 == 0:
        m //= 10
    return len(str(m)) if m else 1


def _no_shorter_decimal(x: np.floating, digits: int) -> bool:
    """No decimal with ``digits - 1`` significant digits rounds to ``x``: the two such
    decimals next to x (below and above) both fail."""
    if digits == 1:
        return True
    X = Fraction(float(x))
    E = math.floor(math.log10(abs(float(x))))
    step = Fraction(10) ** (E - (digits - 2))
    below = math.floor(X / step) * step
    return not _rounds_to(below, x) and not _rounds_to(below + step, x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_shortest_decimal_independently(dtype) -> None:
    rng = np.random.default_rng(1)
    values = list(rng.normal(size=150) * 10.0 ** rng.integers(-8, 8, size=150))
    values += [0.1, 1 / 3, 2.5, 1e-7, 65504.0, 123456.7]
    for raw in values:
        with np.errstate(over="ignore"):
            x = dtype(raw)
        if not np.isfinite(x) or x == 0 or abs(x) == np.finfo(dtype).max:
            continue
        v = F(float_to_exact(x))
        assert _rounds_to(v, x), (x, v)
        assert _no_shorter_decimal(x, _significant_digits(v)), (x, v)
        if dtype is np.float64:
            assert v == Fraction(repr(float(x)))


def test_arrays_convert_each_distinct_value_once_and_name_nan() -> None:
    a = np.array([[0.1, 0.1], [0.25, -3.0]], dtype=np.float32)
    assert floats_to_exact(a).tolist() == [[fmpq(1, 10)] * 2, [fmpq(1, 4), fmpq(-3)]]
    assert floats_to_exact(a, exact_binary=True)[0, 0] == fmpq(13421773, 134217728)
    bad = np.array([[0.0, 1.0], [np.nan, 2.0]])
    with pytest.raises(NotExactError, match=r"W\[1\]\[0\]: nan is not a finite number"):
        floats_to_exact(bad, where="W")
    with pytest.raises(NotExactError, match=r"b\[1\]: inf"):
        floats_to_exact(np.array([1.0, np.inf]), where="b")
    assert shortest_decimal(np.float32(0.1)) == "1e-01"


# ------------------------------------------------------------------ load / certify
def test_load_accepts_numpy_arrays() -> None:
    p = exactland.load({"activation": RELU, "X": np.array([[1, 0], [0, 1]]),
                        "Y": np.array([[0.5], [0.1]], dtype=np.float32),
                        "W": np.array([["1/3", 2]], dtype=object), "H": np.array([[1.0]]),
                        "b": np.array([0.25])})
    assert p.X == ((1, 0), (0, 1)) and p.Y == ((fmpq(1, 2),), (fmpq(1, 10),))
    assert p.W == ((fmpq(1, 3), 2),) and p.b == (fmpq(1, 4),)
    with pytest.raises(ShapeError, match="expected a 2-D array"):
        exactland.load({"activation": RELU, "X": np.array([1, 2]), "Y": [[1]], "W": [[1]], "H": [[1]]})
    with pytest.raises(NotExactError, match=r"X\[0\]\[1\]: nan"):
        exactland.load({"activation": RELU, "X": np.array([[1.0, np.nan]]), "Y": [[1]], "W": [[1, 0]],
                        "H": [[1]]})


def test_certify_accepts_a_dict_and_a_path(tmp_path: pathlib.Path) -> None:
    d = {"activation": RELU, "X": [[1, 0], [0, 1]], "Y": [[1], [2]], "W": [[1, 2]], "H": [[1]]}
    assert exactland.certify(d).verdict.value == "type-1-minimum"
    f = tmp_path / "p.json"
    f.write_text(json.dumps(d))
    assert exactland.certify(f).verdict.value == "type-1-minimum"
    assert exactland.certify(str(f)).loss == 0


# ------------------------------------------------------------------ from_arrays
def test_bias_folding_by_hand() -> None:
    W, c = [[1, 2], [-1, 0.5]], [0.5, -1]
    H, b = [[2, -3]], [0.25]
    X, Y = [[1, -1], [3, 1]], [[0], [0]]
    p = exactland.from_arrays(W, H, X, Y, b=b, input_bias=c)
    assert json.loads(p.origin) == {"float_rule": "shortest-decimal", "input_bias_column": 2}
    assert p.X == ((1, -1, 1), (3, 1, 1))
    assert p.W == ((1, 2, fmpq(1, 2)), (-1, fmpq(1, 2), -1))
    # by hand: x=(1,-1): Wx+c = (1-2+0.5, -1-0.5-1) = (-0.5, -2.5) -> relu 0 -> yhat = b = 0.25
    #          x=(3, 1): Wx+c = (3+2+0.5, -3+0.5-1) = (5.5, -3.5) -> (5.5, 0) -> 2·5.5 + 0.25 = 11.25
    relu = lambda z: max(z, 0)
    yhat = [sum(F(fmpq(p.H[0][i])) * relu(sum(F(fmpq(w)) * F(fmpq(x)) for w, x in zip(p.W[i], xk)))
                for i in range(2)) + F(p.b[0]) for xk in p.X]
    assert yhat == [Fraction(1, 4), Fraction(45, 4)]
    # the loss exactland computes: ½ Σ (ŷ - y)² with y = 0
    assert F(exactland.certify(p).loss) == (Fraction(1, 4) ** 2 + Fraction(45, 4) ** 2) / 2


def test_from_arrays_refusals() -> None:
    W, H, X, Y = np.ones((3, 2)), np.ones((1, 3)), np.ones((4, 2)), np.ones((4, 1))
    with pytest.raises(ShapeError, match="X has 3 columns but the first layer W is 3×2"):
        exactland.from_arrays(W, H, np.ones((4, 3)), Y)
    with pytest.raises(ShapeError, match="H is 1×2 but W has |I| = 3"):
        exactland.from_arrays(W, np.ones((1, 2)), X, Y)
    with pytest.raises(ShapeError, match="input bias has 2 entries"):
        exactland.from_arrays(W, H, X, Y, input_bias=np.ones(2))
    with pytest.raises(NotExactError, match=r"H\[0\]\[2\]: nan"):
        exactland.from_arrays(W, np.array([[1.0, 2.0, np.nan]]), X, Y)
    with pytest.raises(ActivationError, match="unknown activation"):
        exactland.from_arrays(W, H, X, Y, activation="tanh")
    p = exactland.from_arrays(W, H, X, np.ones(4), activation="leaky_relu:0.01")
    assert p.Y == ((1,),) * 4 and p.activation.alpha_minus == fmpq(1, 100)
    assert exactland.from_arrays(W, H, X, Y, activation="1,1/10").activation.alpha_minus == fmpq(1, 10)


def test_exact_binary_rule_is_recorded() -> None:
    W = np.array([[0.1, 0.2]], dtype=np.float32)
    p = exactland.from_arrays(W, [[1]], [[1, 0]], [[1]], exact_binary=True)
    assert F(p.W[0][0]) == Fraction(float(np.float32(0.1))) == Fraction(13421773, 134217728)
    assert json.loads(p.origin)["float_rule"] == "exact-binary"
    assert exactland.from_arrays([[1, 2]], [[1]], [[1, 0]], [["1/3"]]).origin is None  # no float seen


# ------------------------------------------------------------------ files
def _layers32(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"0.weight": rng.normal(size=(4, 3)).astype(np.float32),
            "0.bias": rng.normal(size=4).astype(np.float32),
            "2.weight": rng.normal(size=(2, 4)).astype(np.float32),
            "2.bias": rng.normal(size=2).astype(np.float32)}


def _data64(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed + 100)
    return rng.normal(size=(6, 3)), rng.normal(size=(6, 2))


def _check_round_trip(p, t: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray) -> None:
    """Every exact entry rounds back to its float; the data are Fraction(repr(x)); biases folded."""
    Wx = np.array([[float(F(v)) for v in row] for row in p.W], dtype=np.float32)
    assert np.array_equal(Wx[:, :3], t["0.weight"]) and np.array_equal(Wx[:, 3], t["0.bias"])
    Hx = np.array([[float(F(v)) for v in row] for row in p.H], dtype=np.float32)
    assert np.array_equal(Hx, t["2.weight"])
    assert np.array_equal(np.array([float(F(v)) for v in p.b], dtype=np.float32), t["2.bias"])
    assert [[F(v) for v in row[:3]] for row in p.X] == [[Fraction(repr(x)) for x in r] for r in X.tolist()]
    assert all(row[3] == 1 for row in p.X)
    assert [[F(v) for v in row] for row in p.Y] == [[Fraction(repr(x)) for x in r] for r in Y.tolist()]


def test_npz_and_safetensors_round_trips(tmp_path: pathlib.Path) -> None:
    from safetensors.numpy import save_file

    t = _layers32()
    X, Y = _data64()
    save_file(t, str(tmp_path / "net.safetensors"))
    np.savez(tmp_path / "data.npz", X=X, Y=Y)
    np.savez(tmp_path / "net.npz", W=t["0.weight"], c=t["0.bias"], H=t["2.weight"], b=t["2.bias"], X=X, Y=Y)
    a = import_network(tmp_path / "net.safetensors", tmp_path / "data.npz").problem
    b = import_network(tmp_path / "net.npz").problem
    _check_round_trip(a, t, X, Y)
    assert a.digest() == b.digest()
    origin = json.loads(a.origin)
    assert origin["layers"] == {"W": "0.weight", "c": "0.bias", "H": "2.weight", "b": "2.bias"}
    assert origin["input_bias_column"] == 3 and origin["dtype"] == "float32"
    # the problem file reads back to the same problem, origin included
    again = exactland.load(json.loads(a.to_json()))
    assert again.digest() == a.digest() and again.origin == a.origin


def test_csv_and_json_data(tmp_path: pathlib.Path) -> None:
    t = _layers32()
    np.savez(tmp_path / "net.npz", **t)
    X, Y = _data64()
    rows = [",".join(repr(v) for v in list(x) + list(y)) for x, y in zip(X.tolist(), Y.tolist())]
    (tmp_path / "d.csv").write_text("x1,x2,x3,y1,y2\n" + "\n".join(rows) + "\n")
    (tmp_path / "d0.csv").write_text("\n".join(rows) + "\n")
    a = import_network(tmp_path / "net.npz", tmp_path / "d.csv").problem
    assert a.digest() == import_network(tmp_path / "net.npz", tmp_path / "d0.csv").problem.digest()
    _check_round_trip(a, t, X, Y)
    exact = {"X": [[repr(v) for v in x] for x in X.tolist()], "Y": [[repr(v) for v in y] for y in Y.tolist()]}
    (tmp_path / "d.json").write_text(json.dumps(exact))
    assert import_network(tmp_path / "net.npz", tmp_path / "d.json").problem.digest() == a.digest()
    (tmp_path / "bad.csv").write_text("1,2,3,4\n")
    with pytest.raises(ShapeError, match=r"line 1 has 4 fields; expected d0 \+ \|J\| = 3 \+ 2 = 5"):
        import_network(tmp_path / "net.npz", tmp_path / "bad.csv")


def test_refusals_name_keys_and_shapes(tmp_path: pathlib.Path) -> None:
    three = {"0.weight": np.ones((4, 3)), "2.weight": np.ones((4, 4)), "4.weight": np.ones((1, 4))}
    with pytest.raises(ShapeError, match=r"found 3 linear layer\(s\).*4.weight \(1, 4\)"):
        find_layers(three)
    with pytest.raises(ShapeError, match=r"no linear layer; seen: W \(3, 2\)"):
        find_layers({"W": np.ones((3, 2))})
    with pytest.raises(ShapeError, match="do not chain"):
        find_layers({"0.weight": np.ones((4, 3)), "2.weight": np.ones((1, 5))})
    with pytest.raises(ShapeError, match=r"0.bias has shape \(3,\) but its layer has 4 outputs"):
        find_layers({"0.weight": np.ones((4, 3)), "0.bias": np.ones(3), "2.weight": np.ones((1, 4))})
    with pytest.raises(ShapeError, match=r"belong to no linear layer: \['1.running_mean'\]"):
        find_layers({"0.weight": np.ones((4, 3)), "1.running_mean": np.ones(4), "2.weight": np.ones((1, 4))})
    # key order does not matter: the shapes chain one way only
    L = find_layers({"fc2.weight": np.ones((1, 4)), "fc1.weight": np.ones((4, 3))})
    assert L.keys == {"W": "fc1.weight", "H": "fc2.weight"}
    np.savez(tmp_path / "w.npz", W=np.ones((3, 2)), H=np.ones((1, 3)))
    with pytest.raises(InputError, match="no data: w.npz holds no X and Y; pass --data"):
        import_network(tmp_path / "w.npz")
    np.savez(tmp_path / "d.npz", X=np.ones((2, 2)))
    with pytest.raises(InputError, match=r"no array\(s\) \['Y'\]; arrays seen: X \(2, 2\)"):
        import_network(tmp_path / "w.npz", tmp_path / "d.npz")
    (tmp_path / "w.onnx").write_bytes(b"")
    with pytest.raises(InputError, match="unknown weights format '.onnx'"):
        import_network(tmp_path / "w.onnx")


def test_bfloat16_safetensors_without_torch(tmp_path: pathlib.Path) -> None:
    import struct

    # bfloat16 of 0.1 is the top half of float32 0x3DCCCCCD: 0x3DCC = 1.59375 · 2^-4 = 51/512
    bf16 = struct.pack("<6H", *[0x3DCC] * 6)
    f32 = np.ones((1, 3), dtype=np.float32).tobytes()
    header = {"0.weight": {"dtype": "BF16", "shape": [3, 2], "data_offsets": [0, 12]},
              "2.weight": {"dtype": "F32", "shape": [1, 3], "data_offsets": [12, 24]}}
    head = json.dumps(header).encode()
    (tmp_path / "bf.safetensors").write_bytes(struct.pack("<Q", len(head)) + head + bf16 + f32)
    np.savez(tmp_path / "d.npz", X=np.eye(2), Y=np.ones((2, 1)))
    imp = import_network(tmp_path / "bf.safetensors", tmp_path / "d.npz")
    assert imp.problem.W == ((fmpq(51, 512),) * 2,) * 3 and imp.problem.H == ((1, 1, 1),)
    assert "bfloat16 tensors ['0.weight'] widened to float32 exactly" in "\n".join(imp.report)


def test_pt_without_torch_says_how_to_install(tmp_path: pathlib.Path, monkeypatch) -> None:
    (tmp_path / "m.pt").write_bytes(b"not really")
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(InputError, match=r"pip install 'exactland\[torch\]'"):
        import_network(tmp_path / "m.pt", tmp_path / "m.pt")


# ------------------------------------------------------------------ the CLI and the example
def _example_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bring_your_own", ROOT / "examples/import/bring_your_own.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_example_imports_and_certifies(tmp_path: pathlib.Path, capsys) -> None:
    assert _example_module().main(tmp_path) == ("type-1-minimum", True)
    assert "input bias c folded" in capsys.readouterr().out


def test_cli_transcript(tmp_path: pathlib.Path, capsys) -> None:
    npz = _example_module().write_npz(tmp_path)
    out = tmp_path / "problem.json"
    assert main(["import", str(npz), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    for line in ("read tiny-net.npz (npz), dtype float32",
                 "layer 1: W (3, 2): Linear(2 → 3), bias c (3,)",
                 "layer 2: H (1, 3): Linear(3 → 1), bias b (1,)",
                 "activation: relu (assumed: the file does not say; pass --activation)",
                 "floats → exact numbers: shortest-decimal",
                 "problem: |K| = 5, d = 3, |I| = 3, |J| = 1",
                 f"  exactland certify {out}"):
        assert line in text, line
    problem = json.loads(out.read_text())
    assert problem["W"][0] == ["1/2", "-1/2", "1/4"] and problem["b"] == ["1/4"]
    assert problem["origin"]["input_bias_column"] == 2
    # refusals: exit 2, one line, no traceback
    assert main(["import", str(npz), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --out:") and "--force" in err and err.count("\n") == 1
    assert main(["import", str(npz), "-o", str(out), "--force", "--activation", "tanh"]) == 2
    assert "unknown activation 'tanh'" in capsys.readouterr().err
    np.savez(tmp_path / "nan.npz", W=np.array([[1.0, np.nan]]), H=np.ones((1, 1)), X=np.eye(2), Y=np.ones((2, 1)))
    assert main(["import", str(tmp_path / "nan.npz"), "-o", str(tmp_path / "n.json")]) == 2
    err = capsys.readouterr().err
    assert "W[0][1]: nan is not a finite number" in err and "Traceback" not in err
    assert main(["import", str(npz), "--exact-binary", "--activation", "leaky_relu:1/10",
                 "-o", str(tmp_path / "e.json")]) == 0
    assert "exact-binary" in capsys.readouterr().out


# ------------------------------------------------------------------ torch (optional extra)
def _tiny_torch_model(torch, slope: float | None = None):
    torch.manual_seed(0)
    act = torch.nn.ReLU() if slope is None else torch.nn.LeakyReLU(slope)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), act, torch.nn.Linear(4, 2))


def test_state_dict_and_module_round_trips(tmp_path: pathlib.Path) -> None:
    torch = pytest.importorskip("torch")
    from safetensors.numpy import save_file

    model = _tiny_torch_model(torch, slope=0.2)
    X, Y = _data64()
    t = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    a = exactland.from_torch(model, X, Y)
    assert a.activation.alpha_minus == fmpq(1, 5)  # nn.LeakyReLU(0.2): the slope as typed
    _check_round_trip(a, t, X, Y)
    b = exactland.from_torch(model.state_dict(), torch.tensor(X), torch.tensor(Y), activation="leaky_relu:0.2")
    assert b.digest() == a.digest()
    torch.save(model, tmp_path / "model.pt")
    torch.save(model.state_dict(), tmp_path / "sd.pth")
    save_file(t, str(tmp_path / "net.safetensors"))
    np.savez(tmp_path / "data.npz", X=X, Y=Y)
    for name, act in (("model.pt", None), ("sd.pth", "leaky_relu:0.2"), ("net.safetensors", "1,0.2")):
        c = import_network(tmp_path / name, tmp_path / "data.npz", activation=act).problem
        assert c.digest() == a.digest(), name
    with pytest.raises(ActivationError, match="module Tanh is not supported"):
        exactland.from_torch(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(),
                                                 torch.nn.Linear(4, 2)), X, Y)
    deep = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 4),
                               torch.nn.ReLU(), torch.nn.Linear(4, 2))
    with pytest.raises(ShapeError, match=r"found 3 linear layer\(s\) \(0.weight, 2.weight, 4.weight\)"):
        exactland.from_torch(deep, X, Y)


def test_a_tiny_model_trained_in_torch() -> None:
    torch = pytest.importorskip("torch")
    model = _tiny_torch_model(torch)
    rng = np.random.default_rng(3)
    X = rng.normal(size=(12, 3)).astype(np.float32)
    Y = rng.normal(size=(12, 2)).astype(np.float32)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    xt, yt = torch.tensor(X), torch.tensor(Y)
    for _ in range(200):
        opt.zero_grad()
        loss = 0.5 * ((model(xt) - yt) ** 2).sum()
        loss.backward()
        opt.step()
    with torch.no_grad():
        loss = 0.5 * ((model(xt) - yt) ** 2).sum()
    p = exactland.from_torch(model, xt, yt)
    # the exact network computes what torch computes, up to float32 rounding
    Wn = np.array([[float(F(v)) for v in row] for row in p.W])
    Hn = np.array([[float(F(v)) for v in row] for row in p.H])
    Xn = np.array([[float(F(v)) for v in row] for row in p.X])
    ours = np.maximum(Xn @ Wn.T, 0) @ Hn.T + np.array([float(F(v)) for v in p.b])
    assert np.allclose(ours, model(xt).detach().numpy(), atol=1e-5)
    cert = exactland.certify(p)
    assert cert.verdict.value in {"not-stationary", "saddle", "type-1-minimum", "undecided"}
    assert cert.verify().valid
    assert abs(float(F(cert.loss)) - loss.item()) < 1e-2 * max(1.0, loss.item())


def test_a_file_that_is_not_a_zip_is_not_unpickled(tmp_path):
    # np.load treats a non-zip file as a pickle; the importer refuses it first, by name
    from exactland.errors import InputError
    from exactland.importing.weights import read_weights

    bad = tmp_path / "w.npz"
    bad.write_bytes(b"garbage")
    with pytest.raises(InputError, match="not a .npz file"):
        read_weights(bad)
