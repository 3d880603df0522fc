"""Tables: reading a CSV, encoding it, splitting and scaling it.

The one place the `kerasnotes` commands (tune, lr-find, compare-optimizers)
get their data from. The checks they promise live here: a missing or empty
file, a header without rows, an unknown target column, missing values, too
few rows of a class to split each raise an `InputError` whose message the
command prints as one line.
"""

import dataclasses
import os
import re
import warnings

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


# A table needs this many rows before a column unique per row reads as an
# identifier rather than a feature.
MIN_ROWS_FOR_IDENTIFIERS = 20
# Non-numeric columns with at least this share of distinct values (or dates
# parsed from at least this share of values) are identifiers (dates).
NEARLY_ALL = 0.95
_ID_NAME = re.compile(
    r"(^|[^a-z0-9])id$|^id([^a-z0-9]|$)|^index$|^unnamed: ?0$"
    r"|^row[ _]?(id|no|num|number|index)?$"
)
_CAMEL_ID = re.compile(r"[a-z0-9](Id|ID)$")  # PatientId, visitID
_EPOCH = "1970-01-01"


def _is_numeric(column):
    import pandas as pd

    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(
        column
    )


def _as_dates(column):
    """The column as datetimes when it holds dates (a datetime dtype, or
    strings with digits of which `NEARLY_ALL` parse as dates), else None."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(column):
        return column
    if _is_numeric(column) or pd.api.types.is_bool_dtype(column):
        return None
    values = column.dropna().astype(str)
    if values.empty or not values.str.contains(r"\d").all():
        return None
    with warnings.catch_warnings():
        # "Could not infer format": each value is then parsed on its own.
        warnings.simplefilter("ignore")
        try:
            dates = pd.to_datetime(column, errors="coerce", format="mixed")
        except (TypeError, ValueError, OverflowError):
            return None
    if dates.notna().sum() < NEARLY_ALL * len(values):
        return None
    return dates


def _identifier_reason(column, name):
    """Why a column looks like a row identifier, or None."""
    n = len(column)
    distinct = column.nunique(dropna=True)
    if _is_numeric(column):
        if column.dtype.kind not in "iu" or distinct != n:
            return None
        values = column.to_numpy()
        ordered = np.sort(values)
        row_numbers = ordered[0] in (0, 1) and ordered[-1] - ordered[0] == n - 1
        named = _ID_NAME.search(str(name).lower()) or _CAMEL_ID.search(str(name))
        if row_numbers:
            return "row numbers"
        if named:
            return "an integer id, unique per row"
        return None
    if distinct >= NEARLY_ALL * n:
        return "unique per row" if distinct == n else f"{distinct} of {n} distinct"
    return None


def _check_keep_columns(keep_columns, features, target):
    keep = [str(c) for c in keep_columns]
    names = [str(c) for c in features.columns]
    unknown = [c for c in keep if c not in names]
    if unknown:
        where = "the target" if unknown[0] == str(target) else "not a feature column"
        raise InputError(
            f"--keep-columns names {unknown[0]!r}, which is {where}; the "
            f"feature columns: {', '.join(names)}"
        )
    return set(keep)


def encode_features(frame, target, *, keep_columns=(), print_fn=print):
    """The feature columns as float32, non-numeric ones one-hot encoded.

    Columns that identify rows rather than describe them are dropped, with
    one line through `print_fn` naming them, unless named in `keep_columns`:

    ```
    date-like       strings with digits, >= 95% of them dates (or a datetime
                    column); kept ones become days since 1970-01-01
    identifiers     strings, >= 95% of them distinct; integers unique per row
                    that are row numbers (0..n-1 or 1..n in any order) or
                    named like an id (id, patient_id, PatientId, index,
                    Unnamed: 0, row...)
    ```

    Identifiers are looked for only in tables of at least
    `MIN_ROWS_FOR_IDENTIFIERS` rows.

    Returns `(x, column_names)`.
    """
    import pandas as pd

    features = frame.drop(columns=[target])
    if features.shape[1] == 0:
        raise InputError("there are no feature columns besides the target")
    keep = _check_keep_columns(keep_columns, features, target)
    dropped, dates = [], {}
    for name in features.columns:
        as_dates = _as_dates(features[name])
        if as_dates is not None:
            if str(name) in keep:
                dates[name] = as_dates
            else:
                dropped.append(f"{name} (dates)")
            continue
        if str(name) in keep or len(features) < MIN_ROWS_FOR_IDENTIFIERS:
            continue
        reason = _identifier_reason(features[name], name)
        if reason is not None:
            dropped.append(f"{name} ({reason})")
    if dropped:
        names = [d.rsplit(" (", 1)[0] for d in dropped]
        print_fn(
            f"dropped {len(dropped)} column"
            f"{'s that look' if len(dropped) > 1 else ' that looks'} like row "
            f"identifiers or dates: {', '.join(dropped)}; "
            f"--keep-columns {','.join(names)} keeps them"
        )
        features = features.drop(columns=names)
    for name, values in dates.items():
        days = (values - pd.Timestamp(_EPOCH)) / pd.Timedelta(days=1)
        if days.isna().any():
            row = int(np.flatnonzero(days.isna().to_numpy())[0])
            raise InputError(
                f"column {str(name)!r} is kept as dates, but data row {row} "
                f"({features[name].iloc[row]!r}) is not a date"
            )
        features[name] = days.astype("float64")
    if features.shape[1] == 0:
        raise InputError(
            "there are no feature columns left besides the target; "
            "--keep-columns keeps a dropped one"
        )
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
        task_reason: How `task` was decided, in words ("--task regression",
            "integer target with 500 distinct values > 20").
    """

    x: np.ndarray
    y: np.ndarray
    task: str
    columns: list
    classes: object
    target: str
    source: str
    task_reason: str = ""


