"""`oversample`: a checked front over imbalanced-learn's over-samplers."""

import math
import numbers

import numpy as np

from kerasnotes._internal import validation as _validation
from kerasnotes._internal.errors import InputError
from kerasnotes.data import _inputs

METHODS = ("smote", "borderline-smote", "svm-smote", "adasyn", "smote-nc", "random")

# Methods that interpolate between a sample and its k nearest neighbours of the
# same class, so every class they over-sample needs k_neighbors + 1 samples.
_NEIGHBOUR_METHODS = ("smote", "borderline-smote", "svm-smote", "adasyn", "smote-nc")

# imbalanced-learn's default `m_neighbors` for Borderline-SMOTE and SVM-SMOTE:
# the neighbourhood, over all classes, that decides whether a sample lies on
# the class border ("in danger").
M_NEIGHBORS = 10


def in_danger(n_other, m_neighbors=M_NEIGHBORS):
    """Borderline-SMOTE's "in danger" rule (Han, Wang & Mao 2005, borderline-1).

    A sample is in danger when, among its `m` nearest neighbours over all
    classes, the number `m'` of another class satisfies

    ```
    m / 2 <= m' < m
    ```

    (all `m` of another class: noise, not used; fewer than half: safe). This
    is the rule imbalanced-learn's `BorderlineSMOTE` applies, which
    `oversample` runs, and the one `SMOTEDataset` applies itself.

    Args:
        n_other: Integer array, `m'` for each sample.
        m_neighbors: The neighbourhood size `m`. Defaults to `M_NEIGHBORS`.

    Returns:
        A boolean array of the shape of `n_other`.
    """
    n_other = np.asarray(n_other)
    return (n_other >= m_neighbors / 2) & (n_other < m_neighbors)


def no_sample_in_danger(classes, m_neighbors=M_NEIGHBORS):
    """The error for classes to over-sample with no sample `in_danger`."""
    return InputError(
        f"method='borderline-smote' found no sample of class(es) "
        f"{list(classes)} near the class border (at least half, not all, of "
        f"its {m_neighbors} nearest neighbours of another class), so it "
        "would generate nothing for them. The classes are well "
        "separated: use method='smote'."
    )


def check_sampling_strategy(sampling_strategy, labels):
    """imbalanced-learn's sampling strategy -> {class: samples to generate}."""
    from imblearn.utils import check_sampling_strategy as imblearn_check

    strategy = _checked_strategy_type(sampling_strategy)
    try:
        targets = imblearn_check(strategy, labels, "over-sampling")
    except ValueError as error:
        raise InputError(
            f"Argument `sampling_strategy` does not fit the labels: {error} "
            f"Received: sampling_strategy={strategy!r}"
        ) from None
    return {python_scalar(c): int(n) for c, n in targets.items()}


_STRATEGIES = ("auto", "minority", "not minority", "not majority", "all")


def _checked_strategy_type(sampling_strategy):
    """A name, a finite float, a dict (keys and counts as Python values) or a
    callable; anything else is refused before imbalanced-learn sees it."""
    value = python_scalar(sampling_strategy)
    if isinstance(value, str):
        return _validation.check_one_of("sampling_strategy", value, _STRATEGIES)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise InputError(
                "Argument `sampling_strategy` must be finite when it is a "
                f"number. Received: sampling_strategy={value!r}"
            )
        return float(value)
    if isinstance(value, dict):
        return {python_scalar(c): python_scalar(n) for c, n in value.items()}
    if callable(value):
        return value
    raise InputError(
        "Argument `sampling_strategy` must be one of "
        f"{', '.join(map(repr, _STRATEGIES))}, a float in (0, 1] (binary "
        "labels: the minority/majority ratio after resampling) or a dict "
        "{class: samples after resampling}. "
        f"Received: sampling_strategy={value!r}"
    )


python_scalar = _inputs.plain


def class_counts(values):
    classes, counts = np.unique(values, return_counts=True)
    return {python_scalar(c): int(n) for c, n in zip(classes, counts)}


def check_class_sizes(counts, targets, k_neighbors, method):
    """Every class to be over-sampled needs k_neighbors + 1 samples."""
    for label, n_new in targets.items():
        if n_new > 0 and counts[label] < k_neighbors + 1:
            smallest = min(counts[c] for c, n in targets.items() if n > 0)
            suggestion = (
                f"Pass k_neighbors={smallest - 1} or less"
                if smallest > 1
                else "Remove that class or collect more samples of it"
            )
            raise InputError(
                f"Class {label!r} has {counts[label]} samples, but "
                f"method={method!r} with k_neighbors={k_neighbors} needs at "
                f"least k_neighbors + 1 = {k_neighbors + 1} samples in every "
                f"class it over-samples. {suggestion}, or use "
                "method='random'."
            )


