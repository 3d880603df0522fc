"""The one rule that decides what kind of target a model learns.

`search()`, `cross_validate` and the `kerasnotes` commands all ask
`infer_task`, so a target is classes or numbers for all of them alike.
"""

import numpy as np

from kerasnotes.data import _inputs

TASKS = ("binary", "multiclass", "regression")

# Integral targets with more distinct values than this are numbers (a count,
# a price in whole units), not classes.
MAX_CLASSES = 20


def infer_task(y):
    """`"binary"`, `"multiclass"` or `"regression"` from the targets.

    ```
    one-hot rows (2-D, more than one column)      -> multiclass
    strings, booleans, objects                    -> binary (2 values) / multiclass
    integral numbers with <= 20 distinct values   -> binary (2 values) / multiclass
    other numbers                                 -> regression
    ```

    Args:
        y: Targets: NumPy array, pandas Series or backend tensor.

    Returns:
        The task name.

    Example:

    >>> import numpy as np
    >>> from kerasnotes.data import infer_task
    >>> infer_task(np.array([0, 1, 1, 0])), infer_task(np.linspace(0, 1, 50))
    ('binary', 'regression')
    """
    y = _inputs.label_array(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return "multiclass"
    y = _inputs.typed_labels(y.ravel())
    if y.dtype.kind in "OUSb":
        n_classes = len(np.unique(y.astype(str)))
        return "binary" if n_classes == 2 else "multiclass"
    values = np.unique(y)
    integral = y.dtype.kind in "iu" or bool(np.all(np.equal(np.mod(values, 1), 0)))
    if integral and len(values) <= MAX_CLASSES:
        return "binary" if len(values) == 2 else "multiclass"
    return "regression"
