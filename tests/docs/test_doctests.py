"""Every docstring `Example:` of the public API runs as written (a doctest).

The public API is `kerasnotes.__all__` and the `__all__` of each subpackage,
`kerasnotes.tuning` included (imported on its own). Each public class or
function, and each of its own methods whose docstring has examples, is one
test (its id is the qualified name), run in a fresh temporary folder since
examples save files. STYLE.md asks every public class and function for a
runnable `Example:`; `test_every_public_name_has_an_example` checks it.
"""

import doctest
import importlib
import inspect
import pkgutil
import warnings

import pytest

import kerasnotes

# The subpackages with an `__all__` (the command line, kerasnotes.cli, has
# none: its interface is `kerasnotes --help`).
EXPECTED_MODULES = {
    "kerasnotes",
    "kerasnotes.activations",
    "kerasnotes.callbacks",
    "kerasnotes.data",
    "kerasnotes.diagnostics",
    "kerasnotes.initializers",
    "kerasnotes.layers",
    "kerasnotes.losses",
    "kerasnotes.models",
    "kerasnotes.optimizers",
    "kerasnotes.plot",
    "kerasnotes.schedules",
    "kerasnotes.tuning",
}
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _public_modules():
    names = ["kerasnotes"] + [
        f"kerasnotes.{info.name}"
        for info in pkgutil.iter_modules(kerasnotes.__path__)
        if info.ispkg and not info.name.startswith("_")
    ]
    modules = [importlib.import_module(name) for name in names]
    return [module for module in modules if hasattr(module, "__all__")]


def _public_objects():
    """(qualified name, object) for every public class and function."""
    found = {}
    for module in _public_modules():
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                found.setdefault(f"{module.__name__}.{name}", obj)
    return sorted(found.items())


def _doctests():
    finder = doctest.DocTestFinder(exclude_empty=True)
    tests = {}
    for qualified, obj in _public_objects():
        # The defining module, so that the finder takes the class's own
        # methods and none that Keras's base classes define.
        module = inspect.getmodule(obj)
        for test in finder.find(obj, qualified, module=module, globs={}):
            if test.examples:
                tests.setdefault(test.name, test)
    return [tests[name] for name in sorted(tests)]


with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # an optional dependency's import noise
    DOCTESTS = _doctests()
    PUBLIC = _public_objects()


def test_the_public_modules_are_all_collected():
    assert {module.__name__ for module in _public_modules()} == EXPECTED_MODULES


def test_every_public_name_has_an_example():
    lacking = [
        name
        for name, obj in PUBLIC
        if "Example:" not in (obj.__doc__ or "")
        or ">>>" not in (obj.__doc__ or "").split("Example:", 1)[1]
    ]
    assert not lacking, f"no runnable `Example:` section: {lacking}"
    assert len(PUBLIC) >= 60


# Examples that run a search (STYLE.md: such tests are marked slow).
SEARCHES = {"kerasnotes.tuning.search", "kerasnotes.tuning.SearchResult"}


# The examples are written for every backend and passed on TensorFlow (24 s
# for all), JAX and PyTorch when this test was written; CI runs them on
# TensorFlow (`make test`), as the other one_backend tests, for its time.
@pytest.mark.one_backend
@pytest.mark.parametrize(
    "test",
    [
        pytest.param(test, marks=[pytest.mark.slow] if test.name in SEARCHES else [])
        for test in DOCTESTS
    ],
    ids=[test.name for test in DOCTESTS],
)
def test_docstring_example(test, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if test.name.startswith("kerasnotes.plot."):
        pytest.importorskip("matplotlib", reason="plots need matplotlib")
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    # A copy: the collected test keeps clean globals if it runs again.
    test = doctest.DocTest(
        test.examples,
        dict(test.globs),
        test.name,
        test.filename,
        test.lineno,
        test.docstring,
    )
    report = []
    result = runner.run(test, out=report.append)
    assert result.failed == 0, "".join(report)
    assert result.attempted == len(test.examples)
