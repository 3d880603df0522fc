"""Train-step speed of the layers against their plain-Keras equivalents.

- Maxout(units, pieces) against Dense(units * pieces) -> Reshape((units,
  pieces)) -> max over the last axis (how Keras 3 users rebuild maxout).
- Swish (trainable and fixed beta) against Activation(keras.activations.swish),
  which has no beta.

Each pair of models (same shapes, same seed) is compiled with
`jit_compile=True`; a train step (forward, backward and an SGD update) is
timed alternately in this one process (ours, reference, reference, ours, ...;
see bench/_timing.py), and the script prints the median of the per-round
ratios ours/reference. Goal: every ratio <= 1.05.

Run:  python bench/layers.py [--rounds 11] [--steps 5]
Backend: KERAS_BACKEND (tensorflow by default).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import _timing  # noqa: E402  bench/_timing.py: sys.path[0] is bench/
import keras  # noqa: E402
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


def main():
    args, x, y = _timing.train_step_setup(
        __doc__, rounds=11, steps=5, features=FEATURES
    )
    print(
        f"{'layer':<24}{'params':>10}{'ours ms':>10}{'ref ms':>10}{'median ratio':>14}"
    )
    for name, (ours, reference) in PAIRS.items():
        models = [
            _timing.compile_and_warm(make(), keras.optimizers.SGD(1e-3), x, y)
            for make in (ours, reference)
        ]
        ours_ms, ref_ms, ratio = _timing.compare_steps(
            *models, x, y, args.rounds, args.steps
        )
        print(
            f"{name:<24}{models[0].count_params():>10}"
            f"{ours_ms:>10.2f}{ref_ms:>10.2f}{ratio:>14.3f}"
        )


if __name__ == "__main__":
    main()
