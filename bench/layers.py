"""Train-step speed of the layers against their plain-Keras equivalents.

- Maxout(units, pieces) against Dense(units * pieces) -> Reshape((units,
  pieces)) -> max over the last axis (how Keras 3 users rebuild maxout).
- Swish (trainable and fixed beta) against Activation(keras.activations.swish),
  which has no beta.

Each pair of models (same shapes, same seed) is compiled with
`jit_compile=True`; a train step (forward, backward and an SGD update) is
timed alternately in this one process (ours, reference, ours, ...), and the
script prints the median of the per-round ratios ours/reference. Goal: every
ratio <= 1.05.

Run:  python bench/layers.py [--rounds 11] [--steps 5]
Backend: KERAS_BACKEND (tensorflow by default).
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

from kerasnotes.layers import Maxout  # noqa: E402
from kerasnotes.layers import Swish  # noqa: E402

FEATURES, UNITS, PIECES, WIDTH = 512, 512, 4, 1024


def maxout_model():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((FEATURES,))
    h = Maxout(UNITS, pieces=PIECES)(inputs)
    h = Maxout(UNITS, pieces=PIECES)(h)
    return keras.Model(inputs, keras.layers.Dense(10)(h))


def maxout_reference():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((FEATURES,))
    h = inputs
    for _ in range(2):
        h = keras.layers.Dense(UNITS * PIECES)(h)
        h = keras.layers.Reshape((UNITS, PIECES))(h)
        h = ops.max(h, axis=-1)
    return keras.Model(inputs, keras.layers.Dense(10)(h))


def swish_model(make_activation):
    def build():
        keras.utils.set_random_seed(0)
        layers = [keras.Input((FEATURES,))]
        for _ in range(3):
            layers += [keras.layers.Dense(WIDTH), make_activation()]
        layers.append(keras.layers.Dense(10))
        return keras.Sequential(layers)

    return build


PAIRS = {
    "Maxout": (maxout_model, maxout_reference),
    "Swish (trainable beta)": (
        swish_model(lambda: Swish()),
        swish_model(lambda: keras.layers.Activation(keras.activations.swish)),
    ),
    "Swish (fixed beta)": (
        swish_model(lambda: Swish(trainable_beta=False)),
        swish_model(lambda: keras.layers.Activation(keras.activations.swish)),
    ),
}


def timed_steps(model, x, y, steps):
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(x, y)
    # Force completion of asynchronous work before stopping the clock.
    keras.ops.convert_to_numpy(model.trainable_variables[0])
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.batch, FEATURES)).astype("float32")
    y = rng.integers(0, 10, size=(args.batch,))
    print(
        f"backend {keras.backend.backend()}, keras {keras.__version__}, "
        f"batch {args.batch}, {args.rounds} rounds x {args.steps} steps"
    )
    print(
        f"{'layer':<24}{'params':>10}{'ours ms':>10}{'ref ms':>10}"
        f"{'median ratio':>14}"
    )
    for name, (ours, reference) in PAIRS.items():
        models = []
        for make in (ours, reference):
            model = make()
            model.compile(
                optimizer=keras.optimizers.SGD(1e-3),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                jit_compile=True,
            )
            for _ in range(3):  # compile and warm up
                model.train_on_batch(x, y)
            models.append(model)
        ratios, times = [], ([], [])
        for round_ in range(args.rounds):
            order = (0, 1) if round_ % 2 == 0 else (1, 0)
            elapsed = [0.0, 0.0]
            for i in order:
                elapsed[i] = timed_steps(models[i], x, y, args.steps)
            ratios.append(elapsed[0] / elapsed[1])
            times[0].append(elapsed[0] / args.steps * 1e3)
            times[1].append(elapsed[1] / args.steps * 1e3)
        print(
            f"{name:<24}{models[0].count_params():>10}"
            f"{statistics.median(times[0]):>10.2f}"
            f"{statistics.median(times[1]):>10.2f}"
            f"{statistics.median(ratios):>14.3f}"
        )


if __name__ == "__main__":
    main()
