"""AMSGrad."""

import keras

from kerasnotes.optimizers._adam import AdamBase


@keras.saving.register_keras_serializable(package="kerasnotes")
class AMSGrad(AdamBase):
    """AMSGrad: Adam with a non-decreasing second-moment estimate.

    Adam's effective step `alpha / sqrt(v)` can grow when a large, rare
    gradient is forgotten by the moving average `v`; Reddi et al. show a convex
    online problem on which Adam then converges to the worst point. AMSGrad
    keeps the running maximum `v_hat` of `v` and divides by it instead, so the
    step never grows (notes 000, "Adam Variants"). With `t` the 1-based step:

    ```
    m = m + (1 - beta_1) * (g - m)
    v = v + (1 - beta_2) * (g^2 - v)
    v_hat = max(v_hat, v)
    alpha = learning_rate * sqrt(1 - beta_2^t) / (1 - beta_1^t)
    theta = theta - alpha * m / (sqrt(v_hat) + epsilon)
    ```

    The paper's Algorithm 2 has no bias correction; like
    `keras.optimizers.Adam(amsgrad=True)`, which this optimizer matches step
    for step, it keeps Adam's bias correction in `alpha`. The maximum is taken
    over the uncorrected `v`.

    Args:
        learning_rate: A float >= 0, a
            `keras.optimizers.schedules.LearningRateSchedule`, or a callable
            that takes no arguments and returns the value to use. Defaults to
            `0.001`.
        beta_1: Float in [0, 1), or a schedule of it (such as
            `kerasnotes.schedules.OneCycleMomentum`); with a schedule,
            `beta_1^t` uses the current step's value. Decay of the
            first-moment estimate. Defaults to `0.9`.
        beta_2: Float in [0, 1). Decay of the second-moment estimate. Defaults
            to `0.999`.
        epsilon: Float > 0 added to `sqrt(v_hat)` for numerical stability.
            Defaults to `1e-7`.
        **kwargs: The base optimizer's keyword arguments: `weight_decay`,
            `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`,
            `ema_momentum`, `ema_overwrite_frequency`, `loss_scale_factor`,
            `gradient_accumulation_steps`, `name`.

    Example:

    >>> import keras, kerasnotes
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="kerasnotes>AMSGrad", loss="mse")

    References:
        - [Reddi, Kale & Kumar, "On the Convergence of Adam and Beyond",
          ICLR 2018](https://openreview.net/forum?id=ryQu7f-RZ)
        - [Kingma & Ba, "Adam: A Method for Stochastic Optimization",
          ICLR 2015](https://arxiv.org/abs/1412.6980)
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=True,
            **kwargs,
        )

    def get_config(self):
        config = super().get_config()
        del config["amsgrad"]
        return config
