"""KerasTuner's tuners by name, each with a trial log and progress lines."""

import json
import os

import keras
import keras_tuner

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


def make_tuner(name, *, max_trials, epochs, verbose=1, folds=None, **kwargs):
    """The tuner `name` of `TUNERS`, reporting, for at most `max_trials`.

    `kwargs` go to the tuner's constructor (hypermodel, objective,
    directory, ...). Hyperband trains its trials for up to `epochs` epochs.
    With `folds` (a list of `_cv.Fold`), every trial is cross-validated over
    them.
    """
    base = TUNERS[name]
    mixins = (_Reporting,) if folds is None else (_Reporting, _cv.CrossValidated)
    cls = type(f"Reporting{base.__name__}", mixins + (base,), {})
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
