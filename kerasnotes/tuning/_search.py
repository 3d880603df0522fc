"""search(): KerasTuner over HyperMLP (or any hypermodel), oversampling the
training part only."""

import dataclasses
import gc

import keras
import numpy as np

from kerasnotes import data as _data
from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import check_one_of
from kerasnotes._internal.validation import check_positive_int
from kerasnotes._internal.validation import check_unit_interval
from kerasnotes.data import _inputs
from kerasnotes.data import _task
from kerasnotes.tuning import _results
from kerasnotes.tuning import _tuners
from kerasnotes.tuning._hypermodel import HyperMLP


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
):
    """Searches HyperMLP's space (or a given hypermodel) with KerasTuner.

    ```
    hold out the validation part   validation_data, or a stratified split
    oversample the training part   optional; no synthetic row comes from a
                                   validation row
    run the tuner                  every trial with early stopping; a trial
                                   that diverges is failed, the search goes on
    collect the result             best model, its hyperparameters, trials
    ```

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
        max_trials: Most trials, failed ones included. Defaults to `20`.
        oversample: None, or a method of `kerasnotes.data.oversample` (all
            but `"smote-nc"`: the features are numeric). Defaults to `None`.
        validation_data: `(x_val, y_val)`, or None to split off
            `validation_split` of the data. Defaults to `None`.
        directory: Where KerasTuner keeps its project (in the sub-folder
            `project_name`). Defaults to `"kerasnotes-search"` in the current
            directory.
        project_name: Defaults to `"kerasnotes"`.
        overwrite: Start afresh instead of resuming. Defaults to `False`.
        task: `"auto"` (`kerasnotes.data.infer_task`), `"binary"`,
            `"multiclass"` or `"regression"`; a HyperMLP's own task wins.
            Defaults to `"auto"`.
        hypermodel: A HyperMLP, a `keras_tuner.HyperModel` or a build
            function of `hp`. Defaults to HyperMLP over the whole space. A
            HyperMLP given here is not changed: the search works on a copy
            that knows the data's width and row count.
        epochs: Most epochs per trial. Defaults to `30`.
        patience: Early-stopping patience in epochs. Defaults to `5`.
        validation_split: Fraction held out when `validation_data` is None.
            Defaults to `0.2`.
        seed: Seed of the split, the oversampling and the tuner. Defaults to
            `None`.
        distribution_strategy: A `tf.distribute` strategy for each trial.
            Defaults to `None`.
        executions_per_trial: Defaults to `1`.
        objective: The metric trials are ranked by. Defaults to the
            HyperMLP's (`val_xent` or `val_rmse`), else `"val_loss"`.
        max_consecutive_failed_trials: None (failed trials never stop the
            search) or N: KerasTuner raises `RuntimeError` after N failures
            in a row. Defaults to `None`.
        callbacks: More callbacks for every trial's `fit`. Defaults to `None`.
        verbose: 1 prints one line per trial, 0 nothing. Defaults to `1`.
        k_neighbors: Neighbours for the SMOTE-family oversamplers. Defaults
            to `5`.

    Returns:
        A `SearchResult` with `.best_model`, `.best_hyperparameters` and
        `.trials`.

    Example:

    >>> import numpy as np
    >>> from kerasnotes.tuning import HyperMLP, search
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 4)).astype("float32")
    >>> y = (x[:, 0] + x[:, 1] > 0).astype(int)
    >>> result = search(x, y, tuner="random", max_trials=2, epochs=2, seed=0,
    ...                 hypermodel=HyperMLP("binary", depth=1, units=16),
    ...                 directory="/tmp/kerasnotes-example", overwrite=True,
    ...                 verbose=0)
    >>> len(result.trials)
    2
    """
    _check_options(tuner, max_trials, epochs, validation_split, oversample)
    task = _resolve_task(task, hypermodel, y)
    parts = _hold_out_validation(x, y, task, validation_data, validation_split, seed)
    if oversample is not None:
        parts = _oversample_training_part(parts, oversample, task, k_neighbors, seed)
    hypermodel = _hypermodel_for(hypermodel, task, parts, epochs, patience, tuner)
    instance = _tuners.make_tuner(
        tuner,
        max_trials=max_trials,
        epochs=epochs,
        verbose=verbose,
        hypermodel=hypermodel,
        objective=objective or _default_objective(hypermodel),
        directory=directory or "kerasnotes-search",
        project_name=project_name,
        overwrite=overwrite,
        seed=seed,
        distribution_strategy=distribution_strategy,
        executions_per_trial=executions_per_trial,
        max_consecutive_failed_trials=max_consecutive_failed_trials,
    )
    callbacks = _trial_callbacks(callbacks, hypermodel, instance, patience)
    _run(instance, parts, epochs, callbacks)
    return _results.collect(
        instance, task=task, classes=parts.classes, train_size=len(parts.x_train)
    )


