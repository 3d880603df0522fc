import textwrap
import time

import keras
import numpy as np
import pandas as pd
import pytest

from kerasnotes.tuning import HyperMLP
from kerasnotes.tuning import search
from kerasnotes.tuning._tuners import TRIAL_LOG
from tests.tuning._support import binary_data
from tests.tuning._support import free_port
from tests.tuning._support import python

# Every test here runs a search (some start processes).
pytestmark = pytest.mark.slow

SMALL = dict(max_trials=2, epochs=2, seed=0, verbose=0)


@pytest.mark.parametrize("tuner", ["bayesian", "random", "hyperband", "grid"])
def test_each_tuner_completes_a_small_search(tuner, tmp_path):
    x, y = binary_data()
    result = search(x, y, tuner=tuner, directory=str(tmp_path), **SMALL)
    table = result.trials
    assert isinstance(table, pd.DataFrame)
    assert len(table) == 2
    assert set(table["status"]) == {"COMPLETED"}
    assert {"trial_id", "objective", "learning_rate", "activation"} <= set(table)
    assert result.objective == "val_xent"
    assert result.best_hyperparameters.values == (
        result.tuner.get_best_hyperparameters(1)[0].values
    )
    best_score = table["objective"].min()
    assert result.tuner.oracle.get_best_trials(1)[0].score == pytest.approx(best_score)
    probabilities = result.best_model.predict(x[:5], verbose=0)
    assert probabilities.shape == (5, 1)
    assert ((probabilities >= 0) & (probabilities <= 1)).all()


def test_string_labels_and_validation_data(tmp_path):
    x, y = binary_data(n=150)
    labels = np.where(y == 1, "malignant", "benign")
    result = search(
        x[:100],
        labels[:100],
        validation_data=(x[100:], labels[100:]),
        tuner="random",
        directory=str(tmp_path),
        hypermodel=HyperMLP("binary", activation="relu", depth=1, units=16),
        **SMALL,
    )
    assert result.task == "binary"
    assert result.classes.tolist() == ["benign", "malignant"]
    assert set(result.trials["activation"]) == {"relu"}


def test_regression_ranks_by_validation_rmse(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(120, 3)).astype("float32")
    y = x @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=120)
    result = search(x, y, tuner="random", directory=str(tmp_path), **SMALL)
    assert result.task == "regression"
    assert result.objective == "val_rmse"
    assert result.best_model.output_shape == (None, 1)


def test_a_diverging_trial_fails_and_the_search_goes_on(tmp_path):
    x, y = binary_data()

    # Three diverging configurations in a row (KerasTuner's own default would
    # stop the search there with a RuntimeError), then one that trains.
    rates = [1e9, 3e9, 1e10, 1e-2]

    def build(hp):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        lr = hp.Choice("learning_rate", rates)
        model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse")
        return model

    result = search(
        x,
        y * 3.0 + 1.0,
        tuner="grid",
        hypermodel=build,
        task="regression",
        directory=str(tmp_path),
        **dict(SMALL, max_trials=4),
    )
    status = dict(zip(result.trials["learning_rate"], result.trials["status"]))
    assert status == {1e9: "FAILED", 3e9: "FAILED", 1e10: "FAILED", 1e-2: "COMPLETED"}
    assert result.best_hyperparameters.values["learning_rate"] == 1e-2


def test_custom_hypermodel_trains_with_early_stopping(tmp_path):
    x, y = binary_data()

    def build(hp):
        # A learning rate of 0: the validation loss never improves after the
        # first epoch, so early stopping ends each trial after `patience`
        # more epochs.
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        hp.Choice("units", [1])
        model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
        return model

    result = search(
        x,
        y,
        tuner="random",
        hypermodel=build,
        task="regression",
        directory=str(tmp_path),
        patience=2,
        **dict(SMALL, epochs=10, max_trials=1),
    )
    assert len(result.history()["loss"]) == 3


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(tuner="annealing"), "`tuner`"),
        (dict(max_trials=0), "`max_trials`"),
        (dict(oversample=3), "`oversample`"),
        (dict(oversample="smote-nc"), "Received: oversample='smote-nc'"),
    ],
)
def test_bad_arguments(kwargs, message, tmp_path):
    x, y = binary_data()
    with pytest.raises(ValueError, match=message):
        search(x, y, directory=str(tmp_path), **kwargs)


