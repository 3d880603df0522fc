"""Xavier, He and LeCun initializers with the notes' (untruncated) formulas.

Each is a `keras.initializers.VarianceScaling` with its scale, mode and
distribution fixed; Keras computes the fans and draws the values:

| initializer     | scale | mode      | distribution         | Var(W)                |
|-----------------|-------|-----------|----------------------|-----------------------|
| `XavierUniform` | 1     | `fan_avg` | `uniform`            | 2 / (fan_in + fan_out) |
| `XavierNormal`  | 1     | `fan_avg` | `untruncated_normal` | 2 / (fan_in + fan_out) |
| `HeUniform`     | 2     | `fan_in`  | `uniform`            | 2 / fan_in            |
| `HeNormal`      | 2     | `fan_in`  | `untruncated_normal` | 2 / fan_in            |
| `LecunNormal`   | 1     | `fan_in`  | `untruncated_normal` | 1 / fan_in            |

(`fan_avg` divides the scale by `(fan_in + fan_out) / 2`; a uniform draw of
variance `v` has the bound `sqrt(3 v)`.)

Notes: 000 "Xavier (Glorot) Initialization" and "He Initialization"; 003
"Weight Initialization". Notes 000 writes the Xavier normal variance as
`1 / (n_in + n_out)`; Glorot & Bengio (2010, eq. 12 and 16) and notes 003 give
`2 / (n_in + n_out)`, which is used here.
"""

import math

import keras

from kerasnotes._internal.validation import check_keras_seed


