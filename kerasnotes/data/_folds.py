"""The k-fold rule shared by `cross_validate` and `search(..., cv=k)`.

```
split first     StratifiedKFold on the class codes (KFold for regression),
                shuffled with the seed
then resample   only the training part of each fold, fold i with seed + i;
                the held-out part keeps original rows only
```

Oversampling before the split would interpolate synthetic training rows from
held-out rows and inflate every fold's score (Santos et al. 2018).
"""

import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes.data import _oversample


def splits(n_rows, codes=None, classes=None, *, n_splits, random_state):
    """`(train, held_out)` row positions of each fold.

    Args:
        n_rows: Number of rows.
        codes: Class codes `0..C-1` per row (stratified folds), or None
            (regression: plain shuffled folds).
        classes: The labels behind the codes, named when a class is too
            small to appear in every fold.
        n_splits: Number of folds.
        random_state: Seed of the shuffle, or None.
    """
    from sklearn.model_selection import KFold
    from sklearn.model_selection import StratifiedKFold

    if codes is None:
        splitter = KFold(n_splits, shuffle=True, random_state=random_state)
        return list(splitter.split(np.zeros(n_rows)))
    codes = np.asarray(codes)
    _check_class_counts(codes, classes, n_splits)
    splitter = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    return list(splitter.split(np.zeros(n_rows), codes))


def training_part(x_train, y_train, fold, *, method, random_state, **kwargs):
    """A fold's training rows, oversampled by `method` (None: as they are).

    Fold `fold` oversamples with `random_state + fold`, so folds differ and a
    run is reproducible. `kwargs` go to `kerasnotes.data.oversample`.
    """
    if method is None:
        return x_train, y_train
    seed = None if random_state is None else (random_state + fold) % 2**32
    return _oversample.oversample(
        x_train, y_train, method=method, random_state=seed, **kwargs
    )


def _check_class_counts(codes, classes, n_splits):
    counts = np.bincount(codes, minlength=0 if classes is None else len(classes))
    if counts.min() < n_splits:
        small = int(np.argmin(counts))
        if classes is not None:
            small = _oversample.python_scalar(classes[small])
        raise InputError(
            f"Class {small!r} has {int(counts.min())} samples, fewer than "
            f"n_splits={n_splits}, so some validation folds would miss it. "
            f"Pass n_splits={max(2, int(counts.min()))} or less."
        )
