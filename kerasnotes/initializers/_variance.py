"""Xavier, He and LeCun initializers with the notes' (untruncated) formulas.

Notes: 000 "Xavier (Glorot) Initialization" and "He Initialization"; 003
"Weight Initialization". Notes 000 writes the Xavier normal variance as
`1 / (n_in + n_out)`; Glorot & Bengio (2010, eq. 12 and 16) and notes 003 give
`2 / (n_in + n_out)`, which is used here.
"""

import math
import numbers
import random

import keras

from kerasnotes._internal.validation import _fail


def compute_fans(shape):
    """`(fan_in, fan_out)` of a weight shape, as Keras computes them.

    ```
    rank 0:   fan_in = fan_out = 1
    rank 1:   fan_in = fan_out = shape[0]
    rank 2:   fan_in = shape[0], fan_out = shape[1]            (Dense kernel)
    rank > 2: r = prod(shape[:-2])                              (conv kernel)
              fan_in = shape[-2] * r, fan_out = shape[-1] * r
    ```

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


class _VarianceInitializer(keras.initializers.Initializer):
    """Zero-mean draws whose variance is `_variance(fan_in, fan_out)`.

    Seeds behave as in Keras's random initializers: an integer (or `None`,
    which picks a random integer once, at construction) gives the same values
    at every call; a `keras.random.SeedGenerator` gives new values each call.
    """

    distribution = None  # "normal" or "uniform", set by subclasses

    def __init__(self, seed=None):
        self._init_seed = seed
        if isinstance(seed, dict):
            seed = keras.saving.deserialize_keras_object(seed)
        if seed is None:
            # As Keras does: one draw from Python's generator, which
            # `keras.utils.set_random_seed` seeds.
            seed = random.randint(1, int(1e9))
        elif isinstance(seed, bool) or not isinstance(
            seed, (numbers.Integral, keras.random.SeedGenerator)
        ):
            _fail("seed", "None, an integer or a keras.random.SeedGenerator", seed)
        self.seed = int(seed) if isinstance(seed, numbers.Integral) else seed

    @staticmethod
    def _variance(fan_in, fan_out):
        raise NotImplementedError

    def variance(self, shape):
        """The variance of the values drawn for a weight of `shape`."""
        fan_in, fan_out = compute_fans(shape)
        return self._variance(max(1, fan_in), max(1, fan_out))

    def __call__(self, shape, dtype=None):
        variance = self.variance(shape)
        if self.distribution == "normal":
            return keras.random.normal(
                shape,
                mean=0.0,
                stddev=math.sqrt(variance),
                dtype=dtype,
                seed=self.seed,
            )
        limit = math.sqrt(3.0 * variance)
        return keras.random.uniform(
            shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed
        )

    def get_config(self):
        return {"seed": keras.saving.serialize_keras_object(self._init_seed)}


_SEED_DOC = """seed: `None`, an integer or a `keras.random.SeedGenerator`. An
            integer gives the same values at every call (as in Keras); a
            `SeedGenerator` gives new values at each call. Defaults to `None`
            (an integer drawn once, at construction)."""


@keras.saving.register_keras_serializable(package="kerasnotes")
class XavierUniform(_VarianceInitializer):
    """Xavier (Glorot) uniform initializer.

    ```
    W ~ U(-limit, limit),   limit = sqrt(6 / (fan_in + fan_out))
    Var(W) = 2 / (fan_in + fan_out)
    ```

    The variance is the compromise between keeping activations (`1/fan_in`)
    and gradients (`1/fan_out`) at constant variance through a layer of
    linear or tanh units. Draws equal `keras.initializers.GlorotUniform` with
    the same seed.

    Args:
        {seed}

    Example:

    >>> import keras, kerasnotes
    >>> layer = keras.layers.Dense(
    ...     8, kernel_initializer=kerasnotes.initializers.XavierUniform(seed=0))

    References:
        - [Glorot & Bengio, "Understanding the difficulty of training deep
          feedforward neural networks", AISTATS 2010](
          https://proceedings.mlr.press/v9/glorot10a.html)

    Notes: 000 "Xavier (Glorot) Initialization", 003 "Weight Initialization".
    """

    distribution = "uniform"

    @staticmethod
    def _variance(fan_in, fan_out):
        return 2.0 / (fan_in + fan_out)


@keras.saving.register_keras_serializable(package="kerasnotes")
class XavierNormal(_VarianceInitializer):
    """Xavier (Glorot) normal initializer, untruncated.

    ```
    W ~ N(0, 2 / (fan_in + fan_out))
    ```

    Unlike `keras.initializers.GlorotNormal`, which draws from a normal
    truncated at two standard deviations (rescaled to the same variance),
    the draws follow the plain normal of the formula, tails included. Notes
    000 writes the variance as `1 / (n_in + n_out)`; the paper and notes 003
    give `2 / (n_in + n_out)`, used here.

    Args:
        {seed}

    Example:

    >>> import keras, kerasnotes
    >>> layer = keras.layers.Dense(
    ...     8, kernel_initializer=kerasnotes.initializers.XavierNormal(seed=0))

    References:
        - [Glorot & Bengio, "Understanding the difficulty of training deep
          feedforward neural networks", AISTATS 2010](
          https://proceedings.mlr.press/v9/glorot10a.html)

    Notes: 000 "Xavier (Glorot) Initialization", 003 "Weight Initialization".
    """

    distribution = "normal"

    @staticmethod
    def _variance(fan_in, fan_out):
        return 2.0 / (fan_in + fan_out)


@keras.saving.register_keras_serializable(package="kerasnotes")
class HeUniform(_VarianceInitializer):
    """He (Kaiming) uniform initializer.

    ```
    W ~ U(-limit, limit),   limit = sqrt(6 / fan_in)
    Var(W) = 2 / fan_in
    ```

    A ReLU zeroes half of its inputs, halving the second moment; twice the
    LeCun variance restores it. Draws equal `keras.initializers.HeUniform`
    with the same seed.

    Args:
        {seed}

    Example:

    >>> import keras, kerasnotes
    >>> layer = keras.layers.Dense(
    ...     8, activation="relu",
    ...     kernel_initializer=kerasnotes.initializers.HeUniform(seed=0))

    References:
        - [He, Zhang, Ren & Sun, "Delving Deep into Rectifiers", ICCV 2015](
          https://arxiv.org/abs/1502.01852)

    Notes: 000 "He Initialization", 003 "Weight Initialization".
    """

    distribution = "uniform"

    @staticmethod
    def _variance(fan_in, fan_out):
        return 2.0 / fan_in


@keras.saving.register_keras_serializable(package="kerasnotes")
class HeNormal(_VarianceInitializer):
    """He (Kaiming) normal initializer, untruncated.

    ```
    W ~ N(0, 2 / fan_in)
    ```

    Unlike `keras.initializers.HeNormal` (truncated at two standard
    deviations), the draws follow the plain normal of the paper's eq. (10).

    Args:
        {seed}

    Example:

    >>> import keras, kerasnotes
    >>> layer = keras.layers.Dense(
    ...     8, activation="relu",
    ...     kernel_initializer=kerasnotes.initializers.HeNormal(seed=0))

    References:
        - [He, Zhang, Ren & Sun, "Delving Deep into Rectifiers", ICCV 2015](
          https://arxiv.org/abs/1502.01852)

    Notes: 000 "He Initialization", 003 "Weight Initialization".
    """

    distribution = "normal"

    @staticmethod
    def _variance(fan_in, fan_out):
        return 2.0 / fan_in


@keras.saving.register_keras_serializable(package="kerasnotes")
class LecunNormal(_VarianceInitializer):
    """LeCun normal initializer, untruncated: the SELU initializer.

    ```
    W ~ N(0, 1 / fan_in)
    ```

    With it a layer of `kerasnotes.layers.SELU` units keeps activations of
    mean 0 and variance 1 through depth (Klambauer et al. 2017, section 3).
    `keras.initializers.LecunNormal` is truncated at two standard deviations.

    Args:
        {seed}

    Example:

    >>> import keras, kerasnotes
    >>> layer = keras.layers.Dense(
    ...     8, activation=kerasnotes.activations.selu,
    ...     kernel_initializer=kerasnotes.initializers.LecunNormal(seed=0))

    References:
        - [LeCun, Bottou, Orr & Mueller, "Efficient BackProp", 1998](
          https://doi.org/10.1007/3-540-49430-8_2)
        - [Klambauer, Unterthiner, Mayr & Hochreiter, "Self-Normalizing
          Neural Networks", NeurIPS 2017](https://arxiv.org/abs/1706.02515)

    Notes: 003 "SELU (Scaled ELU)" and "Weight Initialization".
    """

    distribution = "normal"

    @staticmethod
    def _variance(fan_in, fan_out):
        return 1.0 / fan_in


for _cls in (XavierUniform, XavierNormal, HeUniform, HeNormal, LecunNormal):
    if _cls.__doc__:  # None under `python -OO`
        _cls.__doc__ = _cls.__doc__.replace("{seed}", _SEED_DOC)
del _cls
