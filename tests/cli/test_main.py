import logging
import os
import pathlib
import subprocess
import sys
import tempfile
from importlib import metadata

import keras
import pytest

from kerasnotes import cli


@pytest.mark.slow
@pytest.mark.one_backend
def test_help_lists_subcommands():
    # The console script that `pip install` made (`python -m kerasnotes` is
    # run by tests/cli/test_tune.py).
    script = pathlib.Path(sys.executable).parent / "kerasnotes"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    for command in ["demo", "tune", "compare-optimizers"]:
        assert command in done.stdout


def test_no_subcommand_prints_help_and_exits_2(capsys):
    assert cli.main([]) == 2
    assert "demo" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.one_backend
def test_compare_optimizers_shows_what_differs():
    import numpy as np

    from kerasnotes.cli.compare_optimizers import METRICS
    from kerasnotes.cli.compare_optimizers import compare_optimizers

    printed = []
    results = compare_optimizers(epochs=2, seeds=2, print_fn=printed.append)
    assert "1437 train / 360 test rows, 64 features, 10 classes" in printed[0]
    names = ["NAG", "AdamW", "AMSGrad", "RAdam", "Lookahead(RAdam)"]
    assert list(results) == names
    rows = [line.split() for line in printed if line.split()[0] in names]
    for row, name in zip(rows, names, strict=True):
        # "NAG  0.7534 ± 0.0653  0.5352 ± 0.0676  0.8611 ± 0.0167  17.3s"
        printed_means = [float(row[i]) for i in (1, 4, 7)]
        printed_spreads = [float(row[i]) for i in (3, 6, 9)]
        values = [results[name][m] for m in METRICS]
        np.testing.assert_allclose(printed_means, np.mean(values, 1), atol=1e-4)
        np.testing.assert_allclose(printed_spreads, np.std(values, 1), atol=1e-4)
    train = {name: np.array(results[name]["train_loss"]) for name in names}
    for name in names:  # two seeds, two results
        assert train[name][0] != train[name][1]
    for name in ["NAG", "AdamW", "AMSGrad"]:  # far better than chance (1/10)
        assert min(results[name]["test_accuracy"]) > 0.5
    # No two optimizers give the same results from the same initial weights.
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not np.allclose(train[a], train[b], rtol=1e-6, atol=0), (a, b)
    # Where theory says they differ, by more than the spread, on every seed:
    # RAdam's first steps are rectified (momentum alone, then a fraction of
    # Adam's step), and Lookahead pulls back half-way to its slow weights
    # every 6 steps, so in 2 epochs each gets less far than the one before.
    assert (train["RAdam"] > np.maximum(train["AdamW"], train["AMSGrad"])).all()
    assert (train["Lookahead(RAdam)"] > train["RAdam"]).all()


