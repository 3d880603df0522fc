"""Reference pairs and a seeded problem shared by the optimizer tests."""

import keras
import numpy as np

from kerasnotes import optimizers

# name -> (ours, Keras reference), as factories taking extra base kwargs.
# Hyperparameters are deliberately not the defaults.
PAIRS = {
    "NAG": (
        lambda lr=0.05, **kw: optimizers.NAG(lr, momentum=0.8, **kw),
        lambda lr=0.05, **kw: keras.optimizers.SGD(
            lr, momentum=0.8, nesterov=True, **kw
        ),
    ),
    "AdamW": (
        lambda lr=0.01, **kw: optimizers.AdamW(
            lr, weight_decay=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-6, **kw
        ),
        lambda lr=0.01, **kw: keras.optimizers.AdamW(
            lr, weight_decay=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-6, **kw
        ),
    ),
    "AdamW-amsgrad": (
        lambda lr=0.01, **kw: optimizers.AdamW(
            lr, weight_decay=0.02, beta_2=0.95, amsgrad=True, **kw
        ),
        lambda lr=0.01, **kw: keras.optimizers.AdamW(
            lr, weight_decay=0.02, beta_2=0.95, amsgrad=True, **kw
        ),
    ),
    "AMSGrad": (
        lambda lr=0.01, **kw: optimizers.AMSGrad(
            lr, beta_1=0.85, beta_2=0.95, epsilon=1e-6, **kw
        ),
        lambda lr=0.01, **kw: keras.optimizers.Adam(
            lr, beta_1=0.85, beta_2=0.95, epsilon=1e-6, amsgrad=True, **kw
        ),
    ),
}


class QuadraticProblem:
    """A seeded stochastic problem with a closed-form NumPy gradient.

    Loss: sum_i d_i (w_i - w*_i)^2 + 0.1 * sum sin(3 w) over a 4x3 matrix and a
    vector of 3, plus seeded Gaussian gradient noise that changes every step,
    so the trajectory visits large and small, growing and shrinking gradients.
    """

    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        self.shapes = [(4, 3), (3,)]
        self.targets = [rng.normal(size=s).astype("float32") for s in self.shapes]
        self.curvature = [
            rng.uniform(0.1, 5.0, size=s).astype("float32") for s in self.shapes
        ]
        self.initial = [rng.normal(size=s).astype("float32") for s in self.shapes]
        self.noise = np.random.default_rng(seed + 1)

    def variables(self):
        return [
            keras.Variable(init.copy(), name=f"w{i}")
            for i, init in enumerate(self.initial)
        ]

    def gradients(self, values, step):
        noise = np.random.default_rng([step, 7])
        grads = []
        for value, target, curv in zip(values, self.targets, self.curvature):
            grad = 2.0 * curv * (value - target) + 0.3 * np.cos(3.0 * value)
            grad += noise.normal(scale=0.5, size=value.shape)
            grads.append(grad.astype("float32"))
        return grads


def run_trajectory(optimizer, steps=100, seed=0, finalize=False):
    """Applies `steps` updates; returns the variables' values after each."""
    problem = QuadraticProblem(seed)
    variables = problem.variables()
    history = []
    for step in range(steps):
        values = [keras.ops.convert_to_numpy(v) for v in variables]
        # Tensors, not arrays: the torch backend's built-in optimizers need them.
        grads = [
            keras.ops.convert_to_tensor(g) for g in problem.gradients(values, step)
        ]
        optimizer.apply_gradients(zip(grads, variables))
        history.append([keras.ops.convert_to_numpy(v).copy() for v in variables])
    if finalize:
        optimizer.finalize_variable_values(variables)
        history.append([keras.ops.convert_to_numpy(v).copy() for v in variables])
    return history


def regression_data(n=64, features=5, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    w = rng.normal(size=(features, 1)).astype("float32")
    y = (np.tanh(x @ w) + 0.1 * rng.normal(size=(n, 1))).astype("float32")
    return x, y


def small_model(features=5, seed=0):
    """A small MLP whose initial weights depend only on `seed`."""
    return keras.Sequential(
        [
            keras.Input((features,)),
            keras.layers.Dense(
                8,
                activation="tanh",
                kernel_initializer=keras.initializers.GlorotUniform(seed),
            ),
            keras.layers.Dense(
                1, kernel_initializer=keras.initializers.GlorotUniform(seed + 1)
            ),
        ]
    )
