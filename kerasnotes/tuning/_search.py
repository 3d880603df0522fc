"""search(): KerasTuner over HyperMLP (or any hypermodel), oversampling the
training part only."""

import dataclasses
import gc
import os
import sys

import keras
import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.errors import InputTypeError
from kerasnotes._internal.validation import check_bool
from kerasnotes._internal.validation import check_one_of
from kerasnotes._internal.validation import check_path
from kerasnotes._internal.validation import check_positive_int
from kerasnotes._internal.validation import check_seed
from kerasnotes._internal.validation import check_string
from kerasnotes._internal.validation import check_unit_interval
from kerasnotes._internal.validation import shown
from kerasnotes.data import _folds
from kerasnotes.data import _inputs
from kerasnotes.data import _task
from kerasnotes.tuning import _cv
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
    cv=None,
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
    hold out the validation part   validation_data, or a stratified split;
                                   with cv=k, k stratified folds instead
    oversample the training part   optional; no synthetic row comes from a
                                   held-out row
    run the tuner                  every trial with early stopping; a trial
                                   that diverges is failed, the search goes on
    collect the result             best model, its hyperparameters, trials
    ```

    With `cv=k` each trial trains `k` fresh models, one per fold of `(x, y)`
    (stratified for classes, `KFold` for regression; the same folds for every
    trial, by the rule of `kerasnotes.data.cross_validate`: split first, then
    oversample each training part only). A fold's score is the objective at
    its best epoch; the trial's score, column `objective` of `.trials`, is
    the mean over folds, beside `fold_1 ... fold_k`, `objective_std` and
    `best_epochs` (the mean number of epochs to each fold's best). The best
    model is then the best hyperparameters trained on all of `(x, y)`
    (oversampled alike) for `best_epochs` epochs. Hyperband's trials train
    every fold afresh for their bracket's epochs.

    With a hypermodel of your own (a build function of `hp` or a
    `keras_tuner.HyperModel`), `x` may have any rank (images, sequences:
    integer token ids stay integers), or be a `tf.data.Dataset`, a
    `keras.utils.PyDataset` or (on PyTorch) a `DataLoader` that yields
    `(x, y)` batches; `validation_data` must then be one too, and `y`,
    `oversample` and `cv` stay None. `tf.data` needs TensorFlow installed but
    trains on every backend; `PyDataset` is backend-neutral.

    With `overwrite=False`, a search started again in the same `directory` and
    `project_name` resumes: finished trials are reloaded, not run again.
    In KerasTuner's distributed mode (environment variables
    `KERASTUNER_TUNER_ID`, `KERASTUNER_ORACLE_IP`, `KERASTUNER_ORACLE_PORT`)
    the same call runs as the chief oracle or as a worker (a trial's folds
    run on the worker that owns the trial); see docs/tuning.md.

    Args:
        x: Features: a 2-D table (rows, features) for HyperMLP; with a
            hypermodel of your own, an array of any rank or a dataset.
        y: Targets: class labels (any type), one-hot rows, or numbers; None
            when `x` is a dataset.
        tuner: `"bayesian"`, `"random"`, `"hyperband"` or `"grid"`. Defaults
            to `"bayesian"`.
        max_trials: Most trials, failed ones included. Defaults to `20`.
        oversample: None, or a method of `kerasnotes.data.oversample` (all
            but `"smote-nc"`: the features are numeric). Defaults to `None`.
        validation_data: `(x_val, y_val)`, a dataset when `x` is one, or
            None to split off `validation_split` of the data. Must be None
            with `cv`. Defaults to `None`.
        directory: Where KerasTuner keeps its project (in the sub-folder
            `project_name`). Defaults to `"kerasnotes-search"` in the current
            directory.
        project_name: Defaults to `"kerasnotes"`.
        overwrite: Start afresh instead of resuming. Defaults to `False`.
        cv: None, or an integer k >= 2: score each trial by k-fold
            cross-validation over `(x, y)`. In the distributed mode it needs
            `seed`, so that every process makes the same folds. Defaults to
            `None`.
        task: `"auto"` (`kerasnotes.data.infer_task`), `"binary"`,
            `"multiclass"` or `"regression"`; a HyperMLP's own task wins.
            With a dataset `"auto"` leaves it unknown (None). Defaults to
            `"auto"`.
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
        executions_per_trial: Must be 1 with `cv`. Defaults to `1`.
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
    >>> result = search(x, y, tuner="random", max_trials=2, epochs=1, seed=0,
    ...                 hypermodel=HyperMLP("binary", depth=1, units=16),
    ...                 directory="search", overwrite=True, verbose=0)
    >>> len(result.trials)
    2
    """
    _check_options(tuner, max_trials, epochs, validation_split, oversample)
    seed = _check_search_arguments(
        directory=directory,
        project_name=project_name,
        overwrite=overwrite,
        patience=patience,
        seed=seed,
        executions_per_trial=executions_per_trial,
        max_consecutive_failed_trials=max_consecutive_failed_trials,
        verbose=verbose,
        k_neighbors=k_neighbors,
        objective=objective,
        callbacks=callbacks,
    )
    task = _resolve_task(task, hypermodel, x, y)
    table = hypermodel is None or isinstance(hypermodel, HyperMLP)
    if _is_stream(x):
        data = _stream_data(x, y, validation_data, table, oversample, cv)
    elif cv is None:
        data = _held_out_data(
            x, y, task, validation_data, validation_split, seed, table
        )
    else:
        _check_cv(cv, validation_data, executions_per_trial, seed)
        data = _fold_data(x, y, task, cv, seed, table)
    if oversample is not None:
        data = _oversample_training_parts(data, oversample, task, k_neighbors, seed)
    hypermodel = _hypermodel_for(hypermodel, task, data, epochs, patience, tuner)
    instance = _tuners.make_tuner(
        tuner,
        max_trials=max_trials,
        epochs=epochs,
        verbose=verbose,
        folds=None if data.full is None else data.folds,
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
    trial_callbacks = _trial_callbacks(callbacks, hypermodel, instance, patience)
    _run(instance, data, epochs, trial_callbacks)
    refit = None
    if data.full is not None:
        refit = _Refit(
            _with_train_size(hypermodel, len(data.full[0]))
            if isinstance(hypermodel, HyperMLP)
            else instance.hypermodel,
            *data.full,
            callbacks=list(callbacks or []) + [keras.callbacks.TerminateOnNaN()],
            strategy=distribution_strategy,
        )
    return _results.collect(
        instance,
        task=task,
        classes=data.classes,
        train_size=data.train_size,
        refit=refit,
    )


@dataclasses.dataclass
class _Data:
    """What the trials train and validate on.

    `folds` holds one `Fold` (the training part and the held-out part) without
    `cv`, one per fold with it; a stream (a dataset) has none and goes to
    KerasTuner as it is, in `stream`.
    """

    folds: list
    classes: object  # the original labels (None for regression)
    full: tuple = None  # (x, y) the cross-validated best model trains on
    stream: dict = None  # {"x": dataset, "validation_data": dataset}
    rank: int = 2

    @property
    def train_size(self):
        return len(self.folds[0].y_train) if self.folds else None


def _check_options(tuner, max_trials, epochs, validation_split, oversample):
    check_one_of("tuner", tuner, tuple(_tuners.TUNERS))
    check_positive_int("max_trials", max_trials)
    check_positive_int("epochs", epochs)
    check_unit_interval("validation_split", validation_split, closed_low=False)
    if oversample is not None and not isinstance(oversample, str):
        raise InputTypeError(
            "Argument `oversample` must be None or a method name such as "
            f"'smote'. Received: oversample={shown(oversample)}"
        )
    if oversample is not None and oversample not in _oversample_methods():
        listed = ", ".join(repr(m) for m in _oversample_methods() if m != "smote-nc")
        raise InputError(
            f"Argument `oversample` must be None or one of {listed}. "
            f"Received: oversample={oversample!r}"
        )
    if oversample == "smote-nc":
        raise InputError(
            "Argument `oversample` cannot be 'smote-nc' in search(): the "
            "features are numeric, with no categorical columns to keep; use "
            "'smote', or oversample with kerasnotes.data.oversample(..., "
            "method='smote-nc', categorical_features=...) before searching. "
            f"Received: oversample={oversample!r}"
        )


def _oversample_methods():
    from kerasnotes.data._oversample import METHODS

    return METHODS


def _check_search_arguments(
    *,
    directory,
    project_name,
    overwrite,
    patience,
    seed,
    executions_per_trial,
    max_consecutive_failed_trials,
    verbose,
    k_neighbors,
    objective,
    callbacks,
):
    """The arguments KerasTuner and scikit-learn would take unchecked or
    refuse in their own words; returns the seed as an `int` (or None)."""
    import keras_tuner

    check_path("directory", directory, allow_none=True)
    check_string("project_name", project_name)
    check_bool("overwrite", overwrite)
    check_positive_int("patience", patience)
    check_positive_int("executions_per_trial", executions_per_trial)
    if max_consecutive_failed_trials is not None:
        check_positive_int(
            "max_consecutive_failed_trials", max_consecutive_failed_trials
        )
    check_one_of("verbose", verbose, (0, 1, 2, False, True))
    check_positive_int("k_neighbors", k_neighbors)
    if not (objective is None or isinstance(objective, (str, keras_tuner.Objective))):
        raise InputTypeError(
            "Argument `objective` must be None, a metric name or a "
            f"keras_tuner.Objective. Received: objective={shown(objective)}"
        )
    if callbacks is not None and (
        not isinstance(callbacks, (list, tuple))
        or not all(isinstance(c, keras.callbacks.Callback) for c in callbacks)
    ):
        raise InputTypeError(
            "Argument `callbacks` must be None or a list of keras callbacks. "
            f"Received: callbacks={shown(callbacks)}"
        )
    return check_seed("seed", seed)


def _check_cv(cv, validation_data, executions_per_trial, seed):
    if isinstance(cv, bool) or check_positive_int("cv", cv) < 2:
        raise InputError(
            f"Argument `cv` must be None or an integer >= 2 (the number of "
            f"folds). Received: cv={cv!r}"
        )
    if validation_data is not None:
        raise InputError(
            "Arguments `cv` and `validation_data` cannot be used together: "
            "with cv=k every fold is held out in turn. Pass one of them. "
            f"Received: cv={cv!r} and validation_data"
        )
    if executions_per_trial != 1:
        raise InputError(
            "Argument `executions_per_trial` must be 1 with `cv`: each trial "
            f"already trains {cv} models. Received: "
            f"executions_per_trial={executions_per_trial!r}"
        )
    if seed is None and os.environ.get("KERASTUNER_TUNER_ID") is not None:
        raise InputError(
            "Argument `seed` must be set with `cv` in KerasTuner's distributed "
            "mode: every process makes the folds itself, and only a seed "
            "makes them the same folds. Received: seed=None"
        )


def _resolve_task(task, hypermodel, x, y):
    if isinstance(hypermodel, HyperMLP):
        return hypermodel.task
    check_one_of("task", task, ("auto",) + _task.TASKS)
    if task != "auto":
        return task
    if _is_stream(x):
        return None  # the targets are inside the dataset
    return _task.infer_task(y)


def _is_stream(x):
    """A `tf.data.Dataset`, a `keras.utils.PyDataset` or a PyTorch
    `DataLoader`: batches that go to `fit` as they are."""
    if isinstance(x, keras.utils.PyDataset):
        return True
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(x, tf.data.Dataset):
        return True
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.utils.data.DataLoader)


def _stream_data(x, y, validation_data, table, oversample, cv):
    name = type(x).__name__
    if table:
        raise InputError(
            f"Argument `x` is a {name}; HyperMLP needs a table (rows, features) "
            "as an array or DataFrame. Pass arrays, or a hypermodel of your own "
            "for a dataset."
        )
    for argument, value in (("y", y), ("oversample", oversample), ("cv", cv)):
        if value is not None:
            raise InputError(
                f"Argument `{argument}` must be None when `x` is a {name}: the "
                "dataset yields the targets itself and is not split or "
                f"resampled. Received: {argument}={value!r}"
            )
    if validation_data is None or not _is_stream(validation_data):
        raise InputError(
            f"Argument `validation_data` must be a dataset too when `x` is a "
            f"{name} (a stream cannot be split). Received: "
            f"validation_data={type(validation_data).__name__}"
        )
    return _Data(
        folds=[],
        classes=None,
        stream={"x": x, "validation_data": validation_data},
        rank=None,
    )


def _features(x, name, table):
    """A table (HyperMLP's input, or any DataFrame) as float32; a user
    model's array of any rank as it is (integer token ids stay integers),
    checked to be numeric and finite."""
    if table or _inputs.is_pandas(x):
        return _inputs.float_matrix(x, name).astype("float32", copy=False)
    x = _inputs.to_numpy(x)
    if x.ndim < 1 or x.dtype.kind not in "biuf":
        raise InputError(
            f"Argument `{name}` must be a numeric array with a row per sample. "
            f"Received: {name} of dtype {x.dtype} and shape {x.shape}"
        )
    if x.dtype.kind == "f" and not np.isfinite(x).all():
        raise InputError(f"Argument `{name}` contains NaN or infinite values.")
    return x


def _targets(x, y, task):
    if len(x) != len(y):
        raise InputError(
            f"`x` and `y` must have the same number of rows. Received: "
            f"{len(x)} and {len(y)}"
        )
    return _inputs.encode_targets(y, task)


def _held_out_data(x, y, task, validation_data, validation_split, seed, table):
    x = _features(x, "x", table)
    y, labels = _targets(x, y, task)
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
        return _Data([_cv.Fold(x_train, y_train, x_val, y_val)], classes, rank=x.ndim)
    x_val, y_val = validation_data
    if labels is None:
        y_val, _ = _inputs.encode_targets(y_val, task, name="y_val")
    else:
        y_val = _inputs.encode_codes(labels.encode(y_val, "y_val"), task)
    fold = _cv.Fold(x, y, _features(x_val, "x_val", table), y_val)
    return _Data([fold], classes, rank=x.ndim)


def _fold_data(x, y, task, k, seed, table):
    """k folds by `kerasnotes.data`'s rule (stratified for classes)."""
    x = _features(x, "x", table)
    y, labels = _targets(x, y, task)
    splits = _folds.splits(
        len(x),
        None if labels is None else labels.codes,
        None if labels is None else labels.classes,
        n_splits=k,
        random_state=seed,
    )
    folds = [_cv.Fold(x[train], y[train], x[held], y[held]) for train, held in splits]
    classes = None if labels is None else labels.classes
    return _Data(folds, classes, full=(x, y), rank=x.ndim)


def _oversample_training_parts(data, method, task, k_neighbors, seed):
    """Every training part oversampled (fold i with seed + i), by the rule of
    `kerasnotes.data.cross_validate`; held-out parts keep original rows."""
    if task == "regression":
        raise InputError(
            "Argument `oversample` needs a classification task. "
            f"Received: oversample={method!r} for a regression target"
        )
    if data.rank != 2:
        raise InputError(
            "Argument `oversample` needs a 2-D table (rows, features): SMOTE "
            "interpolates between rows of a table. Received: "
            f"oversample={method!r} for x of rank {data.rank}"
        )

    def oversampled(x, y, fold):
        x_new, codes = _folds.training_part(
            x,
            y.ravel().astype("int64"),
            fold,
            method=method,
            random_state=seed,
            k_neighbors=k_neighbors,
        )
        dtype = np.result_type(x.dtype, np.float32)  # synthetic rows are real
        return np.asarray(x_new, dtype), _inputs.encode_codes(codes, task)

    folds = []
    for i, fold in enumerate(data.folds):
        x_train, y_train = oversampled(fold.x_train, fold.y_train, i)
        folds.append(dataclasses.replace(fold, x_train=x_train, y_train=y_train))
    # The cross-validated best model trains on every row, oversampled alike.
    full = None if data.full is None else oversampled(*data.full, len(folds))
    return dataclasses.replace(data, folds=folds, full=full)


def _hypermodel_for(hypermodel, task, data, epochs, patience, tuner):
    """The hypermodel the tuner runs; a user's HyperMLP is copied, not changed."""
    if hypermodel is None:
        hypermodel = HyperMLP(
            task,
            num_classes=len(data.classes) if task == "multiclass" else None,
            epochs=epochs,
            patience=patience,
            discrete=tuner == "grid",
        )
    elif not isinstance(hypermodel, HyperMLP):
        return hypermodel
    return hypermodel.for_data(data.folds[0].x_train.shape[1], data.train_size)


def _with_train_size(hypermodel, train_size):
    """A copy of a HyperMLP whose schedules count `train_size` rows."""
    copy = hypermodel.for_data(hypermodel.input_dim, train_size)
    copy.train_size = train_size
    return copy


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


def _run(tuner, data, epochs, callbacks):
    if data.stream is not None:
        args, kwargs = (
            (data.stream["x"],),
            {"validation_data": data.stream["validation_data"]},
        )
    elif data.full is not None:
        args, kwargs = (), {}  # the cross-validating tuner holds its folds
    else:
        fold = data.folds[0]
        args = (fold.x_train, fold.y_train)
        kwargs = {"validation_data": (fold.x_val, fold.y_val)}
    # KerasTuner runs gc.collect() before building each trial's model; with
    # TensorFlow's many long-lived objects that full collection costs about
    # 0.3 s. Freezing what exists now (modules, data, the tuner) lets those
    # collections scan only the trial's own objects.
    gc.freeze()
    try:
        tuner.search(*args, epochs=epochs, callbacks=callbacks, verbose=0, **kwargs)
    finally:
        gc.unfreeze()


@dataclasses.dataclass
class _Refit:
    """How the cross-validated best model is trained: on all of `(x, y)`."""

    hypermodel: object
    x: object
    y: object
    callbacks: list
    strategy: object = None

    def __call__(self, hp, epochs):
        return _cv.refit(
            self.hypermodel,
            hp,
            self.x,
            self.y,
            epochs=epochs,
            callbacks=self.callbacks,
            strategy=self.strategy,
        )
