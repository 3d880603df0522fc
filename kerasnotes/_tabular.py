"""Reading a CSV table for the `kerasnotes` commands (tune, lr-find).

One place for the checks the commands promise: a missing or empty file, a
header without rows, an unknown target column and missing values each give a
`DataError` whose message the command prints as one line.
"""

import os

import numpy as np


class DataError(ValueError):
    """Input data the user must fix; the command prints it as one line."""


def load_table(csv=None, target=None, dropna=False, print_fn=print):
    """Reads `csv` (or scikit-learn's bundled breast-cancer data when None).

    Returns `(frame, target)`. Missing values raise a `DataError` naming the
    columns, their counts and the first rows, unless `dropna` drops those
    rows.
    """
    import pandas as pd

    if csv is None:
        from sklearn.datasets import load_breast_cancer

        frame = load_breast_cancer(as_frame=True).frame
        if target not in (None, "target"):
            raise DataError(
                f"--target {target!r} needs --csv; the built-in breast-cancer "
                "data's target column is 'target'"
            )
        return frame, "target"
    if not os.path.isfile(csv):
        raise DataError(f"no such file: {csv}")
    if target is None:
        raise DataError("--target COLUMN is required with --csv")
    try:
        frame = pd.read_csv(csv)
    except pd.errors.EmptyDataError:
        raise DataError(f"{csv} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        first = str(error).strip().splitlines()[0]
        raise DataError(f"{csv} is not a readable CSV: {first}") from None
    if frame.empty:
        raise DataError(f"{csv} has a header but no data rows")
    if target not in frame.columns:
        columns = ", ".join(map(str, frame.columns))
        raise DataError(f"column {target!r} is not in {csv}; its columns: {columns}")
    missing = frame.isna()
    if missing.to_numpy().any():
        if not dropna:
            counts = missing.sum()
            where = ", ".join(
                f"{name} ({int(n)} rows)" for name, n in counts.items() if n
            )
            rows = np.nonzero(missing.to_numpy().any(axis=1))[0][:5].tolist()
            raise DataError(
                f"{csv} has missing values in columns {where}; first data rows "
                f"{rows}; pass --dropna to drop those rows"
            )
        before = len(frame)
        frame = frame.dropna().reset_index(drop=True)
        print_fn(f"dropped {before - len(frame)} rows with missing values")
        if frame.empty:
            raise DataError(f"every row of {csv} has a missing value")
    return frame, target


def encode_features(frame, target):
    """The feature columns as float32, non-numeric ones one-hot encoded.

    Returns `(x, column_names)`.
    """
    import pandas as pd

    features = frame.drop(columns=[target])
    if features.shape[1] == 0:
        raise DataError("there are no feature columns besides the target")
    categorical = [
        c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])
    ]
    if categorical:
        features = pd.get_dummies(features, columns=categorical, dtype="float32")
    x = features.to_numpy(dtype="float32")
    if not np.isfinite(x).all():
        raise DataError("the features contain infinite values")
    return x, [str(c) for c in features.columns]


def infer_task(y):
    """ "binary", "multiclass" or "regression" from the targets.

    One-hot rows and non-numeric labels are classes; integral numbers with at
    most 20 distinct values are classes; other numbers are a regression
    target.
    """
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return "multiclass"
    y = y.ravel()
    if y.dtype.kind in "OUSb":
        return "binary" if len(np.unique(y.astype(str))) == 2 else "multiclass"
    values = np.unique(y)
    integral = y.dtype.kind in "iu" or bool(np.all(np.equal(np.mod(values, 1), 0)))
    if integral and len(values) <= 20:
        return "binary" if len(values) == 2 else "multiclass"
    return "regression"
