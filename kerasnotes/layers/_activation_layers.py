"""Swish (with a learned `beta`) and SELU as layers."""

import keras
import numpy as np

from kerasnotes import activations
from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import check_real


@keras.saving.register_keras_serializable(package="kerasnotes")
class Swish(keras.layers.Layer):
    """Swish with a learnable slope `beta`.

    ```
    swish(x) = x * sigmoid(beta * x)
    d swish / d beta = x^2 * sigmoid(beta x) * (1 - sigmoid(beta x))
    ```

    `beta` is one scalar weight shared by all units. When `trainable_beta` is
    true, `fit` learns it like any other weight (Ramachandran et al. found
    the learned `beta` spreads between 0, where swish is `x / 2`, and large
    values, where it approaches ReLU); otherwise it stays at its initial
    value. `keras.activations.swish` is the fixed `beta = 1` case. Masks pass
    through unchanged.

    Args:
        beta: Float. The initial (or, with `trainable_beta=False`, fixed)
            value of `beta`. Defaults to `1.0`.
        trainable_beta: Bool. Whether `fit` learns `beta`. Defaults to `True`.
        **kwargs: Base layer keyword arguments (`name`, `dtype`, ...).

    Input shape: any. Output shape: the input shape.

    Example:

    >>> import keras, kerasnotes
    >>> model = keras.Sequential([
    ...     keras.Input((4,)), keras.layers.Dense(8),
    ...     kerasnotes.layers.Swish(beta=1.5), keras.layers.Dense(1)])
    >>> model.compile(optimizer="adam", loss="mse")

    References:
        - [Ramachandran, Zoph & Le, "Searching for Activation Functions",
          2017](https://arxiv.org/abs/1710.05941)

    Notes: 002 "Activation Functions: Comparison Table" (Swish row).
    """

    def __init__(self, beta=1.0, trainable_beta=True, **kwargs):
        super().__init__(**kwargs)
        self.initial_beta = float(check_real("beta", beta))
        if not isinstance(trainable_beta, bool):
            raise InputError(
                "Argument `trainable_beta` must be a bool. "
                f"Received: trainable_beta={trainable_beta!r}"
            )
        self.trainable_beta = trainable_beta
        self.supports_masking = True

    def build(self, input_shape):
        self.beta = self.add_weight(
            name="beta",
            shape=(),
            # A NumPy float64, not a Python float: Keras's `Constant` casts
            # its value, and TensorFlow's cast of a Python float goes through
            # float32 (a float64 layer's beta would be float32's 1.7).
            initializer=keras.initializers.Constant(np.float64(self.initial_beta)),
            trainable=self.trainable_beta,
        )

    def call(self, inputs):
        return activations.swish(inputs, beta=self.beta)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {"beta": self.initial_beta, "trainable_beta": self.trainable_beta}
        )
        return config


@keras.saving.register_keras_serializable(package="kerasnotes")
class SELU(keras.layers.Layer):
    """The scaled exponential linear unit as a layer.

    ```
    selu(x) = lambda * x                      if x > 0
              lambda * alpha * (exp(x) - 1)   if x <= 0
    lambda = 1.0507009873554805, alpha = 1.6732632423543772
    ```

    Paired with `kerasnotes.initializers.LecunNormal` weights, a stack of
    `Dense -> SELU` blocks keeps activations near mean 0 and variance 1
    through depth (self-normalization; see
    `examples/selu_self_normalizing.py`). No weights; masks pass through.

    Args:
        **kwargs: Base layer keyword arguments (`name`, `dtype`, ...).

    Input shape: any. Output shape: the input shape.

    Example:

    >>> import keras, kerasnotes
    >>> init = kerasnotes.initializers.LecunNormal(seed=0)
    >>> model = keras.Sequential([
    ...     keras.Input((16,)), keras.layers.Dense(32, kernel_initializer=init),
    ...     kerasnotes.layers.SELU(), keras.layers.Dense(1)])

    References:
        - [Klambauer, Unterthiner, Mayr & Hochreiter, "Self-Normalizing Neural
          Networks", NeurIPS 2017](https://arxiv.org/abs/1706.02515)

    Notes: 003 "SELU (Scaled ELU)".
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.selu(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape
