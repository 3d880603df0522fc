"""Barron's adaptive robust loss: `AdaptiveRobustLoss` and `TrainableLossModel`."""

import math
import pathlib
import warnings

import keras
import numpy as np
from keras import ops

from kerasnotes._internal import validation as _validation
from kerasnotes._internal.errors import InputError
from kerasnotes._internal.errors import InputTypeError
from kerasnotes.losses._robust import _check_static_alpha
from kerasnotes.losses._robust import robust_loss
from kerasnotes.losses._utils import mean_last_axis
from kerasnotes.losses._utils import same_rank

_TABLE = pathlib.Path(__file__).with_name("log_z.npz")
# The table covers alpha in [0, 4] (Z is infinite for alpha < 0).
ALPHA_MIN, ALPHA_MAX = 0.0, 4.0
# softplus(_SOFTPLUS_ONE) == 1: a zero latent gives scale == scale_init.
_SOFTPLUS_ONE = math.log(math.e - 1.0)


_TABLES = {}


def _log_z_table(dtype):
    """Knots and log Z values in `dtype`, knots that round together dropped."""
    if dtype not in _TABLES:
        with np.load(_TABLE) as table:
            knots = table["alpha"].astype(dtype)
            values = table["log_z"].astype(dtype)
        knots, first = np.unique(knots, return_index=True)
        _TABLES[dtype] = (knots, values[first])
    return _TABLES[dtype]


def _check_alphas(alpha):
    """Numbers, lists and tensors of real numbers, checked not NaN where
    their values are known (a symbolic tensor passes unchecked)."""
    if not (hasattr(alpha, "shape") and hasattr(alpha, "dtype")):
        try:
            kind = np.asarray(alpha).dtype.kind
        except (TypeError, ValueError, OverflowError):
            kind = "O"
        if kind not in "iuf":
            raise InputTypeError(
                "Argument `alpha` must be real numbers (a number, a list or a "
                f"tensor). Received: alpha={_validation.shown(alpha)}"
            )
    return _validation.check_tensor(
        "alpha", alpha, lambda _name, value: _check_static_alpha(value)
    )


def log_partition(alpha):
    """log Z(alpha), the log-normalizer of Barron's distribution.

    ```
    Z(alpha) = integral over the real line of exp(-rho(x, alpha, 1)) dx
    ```

    for alpha in [0, 4], by linear interpolation in a table computed with
    SciPy quadrature (`scripts/generate_log_z.py`); accurate to
    about 2e-5. Values outside [0, 4] are clipped to it.

    Args:
        alpha: Tensor of shape parameters.

    Returns:
        Tensor of `log Z(alpha)`, same shape and float dtype as `alpha`.

    Example:

    >>> import keras, math
    >>> from kerasnotes.losses import log_partition
    >>> z = keras.ops.convert_to_numpy(log_partition([0.0, 2.0]))
    >>> [round(float(v), 4) for v in z]  # log(pi sqrt 2), log(sqrt(2 pi))
    [1.4913, 0.9189]

    References:
        - [Barron, "A General and Adaptive Robust Loss Function",
          CVPR 2019](https://arxiv.org/abs/1701.03077), eq. 16-17.
    """
    alpha = ops.convert_to_tensor(_check_alphas(alpha))
    dtype = keras.backend.standardize_dtype(alpha.dtype)
    if "float" not in dtype:
        dtype = keras.config.floatx()
        alpha = ops.cast(alpha, dtype)
    compute = "float32" if dtype in ("float16", "bfloat16") else dtype
    knots_np, values_np = _log_z_table(compute)
    knots = ops.convert_to_tensor(knots_np)
    values = ops.convert_to_tensor(values_np)
    flat = ops.clip(
        ops.reshape(ops.cast(alpha, compute), (-1,)),
        float(knots_np[0]),
        float(knots_np[-1]),
    )
    index = ops.searchsorted(knots, flat, side="right") - 1
    index = ops.clip(index, 0, len(knots_np) - 2)
    lo, hi = ops.take(knots, index), ops.take(knots, index + 1)
    value_lo, value_hi = ops.take(values, index), ops.take(values, index + 1)
    weight = (flat - lo) / (hi - lo)
    out = value_lo + weight * (value_hi - value_lo)
    return ops.cast(ops.reshape(out, ops.shape(alpha)), dtype)


