"""Package-level promises: light import, version, registration."""

import subprocess
import sys

import keras

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
    for name in ["NAG", "AdamW", "AMSGrad"]:
        obj = keras.saving.get_registered_object(f"kerasnotes>{name}")
        assert obj is getattr(kerasnotes.optimizers, name)


def test_imports_without_docstrings():
    """`python -OO` strips docstrings; importing must not depend on them."""
    done = subprocess.run(
        [sys.executable, "-OO", "-c", "import kerasnotes.initializers as i; "
         "print(i.HeNormal(seed=1)((3, 2)).shape)"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "(3, 2)" in done.stdout
