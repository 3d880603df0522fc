"""RAdam."""

import math

import keras
from keras import ops

from kerasnotes._internal.validation import check_positive
from kerasnotes.optimizers._adam import AdamBase
from kerasnotes.optimizers._momentum import exact_constant
from kerasnotes.optimizers._momentum import is_schedule
from kerasnotes.optimizers._momentum import momentum_value
from kerasnotes.optimizers._momentum import one_minus


def _log(beta):
    """`log(beta)` in Python float64 (`-inf` for 0)."""
    return math.log(beta) if beta > 0 else -math.inf


@keras.saving.register_keras_serializable(package="kerasnotes")
class RAdam(AdamBase):
    """Rectified Adam (RAdam).

    Early in training Adam's second-moment estimate `v` averages only a few
    squared gradients, so the adaptive step `1 / sqrt(v)` has a large
    variance: the reason Adam needs a warmup. RAdam measures that variance
    through `rho_t`, the length of the simple moving average `v`
    approximates, and while it is too short (`rho_t <= rectify_threshold`)
    takes the bias-corrected momentum step alone (SGD with momentum); after
    that it scales the adaptive step by `r_t`, the factor that makes the
    variance of the adaptive rate constant (notes 000, "Adam Variants"). With
    `t` the 1-based step (Liu et al. 2020, Algorithm 2):

    ```
    m = m + (1 - beta_1) * (g - m)
    v = v + (1 - beta_2) * (g^2 - v)
    m_hat = m / (1 - beta_1^t)
    rho_inf = 2 / (1 - beta_2) - 1
    rho_t = rho_inf - 2 * t * beta_2^t / (1 - beta_2^t)
    if rho_t > rectify_threshold:
        r_t = sqrt((rho_t - 4) (rho_t - 2) rho_inf
                   / ((rho_inf - 4) (rho_inf - 2) rho_t))
        theta = theta - learning_rate * r_t * m_hat
                        * sqrt(1 - beta_2^t) / (sqrt(v) + epsilon)
    else:
        theta = theta - learning_rate * m_hat
    ```

    `epsilon` is added to `sqrt(v)` before the bias correction, as
    `torch.optim.RAdam` does; with `weight_decay=0` there this optimizer
    matches it step for step (`rectify_threshold=5` is PyTorch's fixed
    threshold; the paper uses 4). The branch is an `ops.where`, so the step
    compiles with `jit_compile=True` on every backend. `1 - beta_2^t` is
    computed as `-expm1(t * log(beta_2))` from a float64 `log(beta_2)`: the
    direct form loses most of its float32 digits at small `t`. `r_t` is
    real only for `rho_t >= 4`; a `rectify_threshold` below 4 leaves steps
    where it is not, and those steps are taken with `r_t = 0` (no move).

    `beta_1` may be a schedule such as `kerasnotes.schedules.OneCycleMomentum`;
    `m_hat` then uses the current step's `beta_1`, as PyTorch does when a
    scheduler changes the betas. `Lookahead(RAdam())` is "Ranger".

    Args:
        learning_rate: A float >= 0, a
            `keras.optimizers.schedules.LearningRateSchedule`, or a callable
            that takes no arguments and returns the value to use. Defaults to
            `0.001`.
        beta_1: Float in [0, 1), or a schedule of it. Decay of the first-moment
            estimate. Defaults to `0.9`.
        beta_2: Float in [0, 1). Decay of the second-moment estimate. Defaults
            to `0.999`.
        epsilon: Float > 0 added to `sqrt(v)`. Defaults to `1e-7`.
        rectify_threshold: Float > 0: the adaptive step is taken once `rho_t`
            exceeds it. Defaults to `5.0`.
        **kwargs: The base optimizer's keyword arguments: `weight_decay`,
            `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`,
            `ema_momentum`, `ema_overwrite_frequency`, `loss_scale_factor`,
            `gradient_accumulation_steps`, `name`.

    Example:

    >>> import keras, kerasnotes
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=kerasnotes.optimizers.RAdam(1e-3), loss="mse")
    >>> ranger = kerasnotes.optimizers.Lookahead(kerasnotes.optimizers.RAdam())

    References:
        - [Liu et al., "On the Variance of the Adaptive Learning Rate and
          Beyond", ICLR 2020](https://arxiv.org/abs/1908.03265)
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        rectify_threshold=5.0,
        **kwargs,
    ):
        rectify_threshold = check_positive("rectify_threshold", rectify_threshold)
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=False,
            **kwargs,
        )
        self.rectify_threshold = float(rectify_threshold)

    def _one_minus_power(self, beta, step, dtype):
        """`1 - beta^step` as `-expm1(step * log(beta))`."""
        if is_schedule(beta):
            log_beta = ops.log(momentum_value(self, beta, dtype))
        else:
            log_beta = exact_constant(_log(beta), dtype)
        return ops.negative(ops.expm1(ops.multiply(step, log_beta)))

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        learning_rate = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(self.iterations + 1, dtype)
        index = self._get_variable_index(variable)
        m = self._momentums[index]
        v = self._velocities[index]
        self.assign_add(
            m,
            ops.multiply(
                ops.subtract(gradient, m), one_minus(self, self.beta_1, dtype)
            ),
        )
        self.assign_add(
            v,
            ops.multiply(ops.subtract(ops.square(gradient), v), 1 - self.beta_2),
        )
        m_hat = ops.divide(m, self._one_minus_power(self.beta_1, step, dtype))
        rectified, factor = self._rectification(step, dtype)
        adaptive = ops.divide(
            ops.multiply(
                factor, ops.sqrt(self._one_minus_power(self.beta_2, step, dtype))
            ),
            ops.add(ops.sqrt(v), self.epsilon),
        )
        scale = ops.where(rectified, adaptive, ops.ones_like(adaptive))
        self.assign_sub(
            variable, ops.multiply(ops.multiply(m_hat, learning_rate), scale)
        )

    def _rectification(self, step, dtype):
        """Whether step `step` is rectified, and the factor `r_t`."""
        rho_inf = 2.0 / (1.0 - self.beta_2) - 1.0
        beta_2_power = ops.exp(
            ops.multiply(step, exact_constant(_log(self.beta_2), dtype))
        )
        rho_t = ops.subtract(
            rho_inf,
            ops.divide(
                ops.multiply(ops.multiply(step, 2.0), beta_2_power),
                self._one_minus_power(self.beta_2, step, dtype),
            ),
        )
        ratio = ops.divide(
            ops.multiply(ops.multiply(rho_t - 4.0, rho_t - 2.0), rho_inf),
            ops.multiply((rho_inf - 4.0) * (rho_inf - 2.0), rho_t),
        )
        factor = ops.sqrt(ops.maximum(ratio, 0.0))
        return ops.greater(rho_t, self.rectify_threshold), factor

    def get_config(self):
        config = super().get_config()
        del config["amsgrad"]
        config["rectify_threshold"] = self.rectify_threshold
        return config
