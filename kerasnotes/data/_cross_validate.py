"""`cross_validate`: k-fold validation of Keras models, resampling inside folds."""

import keras
import numpy as np

from kerasnotes._internal import validation as _validation
from kerasnotes._internal.errors import InputError
from kerasnotes.data import _folds
from kerasnotes.data import _inputs
from kerasnotes.data import _metrics
from kerasnotes.data import _oversample
from kerasnotes.data import _task


class CrossValidationResult:
    """What `cross_validate` returns.

    Attributes:
        folds: One dict metric -> value per fold, in fold order.
        mean: Dict metric -> mean over the folds.
        std: Dict metric -> standard deviation over the folds (population,
            `ddof=0`, as `numpy.std`).
        indices: One `(train_index, validation_index)` pair of row positions
            per fold.
        histories: One `History.history` dict per fold.
        task: `"classification"` or `"regression"`.
    """

    def __init__(self, folds, indices, histories, task):
        self.folds = folds
        self.indices = indices
        self.histories = histories
        self.task = task
        names = list(folds[0])
        self.mean = {m: float(np.mean([f[m] for f in folds])) for m in names}
        self.std = {m: float(np.std([f[m] for f in folds])) for m in names}

    def __repr__(self):
        lines = [f"CrossValidationResult({self.task}, {len(self.folds)} folds)"]
        for name in self.mean:
            lines.append(
                f"  {name:<10}{self.mean[name]:>10.4f} +- {self.std[name]:.4f}"
            )
        return "\n".join(lines)


