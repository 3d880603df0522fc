"""Package-level promises: light import, version, registration."""

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


def test_version_matches_metadata():
    from importlib.metadata import version

    assert kerasnotes.__version__ == version("kerasnotes")


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
