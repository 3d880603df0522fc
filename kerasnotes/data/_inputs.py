"""Turning user inputs (NumPy, pandas, backend tensors) into NumPy and back.

Only NumPy and Keras are imported here; pandas objects are recognised by
their type's module, so pandas is never imported just to check.
"""

import numbers

import keras
import numpy as np

from kerasnotes._internal.errors import InputError


def is_pandas(obj):
    """Whether `obj` is a pandas DataFrame or Series (without importing pandas)."""
    return type(obj).__module__.split(".")[0] == "pandas" and hasattr(obj, "iloc")


def is_dataframe(obj):
    return is_pandas(obj) and hasattr(obj, "columns")


def is_tensor(obj):
    """Whether `obj` is a tensor of the current Keras backend."""
    if isinstance(obj, np.ndarray) or is_pandas(obj):
        return False
    try:
        return bool(keras.ops.is_tensor(obj))
    except Exception:  # pragma: no cover - a backend that cannot tell
        return False


def to_numpy(obj):
    """A NumPy array of `obj` (array-like, pandas object or backend tensor)."""
    if is_tensor(obj):
        return np.asarray(keras.ops.convert_to_numpy(obj))
    if is_pandas(obj):
        return obj.to_numpy()
    return np.asarray(obj)


def plain(value):
    """A NumPy scalar as the Python scalar it holds, for messages: `13`, not
    `np.int64(13)`. Other values are returned as they are."""
    return value.item() if isinstance(value, np.generic) else value


