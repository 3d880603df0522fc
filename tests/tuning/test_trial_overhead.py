"""What the cheaper trials of `_tuners._LeanTrials` keep: the best epoch's
weights in the checkpoint KerasTuner reloads, written once per training.

The expected weights come from the test's own callback, which records every
epoch's validation loss and weights as training runs: the best epoch is the
first with the lowest loss (KerasTuner's `SaveBestEpoch` keeps the first of
equal values).
"""

import os

import keras
import keras_tuner
import numpy as np
import pytest

from kerasnotes.tuning import _tuners
from kerasnotes.tuning import search
from kerasnotes.tuning._tuners import TRIAL_LOG

# Every test here runs a search.
pytestmark = pytest.mark.slow

# What `Recorder` saw, training by training (a list per `fit`): callbacks are
# deep-copied for every trial, so they report to this module-level list.
TRAININGS = []


class Recorder(keras.callbacks.Callback):
    """Records the starting weights and each epoch's val_loss and weights."""

    def on_train_begin(self, logs=None):
        TRAININGS.append({"start": self.model.get_weights(), "epochs": []})

    def on_epoch_end(self, epoch, logs=None):
        TRAININGS[-1]["epochs"].append((logs["val_loss"], self.model.get_weights()))


@pytest.fixture(autouse=True)
def _fresh_record():
    TRAININGS.clear()
    yield
    TRAININGS.clear()


def _line_data(n=64, seed=0):
    """y = 2x to train on, y = x to validate on: a one-weight model that
    starts at 0 passes the validation optimum (w = 1) on its way to 2, so
    the validation loss falls, then rises, and the best epoch is neither the
    first nor the last."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 1)).astype("float32")
    return x, 2 * x, x, x.copy()


def _line_model(hp):
    model = keras.Sequential(
        [
            keras.Input((1,)),
            keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros"),
        ]
    )
    rate = hp.Float("learning_rate", 0.1, 0.2)
    model.compile(keras.optimizers.SGD(rate), "mse")
    return model


def _search_line(tmp_path, **kwargs):
    x, y, x_val, y_val = _line_data()
    options = dict(
        tuner="random",
        max_trials=1,
        epochs=12,
        patience=12,
        seed=0,
        verbose=0,
        task="regression",
        hypermodel=_line_model,
        objective="val_loss",
        directory=str(tmp_path),
        callbacks=[Recorder()],
    )
    options.update(kwargs)
    return search(x, y, validation_data=(x_val, y_val), **options)


def _best(training):
    losses = [loss for loss, _ in training["epochs"]]
    return int(np.argmin(losses))


def _improving_epochs(training):
    best, count = np.inf, 0
    for loss, _ in training["epochs"]:
        if loss < best:
            best, count = loss, count + 1
    return count


def _assert_same_weights(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        np.testing.assert_array_equal(a, e)


def test_the_best_model_has_its_best_epochs_weights(tmp_path):
    result = _search_line(tmp_path)
    (training,) = TRAININGS
    best = _best(training)
    epochs = len(training["epochs"])
    assert 0 < best < epochs - 1, [loss for loss, _ in training["epochs"]]
    best_weights = training["epochs"][best][1]
    last_weights = training["epochs"][-1][1]
    assert not np.allclose(best_weights[0], last_weights[0])
    _assert_same_weights(result.best_model.get_weights(), best_weights)
    reloaded = result.tuner.get_best_models(1)[0]
    _assert_same_weights(reloaded.get_weights(), best_weights)


def test_the_checkpoint_holds_the_best_epochs_optimizer_state(tmp_path):
    result = _search_line(tmp_path)
    (training,) = TRAININGS
    trial = result.tuner.oracle.get_best_trials(1)[0]
    path = result.tuner._get_checkpoint_fname(trial.trial_id)
    model = _line_model(trial.hyperparameters)
    model.optimizer.build(model.trainable_variables)
    model.load_weights(path)
    # SGD's only state is its step count: the best epoch's, not the last's.
    steps_per_epoch = 2  # 64 rows, batches of 32
    best = _best(training)
    assert int(model.optimizer.iterations.numpy()) == (best + 1) * steps_per_epoch


def test_a_checkpoint_is_written_once_per_trial(tmp_path, monkeypatch):
    writes = []
    save_weights = keras.Model.save_weights

    def counting(model, filepath, *args, **kwargs):
        writes.append(os.path.relpath(filepath, tmp_path))
        return save_weights(model, filepath, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "save_weights", counting)
    result = _search_line(tmp_path, max_trials=2)
    assert len(TRAININGS) == 2
    improving = [_improving_epochs(training) for training in TRAININGS]
    # KerasTuner's SaveBestEpoch would have written at each improving epoch.
    assert all(n > 1 for n in improving), improving
    trial_dirs = sorted(
        os.path.relpath(result.tuner.get_trial_dir(t), tmp_path)
        for t in result.trials["trial_id"]
    )
    assert sorted(os.path.dirname(w) for w in writes) == trial_dirs


def test_executions_share_one_best_epoch(tmp_path):
    def build(hp):
        # Random starts: the two executions of the trial differ.
        model = keras.Sequential(
            [keras.Input((1,)), keras.layers.Dense(4, "tanh"), keras.layers.Dense(1)]
        )
        model.compile(keras.optimizers.SGD(hp.Float("learning_rate", 0.05, 0.1)), "mse")
        return model

    result = _search_line(tmp_path, hypermodel=build, executions_per_trial=2, epochs=6)
    assert len(TRAININGS) == 2
    candidates = [
        (loss, weights)
        for training in TRAININGS
        for loss, weights in training["epochs"]
    ]
    losses = [loss for loss, _ in candidates]
    assert len(set(losses)) == len(losses)
    best_weights = candidates[int(np.argmin(losses))][1]
    _assert_same_weights(result.best_model.get_weights(), best_weights)


def test_hyperband_continues_from_the_earlier_trials_best_epoch(tmp_path):
    # Hyperband over 3 epochs: three 1-epoch trials, then the best of them
    # trained on to epoch 3 from its checkpoint.
    result = _search_line(tmp_path, tuner="hyperband", max_trials=4, epochs=3)
    log = (tmp_path / "kerasnotes" / TRIAL_LOG).read_text().splitlines()
    order = [line.split()[1] for line in log if line.startswith("begin ")]
    assert len(order) == len(TRAININGS)
    training_of = dict(zip(order, TRAININGS))
    continued = 0
    for trial_id, training in training_of.items():
        values = result.tuner.oracle.get_trial(trial_id).hyperparameters.values
        earlier = values.get("tuner/trial_id")
        if earlier is None:
            continue
        continued += 1
        before = training_of[earlier]
        _assert_same_weights(training["start"], before["epochs"][_best(before)][1])
    assert continued, "no trial continued an earlier one"


def test_the_tuner_class_leaves_room_for_mixins_after_reporting(tmp_path):
    tuner = _tuners.make_tuner(
        "random",
        max_trials=1,
        epochs=1,
        hypermodel=_line_model,
        objective="val_loss",
        directory=str(tmp_path),
    )
    bases = type(tuner).__bases__
    assert bases[0] is _tuners._Reporting
    assert bases[-2:] == (_tuners._LeanTrials, keras_tuner.RandomSearch)
