"""The notes' 2-2-1 sigmoid network, forward and backward, by Keras autodiff.

Notes 002, "Neural Network Forward and Backward Propagation": two inputs, two
sigmoid hidden units, one sigmoid output, one sample, the cost
`J = 1/2 (y - yhat)^2`, and the notes' weights (written as the notes write
them, `z = W x + b`, rows = units of the next layer):

    x = (0.5, 0.8), y = 1
    W1 = [[0.2, 0.4], [0.3, 0.7]], b1 = (0.1, 0.2)
    W2 = [0.5, 0.6],               b2 = 0.3

The network is a `keras.Sequential` of `Dense -> Activation(sigmoid) ->
Dense -> Activation(sigmoid)` holding those weights (Keras's kernels are the
transposes, `z = x @ kernel + bias`). Its layers' outputs are the notes'
steps 1.1-1.4 (`z^2`, `a^2`, `z^3`, `a^3`); every gradient of step 2 comes
from the backend's automatic differentiation (`tf.GradientTape`,
`jax.value_and_grad` or `torch.autograd`, whichever `KERAS_BACKEND` selects),
`dJ/dz^3` and `dJ/dz^2` by differentiating the rest of the network from that
layer on. Each value is printed beside the notes' number; "ok" means the
Keras value, rounded as the notes print it, is the notes' number. Where it is
not, the notes computed from an already rounded value (for example `J` from
`yhat = 0.739`) or truncated, and the value differs in the last printed digit
only. The notes give `dJ/dW^1` for the `x_1` column only (two of its four
entries).

Then one step of gradient descent, `theta = theta - eta * dJ/dtheta`, by
`keras.optimizers.SGD(eta)` (the notes give no learning rate for this
example; `eta` defaults to 0.1), printed beside the same update done by hand,
with the cost before and after.

Run:  python examples/backprop_221.py [--learning-rate 0.1]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

X = np.array([[0.5, 0.8]], dtype="float32")
Y = np.array([[1.0]], dtype="float32")
W1 = np.array([[0.2, 0.4], [0.3, 0.7]], dtype="float32")
B1 = np.array([0.1, 0.2], dtype="float32")
W2 = np.array([[0.5, 0.6]], dtype="float32")
B2 = np.array([0.3], dtype="float32")

# The notes' numbers (002, steps 1.1 to 2.4), as printed there: name ->
# (value or values, decimals printed).
NOTES = {
    "z2": ((0.52, 0.91), 2),
    "a2": ((0.627, 0.713), 3),
    "z3": (1.0413, 4),
    "yhat": (0.739, 3),
    "J": (0.03406, 5),
    "sigmoid'(z3)": (0.1929, 4),
    "dJ/dz3": (-0.0503, 4),
    "dJ/dW2": ((-0.03155, -0.03587), 5),
    "dJ/db2": (-0.0503, 4),
    "W2^T dJ/dz3": ((-0.02515, -0.03018), 5),
    "sigmoid'(z2)": ((0.2339, 0.2047), 4),
    "dJ/dz2": ((-0.00588, -0.00617), 5),
    "dJ/dW1[:, 0]": ((-0.00294, -0.00308), 5),
    "dJ/db1": ((-0.00588, -0.00617), 5),
}


def build_model():
    """The 2-2-1 network with the notes' weights."""
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(2, name="hidden"),  # z^2 = W1 x + b1
            keras.layers.Activation("sigmoid", name="hidden_sigmoid"),  # a^2
            keras.layers.Dense(1, name="output"),  # z^3 = W2 a^2 + b2
            keras.layers.Activation("sigmoid", name="output_sigmoid"),  # yhat
        ]
    )
    model.set_weights([W1.T, B1, W2.T, B2])
    return model


def cost(y, yhat):
    """The notes' cost, J = 1/2 (y - yhat)^2 (summed over the one sample)."""
    return 0.5 * keras.ops.sum(keras.ops.square(keras.ops.subtract(y, yhat)))


