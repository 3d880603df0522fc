"""Grid search resumes: KerasTuner 1.4.8's own GridSearch fails with a
KeyError once a reloaded search finishes a trial (keras-team/keras-tuner#1055);
the package's grid tuner rebuilds the grid order from the reloaded trials."""

import itertools

import keras_tuner
import pytest

from kerasnotes.tuning import _grid


class _Interrupt(BaseException):
    """Stands for a killed process: not an Exception, so KerasTuner does not
    record a failed trial; the trial stays RUNNING in the saved oracle."""


def _tuner(cls, tmp_path, max_trials, stop_at=None, seen=None):
    class BlackBox(cls):
        def run_trial(self, trial, *args, **kwargs):
            hp = trial.hyperparameters
            a, b = hp.Choice("a", [1, 2, 3]), hp.Choice("b", ["x", "y"])
            if stop_at is not None and trial.trial_id == stop_at:
                raise _Interrupt
            seen.append((a, b))
            return float(a) + (0.5 if b == "y" else 0.0)

    return BlackBox(
        objective=keras_tuner.Objective("score", "min"),
        max_trials=max_trials,
        directory=str(tmp_path),
        project_name="grid",
        overwrite=False,
    )


def _grid_values():
    return {(a, b) for a, b in itertools.product([1, 2, 3], ["x", "y"])}


@pytest.mark.parametrize("interrupted", [False, True])
def test_a_resumed_grid_search_covers_the_rest_of_the_grid(tmp_path, interrupted):
    first = []
    tuner = _tuner(
        _grid.GridSearch, tmp_path, 3, stop_at="2" if interrupted else None, seen=first
    )
    if interrupted:
        with pytest.raises(_Interrupt):
            tuner.search()
        assert len(first) == 2
    else:
        tuner.search()
        assert len(first) == 3
    second = []
    _tuner(_grid.GridSearch, tmp_path, 6, seen=second).search()
    assert not set(first) & set(second)  # finished trials are not run again
    assert set(first) | set(second) == _grid_values()
    assert len(first) + len(second) == 6


def test_keras_tuners_own_grid_search_does_not_resume(tmp_path):
    """The control: the same resumes with keras_tuner.GridSearch. Resumed
    after finished trials it runs nothing more (the grid looks exhausted);
    resumed after an interrupted trial it fails with a KeyError. When a new
    KerasTuner fixes #1055 this fails, and the workaround can go."""
    _tuner(keras_tuner.GridSearch, tmp_path / "done", 3, seen=[]).search()
    more = []
    _tuner(keras_tuner.GridSearch, tmp_path / "done", 6, seen=more).search()
    assert more == []

    with pytest.raises(_Interrupt):
        _tuner(keras_tuner.GridSearch, tmp_path / "cut", 3, "2", seen=[]).search()
    with pytest.raises(KeyError):
        _tuner(keras_tuner.GridSearch, tmp_path / "cut", 6, seen=[]).search()