def check_random_state(name, value):
    """`None` or an integer seed in [0, 2**32)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise InputError(
            f"Argument `{name}` must be None or an integer seed. "
            f"Received: {name}={plain(value)!r}"
        )
    if not 0 <= value < 2**32:
        raise InputError(
            f"Argument `{name}` must be in [0, 2**32). "
            f"Received: {name}={plain(value)!r}"
        )
    return int(value)


def check_not_empty(x, name="x"):
    """Raises if `x` (array, DataFrame or labels) has no rows."""
    if len(x) == 0:
        shape = getattr(x, "shape", (0,))
        raise InputError(
            f"Argument `{name}` is empty (0 rows). Received: {name} with shape "
            f"{tuple(int(n) for n in shape)}."
        )


def features_to_numpy(x, name="x"):
    """Returns `(array_or_dataframe, kind)` with kind "pandas", "tensor" or "numpy".

    DataFrames are returned as they are; tensors and array-likes as NumPy.
    """
    if is_dataframe(x):
        return x, "pandas"
    if is_pandas(x):  # a Series of features
        raise InputError(
            f"Argument `{name}` must be 2-D (samples, features); a pandas Series "
            f"is 1-D. Pass `{name}.to_frame()` for a single feature."
        )
    if is_tensor(x):
        return np.asarray(keras.ops.convert_to_numpy(x)), "tensor"
    return np.asarray(x), "numpy"


def check_two_dimensional(x, name="x"):
    if x.ndim != 2:
        hint = (
            f" For a single feature pass `{name}.reshape(-1, 1)`."
            if x.ndim == 1
            else ""
        )
        raise InputError(
            f"Argument `{name}` must be 2-D (samples, features). "
            f"Received: {name} with shape {x.shape}.{hint}"
        )


def check_finite(x, name="x", columns=None):
    """Raises if a numeric column of `x` holds NaN or inf.

    `x` is a 2-D NumPy array or a DataFrame; `columns` (positions) restricts
    the check. Non-numeric columns are skipped (the caller decides about them).
    """
    if is_dataframe(x):
        positions = range(x.shape[1]) if columns is None else columns
        for j in positions:
            column = x.iloc[:, j]
            if not _is_numeric_dtype(column.dtype):
                continue
            values = column.to_numpy(dtype="float64", na_value=np.nan)
            if not np.all(np.isfinite(values)):
                _raise_not_finite(name, f"column {x.columns[j]!r}", values)
        return
    if x.dtype.kind in "biuf":
        values = x if columns is None else x[:, list(columns)]
        if x.dtype.kind == "f" and not np.all(np.isfinite(values)):
            _raise_not_finite(name, "", values, columns)
        return
    if columns is not None:
        for j in columns:
            try:
                values = x[:, j].astype("float64")
            except (TypeError, ValueError):
                raise InputError(
                    f"Column {j} of `{name}` is not numeric. Declare it in "
                    "`categorical_features`, or encode it as numbers."
                ) from None
            if not np.all(np.isfinite(values)):
                _raise_not_finite(name, f"column {j}", values)


def _raise_not_finite(name, where, values, columns=None):
    n_nan = int(np.isnan(values).sum())
    n_inf = int(np.isinf(values).sum())
    first = np.argwhere(~np.isfinite(values))[0]
    if len(first) > 1:  # a 2-D block: name the column in `x`
        column = first[1] if columns is None else list(columns)[first[1]]
        at = f"row {first[0]}, column {column}"
    else:
        at = f"row {first[0]}"
    where = f"{where}, first at {at}" if where else f"first at {at}"
    raise InputError(
        f"Argument `{name}` holds {n_nan} NaN and {n_inf} infinite values "
        f"({where}). Impute or drop them first (for example with "
        "`sklearn.impute.SimpleImputer`)."
    )


def _is_numeric_dtype(dtype):
    kind = getattr(dtype, "kind", None)
    if kind is None:  # pandas extension dtypes (nullable ints, categoricals)
        try:
            kind = np.dtype(dtype.numpy_dtype).kind
        except (AttributeError, TypeError):
            return False
    return kind in "iuf"


def numeric_columns(x):
    """Positions of the numeric (int, unsigned, float) columns of a DataFrame."""
    return [j for j, dtype in enumerate(x.dtypes) if _is_numeric_dtype(dtype)]


def float_matrix(x, name="x"):
    """`x` (array, DataFrame or tensor) as a 2-D floating NumPy array.

    Floating input keeps its dtype; integer and boolean input becomes float32.
    """
    x, kind = features_to_numpy(x, name)
    if kind == "pandas":
        bad = [c for j, c in enumerate(x.columns) if j not in numeric_columns(x)]
        if bad:
            raise InputError(
                f"Argument `{name}` has non-numeric columns {bad}. Encode them "
                "as numbers first (for example one-hot)."
            )
        dtypes = {np.dtype(d).name for d in x.dtypes}
        dtype = dtypes.pop() if len(dtypes) == 1 else "float64"
        if np.dtype(dtype).kind != "f":
            dtype = "float32"
        x = x.to_numpy(dtype=dtype)
    check_two_dimensional(x, name)
    check_not_empty(x, name)
    if x.dtype.kind not in "biuf":
        raise InputError(
            f"Argument `{name}` must be numeric. Received dtype {x.dtype}."
        )
    if x.dtype.kind != "f":
        x = x.astype("float32")
    check_finite(x, name)
    return x


def check_sample_weight(sample_weight, n_rows):
    """One finite weight >= 0 per row, as float64 (None stays None)."""
    if sample_weight is None:
        return None
    weights = to_numpy(sample_weight)
    if weights.ndim == 2 and weights.shape[1] == 1:
        weights = weights[:, 0]
    if weights.ndim != 1 or len(weights) != n_rows:
        raise InputError(
            "Argument `sample_weight` must be 1-D with one weight per row of `x` "
            f"({n_rows}). Received: sample_weight with shape {weights.shape}."
        )
    if weights.dtype.kind not in "iuf":
        raise InputError(
            "Argument `sample_weight` must hold numbers. Received: "
            f"sample_weight of dtype {weights.dtype}."
        )
    weights = weights.astype("float64")
    bad = np.flatnonzero(~np.isfinite(weights) | (weights < 0))
    if len(bad):
        raise InputError(
            "Argument `sample_weight` must hold finite weights >= 0. Received: "
            f"sample_weight[{int(bad[0])}]={float(weights[bad[0]])!r} "
            f"({len(bad)} such)."
        )
    return weights


class Labels:
    """Class labels in any accepted form, with the way back.

    Attributes:
        values: 1-D array of the labels as given (one-hot rows become the
            column index).
        classes: sorted distinct labels (column indices for one-hot).
        codes: 1-D int array, the position of each label in `classes`.
        one_hot: whether the labels came as one-hot rows.
        kind: "pandas", "tensor" or "numpy".
    """

    def __init__(self, y, name="y"):
        self.name = name
        self.series = None
        if is_dataframe(y):
            raise InputError(
                f"Argument `{name}` must be 1-D labels or one-hot rows, not a "
                "DataFrame. Pass a column, e.g. `df['label']`."
            )
        if is_pandas(y):
            self.kind = "pandas"
            self.series = y
            array = y.to_numpy()
        elif is_tensor(y):
            self.kind = "tensor"
            array = np.asarray(keras.ops.convert_to_numpy(y))
        else:
            self.kind = "numpy"
            array = label_array(y, name)
        check_not_empty(array, name)
        self.dtype = array.dtype
        self.one_hot = False
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim == 2:
            if not _is_one_hot(array):
                raise InputError(
                    f"Argument `{name}` is 2-D with shape {array.shape} but its "
                    "rows are not one-hot (a single 1, zeros elsewhere). Pass "
                    "integer or string labels, or one-hot rows."
                )
            self.one_hot = True
            self.n_columns = array.shape[1]
            array = np.argmax(array, axis=1)
        elif array.ndim != 1:
            raise InputError(
                f"Argument `{name}` must be 1-D labels or 2-D one-hot rows. "
                f"Received: {name} with shape {array.shape}."
            )
        if array.dtype.kind == "f":
            if not np.all(np.isfinite(array)):
                raise InputError(f"Argument `{name}` holds NaN or infinite labels.")
        if array.dtype.kind == "O":  # e.g. from pandas: find the real dtype
            array = typed_labels(array, name)
        self.values = array
        self.classes, self.codes = np.unique(array, return_inverse=True)
        self.codes = self.codes.reshape(-1)

    def __len__(self):
        return len(self.values)

    def check_several_classes(self):
        if len(self.classes) < 2:
            raise InputError(
                f"Argument `{self.name}` must hold at least 2 classes; it holds "
                f"a single class ({self.classes[0].item()!r}). Check that the "
                "labels were not filtered or mis-encoded."
            )

    def encode(self, y, name):
        """The codes of other labels (validation or test ones) in `classes`."""
        other = Labels(y, name)
        index = {label: code for code, label in enumerate(self.classes.tolist())}
        unknown = [v for v in np.unique(other.values).tolist() if v not in index]
        if unknown:
            raise InputError(
                f"Argument `{name}` holds labels {unknown} that are not in "
                f"`{self.name}` (its classes: {self.classes.tolist()})."
            )
        return np.array([index[v] for v in other.values.tolist()], dtype="int64")

    def restore(self, values):
        """Turns resampled 1-D labels back into the input's form."""
        values = np.asarray(values)
        if self.one_hot:
            out = np.zeros((len(values), self.n_columns), dtype=self.dtype)
            out[np.arange(len(values)), values.astype(int)] = 1
        else:
            out = values.astype(self.dtype, copy=False)
        if self.kind == "pandas":
            import pandas as pd

            return pd.Series(out, name=self.series.name, dtype=self.series.dtype)
        if self.kind == "tensor":
            return keras.ops.convert_to_tensor(out)
        return out