def test_bad_data(tmp_path):
    x, y = binary_data()
    x_nan = x.copy()
    x_nan[3, 2] = np.nan
    with pytest.raises(ValueError, match="row 3, column 2"):
        search(x_nan, y, directory=str(tmp_path))
    with pytest.raises(ValueError, match="same number of rows"):
        search(x, y[:-1], directory=str(tmp_path))
    with pytest.raises(ValueError, match="at least 2 classes"):
        search(x, np.zeros(len(x), int), task="binary", directory=str(tmp_path))
    with pytest.raises(ValueError, match="holds 3 classes"):
        search(x, np.arange(len(x)) % 3, task="binary", directory=str(tmp_path))
    with pytest.raises(ValueError, match="classification"):
        search(x, x[:, 0], oversample="smote", directory=str(tmp_path))


SEARCH_SCRIPT = textwrap.dedent(
    """
    import sys
    from tests.tuning._support import binary_data
    from kerasnotes.tuning import search
    x, y = binary_data(n=200)
    result = search(x, y, tuner="random", max_trials={trials}, epochs={epochs},
                    directory=sys.argv[1] if len(sys.argv) > 1 else {directory!r},
                    project_name="p", seed=0, verbose=1)
    print("DONE", sorted(result.trials["status"].tolist()))
    """
)


def _log(directory):
    path = directory / "p" / TRIAL_LOG
    return path.read_text().splitlines() if path.exists() else []


@pytest.mark.one_backend  # processes and KerasTuner's gRPC oracle
def test_interrupted_search_resumes_without_redoing_trials(tmp_path):
    script = SEARCH_SCRIPT.format(trials=3, epochs=4, directory=str(tmp_path))
    first = python(script)
    deadline = time.time() + 300
    while time.time() < deadline:
        finished = [line for line in _log(tmp_path) if line.startswith("end ")]
        if len(finished) >= 2 or first.poll() is not None:
            break
        time.sleep(0.2)
    first.kill()
    output = first.communicate()[0]
    finished = [line.split()[1] for line in _log(tmp_path) if line.startswith("end ")]
    assert len(finished) >= 2, output[-3000:]
    assert len(finished) < 3, "the search ended before it could be interrupted"
    lines_before = len(_log(tmp_path))

    second = python(script)
    output = second.communicate(timeout=600)[0]
    assert second.returncode == 0, output[-3000:]
    assert "DONE ['COMPLETED', 'COMPLETED', 'COMPLETED']" in output
    rerun = [
        line.split()[1]
        for line in _log(tmp_path)[lines_before:]
        if line.startswith("begin ")
    ]
    assert rerun, "the resumed search ran nothing"
    assert not set(rerun) & set(finished), (finished, rerun)


@pytest.mark.one_backend  # processes and KerasTuner's gRPC oracle
def test_distributed_chief_and_two_workers(tmp_path):
    port = str(free_port())
    script = SEARCH_SCRIPT.format(trials=6, epochs=4, directory=str(tmp_path))
    base = {"KERASTUNER_ORACLE_IP": "127.0.0.1", "KERASTUNER_ORACLE_PORT": port}
    chief = python(script, env={**base, "KERASTUNER_TUNER_ID": "chief"})
    time.sleep(3)
    workers = [
        python(script, env={**base, "KERASTUNER_TUNER_ID": f"tuner{i}"})
        for i in range(2)
    ]
    try:
        outputs = [p.communicate(timeout=600)[0] for p in workers + [chief]]
    finally:
        for p in workers + [chief]:
            p.kill()
    for p, out in zip(workers + [chief], outputs):
        assert p.returncode == 0, out[-3000:]
    ran_by = {}
    for line in _log(tmp_path):
        if line.startswith("begin "):
            _, trial_id, tuner_id = line.split()
            ran_by.setdefault(tuner_id, set()).add(trial_id)
    assert set(ran_by) == {"tuner0", "tuner1"}, ran_by
    assert all(ran_by.values())
    assert "DONE ['COMPLETED'" in outputs[-1]
    assert outputs[-1].count("COMPLETED") == 6


