"""A cross-validated objective: every trial trains one fresh model per fold.

```
for fold in folds:                      # the same folds for every trial
    model = build(hp)                   # fresh weights
    history = fit(hp, model, fold.train, validation_data=fold.held_out)
    fold score = objective at its best epoch
trial score = mean of the fold scores   # what the tuner ranks
```

The folds are made once by `search()` with the rule of
`kerasnotes.data.cross_validate` (split first, oversample each training part
only), so trials are compared on the same splits.
"""

import dataclasses
import json
import os
import statistics

import keras
import numpy as np

from kerasnotes.tuning._hypermodel import check_finite


@dataclasses.dataclass
class Fold:
    """One fold: its (possibly oversampled) training part and held-out part."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def fold_column(i):
    """The trials table's column of fold `i` (counted from 0)."""
    return f"fold_{i + 1}"


STD_COLUMN = "objective_std"
EPOCHS_COLUMN = "best_epochs"


class CrossValidated:
    """Mixed into a KerasTuner tuner after `_Reporting`: `run_trial` trains
    one model per fold of `self.folds` and returns the folds' mean.

    Returned to KerasTuner (and so recorded in each trial's metrics and in
    `search().trials`): the objective's mean over folds, every other logged
    metric's mean at each fold's best epoch, `fold_1 ... fold_k` (each fold's
    best-epoch objective), `objective_std` (their population standard
    deviation) and `best_epochs` (the mean count of epochs to each fold's best
    epoch; the final model trains that long).
    """

    folds = ()

    def run_trial(self, trial, *args, **kwargs):
        hp = trial.hyperparameters
        callbacks = kwargs.pop("callbacks", [])
        if "tuner/epochs" in hp.values:
            # Hyperband's budget: each fold trains afresh for the bracket's
            # epochs (k models cannot resume from one checkpoint).
            kwargs["epochs"] = hp.values["tuner/epochs"]
        results = []
        for i, fold in enumerate(self.folds):
            self._append_log(f"fold {i + 1} {trial.trial_id} {self.tuner_id}")
            model = self._fresh_model(hp)
            history = self.hypermodel.fit(
                hp,
                model,
                fold.x_train,
                fold.y_train,
                validation_data=(fold.x_val, fold.y_val),
                callbacks=self._deepcopy_callbacks(callbacks),
                **kwargs,
            )
            check_finite(history)
            results.append(_best_epoch(history, self.oracle.objective, kwargs))
        self._save_histories(trial, [r.history for r in results])
        return _summary(results, self.oracle.objective)

    def _fresh_model(self, hp):
        # KerasTuner's own build step, without Hyperband's reload of an
        # earlier trial's checkpoint, which cross-validation does not write.
        return build(self.hypermodel, hp, self.distribution_strategy)

    def _save_histories(self, trial, histories):
        directory = self.get_trial_dir(trial.trial_id)
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "history.json"), "w") as f:
            json.dump(mean_history(histories), f)
        with open(os.path.join(directory, "fold_histories.json"), "w") as f:
            json.dump(histories, f)


@dataclasses.dataclass
class _FoldResult:
    logs: dict  # every metric at the best epoch
    epochs: int  # epochs run up to and including the best one
    history: dict


def _best_epoch(history, objective, fit_kwargs):
    """The logs of the fold's best epoch by `objective`."""
    if not isinstance(history, keras.callbacks.History):
        # A user's HyperModel.fit may return the objective (a number or a
        # dict of metrics) instead of a History: that is the fold's score.
        logs = history if isinstance(history, dict) else {objective.name: history}
        logs = {k: float(v) for k, v in logs.items()}
        return _FoldResult(logs, int(fit_kwargs.get("epochs", 1)), {})
    record = {k: [float(v) for v in values] for k, values in history.history.items()}
    epochs = len(next(iter(record.values()), []))
    best, best_value = 0, None
    for epoch in range(epochs):
        logs = {k: values[epoch] for k, values in record.items()}
        if not objective.has_value(logs):
            continue
        value = objective.get_value(logs)
        if best_value is None or objective.better_than(value, best_value):
            best, best_value = epoch, value
    logs = {k: values[best] for k, values in record.items()}
    return _FoldResult(logs, best + 1, record)


def _summary(results, objective):
    names = set.intersection(*(set(r.logs) for r in results))
    metrics = {name: statistics.fmean(r.logs[name] for r in results) for name in names}
    scores = [objective.get_value(r.logs) for r in results]
    for i, score in enumerate(scores):
        metrics[fold_column(i)] = float(score)
    metrics[STD_COLUMN] = float(np.std(scores))
    metrics[EPOCHS_COLUMN] = statistics.fmean(r.epochs for r in results)
    return metrics


def mean_history(histories):
    """Per epoch and metric, the mean over the folds that ran that epoch."""
    names = {name for history in histories for name in history}
    mean = {}
    for name in sorted(names):
        curves = [h[name] for h in histories if name in h]
        length = max(len(c) for c in curves)
        mean[name] = [
            statistics.fmean(c[epoch] for c in curves if epoch < len(c))
            for epoch in range(length)
        ]
    return mean


def build(hypermodel, hp, strategy=None):
    """A fresh model of `hp`, in `strategy`'s scope when one is given."""
    keras.backend.clear_session()
    if strategy is None:
        return hypermodel.build(hp)
    with strategy.scope():
        return hypermodel.build(hp)


def refit(hypermodel, hp, x, y, *, epochs, callbacks, strategy=None):
    """The hyperparameters `hp` trained on all of `(x, y)` for `epochs`, with
    no held-out part (so no early stopping)."""
    model = build(hypermodel, hp, strategy)
    hypermodel.fit(
        hp,
        model,
        x,
        y,
        epochs=max(1, int(round(epochs))),
        callbacks=list(callbacks),
        verbose=0,
    )
    return model
