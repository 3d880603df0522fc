"""Timing helpers shared by the benchmark scripts in bench/.

Not a package: each script runs as `python bench/NAME.py`, which puts bench/
first on sys.path, so `import _timing` finds this file.

Keras is imported inside the helpers that need it, so that a script timing
plain NumPy code (bench/smote.py) does not load a backend.
"""

import argparse
import statistics
import time


def mlp(inputs=512, width=1536, outputs=10):
    """The optimizer and SAM benches' MLP: 512 -> 1536 -> 1536 -> 512 -> 10,
    about 3.94M parameters."""
    import keras

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


def train_step_setup(doc, rounds, steps, features, note=""):
    """Command line and data of a train-step benchmark.

    Parses `--rounds`, `--steps` (defaults as given) and `--batch` (256),
    draws one fixed batch: float32 `x` of shape (batch, features) and labels
    `y` in 0..9, prints the header line (backend, versions, settings, then
    `note` if given), and returns `(args, x, y)`.
    """
    import keras
    import numpy as np

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=rounds)
    parser.add_argument("--steps", type=int, default=steps)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.batch, features)).astype("float32")
    y = rng.integers(0, 10, size=(args.batch,))
    print(
        f"backend {keras.backend.backend()}, keras {keras.__version__}, "
        f"batch {args.batch}, {args.rounds} rounds x {args.steps} steps"
        + (f", {note}" if note else "")
    )
    return args, x, y


def compile_and_warm(model, optimizer, x, y, warmup=3):
    """Compile `model` with `jit_compile=True` for 10-way classification from
    logits, run `warmup` train steps (tracing, compilation), and return it."""
    import keras

    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=True,
    )
    for _ in range(warmup):
        model.train_on_batch(x, y)
    return model


def timed_steps(model, x, y, steps):
    """Seconds taken by `steps` calls of `model.train_on_batch(x, y)`."""
    import keras

    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(x, y)
    # Force completion of asynchronous work before stopping the clock.
    keras.ops.convert_to_numpy(model.trainable_variables[0])
    return time.perf_counter() - start


def alternate(run_a, run_b, rounds):
    """Time `run_a` and `run_b` alternately in this one process.

    Each takes the round index and returns the seconds it measured. Even
    rounds run a then b, odd rounds b then a (a, b, b, a, a, b, ...), so that
    neither side always runs first. Returns the per-round seconds of a and of
    b and the median of the per-round ratios a/b.
    """
    times_a, times_b, ratios = [], [], []
    for round_ in range(rounds):
        if round_ % 2 == 0:
            a = run_a(round_)
            b = run_b(round_)
        else:
            b = run_b(round_)
            a = run_a(round_)
        times_a.append(a)
        times_b.append(b)
        ratios.append(a / b)
    return times_a, times_b, statistics.median(ratios)


def median_ms(seconds, per=1):
    """Median of `seconds`, divided by `per` (e.g. steps), in milliseconds."""
    return statistics.median(seconds) / per * 1e3


def compare_steps(model_a, model_b, x, y, rounds, steps):
    """Train steps of two compiled models, timed with `alternate`: the median
    ms per step of each, and the median per-round ratio a/b."""
    times_a, times_b, ratio = alternate(
        lambda _: timed_steps(model_a, x, y, steps),
        lambda _: timed_steps(model_b, x, y, steps),
        rounds,
    )
    return median_ms(times_a, steps), median_ms(times_b, steps), ratio
