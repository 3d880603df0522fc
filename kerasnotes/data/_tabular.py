"""Tables: reading a CSV, encoding it, splitting and scaling it.

The one place the `kerasnotes` commands (tune, lr-find, compare-optimizers)
get their data from. The checks they promise live here: a missing or empty
file, a header without rows, an unknown target column, missing values, too
few rows of a class to split each raise an `InputError` whose message the
command prints as one line.
"""

import dataclasses
import os

import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes.data import _inputs
from kerasnotes.data import _task

BUILTIN = "scikit-learn breast cancer (bundled)"
# Each class needs this many rows to reach train, validation and test.
MIN_CLASS_ROWS = 5


def load_table(csv=None, target=None, dropna=False, print_fn=print):
    """Reads `csv` (or scikit-learn's bundled breast-cancer data when None).

    Returns `(frame, target)`. Missing values raise a `InputError` naming the
    columns, their counts and the first rows, unless `dropna` drops those
    rows.
    """
    import pandas as pd

    if csv is None:
        from sklearn.datasets import load_breast_cancer

        frame = load_breast_cancer(as_frame=True).frame
        if target not in (None, "target"):
            raise InputError(
                f"--target {target!r} needs --csv; the built-in breast-cancer "
                "data's target column is 'target'"
            )
        return frame, "target"
    if not os.path.isfile(csv):
        raise InputError(f"no such file: {csv}")
    if target is None:
        raise InputError("--target COLUMN is required with --csv")
    try:
        frame = pd.read_csv(csv)
    except pd.errors.EmptyDataError:
        raise InputError(f"{csv} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        first = str(error).strip().splitlines()[0]
        raise InputError(f"{csv} is not a readable CSV: {first}") from None
    if frame.empty:
        raise InputError(f"{csv} has a header but no data rows")
    if target not in frame.columns:
        columns = ", ".join(map(str, frame.columns))
        raise InputError(f"column {target!r} is not in {csv}; its columns: {columns}")
    missing = frame.isna()
    if missing.to_numpy().any():
        if not dropna:
            counts = missing.sum()
            where = ", ".join(
                f"{name} ({int(n)} rows)" for name, n in counts.items() if n
            )
            rows = np.nonzero(missing.to_numpy().any(axis=1))[0][:5].tolist()
            raise InputError(
                f"{csv} has missing values in columns {where}; first data rows "
                f"{rows}; pass --dropna to drop those rows"
            )
        before = len(frame)
        frame = frame.dropna().reset_index(drop=True)
        print_fn(f"dropped {before - len(frame)} rows with missing values")
        if frame.empty:
            raise InputError(f"every row of {csv} has a missing value")
    return frame, target


def encode_features(frame, target):
    """The feature columns as float32, non-numeric ones one-hot encoded.

    Returns `(x, column_names)`.
    """
    import pandas as pd

    features = frame.drop(columns=[target])
    if features.shape[1] == 0:
        raise InputError("there are no feature columns besides the target")
    categorical = [
        c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])
    ]
    if categorical:
        features = pd.get_dummies(features, columns=categorical, dtype="float32")
    x = features.to_numpy(dtype="float32")
    if not np.isfinite(x).all():
        raise InputError("the features contain infinite values")
    return x, [str(c) for c in features.columns]


@dataclasses.dataclass
class Table:
    """An encoded table: what a model of `task` trains on.

    Attributes:
        x: float32 features `(rows, columns)`, non-numeric columns one-hot
            encoded, not scaled.
        y: The targets, encoded by `kerasnotes.data._inputs.encode_targets`.
        task: `"binary"`, `"multiclass"` or `"regression"`.
        columns: The feature column names after encoding.
        classes: The original labels, in the order of the class codes (None
            for regression).
        target: The target column's name.
        source: Where the table came from, for messages.
    """

    x: np.ndarray
    y: np.ndarray
    task: str
    columns: list
    classes: object
    target: str
    source: str


def read_table(csv=None, target=None, *, task="auto", dropna=False, print_fn=print):
    """Reads, encodes and checks a CSV (or the bundled breast-cancer data).

    Args:
        csv: Path of a CSV file, or None for scikit-learn's breast-cancer data.
        target: The target column (required with `csv`).
        task: `"auto"` (`kerasnotes.data.infer_task`), `"binary"`,
            `"multiclass"` or `"regression"`.
        dropna: Drop rows with missing values instead of refusing them.
        print_fn: Where notes such as the count of dropped rows go.

    Returns:
        A `Table`.
    """
    frame, target = load_table(csv, target, dropna, print_fn=print_fn)
    x, columns = encode_features(frame, target)
    raw = frame[target].to_numpy()
    if task == "auto":
        task = _task.infer_task(raw)
    if task == "regression":
        try:
            raw = raw.astype("float32")
        except ValueError:
            raise InputError(
                f"--task regression needs a numeric target; {target!r} is not"
            ) from None
    else:
        _check_classes(raw, target, task)
    y, labels = _inputs.encode_targets(raw, task, name=target)
    return Table(
        x=x,
        y=y,
        task=task,
        columns=columns,
        classes=None if labels is None else labels.classes,
        target=target,
        source=BUILTIN if csv is None else str(csv),
    )


def _check_classes(raw, target, task):
    values = raw.astype(str) if raw.dtype == object else raw
    classes = np.unique(values).tolist()
    if len(classes) < 2:
        raise InputError(
            f"target {target!r} has a single class ({classes[0]!r}); "
            "there is nothing to classify"
        )
    if task == "binary" and len(classes) > 2:
        raise InputError(f"--task binary, but {target!r} has {len(classes)} classes")


def split_table(table, seed):
    """Splits 60/20/20 into train, validation and test (stratified for
    classification). Returns three `(x, y)` pairs."""
    from sklearn.model_selection import train_test_split

    classes = table.task != "regression"
    y = table.y
    if classes:
        counts = np.bincount(y.ravel().astype("int64"), minlength=len(table.classes))
        if counts.min() < MIN_CLASS_ROWS:
            rare = table.classes[counts.argmin()]
            rare = rare.item() if isinstance(rare, np.generic) else rare
            raise InputError(
                f"class {rare!r} of {table.target!r} has only {counts.min()} "
                f"rows; each class needs at least {MIN_CLASS_ROWS} to be split "
                "into train, validation and test"
            )
    try:
        x_rest, x_test, y_rest, y_test = train_test_split(
            table.x,
            y,
            test_size=0.2,
            stratify=y.ravel() if classes else None,
            random_state=seed,
        )
        x_train, x_val, y_train, y_val = train_test_split(
            x_rest,
            y_rest,
            test_size=0.25,
            stratify=y_rest.ravel() if classes else None,
            random_state=seed,
        )
    except ValueError as error:
        raise InputError(f"cannot split the data: {error}") from None
    return (x_train, y_train), (x_val, y_val), (x_test, y_test)


def fit_standardizer(x_train):
    """A `sklearn.preprocessing.StandardScaler` fitted on the training rows
    (constant columns keep scale 1)."""
    from sklearn.preprocessing import StandardScaler

    return StandardScaler().fit(x_train)


def standardize(scaler, x):
    return scaler.transform(x).astype("float32")
