"""AdamW."""

import keras

from kerasnotes._internal.validation import check_non_negative
from kerasnotes.optimizers._adam import AdamBase


@keras.saving.register_keras_serializable(package="kerasnotes")
class AdamW(AdamBase):
    """Adam with decoupled weight decay (AdamW).

    L2 regularization added to the loss reaches Adam through the gradient, where
    the adaptive denominator rescales it; AdamW instead shrinks the weights
    directly, outside the moment estimates (notes 000, "AdamW"). Each step,
    with `t` the 1-based step:

    ```
    theta = theta - learning_rate * weight_decay * theta     # decoupled decay
    m = m + (1 - beta_1) * (g - m)
    v = v + (1 - beta_2) * (g^2 - v)
    v_hat = max(v_hat, v)           # only when amsgrad=True; else v_hat = v
    alpha = learning_rate * sqrt(1 - beta_2^t) / (1 - beta_1^t)
    theta = theta - alpha * m / (sqrt(v_hat) + epsilon)
    ```

    The notes write the decay as `alpha * lambda * theta_t`; as in the paper's
    Algorithm 2 with the schedule multiplier folded into the learning rate,
    the decay follows the (possibly scheduled) learning rate. It applies to every
    trainable variable except those passed to `exclude_from_weight_decay()`.
    The decay uses the weights before the Adam step, as in the notes and in
    `keras.optimizers.AdamW`, which this optimizer matches step for step.

    Args:
        learning_rate: A float >= 0, a
            `keras.optimizers.schedules.LearningRateSchedule`, or a callable
            that takes no arguments and returns the value to use. Defaults to
            `0.001`.
        weight_decay: Float >= 0, the decoupled decay rate `lambda`. Defaults
            to `0.004`.
        beta_1: Float in [0, 1), or a schedule of it (such as
            `kerasnotes.schedules.OneCycleMomentum`); with a schedule,
            `beta_1^t` uses the current step's value, as `torch.optim.AdamW`
            under `OneCycleLR(cycle_momentum=True)` does. Decay of the
            first-moment estimate. Defaults to `0.9`.
        beta_2: Float in [0, 1). Decay of the second-moment estimate. Defaults
            to `0.999`.
        epsilon: Float > 0 added to `sqrt(v_hat)`. Defaults to `1e-7`.
        amsgrad: Whether to divide by the running maximum of `v` (AMSGrad).
            Defaults to `False`.
        **kwargs: The base optimizer's keyword arguments: `clipnorm`,
            `clipvalue`, `global_clipnorm`, `use_ema`, `ema_momentum`,
            `ema_overwrite_frequency`, `loss_scale_factor`,
            `gradient_accumulation_steps`, `name`.

    Example:

    >>> import keras, kerasnotes
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    >>> opt = kerasnotes.optimizers.AdamW(learning_rate=1e-3, weight_decay=1e-2)
    >>> opt.exclude_from_weight_decay(var_names=["bias"])
    >>> model.compile(optimizer=opt, loss="mse")

    References:
        - [Loshchilov & Hutter, "Decoupled Weight Decay Regularization",
          ICLR 2019](https://arxiv.org/abs/1711.05101)
        - [Kingma & Ba, "Adam: A Method for Stochastic Optimization",
          ICLR 2015](https://arxiv.org/abs/1412.6980)
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        **kwargs,
    ):
        weight_decay = check_non_negative("weight_decay", weight_decay)
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=float(weight_decay),
            **kwargs,
        )