def read_table(
    csv=None,
    target=None,
    *,
    task="auto",
    dropna=False,
    keep_columns=(),
    print_fn=print,
):
    """Reads, encodes and checks a CSV (or the bundled breast-cancer data).

    Args:
        csv: Path of a CSV file, or None for scikit-learn's breast-cancer data.
        target: The target column (required with `csv`).
        task: `"auto"` (`kerasnotes.data.infer_task`), `"binary"`,
            `"multiclass"` or `"regression"`.
        dropna: Drop rows with missing values instead of refusing them.
        keep_columns: Feature columns to keep even if they look like row
            identifiers or dates (`encode_features`).
        print_fn: Where notes such as the count of dropped rows go.

    Returns:
        A `Table`; its `task_reason` says how the task was decided.
    """
    frame, target = load_table(csv, target, dropna, print_fn=print_fn)
    x, columns = encode_features(
        frame, target, keep_columns=keep_columns, print_fn=print_fn
    )
    raw = frame[target].to_numpy()
    if task == "auto":
        task = _task.infer_task(raw)
        reason = task_reason(raw)
    else:
        reason = f"--task {task}"
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
        task_reason=reason,
    )


def task_reason(raw):
    """Why `kerasnotes.data.infer_task` decides what it does for a column of
    targets, in words (the branches of its rule)."""
    values = raw.astype(str) if raw.dtype.kind in "OUSb" else raw
    distinct = len(np.unique(values))
    if raw.dtype.kind in "OUSb":
        return f"labels that are not numbers, {distinct} distinct"
    integral = raw.dtype.kind in "iu" or bool(np.all(np.mod(np.unique(raw), 1) == 0))
    if not integral:
        return "numbers that are not all integers"
    kind = "integer" if raw.dtype.kind in "iu" else "whole-number"
    sign = "<=" if distinct <= _task.MAX_CLASSES else ">"
    return f"{kind} target with {distinct} distinct values {sign} {_task.MAX_CLASSES}"


def _check_classes(raw, target, task):
    values = raw.astype(str) if raw.dtype == object else raw
    classes = np.unique(values).tolist()
    if len(classes) < 2:
        raise InputError(
            f"target {target!r} has a single class ({classes[0]!r}); "
            "there is nothing to classify"
        )
    if task == "binary" and len(classes) > 2:
        raise InputError(
            f"--task binary, but {target!r} has {len(classes)} classes; "
            "use --task multiclass"
        )
    if task == "multiclass" and len(classes) == 2:
        raise InputError(
            f"--task multiclass, but {target!r} has 2 classes "
            f"({classes[0]!r}, {classes[1]!r}); use --task binary (or auto)"
        )


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
