"""The Adam update shared by AdamW and AMSGrad (private)."""

import keras
from keras import ops

from kerasnotes._internal.validation import check_base_optimizer_kwargs
from kerasnotes._internal.validation import check_bool
from kerasnotes._internal.validation import check_learning_rate
from kerasnotes._internal.validation import check_positive
from kerasnotes._internal.validation import check_unit_interval
from kerasnotes.optimizers._momentum import MomentumScheduleMixin
from kerasnotes.optimizers._momentum import check_momentum
from kerasnotes.optimizers._momentum import exact_constant
from kerasnotes.optimizers._momentum import momentum_value
from kerasnotes.optimizers._momentum import one_minus
from kerasnotes.optimizers._momentum import serialize_momentum


class AdamBase(MomentumScheduleMixin, keras.optimizers.Optimizer):
    """Adam with an optional AMSGrad maximum; the base of AdamW and AMSGrad.

    The update, with `t` the 1-based step (the notes, 000 "Adam"; Kingma & Ba
    2015, Algorithm 1 in the efficient form of their section 2):

    ```
    m = m + (1 - beta_1) * (g - m)
    v = v + (1 - beta_2) * (g^2 - v)
    v_hat = max(v_hat, v)          # AMSGrad only; otherwise v_hat = v
    alpha = learning_rate * sqrt(1 - beta_2^t) / (1 - beta_1^t)
    theta = theta - alpha * m / (sqrt(v_hat) + epsilon)
    ```

    `epsilon` is the "epsilon hat" of that efficient form, as in Keras.
    `beta_1` may be a schedule (`kerasnotes.optimizers._momentum`); `beta_1^t`
    then uses the current step's value, as PyTorch's Adam does when a
    scheduler changes its betas.
    """

    MOMENTUM_ARGUMENTS = ("beta_1",)

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        **kwargs,
    ):
        learning_rate = check_learning_rate(learning_rate)
        beta_1 = check_momentum("beta_1", beta_1)
        beta_2 = check_unit_interval("beta_2", beta_2)
        epsilon = check_positive("epsilon", epsilon)
        check_base_optimizer_kwargs(kwargs)
        amsgrad = check_bool("amsgrad", amsgrad)
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        learning_rate = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        local_step = ops.cast(self.iterations + 1, dtype)
        beta_1 = momentum_value(self, self.beta_1, dtype)
        beta_1_power = ops.power(beta_1, local_step)
        beta_2_power = ops.power(exact_constant(self.beta_2, dtype), local_step)
        index = self._get_variable_index(variable)
        m = self._momentums[index]
        v = self._velocities[index]
        alpha = learning_rate * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
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
        if self.amsgrad:
            v_hat = self._velocity_hats[index]
            self.assign(v_hat, ops.maximum(v_hat, v))
            v = v_hat
        self.assign_sub(
            variable,
            ops.divide(ops.multiply(m, alpha), ops.add(ops.sqrt(v), self.epsilon)),
        )

    def _apply_weight_decay(self, variables):
        # Keras's own, with the weight decay rounded once in the variable's
        # dtype (its `ops.cast` of a Python float rounds it to float32 first).
        if self.weight_decay is None:
            return
        for variable in variables:
            if self._use_weight_decay(variable):
                lr = ops.cast(self.learning_rate, variable.dtype)
                wd = exact_constant(self.weight_decay, variable.dtype)
                variable.assign(variable - variable * wd * lr)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "beta_1": serialize_momentum(self.beta_1),
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "amsgrad": self.amsgrad,
            }
        )
        return config