def compute_fans(shape):
    """`(fan_in, fan_out)` of a weight shape, as Keras computes them.

    ```
    rank 0:   fan_in = fan_out = 1
    rank 1:   fan_in = fan_out = shape[0]
    rank 2:   fan_in = shape[0], fan_out = shape[1]            (Dense kernel)
    rank > 2: r = prod(shape[:-2])                              (conv kernel)
              fan_in = shape[-2] * r, fan_out = shape[-1] * r
    ```

    This is the rule `keras.initializers.VarianceScaling` applies when it
    draws (without `input_axes` / `output_axes`); the initializers here leave
    the drawing to it and use this function only to report `variance(shape)`.

    Args:
        shape: Tuple of integers.

    Returns:
        A tuple of two Python integers.

    Example:

    >>> from kerasnotes.initializers import compute_fans
    >>> compute_fans((3, 3, 16, 32))
    (144, 288)
    """
    shape = tuple(int(d) for d in shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class _FixedVarianceScaling(keras.initializers.VarianceScaling):
    """`VarianceScaling` whose subclass fixes scale, mode and distribution.

    The subclass's constructor takes `seed` alone, so `get_config()` returns
    `{"seed": ...}` only: `VarianceScaling`'s own config (scale, mode,
    distribution, axes) would not be accepted by that constructor.

    Seeds behave as in Keras's random initializers: an integer (or `None`,
    which picks a random integer once, at construction) gives the same values
    at every call; a `keras.random.SeedGenerator` gives new values each call.
    """

    def __init__(self, *, scale, mode, distribution, seed):
        if isinstance(seed, dict):  # a serialized SeedGenerator, from a config
            seed = keras.saving.deserialize_keras_object(seed)
        self._seed_argument = check_keras_seed("seed", seed)
        super().__init__(
            scale=scale,
            mode=mode,
            distribution=distribution,
            seed=self._seed_argument,
        )

    def variance(self, shape):
        """The variance of the values drawn for a weight of `shape`."""
        fan_in, fan_out = compute_fans(shape)
        fans = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
        return self.scale / max(1.0, fans[self.mode])

    def get_config(self):
        return {"seed": keras.saving.serialize_keras_object(self._seed_argument)}


@keras.saving.register_keras_serializable(package="kerasnotes")
class XavierUniform(_FixedVarianceScaling):
    """Xavier (Glorot) uniform initializer.

    ```
    W ~ U(-limit, limit),   limit = sqrt(6 / (fan_in + fan_out))
    Var(W) = 2 / (fan_in + fan_out)
    ```

    The variance is the compromise between keeping activations (`1/fan_in`)
    and gradients (`1/fan_out`) at constant variance through a layer of
    linear or tanh units. It is `keras.initializers.VarianceScaling(scale=1.0,
    mode="fan_avg", distribution="uniform")`, so its draws equal
    `keras.initializers.GlorotUniform` with the same seed.

    Args:
        seed: `None`, an integer or a `keras.random.SeedGenerator`. An
            integer gives the same values at every call (as in Keras); a
            `SeedGenerator` gives new values at each call. Defaults to `None`
            (an integer drawn once, at construction).

    Example:

    >>> import keras, kerasnotes
    >>> init = kerasnotes.initializers.XavierUniform(seed=0)
    >>> w = keras.ops.convert_to_numpy(init((400, 200)))
    >>> bool(abs(w).max() <= (6 / (400 + 200)) ** 0.5)
    True
    >>> layer = keras.layers.Dense(8, kernel_initializer=init)

    References:
        - [Glorot & Bengio, "Understanding the difficulty of training deep
          feedforward neural networks", AISTATS 2010](
          https://proceedings.mlr.press/v9/glorot10a.html)

    Notes: 000 "Xavier (Glorot) Initialization", 003 "Weight Initialization".
    """

    def __init__(self, seed=None):
        super().__init__(scale=1.0, mode="fan_avg", distribution="uniform", seed=seed)


@keras.saving.register_keras_serializable(package="kerasnotes")
class XavierNormal(_FixedVarianceScaling):
    """Xavier (Glorot) normal initializer, untruncated.

    ```
    W ~ N(0, 2 / (fan_in + fan_out))
    ```

    It is `keras.initializers.VarianceScaling(scale=1.0, mode="fan_avg",
    distribution="untruncated_normal")`. Unlike
    `keras.initializers.GlorotNormal`, which draws from a normal truncated at
    two standard deviations (rescaled to the same variance), the draws follow
    the plain normal of the formula, tails included. Notes 000 writes the
    variance as `1 / (n_in + n_out)`; the paper and notes 003 give
    `2 / (n_in + n_out)`, used here.

    Args:
        seed: `None`, an integer or a `keras.random.SeedGenerator`. An
            integer gives the same values at every call (as in Keras); a
            `SeedGenerator` gives new values at each call. Defaults to `None`
            (an integer drawn once, at construction).

    Example:

    >>> import keras, kerasnotes
    >>> init = kerasnotes.initializers.XavierNormal(seed=0)
    >>> init.variance((400, 200)) == 2 / (400 + 200)
    True
    >>> layer = keras.layers.Dense(8, kernel_initializer=init)

    References:
        - [Glorot & Bengio, "Understanding the difficulty of training deep
          feedforward neural networks", AISTATS 2010](
          https://proceedings.mlr.press/v9/glorot10a.html)

    Notes: 000 "Xavier (Glorot) Initialization", 003 "Weight Initialization".
    """

    def __init__(self, seed=None):
        super().__init__(
            scale=1.0, mode="fan_avg", distribution="untruncated_normal", seed=seed
        )


@keras.saving.register_keras_serializable(package="kerasnotes")
class HeUniform(_FixedVarianceScaling):
    """He (Kaiming) uniform initializer.

    ```
    W ~ U(-limit, limit),   limit = sqrt(6 / fan_in)
    Var(W) = 2 / fan_in
    ```

    A ReLU zeroes half of its inputs, halving the second moment; twice the
    LeCun variance restores it. It is
    `keras.initializers.VarianceScaling(scale=2.0, mode="fan_in",
    distribution="uniform")`, so its draws equal `keras.initializers.HeUniform`
    with the same seed.

    Args:
        seed: `None`, an integer or a `keras.random.SeedGenerator`. An
            integer gives the same values at every call (as in Keras); a
            `SeedGenerator` gives new values at each call. Defaults to `None`
            (an integer drawn once, at construction).

    Example:

    >>> import keras, kerasnotes
    >>> init = kerasnotes.initializers.HeUniform(seed=0)
    >>> w = keras.ops.convert_to_numpy(init((3, 3, 16, 32)))  # fan_in 144
    >>> bool(abs(w).max() <= (6 / 144) ** 0.5)
    True
    >>> layer = keras.layers.Dense(8, activation="relu", kernel_initializer=init)

    References:
        - [He, Zhang, Ren & Sun, "Delving Deep into Rectifiers", ICCV 2015](
          https://arxiv.org/abs/1502.01852)

    Notes: 000 "He Initialization", 003 "Weight Initialization".
    """

    def __init__(self, seed=None):
        super().__init__(scale=2.0, mode="fan_in", distribution="uniform", seed=seed)


@keras.saving.register_keras_serializable(package="kerasnotes")
class HeNormal(_FixedVarianceScaling):
    """He (Kaiming) normal initializer, untruncated.

    ```
    W ~ N(0, 2 / fan_in)
    ```

    It is `keras.initializers.VarianceScaling(scale=2.0, mode="fan_in",
    distribution="untruncated_normal")`. Unlike `keras.initializers.HeNormal`
    (truncated at two standard deviations), the draws follow the plain normal
    of the paper's eq. (10).

    Args:
        seed: `None`, an integer or a `keras.random.SeedGenerator`. An
            integer gives the same values at every call (as in Keras); a
            `SeedGenerator` gives new values at each call. Defaults to `None`
            (an integer drawn once, at construction).

    Example:

    >>> import keras, kerasnotes
    >>> init = kerasnotes.initializers.HeNormal(seed=0)
    >>> init.variance((3, 3, 16, 32)) == 2 / 144  # fan_in = 3 * 3 * 16
    True
    >>> layer = keras.layers.Conv2D(32, 3, activation="relu", kernel_initializer=init)

    References:
        - [He, Zhang, Ren & Sun, "Delving Deep into Rectifiers", ICCV 2015](
          https://arxiv.org/abs/1502.01852)

    Notes: 000 "He Initialization", 003 "Weight Initialization".
    """

    def __init__(self, seed=None):
        super().__init__(
            scale=2.0, mode="fan_in", distribution="untruncated_normal", seed=seed
        )


@keras.saving.register_keras_serializable(package="kerasnotes")
class LecunNormal(_FixedVarianceScaling):
    """LeCun normal initializer, untruncated: the SELU initializer.

    ```
    W ~ N(0, 1 / fan_in)
    ```

    With it a layer of `kerasnotes.layers.SELU` units keeps activations of
    mean 0 and variance 1 through depth (Klambauer et al. 2017, section 3).
    It is `keras.initializers.VarianceScaling(scale=1.0, mode="fan_in",
    distribution="untruncated_normal")`; `keras.initializers.LecunNormal` is
    truncated at two standard deviations.

    Args:
        seed: `None`, an integer or a `keras.random.SeedGenerator`. An
            integer gives the same values at every call (as in Keras); a
            `SeedGenerator` gives new values at each call. Defaults to `None`
            (an integer drawn once, at construction).

    Example:

    >>> import keras, kerasnotes
    >>> init = kerasnotes.initializers.LecunNormal(seed=0)
    >>> init.variance((256, 128)) == 1 / 256
    True
    >>> layer = keras.layers.Dense(
    ...     8, activation=kerasnotes.activations.selu, kernel_initializer=init)

    References:
        - [LeCun, Bottou, Orr & Mueller, "Efficient BackProp", 1998](
          https://doi.org/10.1007/3-540-49430-8_2)
        - [Klambauer, Unterthiner, Mayr & Hochreiter, "Self-Normalizing
          Neural Networks", NeurIPS 2017](https://arxiv.org/abs/1706.02515)

    Notes: 003 "SELU (Scaled ELU)" and "Weight Initialization".
    """

    def __init__(self, seed=None):
        super().__init__(
            scale=1.0, mode="fan_in", distribution="untruncated_normal", seed=seed
        )
