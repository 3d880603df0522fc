"""Self-normalization: SELU keeps a deep MLP's activations at mean 0, variance 1.

Klambauer et al. (2017) show that with weights of variance 1/fan_in (LeCun
normal) the map from one layer's (mean, variance) to the next has a stable
fixed point at (0, 1) for SELU. This script pushes standardized Gaussian
inputs through 32 `Dense -> activation` layers with
`kerasnotes.initializers.LecunNormal` weights and prints the mean and variance
of the activations after selected layers: SELU stays near (0, 1), ReLU loses
about half of its second moment at every layer (LeCun-normal weights are
scaled for units that pass their whole input; ReLU passes half), and tanh
shrinks slowly toward 0.

Notes: 003 "SELU (Scaled ELU)", "Weight Initialization".

Run:  python examples/selu_self_normalizing.py [--depth 32] [--width 256]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kerasnotes  # noqa: E402

ACTIVATIONS = {
    "selu": kerasnotes.layers.SELU,
    "relu": lambda: keras.layers.Activation(kerasnotes.activations.relu),
    "tanh": lambda: keras.layers.Activation(kerasnotes.activations.tanh),
}


def layer_statistics(activation, depth=32, width=256, batch=512, seed=0):
    """Mean and variance of the activations after each of `depth` layers.

    Args:
        activation: `"selu"`, `"relu"` or `"tanh"`.
        depth: Number of `Dense -> activation` layers.
        width: Units per layer (also the input width).
        batch: Number of input rows, drawn from N(0, 1).
        seed: Seed of the inputs and of every layer's `LecunNormal` weights.

    Returns:
        A list of `depth` pairs `(mean, variance)` over all rows and units.
    """
    inputs = keras.Input((width,))
    h, outputs = inputs, []
    for i in range(depth):
        h = keras.layers.Dense(
            width,
            kernel_initializer=kerasnotes.initializers.LecunNormal(seed + i),
        )(h)
        h = ACTIVATIONS[activation]()(h)
        outputs.append(h)
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(seed).normal(size=(batch, width)).astype("float32")
    values = model(x)
    stats = []
    for value in values:
        v = keras.ops.convert_to_numpy(value).astype(np.float64)
        stats.append((float(v.mean()), float(v.var())))
    return stats


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=32)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    table = {
        name: layer_statistics(name, args.depth, args.width, args.batch, args.seed)
        for name in ACTIVATIONS
    }
    header = "".join(f"{name + ' mean':>12}{name + ' var':>12}" for name in table)
    print(f"{'layer':>6}{header}")
    shown = sorted({1, 2, 4, 8, 16, 24, args.depth} & set(range(1, args.depth + 1)))
    for depth in shown:
        row = "".join(
            f"{stats[depth - 1][0]:>12.4f}{stats[depth - 1][1]:>12.3g}"
            for stats in table.values()
        )
        print(f"{depth:>6}{row}")


if __name__ == "__main__":
    main()
