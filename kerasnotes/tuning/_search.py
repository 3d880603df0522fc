"""search(): KerasTuner over HyperMLP with oversampling of training data only."""

import dataclasses
import gc
import glob
import json
import os
import warnings

import keras
import keras_tuner
import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import check_one_of
from kerasnotes._internal.validation import check_positive_int
from kerasnotes._internal.validation import check_unit_interval
from kerasnotes._tuning_choices import TUNERS
from kerasnotes.tuning import _space
from kerasnotes.tuning._hypermodel import HyperMLP
from kerasnotes.tuning._hypermodel import check_finite
from kerasnotes.tuning._hypermodel import infer_task

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
            done = self.oracle.get_trial(trial.trial_id)
            best = self.oracle.get_best_trials(1)
            best_score = best[0].score if best else None
            name = self.oracle.objective.name
            total = f"/{self.total_trials}" if self.total_trials else ""
            score = "-" if done.score is None else f"{done.score:.4f}"
            best_text = "-" if best_score is None else f"{best_score:.4f}"
            print(
                f"trial {int(trial.trial_id) + 1}{total} [{self.tuner_id}] "
                f"{status}: {name}={score} (best {best_text})",
                flush=True,
            )


_TUNERS = dict(
    zip(
        TUNERS,
        (
            keras_tuner.BayesianOptimization,
            keras_tuner.RandomSearch,
            keras_tuner.Hyperband,
            keras_tuner.GridSearch,
        ),
    )
)


def _tuner_class(name):
    base = _TUNERS[name]
    return type(f"Reporting{base.__name__}", (_Reporting, base), {})