def value_and_grad(fn, args):
    """`fn(args)` and its gradient with respect to `args` (a list of arrays),
    by the current backend's autodiff: Keras 3 has no backend-neutral
    gradient function, and these are the three its `train_step`s use."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        args = [tf.convert_to_tensor(a) for a in args]
        with tf.GradientTape() as tape:
            tape.watch(args)
            value = fn(args)
        return value, tape.gradient(value, args)
    if backend == "jax":
        import jax

        return jax.value_and_grad(fn)([jax.numpy.asarray(a) for a in args])
    if backend == "torch":
        import torch

        args = [
            keras.ops.convert_to_tensor(a).detach().clone().requires_grad_(True)
            for a in args
        ]
        value = fn(args)
        return value.detach(), list(torch.autograd.grad(value, args))
    raise NotImplementedError(f"no autodiff for backend {backend!r}")


def numpy(value):
    return np.asarray(keras.ops.convert_to_numpy(value), dtype="float64")


def run_layers(layers, x):
    for layer in layers:
        x = layer(x)
    return x


def forward_and_backward(model):
    """Every number of the notes' steps 1 and 2, from Keras: a dict of
    NumPy float64 arrays (vectors as 1-D arrays, scalars as floats)."""
    layers = model.layers
    z2 = layers[0](X)
    a2 = layers[1](z2)
    z3 = layers[2](a2)
    yhat = layers[3](z3)
    trainable = [v.value for v in model.trainable_variables]

    def cost_of_weights(weights):
        y_pred, _ = model.stateless_call(weights, [], X)
        return cost(Y, y_pred)

    def cost_from(start):  # J as a function of layer `start`'s input
        return lambda args: cost(Y, run_layers(layers[start:], args[0]))

    j, (d_kernel1, d_b1, d_kernel2, d_b2) = value_and_grad(cost_of_weights, trainable)
    _, (d_z3,) = value_and_grad(cost_from(3), [numpy(z3).astype("float32")])
    _, (d_z2,) = value_and_grad(cost_from(1), [numpy(z2).astype("float32")])
    a2_, a3_ = numpy(a2)[0], float(numpy(yhat)[0, 0])
    return {
        "z2": numpy(z2)[0],
        "a2": a2_,
        "z3": float(numpy(z3)[0, 0]),
        "yhat": a3_,
        "J": float(numpy(j)),
        "sigmoid'(z3)": a3_ * (1.0 - a3_),
        "dJ/dz3": float(numpy(d_z3)[0, 0]),
        "dJ/dW2": numpy(d_kernel2).T[0],
        "dJ/db2": float(numpy(d_b2)[0]),
        "W2^T dJ/dz3": W2[0].astype("float64") * float(numpy(d_z3)[0, 0]),
        "sigmoid'(z2)": a2_ * (1.0 - a2_),
        "dJ/dz2": numpy(d_z2)[0],
        "dJ/dW1": numpy(d_kernel1).T,  # back to the notes' layout
        "dJ/dW1[:, 0]": numpy(d_kernel1).T[:, 0],
        "dJ/db1": numpy(d_b1),
    }


def agrees(value, notes, decimals):
    """Whether `value` rounded to `decimals` is the notes' number."""
    return bool(np.all(np.round(value, decimals) == np.round(notes, decimals)))


def sgd_step(model, learning_rate):
    """One `keras.optimizers.SGD(learning_rate)` step on J; returns the
    weights before and after (notes' layout) and J after."""
    before = [numpy(v) for v in model.trainable_variables]
    trainable = [v.value for v in model.trainable_variables]

    def cost_of_weights(weights):
        y_pred, _ = model.stateless_call(weights, [], X)
        return cost(Y, y_pred)

    _, grads = value_and_grad(cost_of_weights, trainable)
    optimizer = keras.optimizers.SGD(learning_rate)
    optimizer.apply(grads, model.trainable_variables)
    after = [numpy(v) for v in model.trainable_variables]
    by_hand = [w - learning_rate * numpy(g) for w, g in zip(before, grads)]
    j_after = float(numpy(cost(Y, model(X))))
    return before, after, by_hand, j_after


def fmt(value, decimals):
    values = np.atleast_1d(value)
    text = ", ".join(f"{v:.{decimals}f}" for v in values)
    return f"({text})" if values.size > 1 else text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learning-rate", type=float, default=0.1)
    args = parser.parse_args(argv)

    model = build_model()
    values = forward_and_backward(model)
    print(f"backend: {keras.backend.backend()}")
    print(f"{'quantity':<14} {'Keras':>26} {'notes 002':>22}")
    for name, (notes, decimals) in NOTES.items():
        mark = "ok" if agrees(values[name], notes, decimals) else "last digit differs"
        print(
            f"{name:<14} {fmt(values[name], decimals + 2):>26} "
            f"{fmt(notes, decimals):>22}  {mark}"
        )
    print("dJ/dW1 (all four entries; the notes give the first column):")
    print(np.array2string(values["dJ/dW1"], precision=6, floatmode="fixed"))

    eta = args.learning_rate
    before, after, by_hand, j_after = sgd_step(model, eta)
    print(f"\none step of keras.optimizers.SGD({eta}) beside theta - eta * dJ/dtheta:")
    names = ["W1", "b1", "W2", "b2"]
    for name, w0, w1, manual in zip(names, before, after, by_hand):
        layout = (lambda w: w.T) if name.startswith("W") else (lambda w: w)
        print(
            f"{name}: {fmt(layout(w0).ravel(), 5)} -> {fmt(layout(w1).ravel(), 6)}"
            f"  (by hand {fmt(layout(manual).ravel(), 6)})"
        )
    print(f"J: {values['J']:.6f} -> {j_after:.6f}")
    return values, after, by_hand, j_after


if __name__ == "__main__":
    main()