def oversample(
    x,
    y,
    method="smote",
    *,
    sampling_strategy="auto",
    k_neighbors=5,
    categorical_features=None,
    random_state=None,
):
    """Over-samples the minority classes with a SMOTE-family method.

    A checked front over imbalanced-learn's samplers (notes 004, "Synthetic
    Data Generation", "SMOTE" and "SMOTE Variations"). SMOTE makes each new
    minority sample on the segment between a minority sample `x_i` and one of
    its `k` nearest neighbours `x_nn` of the same class:

    ```
    x_new = x_i + u * (x_nn - x_i),   u ~ Uniform[0, 1)
    ```

    Methods (imbalanced-learn sampler, and how it picks `x_i`):

    - `"smote"`: `SMOTE`; `x_i` drawn uniformly from the class.
    - `"borderline-smote"`: `BorderlineSMOTE(kind="borderline-1")`; `x_i`
      only among samples "in danger" (`in_danger`): at least half, not all,
      of their 10 nearest neighbours (any class) are of another class.
    - `"svm-smote"`: `SVMSMOTE`; `x_i` among an SVM's minority support
      vectors, extrapolating away from the safe ones.
    - `"adasyn"`: `ADASYN(n_neighbors=k_neighbors)`; more samples from the
      `x_i` with more neighbours of other classes.
    - `"smote-nc"`: `SMOTENC`; as SMOTE, categorical columns take the most
      frequent value among the neighbours.
    - `"random"`: `RandomOverSampler`; copies of drawn samples.

    Args:
        x: Features, shape `(samples, features)`: a NumPy array, a pandas
            DataFrame (column names and dtypes kept; integer columns of
            interpolated rows are truncated to integers, as imbalanced-learn
            does) or a backend tensor.
        y: Labels: integers, strings, or one-hot rows (returned one-hot).
            NumPy, pandas Series or backend tensor.
        method: One of `"smote"`, `"borderline-smote"`, `"svm-smote"`,
            `"adasyn"`, `"smote-nc"`, `"random"`. Defaults to `"smote"`.
        sampling_strategy: imbalanced-learn's `sampling_strategy`: `"auto"`
            (every class but the majority up to the majority's count),
            `"minority"`, `"not minority"`, `"not majority"`, `"all"`, a float
            (binary only: minority/majority ratio after resampling) or a dict
            `{class: count after resampling}` (for one-hot labels, classes are
            column indices). Defaults to `"auto"`.
        k_neighbors: Positive int, neighbours to interpolate with (ADASYN's
            `n_neighbors`). Every over-sampled class needs more samples than
            this. Ignored by `"random"`. Defaults to `5`.
        categorical_features: For `"smote-nc"` only (required there): column
            positions, column names (DataFrames) or a boolean mask. Defaults to
            `None`.
        random_state: `None` or an int seed. Defaults to `None`.

    Returns:
        `(x_res, y_res)`: the original samples first, then the synthetic ones,
        in the input's types (DataFrame with a fresh index, Series, tensor or
        NumPy array; one-hot labels stay one-hot).

    Raises:
        ValueError: with what to do, for an unknown method, a class smaller
            than `k_neighbors + 1`, a single class, NaN or inf in `x`, `x` and
            `y` of different lengths, `"smote-nc"` without
            `categorical_features` (or `categorical_features` with another
            method), non-numeric columns without `"smote-nc"`.

    Example:

    >>> import numpy as np
    >>> from kerasnotes.data import oversample
    >>> x = np.random.default_rng(0).normal(size=(100, 3))
    >>> y = np.array([0] * 90 + [1] * 10)
    >>> x_res, y_res = oversample(x, y, random_state=0)
    >>> np.bincount(y_res).tolist()
    [90, 90]

    References:
        - [Chawla et al., "SMOTE: Synthetic Minority Over-sampling Technique",
          JAIR 2002](https://arxiv.org/abs/1106.1813)
        - [Han, Wang & Mao, "Borderline-SMOTE", ICIC 2005](
          https://doi.org/10.1007/11538059_91)
        - [He et al., "ADASYN", IJCNN 2008](
          https://doi.org/10.1109/IJCNN.2008.4633969)
        - [Nguyen, Cooper & Kamei, "Borderline over-sampling for imbalanced
          data classification", 2011](https://doi.org/10.1504/IJKESDP.2011.039875)
        - [imbalanced-learn](https://imbalanced-learn.org/stable/over_sampling.html)
    """
    _validation.check_one_of("method", method, METHODS)
    k_neighbors = _validation.check_positive_int("k_neighbors", k_neighbors)
    random_state = _inputs.check_random_state("random_state", random_state)
    _check_categorical_argument(method, categorical_features)
    features, kind, labels = _read_data(x, y, method, categorical_features)
    targets = _check_classes(labels, sampling_strategy, k_neighbors, method)
    sampler = _make_sampler(
        method, sampling_strategy, k_neighbors, categorical_features, random_state
    )
    x_res, y_res = _resample(sampler, features, labels, method)
    if method == "borderline-smote":
        _check_danger_found(sampler, targets)
    if kind == "tensor":
        import keras

        x_res = keras.ops.convert_to_tensor(x_res)
    return x_res, labels.restore(y_res)


