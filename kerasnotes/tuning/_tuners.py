"""KerasTuner's tuners by name, each with a trial log, progress lines and less
fixed cost per trial."""

import gc
import json
import os

import keras
import keras_tuner

# KerasTuner's own checkpoint callback and model-size rule, which
# `_LeanTrials` replaces and keeps; neither is exported publicly.
from keras_tuner.src.engine import tuner as _kt_tuner
from keras_tuner.src.engine import tuner_utils as _kt_utils

from kerasnotes.tuning import _cv
from kerasnotes.tuning import _grid
from kerasnotes.tuning._hypermodel import check_finite

# The names `search(tuner=...)` and `kerasnotes tune --tuner` accept.
TUNERS = {
    "bayesian": keras_tuner.BayesianOptimization,
    "random": keras_tuner.RandomSearch,
    "hyperband": keras_tuner.Hyperband,
    "grid": _grid.GridSearch,  # resumable (keras-team/keras-tuner#1055)
}
TRIAL_LOG = "kerasnotes_trials.log"


class _Reporting:
    """Mixed into a KerasTuner tuner: a trial log, per-trial histories on disk,
    and one progress line per trial."""

    verbose = 1
    total_trials = None

    def _append_log(self, line):
        os.makedirs(self.project_dir, exist_ok=True)
        with open(os.path.join(self.project_dir, TRIAL_LOG), "a") as log:
            log.write(line + "\n")

    def on_trial_begin(self, trial):
        super().on_trial_begin(trial)
        self._append_log(f"begin {trial.trial_id} {self.tuner_id}")

    def run_trial(self, trial, *args, **kwargs):
        results = super().run_trial(trial, *args, **kwargs)
        executions = results if isinstance(results, list) else [results]
        for history in executions:
            check_finite(history)
        last = executions[-1]
        if isinstance(last, keras.callbacks.History):
            history = {
                k: [float(v) for v in values] for k, values in last.history.items()
            }
            path = os.path.join(self.get_trial_dir(trial.trial_id), "history.json")
            with open(path, "w") as f:
                json.dump(history, f)
        return results

    def on_trial_end(self, trial):
        super().on_trial_end(trial)
        status = getattr(trial.status, "value", trial.status)
        self._append_log(f"end {trial.trial_id} {status}")
        if self.verbose:
            print(self._progress_line(trial, status), flush=True)

    def _progress_line(self, trial, status):
        done = self.oracle.get_trial(trial.trial_id)
        best = self.oracle.get_best_trials(1)
        best_score = best[0].score if best else None
        total = f"/{self.total_trials}" if self.total_trials else ""
        score = "-" if done.score is None else f"{done.score:.4f}"
        best_text = "-" if best_score is None else f"{best_score:.4f}"
        return (
            f"trial {int(trial.trial_id) + 1}{total} [{self.tuner_id}] "
            f"{status}: {self.oracle.objective.name}={score} (best {best_text})"
        )