def label_array(y, name="y"):
    """Labels as a NumPy array, keeping the types of a list's items.

    `np.asarray([1, "a"])` turns the number into the string `'1'`; a list or
    tuple whose items NumPy made strings is read again item by item, so
    `typed_labels` sees, and refuses, the mix.
    """
    if is_tensor(y) or is_pandas(y):
        return to_numpy(y)
    array = np.asarray(y)
    if array.dtype.kind in "US" and not isinstance(y, np.ndarray) and array.ndim == 1:
        return typed_labels(np.asarray(y, dtype=object), name)
    return array


# Types of label values, in the order a message names them.
_NUMBERS, _BOOLEANS, _STRINGS = "numbers", "booleans", "strings"


def _kind_of(value_type):
    if issubclass(value_type, (bool, np.bool_)):
        return _BOOLEANS
    if issubclass(value_type, numbers.Number):
        return _NUMBERS
    if issubclass(value_type, (str, bytes)):
        return _STRINGS
    return value_type.__name__


def _is_missing(value):
    """None, NaN, pandas' NA or NaT."""
    if value is None:
        return True
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return value != value
    return type(value).__name__ in ("NAType", "NaTType")


def typed_labels(array, name="y"):
    """A 1-D object array of labels as a typed array (numbers or strings).

    Refuses missing labels (None, NaN, pandas' NA) and labels of mixed types
    (`{1, "a"}`, which NumPy would silently read as the strings `'1'` and
    `'a'`), naming the argument.
    """
    if array.dtype.kind != "O" or array.ndim != 1:
        return array
    values = array.tolist()
    types = set(map(type, values))
    maybe_missing = any(
        t is type(None)
        or (issubclass(t, numbers.Real) and not issubclass(t, numbers.Integral))
        or t.__name__ in ("NAType", "NaTType")
        for t in types
    )
    if maybe_missing:
        missing = [i for i, v in enumerate(values) if _is_missing(v)]
        if missing:
            raise InputError(
                f"Argument `{name}` holds {len(missing)} missing label"
                f"{'s' if len(missing) > 1 else ''} (None or NaN), the first at "
                f"row {missing[0]}. Drop those rows, or fill them with a class "
                "of their own."
            )
    if len({_kind_of(t) for t in types}) > 1:
        kinds = {}  # kind -> its first label
        for v in values:
            kinds.setdefault(_kind_of(type(v)), v)
        order = [_NUMBERS, _BOOLEANS, _STRINGS]
        named = sorted(kinds, key=lambda k: (order.index(k) if k in order else 3, k))
        listed = " and ".join(f"{k} (e.g. {plain(kinds[k])!r})" for k in named)
        raise InputError(
            f"Argument `{name}` mixes {listed}: labels must be all numbers or "
            "all strings. Convert them to one type first (for example "
            "`y.astype(str)`)."
        )
    return np.array(values)


