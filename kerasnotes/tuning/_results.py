"""What a search returns: the best model, its hyperparameters, every trial."""

import dataclasses
import glob
import json
import os
import warnings

from kerasnotes.tuning import _cv


@dataclasses.dataclass
class SearchResult:
    """What `search()` returns.

    Attributes:
        best_model: The best trial's model, with the weights of its best epoch
            (None when no trial completed). With `cv`, the best
            hyperparameters trained on all the data for `best_epochs` epochs
            (None in a distributed worker: the chief trains it).
        best_hyperparameters: Its `keras_tuner.HyperParameters` (or None).
        trials: A pandas DataFrame, one row per trial: `trial_id`, `status`,
            `objective` (the score), with `cv` the per-fold scores `fold_1`
            ... `fold_k`, `objective_std` and `best_epochs`, then one column
            per hyperparameter.
        tuner: The KerasTuner tuner.
        task: `"binary"`, `"multiclass"` or `"regression"`.
        classes: For classification, the original labels in the order of the
            model's class indices; else None.
        objective: The name of the metric trials were ranked by.
        train_size: Rows each trial trained on (after oversampling).

    Example:

    >>> import numpy as np
    >>> from kerasnotes.tuning import HyperMLP, search
    >>> x = np.random.default_rng(0).normal(size=(100, 3)).astype("float32")
    >>> y = (x[:, 0] > 0).astype(int)
    >>> result = search(x, y, tuner="random", max_trials=1, epochs=1, seed=0,
    ...                 hypermodel=HyperMLP("binary", depth=1, units=16),
    ...                 directory="search", verbose=0)
    >>> result.task, result.objective, result.train_size  # 80% of 100 rows
    ('binary', 'val_xent', 80)
    >>> result.classes.tolist()
    [0, 1]
    >>> result.trials[["trial_id", "status"]].values.tolist()
    [['0', 'COMPLETED']]
    >>> result.best_model.input_shape, result.best_model.output_shape
    ((None, 3), (None, 1))
    >>> "val_xent" in result.history()
    True
    """

    best_model: object
    best_hyperparameters: object
    trials: object
    tuner: object
    task: str
    classes: object
    objective: str
    train_size: int

    def history(self, trial_id=None):
        """The recorded training history of a trial (default: the best)."""
        if trial_id is None:
            trial_id = self.tuner.oracle.get_best_trials(1)[0].trial_id
        path = os.path.join(self.tuner.get_trial_dir(trial_id), "history.json")
        with open(path) as f:
            return json.load(f)


def trials_table(project_dir):
    """One row per trial found in a KerasTuner project directory."""
    import pandas as pd

    rows = []
    for path in sorted(glob.glob(os.path.join(project_dir, "trial_*", "trial.json"))):
        with open(path) as f:
            trial = json.load(f)
        row = {
            "trial_id": trial["trial_id"],
            "status": trial.get("status"),
            "objective": trial.get("score"),
        }
        row.update(_cross_validation_columns(trial))
        row.update(trial.get("hyperparameters", {}).get("values", {}))
        rows.append(row)
    return pd.DataFrame(rows)


def _cross_validation_columns(trial):
    """A cross-validated trial's fold scores, their spread and epochs."""
    metrics = trial.get("metrics", {}).get("metrics", {})
    names = sorted(
        (name for name in metrics if name.startswith("fold_")),
        key=lambda name: int(name.split("_")[1]),
    )
    names += [name for name in (_cv.STD_COLUMN, _cv.EPOCHS_COLUMN) if name in metrics]
    columns = {}
    for name in names:
        observations = metrics[name].get("observations") or [{"value": [None]}]
        columns[name] = observations[-1]["value"][0]
    return columns


def collect(tuner, *, task, classes, train_size, refit=None):
    """The `SearchResult` of a finished search; `refit(hp, epochs)` trains
    the cross-validated best model."""
    best = [
        trial
        for trial in tuner.oracle.get_best_trials(1)
        if getattr(trial.status, "value", trial.status) == "COMPLETED"
    ]
    best_model = None
    if best and refit is not None:
        if os.environ.get("KERASTUNER_TUNER_ID", "chief") == "chief":
            epochs = best[0].metrics.get_last_value(_cv.EPOCHS_COLUMN)
            best_model = refit(best[0].hyperparameters, epochs)
    elif best:
        with warnings.catch_warnings():
            # The checkpoint holds the trial's optimizer slots; the reloaded
            # model is for prediction, so its fresh optimizer does not take them.
            warnings.filterwarnings("ignore", message="Skipping variable loading")
            best_model = tuner.get_best_models(1)[0]
    return SearchResult(
        best_model=best_model,
        best_hyperparameters=best[0].hyperparameters if best else None,
        trials=trials_table(tuner.project_dir),
        tuner=tuner,
        task=task,
        classes=classes,
        objective=tuner.oracle.objective.name,
        train_size=train_size,
    )