class AdaptiveRobustParameters(keras.layers.Layer):
    """The latent alpha and scale of an `AdaptiveRobustLoss`, as a layer.

    A pass-through layer that only owns the two weights, so that a model
    holding it trains and saves them. Made by `AdaptiveRobustLoss`; not
    meant to be built directly.
    """

    def __init__(self, shape, latent_alpha, latent_scale, **kwargs):
        super().__init__(**kwargs)
        self.latent_alpha = self.add_weight(
            shape=shape,
            initializer=keras.initializers.Constant(latent_alpha),
            name="latent_alpha",
            dtype="float32",
        )
        self.latent_scale = self.add_weight(
            shape=shape,
            initializer=keras.initializers.Constant(latent_scale),
            name="latent_scale",
            dtype="float32",
        )
        self.built = True

    def call(self, inputs):
        return inputs


@keras.saving.register_keras_serializable(package="kerasnotes")
class AdaptiveRobustLoss(keras.losses.Loss):
    """Barron's adaptive robust loss: alpha and scale learned with the model.

    The negative log-likelihood of the distribution `p(x) = exp(-rho(x,
    alpha, c)) / (c Z(alpha))` of the residual `x = y_pred - y_true`,
    averaged over the last axis:

    ```
    nll(x) = rho(x, alpha, c) + log(c) + log Z(alpha)
    alpha  = alpha_lo + (alpha_hi - alpha_lo) * sigmoid(latent_alpha)
    c      = scale_lo + (scale_init - scale_lo) * softplus(latent_scale + log(e - 1))
    loss   = mean(nll(y_pred - y_true), axis=-1)
    ```

    `rho` is `robust_loss` and `Z(alpha)` the integral of `exp(-rho(x, alpha,
    1))` over the line. Minimizing rho alone over alpha would always pick the
    most outlier-tolerant alpha; the `log Z(alpha)` term prices that
    tolerance, so the fitted alpha follows the residuals: near 2 (Gaussian)
    for Gaussian noise, near 0 (Cauchy) for heavy tails. Z is read from a
    table integrated with SciPy (`log_partition`).

    The loss owns two trainable weights, `latent_alpha` and `latent_scale`,
    one pair shared by all outputs (`num_dims=None`) or one per output
    column (`num_dims=k`). They live in `parameter_layer`, a pass-through
    `keras.layers.Layer`; `model.fit` trains them once the model holds that
    layer. `TrainableLossModel` does this for any model:

    ```python
    loss = kerasnotes.losses.AdaptiveRobustLoss()
    model = kerasnotes.losses.TrainableLossModel(base_model, loss)
    model.compile(optimizer="adam")   # the loss defaults to `loss`
    model.fit(x, y, epochs=100)
    loss.alpha, loss.scale            # the learned values
    ```

    In a custom training loop, add `loss.trainable_variables` to the
    variables you differentiate. Used in `compile` without the wrapper, the
    loss warns once at its first call: alpha and scale would stay fixed.

    Args:
        num_dims: `None` for one alpha and one scale shared by every output,
            or the number of output columns (size of `y_pred`'s last axis)
            for one of each per column. Defaults to `None`.
        alpha_lo: Lower bound of alpha, in [0, 4). Defaults to `0.001`.
        alpha_hi: Upper bound of alpha, in (alpha_lo, 4]. Defaults to
            `1.999`.
        alpha_init: Initial alpha, strictly between the bounds, or `None`
            for their midpoint. Defaults to `None`.
        scale_lo: Lower bound of the scale, > 0. Defaults to `1e-5`.
        scale_init: Initial scale, > scale_lo. Defaults to `1.0`.
        reduction: Type of reduction to apply to the loss. Defaults to
            `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"adaptive_robust_loss"`.
        dtype: Dtype of the loss computation. Defaults to `None` (floatx).

    Attributes:
        alpha: The current alpha, a tensor of shape `()` or `(num_dims,)`.
        scale: The current scale, same shape.
        trainable_variables: `[latent_alpha, latent_scale]`.
        parameter_layer: The layer that owns them.

    Example:

    >>> import keras, kerasnotes, numpy as np
    >>> loss = kerasnotes.losses.AdaptiveRobustLoss(alpha_init=1.5)
    >>> base = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    >>> model = kerasnotes.losses.TrainableLossModel(base, loss)
    >>> model.compile(optimizer=keras.optimizers.Adam(0.05))
    >>> x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    >>> _ = model.fit(x, x.sum(axis=1, keepdims=True), epochs=1, verbose=0)
    >>> float(loss.alpha) != 1.5
    True

    References:
        - [Barron, "A General and Adaptive Robust Loss Function",
          CVPR 2019](https://arxiv.org/abs/1701.03077), section 2
          (eq. 16-18).

    Notes passage: 002, "Loss functions" table, row "Adaptive Loss" (whose
    formula is garbled there; the paper is the reference).
    """

    def __init__(
        self,
        num_dims=None,
        alpha_lo=0.001,
        alpha_hi=1.999,
        alpha_init=None,
        scale_lo=1e-5,
        scale_init=1.0,
        reduction="sum_over_batch_size",
        name="adaptive_robust_loss",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        if num_dims is not None:
            num_dims = _validation.check_positive_int("num_dims", num_dims)
        alpha_lo = float(_validation.check_non_negative("alpha_lo", alpha_lo))
        if alpha_lo >= ALPHA_MAX:
            raise InputError(
                f"Argument `alpha_lo` must be < {ALPHA_MAX}. "
                f"Received: alpha_lo={alpha_lo!r}"
            )
        alpha_hi = float(_validation.check_real("alpha_hi", alpha_hi))
        if not alpha_lo < alpha_hi <= ALPHA_MAX:
            raise InputError(
                f"Argument `alpha_hi` must be in (alpha_lo, {ALPHA_MAX}] = "
                f"({alpha_lo}, {ALPHA_MAX}]. Received: alpha_hi={alpha_hi!r}"
            )
        if alpha_init is None:
            alpha_init_value = 0.5 * (alpha_lo + alpha_hi)
        else:
            alpha_init = float(_validation.check_real("alpha_init", alpha_init))
            if not alpha_lo < alpha_init < alpha_hi:
                raise InputError(
                    "Argument `alpha_init` must be in (alpha_lo, alpha_hi) = "
                    f"({alpha_lo}, {alpha_hi}). "
                    f"Received: alpha_init={alpha_init!r}"
                )
            alpha_init_value = alpha_init
        scale_lo = float(_validation.check_positive("scale_lo", scale_lo))
        scale_init = float(_validation.check_real("scale_init", scale_init))
        if not scale_init > scale_lo:
            raise InputError(
                f"Argument `scale_init` must be > scale_lo = {scale_lo}. "
                f"Received: scale_init={scale_init!r}"
            )
        self.num_dims = num_dims
        self.alpha_lo = alpha_lo
        self.alpha_hi = alpha_hi
        self.alpha_init = alpha_init
        self.scale_lo = scale_lo
        self.scale_init = scale_init
        # Set by TrainableLossModel; a loss used without one warns once.
        self._held_by_model = False
        fraction = (alpha_init_value - alpha_lo) / (alpha_hi - alpha_lo)
        self.parameter_layer = AdaptiveRobustParameters(
            shape=() if num_dims is None else (num_dims,),
            latent_alpha=math.log(fraction / (1.0 - fraction)),
            latent_scale=0.0,
            name=f"{name}_parameters",
        )

    @property
    def trainable_variables(self):
        return [
            self.parameter_layer.latent_alpha,
            self.parameter_layer.latent_scale,
        ]

    def _alpha(self):
        latent = ops.convert_to_tensor(self.parameter_layer.latent_alpha)
        return self.alpha_lo + (self.alpha_hi - self.alpha_lo) * ops.sigmoid(latent)

    def _scale(self):
        latent = ops.convert_to_tensor(self.parameter_layer.latent_scale)
        return self.scale_lo + (self.scale_init - self.scale_lo) * ops.softplus(
            latent + _SOFTPLUS_ONE
        )

    @property
    def alpha(self):
        """The current alpha (shape `()` or `(num_dims,)`)."""
        return self._alpha()

    @property
    def scale(self):
        """The current scale (shape `()` or `(num_dims,)`)."""
        return self._scale()

    def call(self, y_true, y_pred):
        y_true, y_pred = same_rank(y_true, y_pred)
        last = y_pred.shape[-1] if len(y_pred.shape) else None
        if self.num_dims is not None and last not in (None, self.num_dims):
            raise InputError(
                f"{type(self).__name__} was built with num_dims="
                f"{self.num_dims}, but y_pred has shape {y_pred.shape}: the "
                "last axis must have that size."
            )
        if not self._held_by_model and not getattr(self, "_warned", False):
            self._warned = True
            warnings.warn(
                f"{type(self).__name__} learns alpha and scale only if the "
                "model holds `loss.parameter_layer` (wrap the model in "
                "kerasnotes.losses.TrainableLossModel), or, in a custom "
                "training loop, if you differentiate with respect to "
                "`loss.trainable_variables`. Used as `compile(loss=...)` "
                "alone, they keep their initial values.",
                stacklevel=2,
            )
        alpha = ops.cast(self._alpha(), y_pred.dtype)
        scale = ops.cast(self._scale(), y_pred.dtype)
        nll = (
            robust_loss(y_pred - y_true, alpha, scale)
            + ops.log(scale)
            + log_partition(alpha)
        )
        return mean_last_axis(nll)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_dims": self.num_dims,
                "alpha_lo": self.alpha_lo,
                "alpha_hi": self.alpha_hi,
                "alpha_init": self.alpha_init,
                "scale_lo": self.scale_lo,
                "scale_init": self.scale_init,
            }
        )
        return config