def _check_categorical_argument(method, categorical_features):
    """`categorical_features` is given exactly when the method is SMOTE-NC."""
    if method == "smote-nc" and categorical_features is None:
        raise InputError(
            "method='smote-nc' needs `categorical_features`: the positions, "
            "names or boolean mask of the categorical columns of `x`. "
            "Received: categorical_features=None. For purely numeric data use "
            "method='smote'."
        )
    if method != "smote-nc" and categorical_features is not None:
        raise InputError(
            "Argument `categorical_features` is only used by "
            f"method='smote-nc'. Received: method={method!r}, "
            f"categorical_features={categorical_features!r}. Use "
            "method='smote-nc', or encode the categorical columns and leave "
            "`categorical_features` as None."
        )


def _read_data(x, y, method, categorical_features):
    """`(features, kind, labels)`, checked for `method`."""
    features, kind = _inputs.features_to_numpy(x)
    if kind != "pandas":
        _inputs.check_two_dimensional(features)
    _inputs.check_not_empty(features)
    labels = _inputs.Labels(y)
    _inputs.check_same_length(features, labels)
    _check_features(features, method, categorical_features)
    labels.check_several_classes()
    return features, kind, labels


def _check_classes(labels, sampling_strategy, k_neighbors, method):
    """{class: samples to generate}, once the classes are large enough."""
    targets = check_sampling_strategy(sampling_strategy, labels.values)
    counts = class_counts(labels.values)
    if method in _NEIGHBOUR_METHODS:
        check_class_sizes(counts, targets, k_neighbors, method)
    if method in ("borderline-smote", "svm-smote") and len(labels) <= M_NEIGHBORS:
        raise InputError(
            f"method={method!r} looks at the {M_NEIGHBORS} nearest neighbours of "
            f"each sample and needs more than {M_NEIGHBORS} samples. Received "
            f"{len(labels)}. Use method='smote'."
        )
    return targets


def _resample(sampler, features, labels, method):
    try:
        return sampler.fit_resample(features, labels.values)
    except RuntimeError as error:  # ADASYN with no neighbour of another class
        raise InputError(
            f"method={method!r} failed: {error} Use method='smote'."
        ) from error


def _check_danger_found(sampler, targets):
    """Borderline-SMOTE found a sample in danger in every class it over-samples."""
    danger = sampler.in_danger_indices
    missing = [c for c, n in targets.items() if n > 0 and c not in danger]
    if missing:
        raise no_sample_in_danger(missing)


def _check_features(features, method, categorical_features):
    numeric_only = method not in ("smote-nc", "random")
    if _inputs.is_dataframe(features):
        numeric = _inputs.numeric_columns(features)
        other = [c for j, c in enumerate(features.columns) if j not in numeric]
        if other and numeric_only:
            raise InputError(
                f"Argument `x` has non-numeric columns {other}, which "
                f"method={method!r} cannot interpolate. Use method='smote-nc' "
                "with `categorical_features`, or encode them as numbers."
            )
        _inputs.check_finite(features, columns=numeric)
        return
    if features.dtype.kind in "biuf":
        _inputs.check_finite(features)
        return
    if numeric_only:
        raise InputError(
            f"Argument `x` has dtype {features.dtype}, which method={method!r} "
            "cannot interpolate. Use method='smote-nc' with "
            "`categorical_features`, or encode the columns as numbers."
        )
    if method == "smote-nc":
        mask = _categorical_mask(categorical_features, features.shape[1])
        _inputs.check_finite(
            features, columns=[j for j in range(features.shape[1]) if not mask[j]]
        )


def _categorical_mask(categorical_features, n_features):
    values = np.asarray(categorical_features)
    mask = np.zeros(n_features, dtype=bool)
    if values.dtype.kind == "b":
        if values.shape != (n_features,):
            raise InputError(
                "A boolean `categorical_features` needs one entry per column "
                f"({n_features}). Received: {values.shape[0]} entries."
            )
        return values
    if values.dtype.kind not in "iu":
        raise InputError(
            "Argument `categorical_features` must hold column positions or a "
            "boolean mask when `x` is not a DataFrame. Received: "
            f"categorical_features={categorical_features!r}"
        )
    mask[values] = True
    return mask


def _make_sampler(method, sampling_strategy, k, categorical_features, random_state):
    from imblearn import over_sampling

    common = {"sampling_strategy": sampling_strategy, "random_state": random_state}
    if method == "smote":
        return over_sampling.SMOTE(k_neighbors=k, **common)
    if method == "borderline-smote":
        return over_sampling.BorderlineSMOTE(
            k_neighbors=k, m_neighbors=M_NEIGHBORS, kind="borderline-1", **common
        )
    if method == "svm-smote":
        return over_sampling.SVMSMOTE(k_neighbors=k, m_neighbors=M_NEIGHBORS, **common)
    if method == "adasyn":
        return over_sampling.ADASYN(n_neighbors=k, **common)
    if method == "smote-nc":
        return over_sampling.SMOTENC(
            categorical_features=categorical_features, k_neighbors=k, **common
        )
    return over_sampling.RandomOverSampler(**common)
