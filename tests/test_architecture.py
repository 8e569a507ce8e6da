"""The package's architecture, enforced (docs/architecture.md).

* Layers: a module may import only its own layer's subpackage and lower
  layers (eager or lazy imports alike).
* No import cycles between modules, lazy imports included.
* No module imports a private name (``_x``) from another module.
* Size: modules under 400 lines, functions under 80 (generated data aside).
* Immutable problems: cached arrays are read-only.
"""
from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PKG = ROOT / "exactland"

#: subpackage -> layer; a module may import the same or lower layers only
#: (modules of the same layer but different subpackages may not import each other).
LAYERS = {
    "errors": 0, "version": 0,
    "exact": 1,
    "checker": 2,
    "core": 3,
    "builtin": 4, "testing": 4, "importing": 4,
    "taylor": 5, "embedding": 5, "dynamics": 5, "ncf": 5,
    "derivation": 6, "census": 6,
    "cli": 7,
    "__init__": 8, "__main__": 8,
}
#: the checker trusts only these (see docs/architecture.md, the trusted base)
CHECKER_MAY_IMPORT = {"errors", "exact", "checker"}


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for p in PKG.rglob("*.py"):
        rel = p.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


MODULES = _modules()


def _imports(path: pathlib.Path, name: str) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, imported names) for every import, lazy ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:
                base = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                mod = ".".join(base + ([mod] if mod else []))
            out.append((node.lineno, mod, [a.name for a in node.names]))
    return out


def _subpackage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _resolve(mod: str, names: list[str]) -> list[str]:
    """The exactland modules an import statement loads."""
    if not mod.startswith("exactland"):
        return []
    found = [mod] if mod in MODULES else []
    found += [f"{mod}.{n}" for n in names if f"{mod}.{n}" in MODULES]
    return found


def test_layers_are_respected() -> None:
    bad = []
    for name, path in MODULES.items():
        mine = _subpackage(name)
        if name == "exactland":
            continue
        for line, mod, names in _imports(path, name):
            for target in _resolve(mod, names):
                theirs = _subpackage(target)
                if theirs == mine or theirs == "__init__" and target == "exactland" and False:
                    continue
                if target == "exactland":
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports the top-level package")
                    continue
                if LAYERS[theirs] > LAYERS[mine] or (LAYERS[theirs] == LAYERS[mine] and theirs != mine):
                    bad.append(f"{path.relative_to(ROOT)}:{line} ({mine}) imports {target} ({theirs})")
                if mine == "checker" and theirs not in CHECKER_MAY_IMPORT:
                    bad.append(f"{path.relative_to(ROOT)}:{line}: the checker imports {target}")
    assert not bad, "\n".join(bad)


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {n: set() for n in MODULES}
    for name, path in MODULES.items():
        for _, mod, names in _imports(path, name):
            for target in _resolve(mod, names):
                if target != name and not (target == "exactland" or name == "exactland"):
                    # importing a.b.c also runs a/__init__ and a/b/__init__: both are light
                    graph[name].add(target)
    state: dict[str, int] = {}
    cycles = []

    def visit(n: str, stack: list[str]) -> None:
        state[n] = 1
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                cycles.append(" -> ".join(stack[stack.index(m):] + [m]) if m in stack else f"{n} -> {m}")
            elif m not in state:
                visit(m, stack + [m])
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n, [n])
    assert not cycles, "\n".join(cycles)


def test_no_private_names_imported_across_modules() -> None:
    bad = []
    for name, path in MODULES.items():
        for line, mod, names in _imports(path, name):
            if mod.startswith("exactland") and mod != name:
                priv = [n for n in names if n.startswith("_") and not n.startswith("__")]
                if priv:
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports {priv} from {mod}")
    assert not bad, "\n".join(bad)


def _sizes(root: pathlib.Path) -> list[str]:
    bad = []
    for p in sorted(root.rglob("*.py")):
        src = p.read_text(encoding="utf-8")
        n = len(src.splitlines())
        if n > 400:
            bad.append(f"{p.relative_to(ROOT)}: {n} lines")
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > 80:
                    bad.append(f"{p.relative_to(ROOT)}:{node.lineno} {node.name}: {length} lines")
    return bad


@pytest.mark.parametrize("root", ["exactland", "proofs_check"])
def test_modules_and_functions_are_small(root: str) -> None:
    bad = _sizes(ROOT / root)
    assert not bad, "\n".join(bad)


def test_no_assert_for_invariants_in_the_library() -> None:
    bad = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assert):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bad, "use InternalError, not assert (python -O removes asserts):\n" + "\n".join(bad)


def _fresh_modules(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return {m for m in out.stdout.split() if m.startswith("exactland")}


def test_importing_the_package_loads_nothing_else() -> None:
    assert _fresh_modules("import exactland") == {"exactland", "exactland.version"}


def test_the_checker_loads_no_search_code() -> None:
    loaded = _fresh_modules("import exactland.checker")
    assert {_subpackage(m) for m in loaded} <= {"__init__", "version", "errors", "exact", "checker"}, loaded


def test_the_checker_checks_with_the_search_code_blocked(tmp_path: pathlib.Path) -> None:
    import exactland
    from exactland.builtin.examples import load_example

    cert = tmp_path / "cert.json"
    cert.write_text(exactland.certify(load_example("origin-saddle")).to_json())
    blocked = ["exactland.core", "exactland.taylor", "exactland.embedding", "exactland.dynamics",
               "exactland.derivation", "exactland.builtin"]
    code = ("import sys\n"
            + "".join(f"sys.modules[{m!r}] = None\n" for m in blocked)
            + "from exactland.checker import check_certificate\n"
            + f"r = check_certificate({str(cert)!r})\n"
            + "print(r.valid, len(r.checked))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == "True"


def test_cached_problem_arrays_are_read_only() -> None:
    from exactland.builtin.examples import load_example
    from exactland.core.network import evaluate

    p = load_example("final-minimum")
    for arr, dens in p.scaled:
        assert not arr.flags.writeable
        assert isinstance(dens, tuple)
    Xn = p.scaled[0][0]
    with pytest.raises(ValueError):
        Xn[0, 0] = 12345
    ev = evaluate(p)
    with pytest.raises(ValueError):
        ev.signs[0, 0] = 0


def test_algebraic_sign_leaves_the_field_unchanged() -> None:
    from exactland.exact.scalars import parse_exact

    r = parse_exact("sqrt(2)")
    field = r._field
    before = (field.lo, field.hi)
    assert (r - parse_exact("1414213562373095/1000000000000000")).sign() == 1
    assert (field.lo, field.hi) == before