@dataclasses.dataclass
class SearchResult:
    """What `search()` returns.

    Attributes:
        best_model: The best trial's model, with the weights of its best epoch
            (None when no trial completed).
        best_hyperparameters: Its `keras_tuner.HyperParameters` (or None).
        trials: A pandas DataFrame, one row per trial: `trial_id`, `status`,
            `objective` (the score), then one column per hyperparameter.
        tuner: The KerasTuner tuner.
        task: `"binary"`, `"multiclass"` or `"regression"`.
        classes: For classification, the original labels in the order of the
            model's class indices; else None.
        objective: The name of the metric trials were ranked by.
        train_size: Rows each trial trained on (after oversampling).
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
        row.update(trial.get("hyperparameters", {}).get("values", {}))
        rows.append(row)
    return pd.DataFrame(rows)


def _as_features(x):
    x = keras.ops.convert_to_numpy(x) if not isinstance(x, np.ndarray) else x
    x = np.asarray(x, dtype="float32")
    if x.ndim != 2:
        raise InputError(
            f"Argument `x` must be a 2-D table (rows, features). "
            f"Received: x with shape {x.shape}"
        )
    if not np.isfinite(x).all():
        rows, cols = np.nonzero(~np.isfinite(x))
        raise InputError(
            "Argument `x` contains NaN or infinite values (first at row "
            f"{rows[0]}, column {cols[0]}); drop or impute them first."
        )
    return x


def _encode_targets(y, task):
    y = np.asarray(
        keras.ops.convert_to_numpy(y) if not isinstance(y, np.ndarray) else y
    )
    if task == "regression":
        y = y.astype("float32").reshape(len(y), -1)
        if not np.isfinite(y).all():
            raise InputError("Argument `y` contains NaN or infinite values.")
        return y, None
    if y.ndim == 2 and y.shape[1] > 1:
        y = y.argmax(axis=1)
    classes, codes = np.unique(y.ravel(), return_inverse=True)
    if len(classes) < 2:
        raise InputError(
            f"Argument `y` must hold at least 2 classes. Received: only "
            f"{classes.tolist()}"
        )
    if task == "binary":
        if len(classes) > 2:
            raise InputError(
                "Argument `task` is 'binary' but `y` holds "
                f"{len(classes)} classes; use task='multiclass'. "
                "Received: task='binary'"
            )
        return codes.astype("float32").reshape(-1, 1), classes
    return codes.astype("int32"), classes


def search(
    x,
    y,
    *,
    tuner="bayesian",
    max_trials=20,
    oversample=None,
    validation_data=None,
    directory=None,
    project_name="kerasnotes",
    overwrite=False,
    **kwargs,
):
    """Searches HyperMLP's space (or a given hypermodel) with KerasTuner.

    Data flow: the validation part is held out first (`validation_data`, or a
    stratified `validation_split` of `x, y`); `oversample` (a method name of
    `kerasnotes.data.oversample`, e.g. `"smote"`) then resamples the training
    part only, so no synthetic row is derived from a validation row. Every
    trial trains with early stopping; a trial that diverges is recorded as
    failed and the search goes on.

    With `overwrite=False`, a search started again in the same `directory` and
    `project_name` resumes: finished trials are reloaded, not run again.
    In KerasTuner's distributed mode (environment variables
    `KERASTUNER_TUNER_ID`, `KERASTUNER_ORACLE_IP`, `KERASTUNER_ORACLE_PORT`)
    the same call runs as the chief oracle or as a worker; see docs/tuning.md.

    Args:
        x: Features, 2-D (rows, features).
        y: Targets: class labels (any type), one-hot rows, or numbers.
        tuner: `"bayesian"`, `"random"`, `"hyperband"` or `"grid"`. Defaults
            to `"bayesian"`.
        max_trials: Most trials. Defaults to `20`.
        oversample: None, or a method of `kerasnotes.data.oversample`.
        validation_data: `(x_val, y_val)`, or None to split off
            `validation_split` of the data.
        directory: Where KerasTuner keeps its project (in the sub-folder
            `project_name`). Defaults to `"kerasnotes-search"` in the current
            directory.
        project_name: Defaults to `"kerasnotes"`.
        overwrite: Start afresh instead of resuming. Defaults to `False`.
        **kwargs: `task` (`"auto"`, `"binary"`, `"multiclass"`,
            `"regression"`), `hypermodel` (a HyperMLP, a HyperModel or a
            build function; default HyperMLP over the whole space), `epochs`
            (30), `patience` (5), `validation_split` (0.2), `seed`,
            `distribution_strategy` (a `tf.distribute` strategy for each
            trial), `executions_per_trial` (1), `objective`,
            `max_consecutive_failed_trials` (None: failed trials never stop
            the search, which ends after `max_trials` trials, failed ones
            included; an integer N makes KerasTuner raise `RuntimeError`
            after N failures in a row), `callbacks`, `verbose` (1:
            one line per trial), `k_neighbors` (5, for oversampling).

    Returns:
        A `SearchResult` with `.best_model`, `.best_hyperparameters` and
        `.trials`.
    """
    options = dict(
        task="auto",
        hypermodel=None,
        epochs=30,
        patience=5,
        validation_split=0.2,
        seed=None,
        distribution_strategy=None,
        executions_per_trial=1,
        objective=None,
        max_consecutive_failed_trials=None,
        callbacks=None,
        verbose=1,
        k_neighbors=5,
    )
    unknown = set(kwargs) - set(options)
    if unknown:
        raise TypeError(f"search() got unexpected keyword arguments {sorted(unknown)}")
    options.update(kwargs)
    check_one_of("tuner", tuner, TUNERS)
    max_trials = check_positive_int("max_trials", max_trials)
    epochs = check_positive_int("epochs", options["epochs"])
    check_unit_interval(
        "validation_split", options["validation_split"], closed_low=False
    )
    seed = options["seed"]
    if oversample is not None and not isinstance(oversample, str):
        raise InputError(
            "Argument `oversample` must be None or a method name such as "
            f"'smote'. Received: oversample={oversample!r}"
        )
    if oversample == "smote-nc":
        raise InputError(
            "Argument `oversample` cannot be 'smote-nc' in search(): the "
            "features are numeric, with no categorical columns to keep; use "
            "'smote', or oversample with kerasnotes.data.oversample(..., "
            "method='smote-nc', categorical_features=...) before searching. "
            f"Received: oversample={oversample!r}"
        )

    x = _as_features(x)
    if len(x) != len(y):
        raise InputError(
            f"`x` and `y` must have the same number of rows. Received: "
            f"{len(x)} and {len(y)}"
        )
    hypermodel = options["hypermodel"]
    task = options["task"]
    if isinstance(hypermodel, HyperMLP):
        task = hypermodel.task
    elif task == "auto":
        task = infer_task(np.asarray(y))
    check_one_of("task", task, ("auto",) + _space.TASKS)
    y, classes = _encode_targets(y, task)

    if validation_data is None:
        from sklearn.model_selection import train_test_split

        x_train, x_val, y_train, y_val = train_test_split(
            x,
            y,
            test_size=options["validation_split"],
            stratify=None if task == "regression" else y.ravel(),
            random_state=seed,
        )
    else:
        x_train, y_train = x, y
        x_val = _as_features(validation_data[0])
        y_val = validation_data[1]
        if classes is not None:
            y_val = np.asarray(y_val)
            if y_val.ndim == 2 and y_val.shape[1] > 1:
                y_val = y_val.argmax(axis=1)
            index = {label: i for i, label in enumerate(classes.tolist())}
            try:
                y_val = np.array([index[v] for v in y_val.ravel().tolist()])
            except KeyError as error:
                raise InputError(
                    f"validation_data has a label {error.args[0]!r} not in y"
                ) from None
            y_val = y_val.astype(y_train.dtype).reshape(-1, *y_train.shape[1:])
        else:
            y_val = np.asarray(y_val, "float32").reshape(len(y_val), -1)
    if oversample is not None:
        if task == "regression":
            raise InputError(
                "Argument `oversample` needs a classification task. "
                f"Received: oversample={oversample!r} for a regression target"
            )
        from kerasnotes.data import oversample as resample

        shape, dtype = y_train.shape[1:], y_train.dtype
        x_train, y_train = resample(
            x_train,
            y_train.ravel(),
            method=oversample,
            k_neighbors=options["k_neighbors"],
            random_state=seed,
        )
        x_train = np.asarray(x_train, "float32")
        y_train = np.asarray(y_train).astype(dtype).reshape(-1, *shape)

    if hypermodel is None:
        hypermodel = HyperMLP(
            task,
            num_classes=len(classes) if task == "multiclass" else None,
            epochs=epochs,
            patience=options["patience"],
            discrete=tuner == "grid",
        )
    if isinstance(hypermodel, HyperMLP):
        hypermodel.input_dim = hypermodel.input_dim or x.shape[1]
        hypermodel.train_size = hypermodel.train_size or len(x_train)
        objective = options["objective"] or hypermodel.objective
    else:
        objective = options["objective"] or "val_loss"

    common = dict(
        hypermodel=hypermodel,
        objective=objective,
        directory=directory or "kerasnotes-search",
        project_name=project_name,
        overwrite=overwrite,
        seed=seed,
        distribution_strategy=options["distribution_strategy"],
        executions_per_trial=options["executions_per_trial"],
        max_consecutive_failed_trials=options["max_consecutive_failed_trials"],
    )
    cls = _tuner_class(tuner)
    if tuner == "hyperband":
        instance = cls(max_epochs=epochs, factor=3, **common)
        instance.oracle.max_trials = max_trials
    else:
        instance = cls(max_trials=max_trials, **common)
    instance.verbose = options["verbose"]
    instance.total_trials = max_trials

    callbacks = list(options["callbacks"] or [])
    if not isinstance(hypermodel, HyperMLP):
        # HyperMLP.fit adds its own; other hypermodels get it here.
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=instance.oracle.objective.name,
                mode=instance.oracle.objective.direction,
                patience=options["patience"],
            )
        )
    callbacks.append(keras.callbacks.TerminateOnNaN())
    # KerasTuner runs gc.collect() before building each trial's model; with
    # TensorFlow's many long-lived objects that full collection costs about
    # 0.3 s. Freezing what exists now (modules, data, the tuner) lets those
    # collections scan only the trial's own objects.
    gc.freeze()
    try:
        instance.search(
            x_train,
            y_train,
            validation_data=(x_val, y_val),
            epochs=epochs,
            callbacks=callbacks,
            verbose=0,
        )
    finally:
        gc.unfreeze()

    completed = [
        t
        for t in instance.oracle.get_best_trials(1)
        if getattr(t.status, "value", t.status) == "COMPLETED"
    ]
    best_hps = [completed[0].hyperparameters] if completed else []
    with warnings.catch_warnings():
        # The checkpoint holds the trial's optimizer slots; the reloaded model
        # is for prediction, so its fresh optimizer does not take them.
        warnings.filterwarnings("ignore", message="Skipping variable loading")
        best_model = instance.get_best_models(1)[0] if best_hps else None
    objective_name = instance.oracle.objective.name
    return SearchResult(
        best_model=best_model,
        best_hyperparameters=best_hps[0] if best_hps else None,
        trials=trials_table(instance.project_dir),
        tuner=instance,
        task=task,
        classes=classes,
        objective=objective_name,
        train_size=len(x_train),
    )
