"""KerasTuner's tuners by name, each with a trial log, progress lines and less
fixed cost per trial."""

import gc
import json
import math
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
            _BestEpochInMemory(c) if _is_best_epoch_saver(c) else c
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
        # KerasTuner's rule: trainable parameters of a built model, else 0.
        size = (
            sum(math.prod(w.shape) for w in model.trainable_weights)
            if model.built
            else 0
        )
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


def _is_best_epoch_saver(callback):
    """Whether `callback` is KerasTuner's checkpoint callback, `SaveBestEpoch`.

    KerasTuner does not export the class, so it is told by its name and
    package. Were it renamed, the trial would keep KerasTuner's own callback
    (a write per improving epoch, nothing lost), and
    tests/tuning/test_trial_overhead.py, which counts the writes, would fail.
    """
    cls = type(callback)
    return cls.__name__ == "SaveBestEpoch" and cls.__module__.startswith("keras_tuner.")


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


# Hyperband's rounds: each keeps the best third of the trials before it and
# trains them three times longer, up to `epochs`.
HYPERBAND_FACTOR = 3
# Trials shorter than this are very short: `short_trials_note` says so.
SHORT_TRIAL_EPOCHS = 3


def _bracket_size(epochs, bracket, round_num, factor):
    """Trials in a round of a Hyperband bracket, as KerasTuner counts them."""
    end = math.ceil(1 + math.log(epochs, factor)) / (bracket + 1)
    return math.ceil(end * factor ** (bracket - round_num))


def _bracket_epochs(epochs, bracket, round_num, factor):
    return math.ceil(epochs / factor ** (bracket - round_num))


def hyperband_top_bracket(max_trials, epochs, factor=HYPERBAND_FACTOR):
    """The most aggressive Hyperband bracket a search of `max_trials` starts
    with.

    KerasTuner starts with the bracket whose first round trains the most
    trials for the fewest epochs (1), so a small budget is spent on that
    round alone: `max_trials=6, epochs=9` trains six 1-epoch trials. Here the
    first round trains each trial at least `min(3, epochs // 3)` epochs (1
    below 6 epochs) and has fewer trials than `max_trials`, so that at least
    one trial goes on to a longer round; bracket 0 (every trial `epochs`
    epochs) when no bracket does.
    """
    floor = max(1, min(SHORT_TRIAL_EPOCHS, epochs // factor))
    brackets = 1
    while epochs / factor**brackets >= 1:
        brackets += 1
    for bracket in reversed(range(brackets)):
        long_enough = _bracket_epochs(epochs, bracket, 0, factor) >= floor
        if long_enough and _bracket_size(epochs, bracket, 0, factor) < max_trials:
            return bracket
    return 0


def hyperband_plan(max_trials, epochs, factor=HYPERBAND_FACTOR):
    """The epochs each trial of a Hyperband search trains to, in trial order
    (trials run one at a time): the top bracket's rounds, then the next
    brackets down to 0, then again from the top, until `max_trials`."""
    top = hyperband_top_bracket(max_trials, epochs, factor)
    plan = []
    while len(plan) < max_trials:
        for bracket in reversed(range(top + 1)):
            for round_num in range(bracket + 1):
                size = _bracket_size(epochs, bracket, round_num, factor)
                plan += [_bracket_epochs(epochs, bracket, round_num, factor)] * size
    return plan[:max_trials]


def _start_hyperband(oracle, max_trials, epochs):
    """Starts a fresh Hyperband oracle at `hyperband_top_bracket` and lets it
    cycle through its brackets until `max_trials` (not once only)."""
    top = hyperband_top_bracket(max_trials, epochs, oracle.factor)
    # KerasTuner counts brackets down from `max_epochs` by `factor` while they
    # are >= `min_epochs` (and saves `min_epochs` with its state).
    oracle.min_epochs = epochs / oracle.factor**top * (1 - 1e-9)
    oracle.hyperband_iterations = float("inf")
    oracle._current_bracket = oracle._get_num_brackets() - 1
    oracle._brackets = []
    oracle._start_new_bracket()


def short_trials_note(tuner, max_trials, epochs):
    """One line when most trials train fewer than `SHORT_TRIAL_EPOCHS`
    epochs, else None."""
    if tuner == "hyperband":
        plan = hyperband_plan(max_trials, epochs)
    else:
        plan = [epochs] * max_trials
    short = [e for e in plan if e < SHORT_TRIAL_EPOCHS]
    if 2 * len(short) <= len(plan):
        return None
    least = min(short)
    unit = "epoch" if least == 1 else "epochs"
    if tuner == "hyperband":
        return (
            f"{len(short)} of {max_trials} trials train only {least} {unit} "
            f"(hyperband over --epochs {epochs}): --epochs 9 or more gives "
            f"trials at least {SHORT_TRIAL_EPOCHS} epochs"
        )
    return (
        f"every trial trains at most {epochs} {unit} (--epochs {epochs}); "
        "its scores say little about longer training"
    )


def make_tuner(name, *, max_trials, epochs, verbose=1, folds=None, **kwargs):
    """The tuner `name` of `TUNERS`, reporting, for at most `max_trials`.

    `kwargs` go to the tuner's constructor (hypermodel, objective,
    directory, ...). Hyperband trains its trials for up to `epochs` epochs,
    starting at `hyperband_top_bracket` (so that small budgets do not spend
    every trial on 1 epoch) and cycling through its brackets until
    `max_trials`.
    With `folds` (a list of `_cv.Fold`), every trial is cross-validated over
    them.
    """
    base = TUNERS[name]
    mixins = (_Reporting,) if folds is None else (_Reporting, _cv.CrossValidated)
    cls = type(f"Reporting{base.__name__}", mixins + (_LeanTrials, base), {})
    if name == "hyperband":
        tuner = cls(max_epochs=epochs, factor=HYPERBAND_FACTOR, **kwargs)
        # KerasTuner's Hyperband takes no trial budget; its oracle honours the
        # public `max_trials` attribute every oracle has.
        tuner.oracle.max_trials = max_trials
        if not tuner.oracle.trials:  # a resumed search keeps its brackets
            _start_hyperband(tuner.oracle, max_trials, epochs)
    else:
        tuner = cls(max_trials=max_trials, **kwargs)
    tuner.verbose = verbose
    tuner.total_trials = max_trials
    if folds is not None:
        tuner.folds = list(folds)
    return tuner
