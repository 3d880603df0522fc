"""Nesterov accelerated gradient."""

import keras
from keras import ops

from kerasnotes._internal.validation import check_base_optimizer_kwargs
from kerasnotes._internal.validation import check_learning_rate
from kerasnotes.optimizers._momentum import MomentumScheduleMixin
from kerasnotes.optimizers._momentum import check_momentum
from kerasnotes.optimizers._momentum import momentum_value
from kerasnotes.optimizers._momentum import serialize_momentum


@keras.saving.register_keras_serializable(package="kerasnotes")
class NAG(MomentumScheduleMixin, keras.optimizers.Optimizer):
    """Nesterov accelerated gradient (NAG).

    Momentum that evaluates the gradient at the look-ahead point. The notes
    (000 "Nesterov Accelerated Gradient", 003 section 3 "NAG") write it as

    ```
    v_t = momentum * v_{t-1} + learning_rate * grad(theta - momentum * v_{t-1})
    theta = theta - v_t
    ```

    Evaluating the gradient at a shifted point is impractical inside a
    framework that computes gradients at the current weights, so this
    optimizer uses the equivalent form of Sutskever et al. (2013, eq. 3-4 in
    the reformulation of Bengio et al. 2013): with `w = theta - momentum *
    v` as the stored weights and `m = -v` as the stored velocity,

    ```
    m = momentum * m - learning_rate * g
    w = w + momentum * m - learning_rate * g
    ```

    where `g` is the gradient at the stored weights `w`. This is the update of
    `keras.optimizers.SGD(momentum=momentum, nesterov=True)`, which it matches
    step for step. With `momentum=0` it is plain gradient descent.

    Args:
        learning_rate: A float >= 0, a
            `keras.optimizers.schedules.LearningRateSchedule`, or a callable
            that takes no arguments and returns the value to use. Defaults to
            `0.01`.
        momentum: Float in [0, 1), or a
            `keras.optimizers.schedules.LearningRateSchedule` of it (such as
            `kerasnotes.schedules.OneCycleMomentum`) evaluated at the same step
            as the learning rate; the update is the one above with that step's
            value. Decay of the velocity. Defaults to `0.9`.
        **kwargs: The base optimizer's keyword arguments: `weight_decay`,
            `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`,
            `ema_momentum`, `ema_overwrite_frequency`, `loss_scale_factor`,
            `gradient_accumulation_steps`, `name`.

    Example:

    >>> import keras, kerasnotes
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=kerasnotes.optimizers.NAG(0.01, momentum=0.9),
    ...               loss="mse")

    References:
        - Nesterov, "A method for solving the convex programming problem with
          convergence rate O(1/k^2)", 1983.
        - [Sutskever et al., "On the importance of initialization and momentum
          in deep learning", ICML 2013](
          https://proceedings.mlr.press/v28/sutskever13.html)
        - [Bengio et al., "Advances in optimizing recurrent networks", 2013](
          https://arxiv.org/abs/1212.0901)
    """

    MOMENTUM_ARGUMENTS = ("momentum",)

    def __init__(self, learning_rate=0.01, momentum=0.9, **kwargs):
        learning_rate = check_learning_rate(learning_rate)
        momentum = check_momentum("momentum", momentum)
        check_base_optimizer_kwargs(kwargs)
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = self.add_optimizer_variables(var_list, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        momentum = momentum_value(self, self.momentum, variable.dtype)
        m = self.momentums[self._get_variable_index(variable)]
        scaled_gradient = ops.multiply(gradient, learning_rate)
        new_m = ops.subtract(ops.multiply(m, momentum), scaled_gradient)
        self.assign(m, new_m)
        self.assign_add(
            variable,
            ops.subtract(ops.multiply(new_m, momentum), scaled_gradient),
        )

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": serialize_momentum(self.momentum)})
        return config
