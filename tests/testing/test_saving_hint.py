"""`kerasnotes.testing.saving_hint` and the failure it explains (docs/saving.md).

A `.keras` file with kerasnotes components, loaded in a process that has not
imported kerasnotes, fails with Keras's long TypeError whose cause comes at
its end; `saving_hint` reads the archive and names every registered object
the file needs, and which package to import.
"""

import os
import subprocess
import sys
import textwrap

import keras
import pytest

import kerasnotes
from kerasnotes.testing import saving_hint

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Written out by hand: what the model below puts in its file.
KERASNOTES_OBJECTS = [
    "kerasnotes>HeNormal",
    "kerasnotes>Lookahead",
    "kerasnotes>RAdam",
    "kerasnotes>RobustLoss",
    "kerasnotes>Swish",
    "kerasnotes>WarmUp",
    "kerasnotes>swish",
]


def _save_model(path):
    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(
                4, kernel_initializer=kerasnotes.initializers.HeNormal(seed=1)
            ),
            kerasnotes.layers.Swish(beta=2.0),
            keras.layers.Dense(4, activation=kerasnotes.activations.swish),
            keras.layers.Dense(1),
        ]
    )
    schedule = kerasnotes.schedules.WarmUp(0.1, 5)
    optimizer = kerasnotes.optimizers.Lookahead(
        kerasnotes.optimizers.RAdam(learning_rate=schedule)
    )
    model.compile(optimizer=optimizer, loss=kerasnotes.losses.RobustLoss(alpha=0.5))
    model.save(path)
    return model


LOAD_WITHOUT_IMPORT = textwrap.dedent(
    """
    import sys
    import keras
    try:
        keras.saving.load_model(sys.argv[1])
    except TypeError as error:
        message = str(error)
        print("LENGTH", len(message))
        print("CAUSE_AT", message.rfind("Could not locate class 'Swish'"))
    print("IMPORTED", "kerasnotes" in sys.modules)
    import kerasnotes
    model = keras.saving.load_model(sys.argv[1])
    print("LOADED", type(model.layers[1]).__name__, model.layers[1].get_config()["beta"])
    """
)


@pytest.mark.slow
@pytest.mark.one_backend  # Keras's lookup of registered names, in a process
def test_loading_without_import_fails_late_and_import_fixes_it(tmp_path):
    path = str(tmp_path / "model.keras")
    _save_model(path)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-c", LOAD_WITHOUT_IMPORT, path],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    length, cause_at = int(lines["LENGTH"]), int(lines["CAUSE_AT"])
    # The docs' claim: thousands of characters, the cause near the end.
    assert length > 3000, done.stdout
    assert cause_at > 0.75 * length, done.stdout
    assert lines["IMPORTED"] == "False"
    assert lines["LOADED"] == "Swish 2.0"


def test_hint_names_every_registered_object_and_the_import(tmp_path):
    path = str(tmp_path / "model.keras")
    _save_model(path)
    hint = saving_hint(path)
    lines = hint.splitlines()
    assert lines[0].startswith("model.keras needs 7 registered objects"), hint
    assert lines[1] == "  import kerasnotes: " + ", ".join(KERASNOTES_OBJECTS)
    assert lines[2] == "  all of them are registered in this process."
    assert saving_hint(tmp_path / "model.keras") == hint  # a PathLike too


def test_hint_says_what_this_process_lacks(tmp_path):
    @keras.saving.register_keras_serializable(package="kn_hint_test")
    class Doubler(keras.layers.Layer):
        def call(self, x):
            return 2.0 * x

    path = str(tmp_path / "user.keras")
    keras.Sequential([keras.Input((2,)), Doubler()]).save(path)
    registry = keras.saving.get_custom_objects()
    removed = registry.pop("kn_hint_test>Doubler")
    try:
        hint = saving_hint(path)
    finally:
        registry["kn_hint_test>Doubler"] = removed
    assert "  import tests: kn_hint_test>Doubler" in hint.splitlines(), hint
    assert hint.splitlines()[-1] == (
        "  not registered in this process: kn_hint_test>Doubler"
    )


def test_hint_names_an_unregistered_class(tmp_path):
    class Tripler(keras.layers.Layer):
        def call(self, x):
            return 3.0 * x

    path = str(tmp_path / "unregistered.keras")
    keras.Sequential([keras.Input((2,)), Tripler()]).save(path)
    lines = saving_hint(path).splitlines()
    assert lines[1] == (
        "  not registered with Keras: pass custom_objects= or register: Tripler"
    ), lines
    assert lines[-1] == "  not registered in this process: Tripler"


def test_hint_for_builtins_only(tmp_path):
    path = str(tmp_path / "plain.keras")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, "relu")])
    model.compile(optimizer="adam", loss="mse")
    model.save(path)
    assert saving_hint(path) == (
        "plain.keras needs no registered objects: Keras's built-ins only."
    )


def test_bad_paths(tmp_path):
    with pytest.raises(TypeError, match=r"`path`.*Received: path=3"):
        saving_hint(3)
    missing = str(tmp_path / "missing.keras")
    with pytest.raises(ValueError, match=r"`path`.*FileNotFoundError"):
        saving_hint(missing)
    not_zip = tmp_path / "not.keras"
    not_zip.write_text("{}")
    with pytest.raises(ValueError, match=r"BadZipFile.*Received: path="):
        saving_hint(str(not_zip))
