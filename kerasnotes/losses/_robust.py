"""Barron's general robust loss: `robust_loss` and `RobustLoss`."""

import math
import numbers

import keras
import numpy as np
from keras import ops

from kerasnotes._internal import validation as _validation
from kerasnotes._internal.errors import InputError
from kerasnotes._internal.errors import InputTypeError
from kerasnotes.losses._utils import mean_last_axis
from kerasnotes.losses._utils import same_rank

_HALF_PRECISION = ("float16", "bfloat16")
# Below this |t|, expm1(t) / t is evaluated by its Taylor series.
_TAYLOR_BELOW = 1e-3
# A Python-number alpha with |alpha| below this takes the series form.
_FAST_FORM_FROM = 1e-6


def _is_static(value):
    """True for a Python/NumPy number (or 0-d array): decided at trace time."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, numbers.Real):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0


def _check_static_alpha(alpha):
    try:
        alpha = float(alpha)
    except OverflowError:
        raise InputError(
            "Argument `alpha` must be a real number that a float holds, or "
            f"+-inf. Received: alpha={_validation.shown(alpha)}"
        ) from None
    if math.isfinite(alpha) and abs(alpha) > _validation.FLOAT32_MAX:
        raise InputError(
            "Argument `alpha` must be finite in float32 or +-inf. "
            f"Received: alpha={alpha!r}"
        )
    if math.isnan(alpha):
        raise InputError(
            "Argument `alpha` must be a real number or +-inf. "
            f"Received: alpha={alpha!r}"
        )
    return alpha


def _check_tensor_argument(name, value, check):
    """A tensor `alpha` or `scale`: its elements checked by `check` when it
    has a value (eager); a symbolic one (inside `tf.function`, `jax.jit`, a
    functional model) or one computed from trainable weights on PyTorch
    passes unchecked, since its value is not known here."""
    if not (hasattr(value, "shape") and hasattr(value, "dtype")):
        raise InputTypeError(
            f"Argument `{name}` must be a real number or a tensor. "
            f"Received: {name}={_validation.shown(value)}"
        )
    return _validation.check_tensor(name, value, check)


def _compute_dtype(x):
    dtype = keras.backend.standardize_dtype(x.dtype)
    if "float" not in dtype:
        dtype = keras.config.floatx()
    # Half precision is evaluated in float32 and the result cast back: the
    # intermediate (x/c)^2 / |alpha - 2| overflows float16 for moderate x.
    compute = "float32" if dtype in _HALF_PRECISION else dtype
    return dtype, compute


def _static_rho(z, alpha):
    """rho for a Python float alpha: only the matching case is built."""
    if alpha == 2.0:
        return 0.5 * z
    if alpha == 0.0:
        return ops.log1p(0.5 * z)
    if alpha == -math.inf:
        return -ops.expm1(-0.5 * z)
    if alpha == math.inf:
        return ops.expm1(0.5 * z)
    if alpha == 1.0:
        # sqrt(z + 1) - 1 without the cancellation for small z.
        return z / (ops.sqrt(z + 1.0) + 1.0)
    if alpha == -2.0:
        return 2.0 * z / (z + 4.0)
    b = abs(alpha - 2.0)
    if abs(alpha) < _FAST_FORM_FROM:
        # Near 0: the tensor path's form (the series near alpha L = 0); the
        # form below divides by alpha and loses alpha L / 2 to underflow.
        return _general_rho(z, alpha, b)
    # 1.4x faster than the series form (bench/losses.py), exact here.
    return (b / alpha) * ops.expm1((0.5 * alpha) * ops.log1p(z / b))


def _expm1_ratio(t):
    """expm1(t) / t, equal to 1 at t = 0, with finite gradients everywhere."""
    small = ops.abs(t) < _TAYLOR_BELOW
    t_safe = ops.where(small, ops.ones_like(t), t)
    taylor = 1.0 + t * (0.5 + t * (1.0 / 6.0 + t * (1.0 / 24.0)))
    return ops.where(small, taylor, ops.expm1(t_safe) / t_safe)


def _general_rho(z, a, b):
    """rho for alpha not in {2, +-inf}, `b = max(eps, |alpha - 2|)`:
    `(b L / 2) expm1(t) / t` with `L = log1p(z / b)`, `t = alpha L / 2`: no
    division by alpha, so any alpha near 0 (or 0) gives the Cauchy limit."""
    log_term = ops.log1p(z / b)
    return (0.5 * b) * log_term * _expm1_ratio((0.5 * a) * log_term)


def _dynamic_rho(z, alpha, dtype):
    """rho for a tensor alpha: every case, selected elementwise."""
    eps = float(np.finfo(dtype).eps)
    is_two = ops.equal(alpha, 2.0)
    is_neg_inf = ops.equal(alpha, -math.inf)
    is_pos_inf = ops.equal(alpha, math.inf)
    special = ops.logical_or(is_two, ops.logical_or(is_neg_inf, is_pos_inf))
    # Each branch sees only inputs it is finite on, so the branches that
    # `where` discards cannot send NaN into the gradient.
    a = ops.where(special, ops.ones_like(alpha), alpha)
    b = ops.abs(a - 2.0)
    b = ops.where(b > eps, b, eps)  # (`ops.maximum` is float32 on torch)
    general = _general_rho(z, a, b)
    z_pos_inf = ops.where(is_pos_inf, z, ops.zeros_like(z))
    return ops.where(
        is_two,
        0.5 * z,
        ops.where(
            is_neg_inf,
            -ops.expm1(-0.5 * z),
            ops.where(is_pos_inf, ops.expm1(0.5 * z_pos_inf), general),
        ),
    )


def robust_loss(x, alpha, scale):
    """Barron's general robust loss rho(x, alpha, c), elementwise.

    One loss with a shape parameter `alpha` that contains the L2, pseudo-Huber
    (Charbonnier), Cauchy, Geman-McClure and Welsch losses as special cases,
    and a scale `c` that sets the width of its quadratic bowl near zero
    (Barron 2019, eq. 1 and 3):

    ```
    rho(x, alpha, c) = |alpha - 2| / alpha
                       * (((x/c)^2 / |alpha - 2| + 1)^(alpha/2) - 1)

    alpha = 2     0.5 (x/c)^2                         (L2)
    alpha = 1     sqrt((x/c)^2 + 1) - 1               (pseudo-Huber / L1-L2)
    alpha = 0     log(0.5 (x/c)^2 + 1)                (Cauchy / Lorentzian)
    alpha = -2    2 (x/c)^2 / ((x/c)^2 + 4)           (Geman-McClure)
    alpha = -inf  1 - exp(-0.5 (x/c)^2)               (Welsch / Leclerc)
    alpha = +inf  exp(0.5 (x/c)^2) - 1
    ```

    The formula is 0/0 at alpha = 0 and 2; those values are its limits.
    It is evaluated in the numerically careful form

    ```
    b = max(eps, |alpha - 2|),  L = log1p((x/c)^2 / b)
    rho = (b / alpha) * expm1(alpha L / 2) = (b L / 2) * expm1(t) / t,  t = alpha L / 2
    ```

    with `expm1(t)/t` replaced by its Taylor series for `|t| < 1e-3`, so it is
    exact at alpha = 0 and accurate (to float32 rounding) within any distance
    of 0; alpha = 2 and +-inf are selected exactly, and the value near 2
    tends to the L2 limit. Each branch is fed only inputs on which it is
    finite, so value and gradients with respect to `x`, `alpha` and `scale`
    are finite at every input where the loss itself is representable.
    float16 and bfloat16 inputs are evaluated in float32 and the result cast
    back. When `alpha` is a Python number the case is chosen once, at trace
    time, and only its formula is computed.

    At alpha = 2 the derivative with respect to alpha is unbounded (rho
    differs from the L2 loss by a `|alpha - 2| log|alpha - 2|` term); the
    gradient returned there is 0, the derivative of the selected L2 branch.

    Args:
        x: Residuals, a tensor of any shape.
        alpha: Shape parameter: a Python float (any real or +-inf), or a
            tensor broadcastable against `x`.
        scale: Scale `c > 0`: a Python float or a tensor broadcastable
            against `x`.

    A number, or a tensor with a value (an eager tensor, a NumPy array), is
    checked: `alpha` not NaN, `scale` > 0 (`scale=0` would give NaN). A
    symbolic tensor (inside `tf.function`, `jax.jit` or a functional model),
    and on PyTorch a tensor that requires grad (computed from trainable
    weights, as in `AdaptiveRobustLoss`), cannot be checked before it runs
    and is used as it is.

    Returns:
        A tensor of the broadcast shape of `x`, `alpha` and `scale`, with the
        dtype of `x` (the float type, `floatx()` for integer input).

    Example:

    >>> import keras
    >>> from kerasnotes.losses import robust_loss
    >>> rho = robust_loss([0.0, 1.0, 3.0], alpha=1.0, scale=1.0)  # sqrt(x^2+1)-1
    >>> [round(float(v), 4) for v in keras.ops.convert_to_numpy(rho)]
    [0.0, 0.4142, 2.1623]

    References:
        - [Barron, "A General and Adaptive Robust Loss Function",
          CVPR 2019](https://arxiv.org/abs/1701.03077)

    Notes passage: 002, "Loss functions" table, row "Adaptive Loss" (whose
    formula is garbled there; the paper's eq. 1 is the one implemented).
    """
    x = ops.convert_to_tensor(x)
    dtype, compute = _compute_dtype(x)
    x = ops.cast(x, compute)
    if _is_static(scale):
        scale = float(_validation.check_positive("scale", scale))
    else:
        scale = ops.cast(
            _check_tensor_argument("scale", scale, _validation.check_positive),
            compute,
        )
    z = ops.square(x / scale)
    if _is_static(alpha):
        rho = _static_rho(z, _check_static_alpha(alpha))
    else:
        alpha = ops.cast(
            _check_tensor_argument(
                "alpha", alpha, lambda _name, value: _check_static_alpha(value)
            ),
            compute,
        )
        rho = _dynamic_rho(z, alpha, compute)
    return ops.cast(rho, dtype)


def _check_alpha_argument(alpha):
    if not _is_static(alpha):
        raise InputTypeError(
            "Argument `alpha` must be a real number or +-inf. "
            f"Received: alpha={_validation.shown(alpha)}"
        )
    return _check_static_alpha(alpha)


@keras.saving.register_keras_serializable(package="kerasnotes")
class RobustLoss(keras.losses.Loss):
    """Barron's general robust loss with a fixed shape and scale.

    Computes `robust_loss(y_pred - y_true, alpha, scale)` elementwise and
    averages it over the last axis:

    ```
    loss = mean(rho(y_pred - y_true, alpha, scale), axis=-1)
    rho(x, alpha, c) = |alpha - 2| / alpha
                       * (((x/c)^2 / |alpha - 2| + 1)^(alpha/2) - 1)
    ```

    `alpha = 2` is the squared error (halved, over `c^2`), `alpha = 1` the
    pseudo-Huber loss (quadratic for `|x| << c`, linear beyond), `alpha = 0`
    the Cauchy loss, and smaller alpha down to `-inf` are ever more tolerant
    of outliers: the gradient of a residual far beyond `c` shrinks like
    `|x|^(alpha - 1)`. See `robust_loss` for the special cases and the
    numerics. For a loss that learns alpha and scale, use
    `AdaptiveRobustLoss`.

    Args:
        alpha: Shape parameter, a real number or `float("-inf")` /
            `float("inf")`. Defaults to `1.0`.
        scale: Scale `c > 0` of the quadratic bowl. Defaults to `1.0`.
        reduction: Type of reduction to apply to the loss. Defaults to
            `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"robust_loss"`.
        dtype: Dtype of the loss computation. Defaults to `None` (floatx).

    Example:

    >>> import keras, kerasnotes
    >>> loss = kerasnotes.losses.RobustLoss(alpha=0.0, scale=0.5)
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="adam", loss=loss)

    References:
        - [Barron, "A General and Adaptive Robust Loss Function",
          CVPR 2019](https://arxiv.org/abs/1701.03077)

    Notes passage: 002, "Loss functions" table, row "Adaptive Loss".
    """

    def __init__(
        self,
        alpha=1.0,
        scale=1.0,
        reduction="sum_over_batch_size",
        name="robust_loss",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.alpha = _check_alpha_argument(alpha)
        self.scale = float(_validation.check_positive("scale", scale))

    def call(self, y_true, y_pred):
        y_true, y_pred = same_rank(y_true, y_pred)
        return mean_last_axis(robust_loss(y_pred - y_true, self.alpha, self.scale))

    def get_config(self):
        config = super().get_config()
        config.update({"alpha": self.alpha, "scale": self.scale})
        return config
