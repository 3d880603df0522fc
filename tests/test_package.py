"""Package-level promises: light import, version, registration."""

import pathlib
import subprocess
import sys

import keras
import pytest

import kerasnotes

HEAVY = {
    "sklearn",
    "imblearn",
    "keras_tuner",
    "matplotlib",
    "pandas",
    "scipy",
    "tensorboard",
}

PROBE = """
import sys
import keras
before = set(sys.modules)
import kerasnotes
added = {name.split(".")[0] for name in set(sys.modules) - before}
print(sorted(added))
"""


@pytest.mark.slow
def test_import_adds_nothing_heavy_beyond_keras():
    # Keras itself may pull some of these in (TensorFlow does); what matters
    # is that importing kerasnotes adds none of them.
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout
    added = set(eval(out.strip().splitlines()[-1]))
    assert "kerasnotes" in added
    assert not added & HEAVY, added & HEAVY


ROOT = pathlib.Path(__file__).parents[1]


def _pyproject_version():
    tomllib = pytest.importorskip("tomllib", reason="tomllib is Python 3.11+")
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def test_version_matches_metadata():
    from importlib.metadata import version

    assert kerasnotes.__version__ == version("kerasnotes")


def test_version_is_pyprojects():
    assert kerasnotes.__version__ == _pyproject_version()


def test_version_is_written_only_in_pyproject():
    # pyproject.toml is the one place; the package reads it from the
    # installed metadata. CHANGELOG.md names every release, as it should.
    version = _pyproject_version()
    sources = [ROOT / "_kerasnotes_cli.py", ROOT / "README.md"]
    sources += sorted((ROOT / "kerasnotes").rglob("*.py"))
    sources += sorted((ROOT / "docs").rglob("*.md"))
    copies = [
        str(path.relative_to(ROOT))
        for path in sources
        if version in path.read_text(encoding="utf-8")
    ]
    assert copies == [], f"version {version} written in {copies}"


def test_components_are_registered():
    for name in ["NAG", "AdamW", "AMSGrad", "RAdam", "Lookahead"]:
        obj = keras.saving.get_registered_object(f"kerasnotes>{name}")
        assert obj is getattr(kerasnotes.optimizers, name)
    assert keras.saving.get_registered_object("kerasnotes>SAM") is (
        kerasnotes.models.SAM
    )


def test_initializers_module_runs_without_docstrings(monkeypatch):
    """`python -OO` strips docstrings; the module must not depend on them.

    Its source is compiled as -OO compiles it and run in a fresh namespace
    (registration with Keras stubbed, as the classes already are registered).
    """
    import pathlib

    from kerasnotes.initializers import _variance

    path = pathlib.Path(_variance.__file__)
    code = compile(path.read_text(), str(path), "exec", optimize=2)
    monkeypatch.setattr(
        keras.saving, "register_keras_serializable", lambda **_: lambda cls: cls
    )
    namespace = {"__name__": "kerasnotes_oo_probe"}
    exec(code, namespace)
    assert namespace["HeNormal"].__doc__ is None
    assert tuple(namespace["HeNormal"](seed=1)((3, 2)).shape) == (3, 2)