def cross_validate(
    build_model,
    x,
    y,
    *,
    n_splits=5,
    oversample=None,
    fit_kwargs=None,
    random_state=None,
    oversample_kwargs=None,
    task=None,
    from_logits=False,
):
    """k-fold cross-validation of a Keras model, oversampling inside folds only.

    K-fold validation (notes 004, "K Fold Validation"): split the data in `k`
    parts; `k` times, train a fresh model on `k - 1` parts and measure it on
    the remaining one; report each fold and the mean. For classification the
    split is stratified (`sklearn.model_selection.StratifiedKFold`, every fold
    keeps the class proportions), for regression it is
    `sklearn.model_selection.KFold`; both shuffle with `random_state`.

    When `oversample` names a method, it is applied to the training part of
    each fold only, after the split: the validation part holds original
    samples only, and no synthetic training sample is interpolated from a
    validation sample. (Oversampling before splitting puts near-copies of
    validation points into training and inflates the scores.)

    ```
    for train, val in folds(x, y):
        x_t, y_t = oversample(x[train], y[train])   # optional, train part only
        model = build_model()                        # fresh weights every fold
        model.fit(x_t, y_t, **fit_kwargs)
        metrics(y[val], model.predict(x[val]))
    ```

    Metrics per fold:
        - classification: `loss` (the model's compiled loss on the validation
          part), `accuracy`, `precision`, `recall`, `f1`, `roc_auc`, `pr_auc`
          (average precision). With two classes, precision, recall, F1 and the
          areas are those of the positive class, `classes[1]` in sorted order
          (label 1 for 0/1 labels): put the minority class there. With more
          classes they are macro averages (areas one-vs-rest).
        - regression: `loss`, `rmse`, `mae`, `r2`.

    Labels are encoded before fitting: integer or string labels as their
    position in the sorted distinct labels (0..C-1), one-hot rows stay
    one-hot. So a binary model ends in one sigmoid unit (or two softmax
    units), a C-class model in C softmax units.

    Args:
        build_model: Callable with no arguments returning a compiled Keras
            model; called once per fold. Seed its initializers (or call
            `keras.utils.set_random_seed`) for reproducible weights.
        x: Features: NumPy array, numeric pandas DataFrame or backend tensor.
        y: Labels (integers, strings, one-hot rows) or regression targets.
        n_splits: Int >= 2, number of folds. Every class needs at least
            `n_splits` samples. Defaults to `5`.
        oversample: `None` or a method of `kerasnotes.data.oversample`
            (`"smote"`, `"borderline-smote"`, `"svm-smote"`, `"adasyn"`,
            `"smote-nc"`, `"random"`). Classification only. Defaults to `None`.
        fit_kwargs: Dict passed to `model.fit` (e.g. `epochs`, `batch_size`,
            `callbacks`, `class_weight`); `verbose` defaults to `0`.
            `class_weight="balanced"` computes `n / (C * n_c)` on each training
            part. Defaults to `None`.
        random_state: `None` or an int seed for the split and the
            oversampling (fold `i` oversamples with `random_state + i`).
            Defaults to `None`.
        oversample_kwargs: Dict of further `oversample` arguments
            (`k_neighbors`, `sampling_strategy`, `categorical_features`).
            Defaults to `None`.
        task: `None` (inferred by `kerasnotes.data.infer_task`, the rule
            `search()` and the command line use: labels that are not
            numbers, and integral numbers with at most 20 distinct values,
            are classes; other numbers are regression targets),
            `"classification"` or `"regression"`. Defaults to `None`.
        from_logits: Whether the model outputs logits (a sigmoid or softmax is
            then applied before thresholds and areas). Defaults to `False`.

    Returns:
        A `CrossValidationResult` with `.folds`, `.mean`, `.std`, `.indices`
        and `.histories`.

    Example:

    >>> import keras, numpy as np
    >>> from kerasnotes.data import cross_validate
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(120, 3)).astype("float32")
    >>> y = (x[:, 0] > 1.0).astype("int32")
    >>> def build_model():
    ...     model = keras.Sequential([keras.Input((3,)),
    ...                               keras.layers.Dense(1, activation="sigmoid")])
    ...     model.compile("adam", "binary_crossentropy")
    ...     return model
    >>> result = cross_validate(build_model, x, y, n_splits=3, oversample="smote",
    ...                         fit_kwargs={"epochs": 2}, random_state=0)
    >>> sorted(result.mean) == sorted(["loss", "accuracy", "precision", "recall",
    ...                                "f1", "roc_auc", "pr_auc"])
    True

    References:
        - [Kohavi, "A Study of Cross-Validation and Bootstrap for Accuracy
          Estimation and Model Selection", IJCAI 1995](
          https://dl.acm.org/doi/10.5555/1643031.1643047)
        - [Santos et al., "Cross-Validation for Imbalanced Datasets: Avoiding
          Overoptimistic and Overfitting Approaches", IEEE CIM 2018](
          https://doi.org/10.1109/MCI.2018.2866730)
    """
    _check_arguments(build_model, n_splits, oversample, task, from_logits)
    fit_kwargs = _check_fit_kwargs(fit_kwargs)
    oversample_kwargs = _check_dict("oversample_kwargs", oversample_kwargs)
    random_state = _inputs.check_random_state("random_state", random_state)
    features, _ = _inputs.features_to_numpy(x)
    task = task or _task_of(y, oversample)
    folds = _Folds(features, y, task, n_splits, random_state)
    scores, histories = [], []
    for i, (train, val) in enumerate(folds.splits):
        x_train, y_train = _folds.training_part(
            _take(features, train),
            folds.targets[train],
            i,
            method=oversample,
            random_state=random_state,
            **oversample_kwargs,
        )
        model = _fresh_model(build_model)
        kwargs = _fit_kwargs(fit_kwargs, y_train)
        histories.append(
            dict(model.fit(_model_input(x_train), y_train, **kwargs).history)
        )
        scores.append(folds.score(model, val, from_logits))
    return CrossValidationResult(scores, folds.splits, histories, task)


def _check_arguments(build_model, n_splits, oversample, task, from_logits):
    if not callable(build_model):
        raise InputError(
            "Argument `build_model` must be a callable with no arguments that "
            f"returns a compiled Keras model. Received: build_model={build_model!r}"
        )
    if _validation.check_positive_int("n_splits", n_splits) < 2:
        raise InputError(
            f"Argument `n_splits` must be >= 2. Received: n_splits={n_splits}"
        )
    if oversample is not None:
        _validation.check_one_of("oversample", oversample, _oversample.METHODS)
    if task is not None:
        _validation.check_one_of("task", task, ("classification", "regression"))
    if not isinstance(from_logits, (bool, np.bool_)):
        raise InputError(
            "Argument `from_logits` must be True or False. "
            f"Received: from_logits={from_logits!r}"
        )
    if task == "regression" and oversample is not None:
        _refuse_oversampling(oversample)


