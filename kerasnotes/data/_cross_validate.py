"""`cross_validate`: k-fold validation of Keras models, resampling inside folds."""

import numbers

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
        pos_label: With two classes, the label whose precision, recall, F1
            and areas are reported; otherwise `None`.

    Example:

    >>> from kerasnotes.data import CrossValidationResult
    >>> result = CrossValidationResult(
    ...     folds=[{"loss": 0.5, "accuracy": 0.75},
    ...            {"loss": 0.25, "accuracy": 0.875}],
    ...     indices=[([2, 3], [0, 1]), ([0, 1], [2, 3])],
    ...     histories=[{}, {}], task="classification")
    >>> result.mean  # (0.5 + 0.25) / 2, (0.75 + 0.875) / 2
    {'loss': 0.375, 'accuracy': 0.8125}
    >>> result.std  # half the difference, with two folds
    {'loss': 0.125, 'accuracy': 0.0625}
    >>> result
    CrossValidationResult(classification, 2 folds)
      loss          0.3750 +- 0.1250
      accuracy      0.8125 +- 0.0625
    """

    def __init__(self, folds, indices, histories, task, pos_label=None):
        self.folds = folds
        self.indices = indices
        self.histories = histories
        self.task = task
        self.pos_label = pos_label
        names = list(folds[0])
        self.mean = {m: float(np.mean([f[m] for f in folds])) for m in names}
        self.std = {m: float(np.std([f[m] for f in folds])) for m in names}

    def __repr__(self):
        positive = "" if self.pos_label is None else f", pos_label={self.pos_label!r}"
        lines = [
            f"CrossValidationResult({self.task}, {len(self.folds)} folds{positive})"
        ]
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
    sample_weight=None,
    pos_label=None,
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
          areas are those of the positive class `pos_label` (see there). With
          more classes they are macro averages (areas one-vs-rest).
        - regression: `loss`, `rmse`, `mae`, `r2`.

    Labels are encoded before fitting: integer or string labels as their
    position in the sorted distinct labels (0..C-1), one-hot rows stay
    one-hot. So a binary model ends in one sigmoid unit (or two softmax
    units), a C-class model in C softmax units. (The encoding does not
    depend on `pos_label`: with labels fraud/ok a sigmoid unit estimates
    P(ok), and the scores of `pos_label="fraud"` read `1 - p`.)

    `x` and `y` are checked before any fold is trained: the same number of
    rows, at least one, `x` numeric with at least 2 dimensions and free of
    NaN and inf, labels without missing values or mixed types, regression
    targets numeric and finite. `evaluate` and `predict` on the validation
    part use `fit_kwargs["batch_size"]` when it is given.

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
        sample_weight: `None` or one non-negative weight per row of `x`
            (1-D). Each fold's `fit` gets the weights of its training rows
            (`sample_weight[train]`, as scikit-learn's `cross_validate`
            routes fit parameters); a synthetic row made by `oversample`
            gets the mean weight of its class's rows in that training part,
            so oversampling keeps each class's mean weight. The validation
            scores are unweighted. Not with `fit_kwargs["class_weight"]`
            (Keras takes one or the other: multiply the class weights into
            `sample_weight`). Defaults to `None`.
        pos_label: With two classes, the label whose precision, recall, F1,
            ROC-AUC and PR-AUC are reported (scikit-learn's name). `None`
            picks: label 1 (or `True`) for 0/1 labels, as scikit-learn does;
            for other labels (strings such as fraud/ok, or 1/2) the minority
            class, and with two equally frequent classes it refuses to guess
            (pass `pos_label`). Must be `None` for more classes and for
            regression. The chosen label is the result's `pos_label`.
            Defaults to `None`.

    Returns:
        A `CrossValidationResult` with `.folds`, `.mean`, `.std`, `.indices`,
        `.histories` and `.pos_label`.

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
    >>> result = cross_validate(build_model, x, y, n_splits=2, oversample="smote",
    ...                         fit_kwargs={"epochs": 1}, random_state=0)
    >>> len(result.folds), [len(val) for _, val in result.indices]
    (2, [60, 60])
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
    fit_kwargs = _check_fit_kwargs(fit_kwargs, sample_weight)
    oversample_kwargs = _check_dict("oversample_kwargs", oversample_kwargs)
    random_state = _inputs.check_random_state("random_state", random_state)
    features = _checked_features(x)
    task = task or _task_of(y, oversample)
    folds = _Folds(features, y, task, n_splits, random_state)
    positive = folds.positive_code(pos_label)
    weights = _inputs.check_sample_weight(sample_weight, len(features))
    batch_size = fit_kwargs.get("batch_size")
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
        if weights is not None:
            kwargs["sample_weight"] = _training_weights(weights[train], y_train)
        histories.append(
            dict(model.fit(_model_input(x_train), y_train, **kwargs).history)
        )
        scores.append(folds.score(model, val, from_logits, positive, batch_size))
    return CrossValidationResult(
        scores, folds.splits, histories, task, folds.label_of(positive)
    )


def _check_arguments(build_model, n_splits, oversample, task, from_logits):
    if isinstance(build_model, keras.Model):
        raise InputError(
            "Argument `build_model` must be a function that returns a new "
            f"compiled model; received a Model ({type(build_model).__name__} "
            f"{build_model.name!r}). Every fold trains fresh weights: pass the "
            "function that builds and compiles it, e.g. `def build_model(): "
            "...; return model`."
        )
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


def _check_fit_kwargs(fit_kwargs, sample_weight):
    fit_kwargs = _check_dict("fit_kwargs", fit_kwargs)
    for key in ("x", "y", "validation_data"):
        if key in fit_kwargs:
            raise InputError(
                f"`fit_kwargs` must not hold {key!r}: cross_validate passes each "
                "fold's training part to `fit` and measures on its validation part."
            )
    if "sample_weight" in fit_kwargs:
        raise InputError(
            "`fit_kwargs` must not hold 'sample_weight': pass "
            "`cross_validate(..., sample_weight=w)`, one weight per row of `x`, "
            "and each fold's `fit` gets the weights of its training rows."
        )
    if sample_weight is not None and fit_kwargs.get("class_weight") is not None:
        raise InputError(
            "Pass `sample_weight` or `fit_kwargs['class_weight']`, not both "
            "(Keras's `fit` takes one of them): multiply the class weights "
            "into `sample_weight`."
        )
    return fit_kwargs


def _checked_features(x):
    """`x` as NumPy (a DataFrame as it is), refused before any training when
    a model could not learn from it."""
    features, kind = _inputs.features_to_numpy(x)
    if kind == "pandas":
        _inputs.check_finite(features)  # names the column
        _inputs.float_matrix(features)  # numeric columns, not empty
        return features
    if features.ndim < 2:
        raise InputError(
            "Argument `x` must have at least 2 dimensions (samples, features). "
            f"Received: x with shape {features.shape}. For a single feature "
            "pass `x.reshape(-1, 1)`."
        )
    _inputs.check_not_empty(features)
    if features.dtype.kind not in "biuf":
        raise InputError(
            f"Argument `x` must be numeric. Received: x of dtype {features.dtype}."
        )
    if features.dtype.kind == "f" and not np.all(np.isfinite(features)):
        _inputs.check_finite(features.reshape(len(features), -1))
    return features


def _training_weights(weights, y_train):
    """A fold's `fit` weights: its rows' own, then for each synthetic row
    (after the originals, as `oversample` returns them) the mean weight of
    its class among the original training rows."""
    n = len(weights)
    if len(y_train) == n:
        return weights.astype("float32")
    targets = np.asarray(keras.ops.convert_to_numpy(y_train))
    codes = np.argmax(targets, axis=1) if targets.ndim == 2 else targets.astype(int)
    original, synthetic = codes[:n], codes[n:]
    means = np.zeros(int(codes.max()) + 1)
    for c in np.unique(synthetic):
        means[c] = weights[original == c].mean()
    return np.concatenate([weights, means[synthetic]]).astype("float32")


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
        self.labels = None
        if task == "regression":
            self.targets = _regression_targets(y)
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

    def positive_code(self, pos_label):
        """The class code whose binary scores are reported (None: not binary)."""
        n_classes = 0 if self.labels is None else len(self.labels.classes)
        if n_classes != 2:
            if pos_label is not None:
                what = (
                    "regression targets"
                    if n_classes == 0
                    else (f"{n_classes} classes (their scores are macro averages)")
                )
                raise InputError(
                    "Argument `pos_label` is for two classes; `y` holds "
                    f"{what}. Received: pos_label={_inputs.plain(pos_label)!r}"
                )
            return None
        classes = self.labels.classes.tolist()
        if pos_label is not None:
            return _code_of(pos_label, classes)
        if set(classes) <= {0, 1}:
            return 1  # scikit-learn's default pos_label=1
        counts = np.bincount(self.labels.codes, minlength=2)
        if counts[0] == counts[1]:
            raise InputError(
                f"The two classes {classes} are equally frequent "
                f"({int(counts[0])} rows each), so cross_validate will not "
                "guess which one is positive for precision, recall, F1 and the "
                f"areas. Pass pos_label={classes[0]!r} or "
                f"pos_label={classes[1]!r}."
            )
        return int(np.argmin(counts))

    def label_of(self, code):
        if code is None:
            return None
        return _inputs.plain(self.labels.classes[code])

    def score(self, model, val, from_logits, positive=None, batch_size=None):
        x_val = _model_input(_take(self.features, val))
        evaluated = model.evaluate(
            x_val,
            self.targets[val],
            batch_size=batch_size,
            verbose=0,
            return_dict=True,
        )
        predictions = np.asarray(
            keras.ops.convert_to_numpy(
                model.predict(x_val, batch_size=batch_size, verbose=0)
            ),
            dtype="float64",
        )
        if self.task == "classification":
            scores = _metrics.classification_scores(
                self.labels.codes[val],
                predictions,
                len(self.labels.classes),
                from_logits,
                positive=1 if positive is None else positive,
            )
        else:
            scores = _metrics.regression_scores(self.targets[val], predictions)
        return {"loss": float(evaluated["loss"]), **scores}


def _code_of(pos_label, classes):
    label = _inputs.plain(pos_label)
    if not isinstance(label, (str, bytes, numbers.Number)) or label not in classes:
        raise InputError(
            f"Argument `pos_label` must be one of the classes {classes}. "
            f"Received: pos_label={label!r}"
        )
    return classes.index(label)


def _regression_targets(y):
    """Regression targets as float32, numeric and finite, or refused."""
    values = _inputs.to_numpy(y)
    _inputs.check_not_empty(values, "y")
    try:
        targets = np.asarray(values, dtype="float32")
    except (TypeError, ValueError):
        raise InputError(
            "Argument `y` must be numeric for regression. Received: y of dtype "
            f"{values.dtype}."
        ) from None
    if not np.all(np.isfinite(targets)):
        n_bad = int(np.sum(~np.isfinite(targets)))
        raise InputError(
            f"Argument `y` holds {n_bad} NaN or infinite regression targets. "
            "Drop those rows or impute them first."
        )
    return targets


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