@keras.saving.register_keras_serializable(package="kerasnotes")
class TrainableLossModel(keras.Model):
    """A model that runs `model` and trains the weights of its `loss`.

    Keras trains only the variables a model holds, and `compile` does not
    make the model hold its loss. This wrapper does: it calls `model` in its
    forward pass and holds `loss.parameter_layer`, so `fit` trains the loss's
    weights with the model's, `save` stores them and `load_model` restores
    them (into the restored wrapper's loss). `compile` uses `loss` unless
    told otherwise.

    Args:
        model: The Keras model (or layer) that makes the predictions.
        loss: A loss with a `parameter_layer`, such as
            `AdaptiveRobustLoss`.
        **kwargs: `keras.Model` keyword arguments (`name`, ...).

    Example:

    >>> import keras, kerasnotes
    >>> loss = kerasnotes.losses.AdaptiveRobustLoss(num_dims=2)
    >>> base = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> model = kerasnotes.losses.TrainableLossModel(base, loss)
    >>> model.compile(optimizer="adam")
    >>> len(model.trainable_variables)  # kernel, bias, latent alpha and scale
    4

    References:
        - [Barron, "A General and Adaptive Robust Loss Function",
          CVPR 2019](https://arxiv.org/abs/1701.03077), section 2: alpha and
          scale are fitted jointly with the model by minimizing the NLL.

    Notes passage: 002, "Loss functions" table, row "Adaptive Loss".
    """

    def __init__(self, model, loss, **kwargs):
        super().__init__(**kwargs)
        layer = getattr(loss, "parameter_layer", None)
        if not isinstance(layer, keras.layers.Layer):
            raise InputError(
                "Argument `loss` must be a loss with trainable weights in a "
                "`parameter_layer`, such as AdaptiveRobustLoss. "
                f"Received: loss={loss!r}"
            )
        if not isinstance(model, keras.layers.Layer):
            raise InputError(
                f"Argument `model` must be a Keras model or layer. "
                f"Received: model={model!r}"
            )
        self.base_model = model
        self.trainable_loss = loss
        loss._held_by_model = True
        self.loss_parameters = layer

    def call(self, inputs, training=None):
        return self.base_model(inputs, training=training)

    def compile(self, optimizer="rmsprop", loss=None, **kwargs):
        """`keras.Model.compile`, with `loss` defaulting to the wrapped loss."""
        if loss is None:
            loss = self.trainable_loss
        super().compile(optimizer=optimizer, loss=loss, **kwargs)

    def compile_from_config(self, config):
        config = keras.saving.deserialize_keras_object(config)
        # The saved loss comes back as a new object; the one whose weights
        # this model holds (and has just loaded) takes its place.
        if type(config.get("loss")) is type(self.trainable_loss):
            config["loss"] = self.trainable_loss
        self.compile(**config)
        if getattr(self, "optimizer", None) is not None and self.built:
            self.optimizer.build(self.trainable_variables)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "model": keras.saving.serialize_keras_object(self.base_model),
                "loss": keras.saving.serialize_keras_object(self.trainable_loss),
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        model = keras.saving.deserialize_keras_object(config.pop("model"))
        loss = keras.saving.deserialize_keras_object(config.pop("loss"))
        return cls(model, loss, **config)
