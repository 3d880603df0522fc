"""Lookahead."""

import keras
from keras import ops

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.errors import InputTypeError
from kerasnotes._internal.validation import _eager_value
from kerasnotes._internal.validation import check_positive_int
from kerasnotes._internal.validation import check_string
from kerasnotes._internal.validation import check_unit_interval


def _inner_optimizer(optimizer):
    """An optimizer instance from an instance, a registered name or a config."""
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return optimizer
    if isinstance(optimizer, (str, dict)):
        try:
            resolved = keras.optimizers.get(optimizer)
        except (ValueError, TypeError) as error:
            raise InputError(
                "Argument `optimizer` must be a Keras optimizer, a registered "
                f"optimizer name or an optimizer config. Received: "
                f"optimizer={optimizer!r} ({error})"
            ) from error
        if isinstance(resolved, keras.optimizers.Optimizer):
            return resolved
    raise InputTypeError(
        "Argument `optimizer` must be a Keras optimizer, a registered optimizer "
        f"name or an optimizer config. Received: optimizer={optimizer!r}"
    )


@keras.saving.register_keras_serializable(package="kerasnotes")
class Lookahead(keras.optimizers.Optimizer):
    """Lookahead: k steps forward with any optimizer, then one step back.

    The wrapped ("inner") optimizer updates the model's weights, the fast
    weights `theta`, at every step. Lookahead keeps a second copy, the slow
    weights `phi`, starting from the model's weights as they are at the first
    step. After every `sync_period`-th step (steps `k, 2k, ...` with `k =
    sync_period`) it moves the slow weights part of the way to the fast ones
    and restarts the fast weights from there (Zhang et al. 2019, Algorithm 1;
    notes 000, "Adam Variants", and 004, "Optimizing Learning Rate"):

    ```
    theta = inner_update(theta, g)                 # every step
    if iterations % sync_period == 0:              # after the step
        phi = phi + slow_step_size * (theta - phi)
        theta = phi
    ```

    Convention. After each step the model holds the fast weights; right after
    a synchronization they equal the new slow weights. This is the paper's
    Algorithm 1, `optax.lookahead(..., reset_state=False)` (whose `fast`
    parameters this matches step for step) and
    `pytorch_optimizer.Lookahead(k, alpha, pullback_momentum="none")`: all
    three set the fast weights to the new slow weights and keep the inner
    optimizer's state (momenta) across synchronizations, so the inner
    optimizer runs exactly as it would alone between them. The slow weights
    are optimizer variables (`slow_weights`): they are saved with the
    optimizer in a `.keras` file, so training resumed mid-period continues
    exactly. `model.fit` leaves the fast weights in the model; train for a
    multiple of `sync_period` steps to end on the slow ones.

    A step counts when the inner optimizer's `iterations` advances, so
    steps it skips (a `LossScaleOptimizer` inside, on non-finite gradients)
    or accumulates (`gradient_accumulation_steps`) do not count. For mixed
    precision wrap the other way, `LossScaleOptimizer(Lookahead(...))`, as
    `model.compile` does under a `mixed_float16` policy: on JAX, Keras's
    `LossScaleOptimizer` cannot be the inner optimizer (its `apply` branches
    with side effects, which JAX cannot trace).

    Like Keras's `LossScaleOptimizer`, the wrapper delegates: `learning_rate`
    (read and set, so `LRFinder`, `ReduceLROnPlateau` and schedules act on
    the inner optimizer), `iterations`, building and variables; base
    optimizer options (`clipnorm`, `weight_decay`, `use_ema`, ...) belong to
    the inner optimizer. `Lookahead(RAdam())` is "Ranger".

    Args:
        optimizer: The inner optimizer: any `keras.optimizers.Optimizer`
            instance (this package's or Keras's), a registered name
            (`"adam"`, `"kerasnotes>RAdam"`) or a config dict.
        sync_period: Integer >= 1, `k`: the fast steps between
            synchronizations. Defaults to `6`.
        slow_step_size: Float in (0, 1], `alpha`: how far the slow weights
            move towards the fast ones. Defaults to `0.5`.
        name: The optimizer's name. Defaults to `None` (`"lookahead"`).

    Example:

    >>> import keras, kerasnotes
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=kerasnotes.optimizers.Lookahead("adam"),
    ...               loss="mse")
    >>> ranger = kerasnotes.optimizers.Lookahead(
    ...     kerasnotes.optimizers.RAdam(1e-3), sync_period=6, slow_step_size=0.5)

    References:
        - [Zhang, Lucas, Hinton & Ba, "Lookahead Optimizer: k steps forward,
          1 step back", NeurIPS 2019](https://arxiv.org/abs/1907.08610)
    """

    def __init__(
        self, optimizer, sync_period=6, slow_step_size=0.5, name=None, **kwargs
    ):
        if kwargs:
            names = ", ".join(f"`{key}`" for key in sorted(kwargs))
            raise InputError(
                f"Lookahead does not take {names}: set it on the inner "
                f"optimizer. Received: {kwargs!r}"
            )
        inner = _inner_optimizer(optimizer)
        sync_period = check_positive_int("sync_period", sync_period)
        slow_step_size = check_unit_interval(
            "slow_step_size", slow_step_size, closed_low=False, closed_high=True
        )
        name = check_string("name", name, allow_none=True)
        super().__init__(learning_rate=0.0, name=name or "lookahead")
        self.inner_optimizer = inner
        self.sync_period = sync_period
        self.slow_step_size = float(slow_step_size)

    def build(self, var_list):
        if self.built:
            return
        self.inner_optimizer.build(var_list)
        # The slow weights start as copies of the model's weights, taken at
        # the first step: Keras may build an optimizer inside the first
        # traced (even XLA-compiled) train step, where neither an `assign`
        # here nor an initializer reading another variable would work.
        self._slow_weights = self.add_optimizer_variables(var_list, "slow")
        self._slow_weights_set = self.add_variable(
            shape=(),
            dtype="int32",
            initializer="zeros",
            aggregation="only_first_replica",
            name="slow_weights_set",
        )
        super().build(var_list)

    @property
    def slow_weights(self):
        """The slow weights, in the order of the model's trainable variables."""
        return list(self._slow_weights) if self.built else []

    @property
    def variables(self):
        return self._variables + self.inner_optimizer.variables

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    def scale_loss(self, loss):
        return self.inner_optimizer.scale_loss(loss)

    def apply(self, grads, trainable_variables=None):
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `trainable_variables`, the "
                    "optimizer must already be built. Call "
                    "`optimizer.build(trainable_variables)` first."
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                with keras.name_scope(self.name, caller=self):
                    self.build(trainable_variables)
        slow_weights = [
            self._slow_weights[self._get_variable_index(v)] for v in trainable_variables
        ]
        self._assign_when(
            ops.equal(self._slow_weights_set, 0),
            lambda: [ops.copy(v.value) for v in trainable_variables],
            slow_weights,
        )
        self._slow_weights_set.assign(1)
        # A copy: on some backends converting a variable gives a view of it.
        before = ops.copy(self.inner_optimizer.iterations)
        self.inner_optimizer.apply(grads, trainable_variables)
        after = ops.convert_to_tensor(self.inner_optimizer.iterations)
        synchronize = ops.logical_and(
            ops.not_equal(after, before),
            ops.equal(ops.mod(after, self.sync_period), 0),
        )

        def synchronized():
            """`phi += alpha * (theta - phi)`, then `theta = phi`."""
            new_slow = [
                ops.add(
                    s.value,
                    ops.multiply(ops.subtract(f.value, s.value), self.slow_step_size),
                )
                for s, f in zip(slow_weights, trainable_variables)
            ]
            return new_slow + new_slow

        self._assign_when(synchronize, synchronized, slow_weights + trainable_variables)

    @staticmethod
    def _assign_when(condition, values, variables):
        """`variables[i] = values()[i]` where `condition` holds, else nothing.

        A branch, so the work is done only on the steps that need it. On JAX
        the train step is stateless: its branches return values and the
        variables are assigned after it (the branch not taken returns the
        current values, which XLA passes through). On TensorFlow and PyTorch
        the taken branch assigns in place.
        """
        if keras.backend.backend() == "jax":
            concrete = _eager_value(condition)  # None when traced
            if concrete is not None:
                # Eager (outside jit): a Python branch. `ops.cond` would trace
                # both branches again at every call, about 0.25 s a step.
                if concrete:
                    for variable, value in zip(variables, values()):
                        variable.assign(value)
                return
            current = [v.value for v in variables]
            new = ops.cond(condition, values, lambda: current)
            for variable, value in zip(variables, new):
                variable.assign(value)
            return

        def assign():
            for variable, value in zip(variables, values()):
                variable.assign(value)

        ops.cond(condition, assign, lambda: None)

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        return {
            "name": self.name,
            "optimizer": keras.optimizers.serialize(self.inner_optimizer),
            "sync_period": self.sync_period,
            "slow_step_size": self.slow_step_size,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        inner = keras.optimizers.deserialize(
            config.pop("optimizer"), custom_objects=custom_objects
        )
        return cls(inner, **config)
