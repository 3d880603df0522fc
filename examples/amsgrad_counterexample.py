"""AMSGrad against Adam on the convex counterexample of Reddi et al. (2018).

The online problem of "On the Convergence of Adam and Beyond" (ICLR 2018,
sections 3 and 5): on the interval [-1, 1] the loss at step t is

    f_t(x) = 1010 * x   if t mod 101 == 1
    f_t(x) = -10 * x    otherwise

Over each period of 101 steps the losses sum to 1010x - 1000x = 10x, so the
optimum is x = -1. With beta_1 = 0.9, beta_2 = 0.99 and step size
alpha / sqrt(t), Adam forgets the rare large gradient, takes 100 large steps
towards +1 in each period and drifts to x = +1, the worst point. AMSGrad
divides by the running maximum of v, so the rare gradient keeps its weight and
x approaches -1.

Each f_t is one training step of a one-weight Keras model (batch size 1) whose
weight is projected onto [-1, 1] by a constraint, trained with `model.fit`.

Run:  python examples/amsgrad_counterexample.py
"""

import keras
import numpy as np

PERIOD = 101


class InverseSqrtDecay(keras.optimizers.schedules.LearningRateSchedule):
    """alpha / sqrt(t) with t = step + 1, the paper's step size."""

    def __init__(self, alpha):
        self.alpha = alpha

    def __call__(self, step):
        t = keras.ops.cast(step, "float32") + 1.0
        return self.alpha / keras.ops.sqrt(t)

    def get_config(self):
        return {"alpha": self.alpha}


class UnitInterval(keras.constraints.Constraint):
    """Projection onto [-1, 1], applied by the optimizer after each step."""

    def __call__(self, w):
        return keras.ops.clip(w, -1.0, 1.0)


class OnlinePoint(keras.layers.Layer):
    """A single weight x; its output is x for every sample."""

    def build(self, input_shape):
        self.x = self.add_weight(
            shape=(), initializer="zeros", constraint=UnitInterval(), name="x"
        )

    def call(self, inputs):
        return keras.ops.ones_like(inputs[:, :1]) * self.x


def linear_loss(y_true, y_pred):
    """f_t(x) = c_t * x, with c_t carried as the target."""
    return keras.ops.mean(y_true * y_pred, axis=-1)


def coefficients(steps):
    t = np.arange(1, steps + 1)
    return np.where(t % PERIOD == 1, 1010.0, -10.0).astype("float32")[:, None]


def run(optimizer, steps=20200, checkpoints=None):
    """Trains x with `optimizer` for `steps` online steps.

    `optimizer` should use a constant learning rate `alpha`; it is replaced by
    the schedule alpha / sqrt(t). Returns the final x, or with `checkpoints`
    (a list of step counts, multiples of 101) a list of x at each.
    """
    alpha = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
    optimizer = optimizer.from_config(
        {**optimizer.get_config(), "learning_rate": InverseSqrtDecay(alpha)}
    )
    model = keras.Sequential([keras.Input((1,)), OnlinePoint()])
    # One compiled call runs a whole period; PyTorch runs one step per call.
    torch = keras.backend.backend() == "torch"
    model.compile(
        optimizer=optimizer,
        loss=linear_loss,
        steps_per_execution=1 if torch else PERIOD,
        jit_compile=not torch,
    )
    marks = list(checkpoints or [steps])
    targets = coefficients(max(marks))
    inputs = np.zeros_like(targets)
    values, done = [], 0
    for mark in marks:
        if (mark - done) % PERIOD:
            raise ValueError("checkpoints must be multiples of 101 steps apart")
        model.fit(
            inputs[done:mark],
            targets[done:mark],
            batch_size=1,
            epochs=1,
            shuffle=False,
            verbose=0,
        )
        values.append(float(keras.ops.convert_to_numpy(model.layers[0].x)))
        done = mark
    return values if checkpoints else values[0]


def main():
    import kerasnotes

    marks = [1010, 5050, 10100, 20200, 40400]
    adam = run(keras.optimizers.Adam(0.5, beta_1=0.9, beta_2=0.99), checkpoints=marks)
    ams = run(
        kerasnotes.optimizers.AMSGrad(0.5, beta_1=0.9, beta_2=0.99),
        checkpoints=marks,
    )
    print("x after t steps (optimum -1, worst point +1)")
    print(f"{'t':>7}  {'Adam':>8}  {'AMSGrad':>8}")
    for mark, a, b in zip(marks, adam, ams):
        print(f"{mark:>7}  {a:>8.4f}  {b:>8.4f}")


if __name__ == "__main__":
    main()