def test_bad_argument_is_one_line_exit_2(capsys):
    assert cli.main(["compare-optimizers", "--epochs", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "kerasnotes compare-optimizers: error: --epochs must be > 0, got 0"
    assert cli.main(["demo", "--max-trials", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "kerasnotes demo: error: --max-trials must be > 0, got 0"


def test_unknown_subcommand_is_argparse_error():
    with pytest.raises(SystemExit) as info:
        cli.main(["nope"])
    assert info.value.code == 2


def test_an_internal_error_keeps_its_traceback(monkeypatch):
    # Only the package's own input errors become one line and exit 2; any
    # other exception (here a ValueError, as Keras or KerasTuner may raise)
    # leaves main() and Python prints its traceback and exits 1.
    from kerasnotes.cli import compare_optimizers

    def broken(**kwargs):
        raise ValueError("an internal bug")

    monkeypatch.setattr(compare_optimizers, "compare_optimizers", broken)
    with pytest.raises(ValueError, match="an internal bug"):
        cli.main(["compare-optimizers"])


def test_an_input_error_is_one_line_exit_2(monkeypatch, capsys):
    from kerasnotes._internal.errors import InputError
    from kerasnotes.cli import compare_optimizers

    def refuses(**kwargs):
        raise InputError("Argument `x` is bad.\nA second line.")

    monkeypatch.setattr(compare_optimizers, "compare_optimizers", refuses)
    assert cli.main(["compare-optimizers"]) == 2
    err = capsys.readouterr().err
    assert err == "kerasnotes compare-optimizers: error: Argument `x` is bad.\n"


@pytest.mark.slow
@pytest.mark.one_backend
def test_an_internal_error_exits_1_with_a_traceback_from_the_console(tmp_path):
    # An exception from inside the library, simulated by a sitecustomize
    # that breaks the command's body, reaches the console whole.
    (tmp_path / "sitecustomize.py").write_text(
        "import kerasnotes.cli.compare_optimizers as c\n"
        "def broken(**kwargs):\n"
        "    raise RuntimeError('an internal bug')\n"
        "c.compare_optimizers = broken\n"
    )
    import os

    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "kerasnotes", "compare-optimizers"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "RuntimeError: an internal bug" in done.stderr


_HEAVY = ("tensorflow", "keras", "jax", "torch", "keras_tuner", "sklearn")
_HELP_IMPORTS = """
import sys
import _kerasnotes_cli
for argv in [["--help"], ["--version"], ["tune", "--bogus"]] + [
    [name, "--help"] for name in ("demo", "tune", "lr-find", "compare-optimizers")
]:
    try:
        _kerasnotes_cli.main(argv)
    except SystemExit:
        pass
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1:]))
print("imported:", ",".join(heavy), file=sys.stderr)
"""


@pytest.mark.slow
def test_help_imports_no_backend(tmp_path):
    # The console script's --help (each command's too), --version and a
    # usage error parse the command line without importing Keras.
    done = subprocess.run(
        [sys.executable, "-c", _HELP_IMPORTS, *_HEAVY],
        cwd=pathlib.Path(__file__).parents[2],
        capture_output=True,
        text=True,
        env=dict(os.environ, KERAS_BACKEND="tensorflow"),
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "imported:"
    assert "usage: kerasnotes tune" in done.stdout
    assert f"kerasnotes {metadata.version('kerasnotes')}" in done.stdout


_RUN_A_COMMAND = """
import _kerasnotes_cli
code = _kerasnotes_cli.main(["compare-optimizers", "--epochs", "0"])
import os, sys
import tensorflow  # imported by the command, before this line
print("code", code, "level", os.environ.get("TF_CPP_MIN_LOG_LEVEL"))
"""


@pytest.mark.slow
@pytest.mark.one_backend
@pytest.mark.parametrize("user_level", [None, "0"])
def test_the_command_sets_tensorflows_log_level_before_importing_it(user_level):
    # TensorFlow's "cpu_feature_guard" note is logged at import: at the
    # command's level it is not; a level the user set is kept.
    env = dict(os.environ, KERAS_BACKEND="tensorflow")
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    if user_level is not None:
        env["TF_CPP_MIN_LOG_LEVEL"] = user_level
    done = subprocess.run(
        [sys.executable, "-c", _RUN_A_COMMAND],
        cwd=pathlib.Path(__file__).parents[2],
        capture_output=True,
        text=True,
        env=env,
    )
    assert f"code 2 level {user_level or cli.TF_LOG_LEVEL}" in done.stdout
    assert "--epochs must be > 0" in done.stderr
    assert ("cpu_feature_guard" in done.stderr) == (user_level == "0"), done.stderr


def test_the_launcher_and_the_package_agree():
    import _kerasnotes_cli
    from kerasnotes.cli import tune
    from kerasnotes.data._oversample import METHODS
    from kerasnotes.tuning._tuners import TUNERS

    assert _kerasnotes_cli._TF_LOG_LEVEL == cli.TF_LOG_LEVEL
    # The names --help offers without importing them are the real ones.
    assert tune.TUNER_NAMES == tuple(TUNERS)
    assert tune.OVERSAMPLING == tuple(m for m in METHODS if m != "smote-nc")


class _Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def tensorflow_records():
    logger = logging.getLogger("tensorflow")
    records, filters = _Records(), list(logger.filters)
    # A tune run earlier in this process (another test, same worker) left
    # its filter on the logger: start without it.
    logger.filters[:] = []
    logger.addHandler(records)
    yield records
    logger.removeHandler(records)
    logger.filters[:] = filters


def _train_new_models(count):
    import keras
    import numpy as np

    x = np.random.default_rng(0).normal(size=(45, 3)).astype("float32")
    for _ in range(count):  # as a search does: a new model per trial
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        model.fit(x, x[:, :1], batch_size=16, epochs=1, verbose=0)
        model.predict(x, batch_size=16, verbose=0)


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="tf.function retracing warnings are TensorFlow's",
)
def test_tune_silences_only_the_retracing_warnings(tensorflow_records, monkeypatch):
    from kerasnotes.cli import tune

    _train_new_models(6)
    retracing = [m for m in tensorflow_records.messages if "retracing" in m]
    assert retracing, "the warning this test is about did not appear"
    tensorflow_records.messages.clear()
    # tune installs the filter, before its search.
    monkeypatch.setattr(tune, "run_tune", lambda *a, **k: _train_new_models(6))
    monkeypatch.setattr(tune, "_check_can_write", lambda out: None)
    monkeypatch.setattr(tune._out, "check_resume", lambda *a, **k: None)
    with tempfile.TemporaryDirectory() as out:
        assert cli.main(["tune", "--out", out]) == 0
    logging.getLogger("tensorflow").warning("another warning")
    assert tensorflow_records.messages == ["another warning"]