def _check_fit_kwargs(fit_kwargs):
    fit_kwargs = _check_dict("fit_kwargs", fit_kwargs)
    for key in ("x", "y", "validation_data"):
        if key in fit_kwargs:
            raise InputError(
                f"`fit_kwargs` must not hold {key!r}: cross_validate passes each "
                "fold's training part to `fit` and measures on its validation part."
            )
    return fit_kwargs


def _task_of(y, oversample):
    """`"classification"` or `"regression"`, by `kerasnotes.data.infer_task`."""
    if _task.infer_task(y) != "regression":
        return "classification"
    if oversample is not None:
        _refuse_oversampling(oversample)
    return "regression"


def _refuse_oversampling(oversample):
    raise InputError(
        f"Argument `oversample` is for classification; the targets are "
        f"continuous (regression). Received: oversample={oversample!r}. "
        "Pass oversample=None, or task='classification' if `y` holds classes."
    )


class _Folds:
    """The targets as the model trains on them, the k-fold split, and the
    scores of a fold's validation part."""

    def __init__(self, features, y, task, n_splits, random_state):
        self.task = task
        self.features = features
        if task == "regression":
            self.targets = np.asarray(_inputs.to_numpy(y), dtype="float32")
            _inputs.check_same_length(features, self.targets)
            self.splits = _folds.splits(
                len(self.targets), n_splits=n_splits, random_state=random_state
            )
            return
        labels = self.labels = _inputs.Labels(y)
        _inputs.check_same_length(features, labels)
        labels.check_several_classes()
        if labels.one_hot:
            self.targets = np.eye(labels.n_columns, dtype="float32")[labels.values]
        else:
            self.targets = labels.codes.astype("int32")
        self.splits = _folds.splits(
            len(labels),
            labels.codes,
            labels.classes,
            n_splits=n_splits,
            random_state=random_state,
        )

    def score(self, model, val, from_logits):
        x_val = _model_input(_take(self.features, val))
        evaluated = model.evaluate(
            x_val, self.targets[val], verbose=0, return_dict=True
        )
        predictions = np.asarray(
            keras.ops.convert_to_numpy(model.predict(x_val, verbose=0)), dtype="float64"
        )
        if self.task == "classification":
            scores = _metrics.classification_scores(
                self.labels.codes[val],
                predictions,
                len(self.labels.classes),
                from_logits,
            )
        else:
            scores = _metrics.regression_scores(self.targets[val], predictions)
        return {"loss": float(evaluated["loss"]), **scores}


def _fresh_model(build_model):
    model = build_model()
    if not isinstance(model, keras.Model) or not model.compiled:
        state = " (not compiled)" if isinstance(model, keras.Model) else ""
        raise InputError(
            "`build_model()` must return a compiled Keras model. Received: "
            f"{model!r}{state}"
        )
    return model


def _fit_kwargs(fit_kwargs, y_train):
    kwargs = {"verbose": 0, **fit_kwargs}
    if isinstance(kwargs.get("class_weight"), str):
        _validation.check_one_of("class_weight", kwargs["class_weight"], ("balanced",))
        kwargs["class_weight"] = _balanced_weights(y_train)
    return kwargs


def _check_dict(name, value):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(
            f"Argument `{name}` must be None or a dict. Received: {name}={value!r}"
        )
    return dict(value)


def _take(features, rows):
    if _inputs.is_dataframe(features):
        return features.iloc[rows]
    return features[rows]


def _model_input(x):
    """DataFrames go to Keras as float32 arrays."""
    if _inputs.is_dataframe(x):
        return _inputs.float_matrix(x)
    if _inputs.is_tensor(x):
        return x
    return np.asarray(x)


def _balanced_weights(y_train):
    y_train = np.asarray(keras.ops.convert_to_numpy(y_train))
    codes = np.argmax(y_train, axis=1) if y_train.ndim == 2 else y_train.astype(int)
    counts = np.bincount(codes)
    present = np.flatnonzero(counts)
    return {int(c): float(len(codes) / (len(present) * counts[c])) for c in present}
