"""Maxout (Goodfellow et al. 2013)."""

import keras
from keras import ops

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import check_positive_int


@keras.saving.register_keras_serializable(package="kerasnotes")
class Maxout(keras.layers.Layer):
    """Maxout: the elementwise maximum of `pieces` affine maps.

    ```
    z_k = x W_k + b_k                    k = 1..pieces,  W_k: (d, units)
    maxout(x)_j = max_k z_k[j]           j = 1..units
    ```

    The affine maps act on the last axis, so any input of rank >= 2 works (a
    batch of vectors, a sequence, a 4-D feature map), like `Dense`. A maxout
    unit is a learned convex piecewise-linear activation: with two pieces it
    can represent ReLU (`W_2 = 0`), leaky ReLU or the absolute value. With
    `pieces=1` it is exactly `Dense(units)`.

    Kernel layout: one kernel of shape `(d, units * pieces)` and one bias of
    shape `(units * pieces,)`, laid out unit-major: column `j * pieces + k`
    holds piece `k` of unit `j`, i.e.
    `W_k[:, j] = kernel.reshape(d, units, pieces)[:, j, k]`. The forward pass
    is therefore one matmul, a reshape to `(..., units, pieces)` and a max
    over the last axis. Initializers see the kernel shape
    `(d, units * pieces)`, so `fan_in = d` and `fan_out = units * pieces`.

    Parameters: `(d * units + units) * pieces` with a bias,
    `d * units * pieces` without. Masks pass through unchanged (each position
    is mapped on its own).

    Args:
        units: Positive integer. Number of output units.
        pieces: Positive integer. Number of affine pieces per unit. Defaults
            to `2`.
        use_bias: Bool. Whether the pieces have biases. Defaults to `True`.
        kernel_initializer: Initializer for the kernel. Defaults to
            `"glorot_uniform"`.
        bias_initializer: Initializer for the bias. Defaults to `"zeros"`.
        kernel_regularizer: Regularizer for the kernel. Defaults to `None`.
        bias_regularizer: Regularizer for the bias. Defaults to `None`.
        **kwargs: Base layer keyword arguments (`name`, `dtype`, ...).

    Input shape: `(..., d)`. Output shape: `(..., units)`.

    Example:

    >>> import keras, kerasnotes
    >>> model = keras.Sequential([
    ...     keras.Input((10,)), kerasnotes.layers.Maxout(16, pieces=3),
    ...     keras.layers.Dense(1)])
    >>> model.layers[0].count_params()  # (10 * 16 + 16) * 3
    528

    References:
        - [Goodfellow, Warde-Farley, Mirza, Courville & Bengio, "Maxout
          Networks", ICML 2013](https://arxiv.org/abs/1302.4389)

    Notes: 002 "Activation Functions: Comparison Table" (Maxout row).
    """

    def __init__(
        self,
        units,
        pieces=2,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = check_positive_int("units", units)
        self.pieces = check_positive_int("pieces", pieces)
        if not isinstance(use_bias, bool):
            raise InputError(
                f"Argument `use_bias` must be a bool. Received: use_bias={use_bias!r}"
            )
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.input_spec = keras.layers.InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise InputError(
                "The last axis of the input of Maxout must be defined. "
                f"Received: input_shape={input_shape}"
            )
        width = self.units * self.pieces
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, width),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(width,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
            )
        else:
            self.bias = None
        self.input_spec = keras.layers.InputSpec(min_ndim=2, axes={-1: input_dim})

    def call(self, inputs):
        z = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            z = ops.add(z, self.bias)
        if self.pieces == 1:
            return z
        shape = ops.shape(z)
        z = ops.reshape(z, (*shape[:-1], self.units, self.pieces))
        return ops.max(z, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "pieces": self.pieces,
                "use_bias": self.use_bias,
                "kernel_initializer": keras.initializers.serialize(
                    self.kernel_initializer
                ),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
                "kernel_regularizer": keras.regularizers.serialize(
                    self.kernel_regularizer
                ),
                "bias_regularizer": keras.regularizers.serialize(self.bias_regularizer),
            }
        )
        return config


@keras.saving.register_keras_serializable(package="kerasnotes")
class SameWidthMaxout(Maxout):
    """`kerasnotes.layers.Maxout` with as many units as its input has
    features, set when the layer is built: after a Conv/Dense of width `d`,
    `d` units, each the maximum of `pieces` affine maps of the `d` features
    (on a feature map, a 1x1 maxout convolution). It keeps the width and adds
    `pieces * d * (d + 1)` weights. Its kernel starts Glorot (Xavier)
    uniform, like Maxout's.

    Not public: `kerasnotes.tuning.choose_activation("maxout")` returns it.
    It lives here so that `import kerasnotes` registers it and a model that
    holds one loads without importing the tuning package."""

    def __init__(self, pieces=2, **kwargs):
        units = kwargs.pop("units", None)  # in the config of a built layer
        super().__init__(units=units or 1, pieces=pieces, **kwargs)
        self.units = units

    def build(self, input_shape):
        if self.units is None and input_shape[-1] is not None:
            self.units = int(input_shape[-1])
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)