class _LeanTrials:
    """Mixed into a KerasTuner tuner after `_Reporting` (and after any mixin
    whose `run_trial` trains models itself): KerasTuner's own trials, with
    less fixed cost each.

    ```
    KerasTuner                          here
    writes the checkpoint at every      keeps a copy in memory at each; writes
    improving epoch                     it once, when training ends: the same
                                        file, format and contents (weights
                                        and optimizer state of the best epoch)
    collects all garbage twice before   once, as the trial ends: its model is
    each build (clear_session's, then   freed as soon as nothing holds it, and
    its own gc.collect)                 a model built after the search
                                        (get_best_models) waits for no
                                        collection of the whole heap
    ```

    `get_best_models`, Hyperband's reload of an earlier trial, resuming and
    the distributed mode read the same files as before.
    """

    _trained = False

    def _build_and_fit_model(self, trial, *args, **kwargs):
        self._trained = True
        # KerasTuner's `run_trial` passes one `SaveBestEpoch` to every
        # execution of the trial, so the best epoch is the best over all of
        # them; each execution's copy in memory shares its best value.
        kwargs["callbacks"] = [
            _BestEpochInMemory(c) if type(c) is _kt_utils.SaveBestEpoch else c
            for c in kwargs.get("callbacks", [])
        ]
        return super()._build_and_fit_model(trial, *args, **kwargs)

    def _try_build(self, hp):
        # KerasTuner's `_try_build`, less its two collections of the whole
        # heap: `on_trial_end` collects the trial's garbage once it is all
        # garbage (the trial's results, which hold its model, are dropped).
        keras.backend.clear_session(free_memory=False)
        model = self._build_hypermodel(hp)
        if not isinstance(model, keras.Model):
            raise keras_tuner.errors.FatalTypeError(
                "Expected the model-building function, or HyperModel.build() "
                "to return a valid Keras Model instance. "
                f"Received: {model} of type {type(model)}."
            )
        size = _kt_tuner.maybe_compute_model_size(model)
        if self.max_model_size and size > self.max_model_size:
            raise keras_tuner.errors.FailedTrialError(
                f"Oversized model: {size} parameters. Skip model."
            )
        return model

    def on_trial_end(self, trial):
        super().on_trial_end(trial)
        if self._trained:
            # Not after a trial that trained no model here (one whose
            # `run_trial` builds its own models collects for itself).
            gc.collect()
            self._trained = False


class _BestEpochInMemory(keras.callbacks.Callback):
    """KerasTuner's `SaveBestEpoch`, writing its file once per training.

    At each epoch that improves on `saver.best_value` (or at every epoch when
    the logs lack the objective, as `SaveBestEpoch` does) it copies the
    model's weights and optimizer variables to host memory; when training
    ends it puts the copy back in the model, writes it with the saver's own
    `_save_model` (file name, format, multi-worker temporary files) and then
    restores the weights training ended with.

    Args:
        saver: The `SaveBestEpoch` KerasTuner made for the trial: its
            objective, file and best value so far.
    """

    def __init__(self, saver):
        super().__init__()
        self.saver = saver
        self.best = None

    def set_model(self, model):
        super().set_model(model)
        self.saver.set_model(model)

    def on_epoch_end(self, epoch, logs=None):
        objective = self.saver.objective
        if objective.has_value(logs):
            value = objective.get_value(logs)
            if not objective.better_than(value, self.saver.best_value):
                return
            self.saver.best_value = value
        self.best = _snapshot(self.model)

    def on_train_end(self, logs=None):
        if self.best is None:
            return
        last = _snapshot(self.model)
        _restore(self.best)
        self.saver._save_model()
        _restore(last)
        self.best = None


def _snapshot(model):
    """Each variable a weights file holds, with a host copy of its value."""
    variables = list(model.weights)
    if getattr(model, "optimizer", None) is not None:
        variables += model.optimizer.variables
    return [(v, v.numpy()) for v in variables]


def _restore(snapshot):
    for variable, value in snapshot:
        variable.assign(value)


def make_tuner(name, *, max_trials, epochs, verbose=1, folds=None, **kwargs):
    """The tuner `name` of `TUNERS`, reporting, for at most `max_trials`.

    `kwargs` go to the tuner's constructor (hypermodel, objective,
    directory, ...). Hyperband trains its trials for up to `epochs` epochs.
    With `folds` (a list of `_cv.Fold`), every trial is cross-validated over
    them.
    """
    base = TUNERS[name]
    mixins = (_Reporting,) if folds is None else (_Reporting, _cv.CrossValidated)
    cls = type(f"Reporting{base.__name__}", mixins + (_LeanTrials, base), {})
    if name == "hyperband":
        tuner = cls(max_epochs=epochs, factor=3, **kwargs)
        # KerasTuner's Hyperband takes no trial budget; its oracle honours the
        # public `max_trials` attribute every oracle has.
        tuner.oracle.max_trials = max_trials
    else:
        tuner = cls(max_trials=max_trials, **kwargs)
    tuner.verbose = verbose
    tuner.total_trials = max_trials
    if folds is not None:
        tuner.folds = list(folds)
    return tuner