def _is_one_hot(array):
    if array.dtype.kind not in "biuf":
        return False
    return bool(np.all((array == 0) | (array == 1)) and np.all(array.sum(axis=1) == 1))


def check_same_length(x, labels, x_name="x", y_name="y"):
    if len(x) != len(labels):
        raise InputError(
            f"Arguments `{x_name}` and `{y_name}` must have the same number of "
            f"samples. Received: len({x_name})={len(x)}, "
            f"len({y_name})={len(labels)}."
        )


def encode_targets(y, task, name="y"):
    """Targets as a Keras model of `task` trains on them.

    Class labels (any type, or one-hot rows) become their position in the
    sorted distinct labels: a float32 column `(n, 1)` for "binary", int32
    codes for "multiclass". Regression targets become float32 `(n, k)`.

    Returns:
        `(targets, labels)`: `labels` is the `Labels` of `y` (None for
        regression), whose `classes` turn a model's class index back into
        the original label and whose `encode` codes validation labels alike.
    """
    if task == "regression":
        targets = to_numpy(y)
        try:
            targets = targets.astype("float32").reshape(len(targets), -1)
        except ValueError:
            raise InputError(
                f"Argument `{name}` must be numeric for a regression task. "
                f"Received: {name} of dtype {targets.dtype}"
            ) from None
        if not np.isfinite(targets).all():
            raise InputError(f"Argument `{name}` contains NaN or infinite values.")
        return targets, None
    labels = Labels(y, name)
    labels.check_several_classes()
    if task == "binary" and len(labels.classes) > 2:
        raise InputError(
            f"Argument `task` is 'binary' but `{name}` holds "
            f"{len(labels.classes)} classes; use task='multiclass'. "
            "Received: task='binary'"
        )
    return encode_codes(labels.codes, task), labels


def encode_codes(codes, task):
    """Class codes in the shape and dtype the model of `task` trains on."""
    if task == "binary":
        return np.asarray(codes, "float32").reshape(-1, 1)
    return np.asarray(codes, "int32")
