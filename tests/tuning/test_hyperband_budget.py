"""Hyperband's budget follows `epochs` and `max_trials` (issue 16): a small
budget does not spend every trial on 1 epoch."""

import keras
import pytest

from kerasnotes.tuning import _tuners


def _line_model(hp):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(hp.Float("learning_rate", 0.01, 0.1)), "mse")
    return model


def _oracle_epochs(tmp_path, max_trials, epochs):
    """The epochs KerasTuner's own oracle gives each trial of a search run
    one trial at a time (scores made up: the rounds do not depend on them)."""
    tuner = _tuners.make_tuner(
        "hyperband",
        max_trials=max_trials,
        epochs=epochs,
        hypermodel=_line_model,
        objective="val_loss",
        directory=str(tmp_path),
        verbose=0,
    )
    oracle = tuner.oracle
    planned = []
    for i in range(max_trials + 1):
        trial = oracle.create_trial(f"t{i}")
        if trial.status != "RUNNING":
            break
        planned.append(trial.hyperparameters.values["tuner/epochs"])
        oracle.update_trial(trial.trial_id, {"val_loss": 1.0 / (i + 1)})
        trial.status = "COMPLETED"  # as the tuner marks a trial that trained
        oracle.end_trial(trial)
    return planned


def test_a_small_hyperband_budget_trains_trials_several_epochs(tmp_path):
    # epochs=9, factor 3: KerasTuner's first bracket trains 9 trials for 1
    # epoch, 3 for 3, 1 for 9, so 6 trials were all 1 epoch. The bracket
    # below trains ceil(1.5 * 3) = 5 trials for 9 / 3 = 3 epochs, then the
    # best ones on to 9.
    assert _oracle_epochs(tmp_path, 6, 9) == [3, 3, 3, 3, 3, 9]


@pytest.mark.parametrize("max_trials, epochs", [(6, 9), (4, 3), (10, 30), (12, 9)])
def test_the_plan_is_what_the_oracle_runs(tmp_path, max_trials, epochs):
    assert _oracle_epochs(tmp_path, max_trials, epochs) == _tuners.hyperband_plan(
        max_trials, epochs
    )


def test_short_trials_are_noted_in_one_line():
    note = _tuners.short_trials_note("hyperband", 4, 3)
    assert note == (
        "3 of 4 trials train only 1 epoch (hyperband over --epochs 3): "
        "--epochs 9 or more gives trials at least 3 epochs"
    )
    assert _tuners.short_trials_note("hyperband", 6, 9) is None
    assert "at most 2 epochs" in _tuners.short_trials_note("random", 4, 2)
    assert _tuners.short_trials_note("bayesian", 4, 3) is None
