"""The one matplotlib set-up (kerasnotes/plot/_figure.py): no pyplot, no
backend chosen, no matplotlib imported by `import kerasnotes.plot`, and no
module of the package calling `matplotlib.use`."""

import ast
import pathlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import kerasnotes
from kerasnotes import activations
from kerasnotes import plot
from kerasnotes import schedules
from kerasnotes.callbacks import LRFinder

matplotlib = pytest.importorskip("matplotlib", reason="plots need matplotlib")

PACKAGE = pathlib.Path(kerasnotes.__file__).parent
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _finder():
    finder = LRFinder(1e-4, 1.0, num_steps=41, smoothing=0.0)
    finder.learning_rates = list(np.geomspace(1e-4, 1.0, 41))
    finder.losses = list(1.0 - np.tanh(3.0 * (np.linspace(-4, 0, 41) + 2.0)))
    return finder


# Every plotting function of kerasnotes.plot, each saving a PNG to `path`.
DRAW = {
    "plot_activation": lambda path: plot.plot_activation(
        activations.swish, num=21, path=path
    ),
    "plot_robust_loss": lambda path: plot.plot_robust_loss(
        [0.0, 2.0], num=21, path=path
    ),
    "plot_schedule": lambda path: plot.plot_schedule(
        schedules.StepDecay(0.1, 3), 10, path=path
    ),
    "plot_lr_finder": lambda path: plot.plot_lr_finder(_finder(), path=path),
    "plot_learning_curves": lambda path: plot.plot_learning_curves(
        {"loss": [1.0, 0.5], "val_loss": [1.2, 0.7]}, "val_loss", path=path
    ),
    "plot_objective_vs_learning_rate": lambda path: (
        plot.plot_objective_vs_learning_rate(
            pd.DataFrame(
                {
                    "trial_id": ["0", "1"],
                    "status": ["COMPLETED", "FAILED"],
                    "objective": [0.3, None],
                    "learning_rate": [1e-3, 0.5],
                }
            ),
            "val_loss",
            path=path,
        )
    ),
}


def test_every_plot_function_is_drawn_here():
    plotting = {name for name in plot.__all__ if name.startswith("plot_")}
    assert plotting == set(DRAW)


@pytest.fixture(params=["svg", "template", "pdf"])
def chosen_backend(request):
    """A backend the user chose, other than Agg (which the old code forced):
    svg, pdf, and the do-nothing template backend."""
    before = matplotlib.get_backend()
    matplotlib.use(request.param)
    yield request.param
    matplotlib.use(before)


@pytest.mark.parametrize("name", sorted(DRAW))
def test_drawing_leaves_the_users_backend_and_pyplot_alone(
    name, chosen_backend, tmp_path
):
    import matplotlib.pyplot as plt

    figures_before = plt.get_fignums()
    path = tmp_path / "figure.png"
    drawn = DRAW[name](path)
    assert matplotlib.get_backend() == chosen_backend
    # The figure is not one of pyplot's: plt.show() will not pop it up and
    # pyplot's list does not grow.
    assert plt.get_fignums() == figures_before
    figure = getattr(drawn, "figure", drawn)
    assert isinstance(figure, matplotlib.figure.Figure)
    assert plt.fignum_exists(figure) is False
    # Saved as the suffix says, whatever the backend.
    assert path.read_bytes().startswith(PNG_MAGIC)


def test_returned_figures_render_to_svg_without_a_display(tmp_path):
    import io

    fig = DRAW["plot_learning_curves"](None)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    assert buffer.getvalue().lstrip().startswith("<?xml")


def _calls_matplotlib_use(tree):
    """Lines calling `matplotlib.use(...)`, `use` imported from matplotlib,
    or pyplot's `switch_backend`."""
    imported_use = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "matplotlib"
        for alias in node.names
        if alias.name == "use"
    }
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "switch_backend":
            lines.append(node.lineno)
        elif isinstance(func, ast.Attribute) and func.attr == "use":
            if ast.unparse(func.value).split(".")[-1] in ("matplotlib", "mpl"):
                lines.append(node.lineno)
        elif isinstance(func, ast.Name) and func.id in imported_use:
            lines.append(node.lineno)
    return lines


def _imports_matplotlib(tree):
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name.split(".")[0] == "matplotlib" for name in names):
            lines.append(node.lineno)
    return lines


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield (
            path.relative_to(PACKAGE.parent).as_posix(),
            ast.parse(path.read_text(), filename=str(path)),
        )


def test_the_finder_sees_the_calls_it_forbids():
    # The check below could pass by never matching; it does match.
    tree = ast.parse(
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib as mpl\n"
        "mpl.use('svg')\nfrom matplotlib import use\nuse('pdf')\n"
        "import matplotlib.pyplot as plt\nplt.switch_backend('agg')\n"
    )
    assert _calls_matplotlib_use(tree) == [2, 4, 6, 8]
    assert _imports_matplotlib(tree) == [1, 3, 5, 7]


def test_no_module_of_the_package_switches_the_backend():
    found = {
        name: lines
        for name, tree in _modules()
        if (lines := _calls_matplotlib_use(tree))
    }
    assert found == {}, f"matplotlib.use / switch_backend called at {found}"


def test_only_the_figure_module_imports_matplotlib():
    found = {name for name, tree in _modules() if _imports_matplotlib(tree)}
    assert found == {"kerasnotes/plot/_figure.py"}


PROBE = """
import sys
import keras  # Keras itself imports matplotlib when it is installed

for name in list(sys.modules):
    if name.split(".")[0] == "matplotlib":
        del sys.modules[name]


class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "matplotlib":
            raise ImportError("blocked " + name)


sys.meta_path.insert(0, Block())
import kerasnotes.plot  # must not need matplotlib
assert "matplotlib" not in sys.modules, "imported by kerasnotes.plot"
try:
    kerasnotes.plot.plot_schedule(0.1, 3)
except ImportError as error:
    print("used-when-called:", error)
"""


@pytest.mark.slow
def test_importing_kerasnotes_plot_does_not_import_matplotlib():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "used-when-called: blocked matplotlib" in out.stdout


@pytest.mark.parametrize(
    "path", [None, "a.png", pathlib.Path("a.svg")], ids=["none", "str", "pathlib"]
)
def test_check_path_accepts_names(path):
    from kerasnotes.plot import _figure

    assert _figure.check_path(path) is path


def test_check_path_accepts_file_objects_and_refuses_others():
    import io

    from kerasnotes.plot import _figure

    buffer = io.BytesIO()
    assert _figure.check_path(buffer) is buffer
    with pytest.raises(ValueError, match=r"`path`.*Received: path=\['a.png'\]"):
        _figure.check_path(["a.png"])


def test_new_figure_has_the_asked_axes():
    from kerasnotes.plot import _figure

    fig, axes = _figure.new_figure(8.0, 3.0, ncols=3)
    assert len(axes) == 3 and fig.axes == axes
    assert tuple(fig.get_size_inches()) == (8.0, 3.0)
    assert fig.get_layout_engine() is not None