@dataclasses.dataclass
class _Parts:
    """The training and validation parts, encoded for the task."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    classes: object  # the original labels (None for regression)


def _check_options(tuner, max_trials, epochs, validation_split, oversample):
    check_one_of("tuner", tuner, tuple(_tuners.TUNERS))
    check_positive_int("max_trials", max_trials)
    check_positive_int("epochs", epochs)
    check_unit_interval("validation_split", validation_split, closed_low=False)
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


def _resolve_task(task, hypermodel, y):
    if isinstance(hypermodel, HyperMLP):
        return hypermodel.task
    check_one_of("task", task, ("auto",) + _task.TASKS)
    return _task.infer_task(y) if task == "auto" else task


def _features(x, name):
    return _inputs.float_matrix(x, name).astype("float32", copy=False)


def _hold_out_validation(x, y, task, validation_data, validation_split, seed):
    x = _features(x, "x")
    if len(x) != len(y):
        raise InputError(
            f"`x` and `y` must have the same number of rows. Received: "
            f"{len(x)} and {len(y)}"
        )
    y, labels = _inputs.encode_targets(y, task)
    classes = None if labels is None else labels.classes
    if validation_data is None:
        from sklearn.model_selection import train_test_split

        x_train, x_val, y_train, y_val = train_test_split(
            x,
            y,
            test_size=validation_split,
            stratify=None if labels is None else y.ravel(),
            random_state=seed,
        )
        return _Parts(x_train, y_train, x_val, y_val, classes)
    x_val, y_val = validation_data
    if labels is None:
        y_val, _ = _inputs.encode_targets(y_val, task, name="y_val")
    else:
        y_val = _inputs.encode_codes(labels.encode(y_val, "y_val"), task)
    return _Parts(x, y, _features(x_val, "x_val"), y_val, classes)


def _oversample_training_part(parts, method, task, k_neighbors, seed):
    if task == "regression":
        raise InputError(
            "Argument `oversample` needs a classification task. "
            f"Received: oversample={method!r} for a regression target"
        )
    x_train, codes = _data.oversample(
        parts.x_train,
        parts.y_train.ravel().astype("int64"),
        method=method,
        k_neighbors=k_neighbors,
        random_state=seed,
    )
    return dataclasses.replace(
        parts,
        x_train=np.asarray(x_train, "float32"),
        y_train=_inputs.encode_codes(codes, task),
    )


def _hypermodel_for(hypermodel, task, parts, epochs, patience, tuner):
    """The hypermodel the tuner runs; a user's HyperMLP is copied, not changed."""
    if hypermodel is None:
        hypermodel = HyperMLP(
            task,
            num_classes=len(parts.classes) if task == "multiclass" else None,
            epochs=epochs,
            patience=patience,
            discrete=tuner == "grid",
        )
    elif not isinstance(hypermodel, HyperMLP):
        return hypermodel
    return hypermodel.for_data(parts.x_train.shape[1], len(parts.x_train))


def _default_objective(hypermodel):
    return hypermodel.objective if isinstance(hypermodel, HyperMLP) else "val_loss"


def _trial_callbacks(callbacks, hypermodel, tuner, patience):
    callbacks = list(callbacks or [])
    if not isinstance(hypermodel, HyperMLP):
        # HyperMLP.fit adds its own; other hypermodels get it here.
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=tuner.oracle.objective.name,
                mode=tuner.oracle.objective.direction,
                patience=patience,
            )
        )
    callbacks.append(keras.callbacks.TerminateOnNaN())
    return callbacks


def _run(tuner, parts, epochs, callbacks):
    # KerasTuner runs gc.collect() before building each trial's model; with
    # TensorFlow's many long-lived objects that full collection costs about
    # 0.3 s. Freezing what exists now (modules, data, the tuner) lets those
    # collections scan only the trial's own objects.
    gc.freeze()
    try:
        tuner.search(
            parts.x_train,
            parts.y_train,
            validation_data=(parts.x_val, parts.y_val),
            epochs=epochs,
            callbacks=callbacks,
            verbose=0,
        )
    finally:
        gc.unfreeze()