MIRRORED_SCRIPT = textwrap.dedent(
    """
    import sys
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras
    from kerasnotes.tuning import HyperMLP, search
    from tests.tuning._support import binary_data

    replicas = []

    class Recording(HyperMLP):
        def build(self, hp):
            replicas.append(tf.distribute.get_strategy().num_replicas_in_sync)
            return super().build(hp)

    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    x, y = binary_data()
    result = search(x, y, tuner="random", max_trials=1, epochs=2,
                    directory=sys.argv[1], distribution_strategy=strategy,
                    hypermodel=Recording("binary"), verbose=0)
    print("REPLICAS", replicas, result.trials["status"].tolist())
    """
)


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="tf.distribute strategies need the TensorFlow backend",
)
def test_distribution_strategy_reaches_each_trial(tmp_path):
    import subprocess
    import sys

    from tests.tuning._support import ROOT

    done = subprocess.run(
        [sys.executable, "-c", MIRRORED_SCRIPT, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    line = [s for s in done.stdout.splitlines() if s.startswith("REPLICAS")][0]
    # KerasTuner builds once outside any strategy to declare the space; the
    # trial's own build runs under the two-replica strategy.
    replicas = eval(line.split(" ", 1)[1].rsplit(" [", 1)[0])
    assert replicas[-1] == 2, line
    assert line.endswith("['COMPLETED']"), line


def test_oversampling_touches_training_rows_only(tmp_path, monkeypatch):
    import kerasnotes.data._oversample

    rng = np.random.default_rng(3)
    x = rng.normal(size=(240, 4)).astype("float32")
    y = (x[:, 0] > 1.1).astype(int)  # about 14% positive
    x_train, y_train, x_val, y_val = x[:180], y[:180], x[180:], y[180:]
    calls = []
    real = kerasnotes.data._oversample.oversample

    def spy(xs, ys, **kwargs):
        calls.append(np.asarray(xs).copy())
        return real(xs, ys, **kwargs)

    monkeypatch.setattr(kerasnotes.data._oversample, "oversample", spy)
    seen = []

    class Recording(HyperMLP):
        def fit(self, hp, model, xs, ys, validation_data=None, **kwargs):
            seen.append((np.bincount(ys.ravel().astype(int)), validation_data))
            return super().fit(
                hp, model, xs, ys, validation_data=validation_data, **kwargs
            )

    search(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        oversample="smote",
        hypermodel=Recording("binary", depth=1, units=16),
        tuner="random",
        directory=str(tmp_path),
        max_trials=1,
        epochs=2,
        seed=0,
        verbose=0,
    )
    assert len(calls) == 1
    resampled_from = {row.tobytes() for row in calls[0]}
    assert not resampled_from & {row.tobytes() for row in x_val}
    assert len(resampled_from) == len(x_train)
    counts, validation = seen[0]
    assert counts[0] == counts[1] == (y_train == 0).sum()  # balanced
    np.testing.assert_array_equal(validation[0], x_val)  # untouched
    assert len(validation[1]) == len(y_val)


def test_a_users_hypermodel_is_not_changed(tmp_path):
    x, y = binary_data()
    hypermodel = HyperMLP("binary", depth=1, units=16)
    result = search(
        x, y, hypermodel=hypermodel, tuner="random", directory=str(tmp_path), **SMALL
    )
    assert hypermodel.input_dim is None and hypermodel.train_size is None
    # The search's copy knew the data: the best model takes 4 features.
    assert result.best_model.input_shape == (None, 4)


def test_search_signature_is_explicit():
    import inspect

    parameters = inspect.signature(search).parameters
    assert not any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    assert parameters["epochs"].default == 30
    assert parameters["task"].default == "auto"
    assert parameters["k_neighbors"].default == 5
