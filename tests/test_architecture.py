"""The package's layers, read from its imports (every `import`, lazy ones
inside functions included): dependencies point one way."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "kerasnotes"

COMPONENTS = {
    "activations",
    "layers",
    "initializers",
    "losses",
    "optimizers",
    "schedules",
}
# Models that change how a wrapped model trains (SAM) are training tools.
TRAINING_TOOLS = {"callbacks", "diagnostics", "models"}
# layer -> the kerasnotes layers it may import ("_internal" is open to all).
ALLOWED = {
    **{name: COMPONENTS for name in COMPONENTS},
    **{name: COMPONENTS | TRAINING_TOOLS | {"plot"} for name in TRAINING_TOOLS},
    "data": COMPONENTS,
    "plot": COMPONENTS | TRAINING_TOOLS,
    "tuning": COMPONENTS | TRAINING_TOOLS | {"data"},
    "testing": COMPONENTS | TRAINING_TOOLS | {"data"},
    "cli": COMPONENTS | TRAINING_TOOLS | {"data", "plot", "tuning", "cli"},
    "__main__": {"cli"},
    # The package's __init__ imports the components, the training tools and
    # data (which keep `import kerasnotes` light); never tuning, plot or cli.
    "__init__": COMPONENTS | TRAINING_TOOLS | {"data"},
}


def _layer(path, package=PACKAGE):
    parts = path.relative_to(package).with_suffix("").parts
    return parts[0]


def imported_layers(source):
    """The kerasnotes layers a module's source imports, with line numbers."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "kerasnotes":
                names = [f"kerasnotes.{alias.name}" for alias in node.names]
            else:
                names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "kerasnotes" and len(parts) > 1:
                found.append((parts[1], node.lineno))
    return found


def violations(package=PACKAGE):
    problems = []
    for path in sorted(package.rglob("*.py")):
        layer = _layer(path, package)
        allowed = ALLOWED.get(layer, set()) | {"_internal", layer, "__version__"}
        for imported, line in imported_layers(path.read_text()):
            if imported not in allowed:
                where = path.relative_to(package.parent)
                problems.append(
                    f"{where}:{line}: {layer} imports kerasnotes.{imported}"
                )
    return problems


def test_every_module_belongs_to_a_known_layer():
    layers = {_layer(path) for path in PACKAGE.rglob("*.py")}
    assert layers <= set(ALLOWED) | {"_internal"}, layers - set(ALLOWED)


def test_dependencies_point_one_way():
    assert violations() == []


def test_nothing_but_main_imports_the_command_line():
    importers = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if _layer(path) not in ("cli", "__main__")
        and any(name == "cli" for name, _ in imported_layers(path.read_text()))
    ]
    assert importers == []


@pytest.mark.parametrize(
    "source, layers",
    [
        ("import kerasnotes.cli", ["cli"]),
        ("from kerasnotes import tuning, data", ["tuning", "data"]),
        ("def f():\n    from kerasnotes.cli.tune import run", ["cli"]),
        ("from kerasnotes._internal.errors import InputError", ["_internal"]),
        ("import keras\nfrom keras import ops", []),
    ],
)
def test_imports_are_read_from_the_source(source, layers):
    assert [name for name, _ in imported_layers(source)] == layers


def test_a_component_importing_the_command_line_is_caught(tmp_path):
    package = tmp_path / "kerasnotes"
    (package / "optimizers").mkdir(parents=True)
    (package / "optimizers" / "_bad.py").write_text(
        "def f():\n    from kerasnotes.cli import main\n"
    )
    assert violations(package) == [
        "kerasnotes/optimizers/_bad.py:2: optimizers imports kerasnotes.cli"
    ]
