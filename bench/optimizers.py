"""Train-step speed of each optimizer against its Keras reference.

For each pair, two identical ~4M-parameter MLPs (batch 256) are compiled with
`jit_compile=True`; their train steps are timed alternately in this one
process (ours, reference, ours, ...), and the script prints the median of the
per-round ratios ours/reference. Goal: every ratio <= 1.05.

Run:  python bench/optimizers.py [--rounds 15] [--steps 10]
Backend: KERAS_BACKEND (tensorflow by default).
"""

import argparse
import statistics
import time

import keras
import numpy as np

from kerasnotes import optimizers

PAIRS = {
    "NAG": (
        lambda: optimizers.NAG(0.01, momentum=0.9),
        lambda: keras.optimizers.SGD(0.01, momentum=0.9, nesterov=True),
    ),
    "AdamW": (
        lambda: optimizers.AdamW(1e-3, weight_decay=0.004),
        lambda: keras.optimizers.AdamW(1e-3, weight_decay=0.004),
    ),
    "AMSGrad": (
        lambda: optimizers.AMSGrad(1e-3),
        lambda: keras.optimizers.Adam(1e-3, amsgrad=True),
    ),
}


def mlp(inputs=512, width=1536, outputs=10):
    """512 -> 1536 -> 1536 -> 512 -> 10: about 3.94M parameters."""
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((inputs,)),
            keras.layers.Dense(width, activation="relu"),
            keras.layers.Dense(width, activation="relu"),
            keras.layers.Dense(inputs, activation="relu"),
            keras.layers.Dense(outputs),
        ]
    )


def timed_steps(model, x, y, steps):
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(x, y)
    # Force completion of asynchronous work before stopping the clock.
    keras.ops.convert_to_numpy(model.trainable_variables[0])
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.batch, 512)).astype("float32")
    y = rng.integers(0, 10, size=(args.batch,))
    print(
        f"backend {keras.backend.backend()}, keras {keras.__version__}, "
        f"batch {args.batch}, {args.rounds} rounds x {args.steps} steps"
    )
    print(f"{'optimizer':<10}{'params':>10}{'ours ms':>10}{'ref ms':>10}"
          f"{'median ratio':>14}")
    for name, (ours, reference) in PAIRS.items():
        models = []
        for make in (ours, reference):
            model = mlp()
            model.compile(
                optimizer=make(),
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
            f"{name:<10}{models[0].count_params():>10}"
            f"{statistics.median(times[0]):>10.2f}"
            f"{statistics.median(times[1]):>10.2f}"
            f"{statistics.median(ratios):>14.3f}"
        )


if __name__ == "__main__":
    main()
