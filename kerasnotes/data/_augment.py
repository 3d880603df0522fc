"""`augment_with_noise`: bootstrap rows plus Gaussian noise."""

import keras
import numpy as np

from kerasnotes._internal import validation as _validation
from kerasnotes._internal.errors import InputError
from kerasnotes.data import _inputs


def augment_with_noise(x, n_samples, noise_std=0.01, random_state=None):
    """Returns `n_samples` new rows: rows of `x` drawn with replacement, plus noise.

    Data augmentation by sampling (notes 004, "3. Data Augmentation via
    Sampling"): draw rows uniformly with replacement and add independent
    Gaussian noise to every numeric column:

    ```
    i_1..i_n ~ Uniform{0, ..., N-1}
    x_new[r, j] = x[i_r, j] + noise_std * z[r, j],   z ~ N(0, 1)
    ```

    As in the notes, numeric means float and integer columns; integer
    columns come back as float64 (the noise makes them non-integral). Boolean,
    categorical, string and other columns of a DataFrame are copied from the
    drawn rows untouched. The noise is absolute: scale the features first
    (e.g. standardize) if their ranges differ.

    Args:
        x: Rows to sample from: a 2-D NumPy array, a pandas DataFrame
            (columns and non-numeric dtypes kept, index reset) or a backend
            tensor (a tensor is returned).
        n_samples: Positive int, rows to return.
        noise_std: Float >= 0, standard deviation of the noise. `0` gives a
            plain bootstrap sample. Defaults to `0.01`.
        random_state: `None` or an int seed. Defaults to `None`.

    Returns:
        `n_samples` new rows, of the type of `x`. The original rows are not
        included.

    Example:

    >>> import numpy as np
    >>> from kerasnotes.data import augment_with_noise
    >>> x = np.array([[0.0, 10.0], [1.0, 20.0]])
    >>> augment_with_noise(x, 5, noise_std=0.01, random_state=0).shape
    (5, 2)

    References:
        - [Bishop, "Training with Noise is Equivalent to Tikhonov
          Regularization", Neural Computation 1995](
          https://doi.org/10.1162/neco.1995.7.1.108)
    """
    n_samples = _validation.check_positive_int("n_samples", n_samples)
    noise_std = float(_validation.check_non_negative("noise_std", noise_std))
    random_state = _inputs.check_random_state("random_state", random_state)
    features, kind = _inputs.features_to_numpy(x)
    if kind != "pandas":
        _inputs.check_two_dimensional(features)
    if len(features) == 0:
        raise InputError("Argument `x` has no rows to sample from.")
    rng = np.random.default_rng(random_state)
    rows = rng.integers(len(features), size=n_samples)

    if kind == "pandas":
        out = features.iloc[rows].reset_index(drop=True)
        numeric = _inputs.numeric_columns(features)
        _inputs.check_finite(features, columns=numeric)
        noise = rng.normal(0.0, noise_std, size=(n_samples, len(numeric)))
        for position, j in enumerate(numeric):
            column = out.iloc[:, j]
            # pandas' nullable dtypes (Float32, Int64, ...) carry a NumPy one.
            dtype = np.dtype(getattr(column.dtype, "numpy_dtype", column.dtype))
            dtype = dtype if dtype.kind == "f" else np.dtype("float64")
            values = column.to_numpy(dtype=dtype)
            out.isetitem(j, values + noise[:, position].astype(dtype))
        return out

    if features.dtype.kind not in "iuf":
        raise InputError(
            f"Argument `x` must be numeric (or a DataFrame with other columns). "
            f"Received dtype {features.dtype}."
        )
    _inputs.check_finite(features)
    dtype = features.dtype if features.dtype.kind == "f" else np.dtype("float64")
    noise = rng.normal(0.0, noise_std, size=(n_samples, features.shape[1]))
    out = features[rows].astype(dtype) + noise.astype(dtype)
    if kind == "tensor":
        return keras.ops.convert_to_tensor(out)
    return out
