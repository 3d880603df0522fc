"""Per-trial overhead of search() against training the same model directly.

One configuration (all of HyperMLP's choices fixed) is trained `--trials`
times through `kerasnotes.tuning.search` (grid search over a dummy `repeat`
choice that training ignores, so every trial is the same configuration; the
number of trials run is checked) and `--trials` times by building the model
with the same
hyperparameters and calling `model.fit` with the same data, epochs, batch size
and callbacks. The two are run alternately in this one process; the script
prints the median wall time per trial and the overhead ratio.
Goal: overhead <= 10% (ratio <= 1.10).

Run:  python bench/tuning.py [--trials 5] [--epochs 10] [--rounds 3]
"""

import argparse
import statistics
import tempfile
import time

import keras
import keras_tuner
import numpy as np

from kerasnotes.tuning import HyperMLP
from kerasnotes.tuning import search

FIXED = dict(
    depth=2,
    units=64,
    activation="relu",
    dropout=0.1,
    regularizer="l2",
    regularization_strength=1e-4,
    optimizer="adamw",
    learning_rate=1e-3,
    schedule="cosine",
    batch_size=32,
)


def data(n=2000, features=30, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    y = (x[:, :3].sum(axis=1) + 0.5 * rng.normal(size=n) > 0).astype("float32")
    return (
        x[: n * 4 // 5],
        y[: n * 4 // 5, None],
        x[n * 4 // 5 :],
        y[n * 4 // 5 :, None],
    )


class Repeated(HyperMLP):
    """HyperMLP with every choice fixed plus a `repeat` index it ignores."""

    repeats = 1

    def _declare(self, hp):
        values = super()._declare(hp)
        hp.Choice("repeat", list(range(self.repeats)))
        return values


def direct(x, y, x_val, y_val, epochs, trials):
    hypermodel = HyperMLP(
        "binary",
        input_dim=x.shape[1],
        train_size=len(x),
        epochs=epochs,
        patience=epochs,
        **FIXED,
    )
    start = time.perf_counter()
    for _ in range(trials):
        hp = keras_tuner.HyperParameters()
        model = hypermodel.build(hp)
        hypermodel.fit(
            hp, model, x, y, validation_data=(x_val, y_val), epochs=epochs, verbose=0
        )
    return (time.perf_counter() - start) / trials


def searched(x, y, x_val, y_val, epochs, trials):
    with tempfile.TemporaryDirectory() as directory:
        hypermodel = Repeated("binary", epochs=epochs, patience=epochs, **FIXED)
        hypermodel.repeats = trials
        start = time.perf_counter()
        result = search(
            x,
            y,
            validation_data=(x_val, y_val),
            tuner="grid",
            max_trials=trials,
            hypermodel=hypermodel,
            directory=directory,
            epochs=epochs,
            verbose=0,
        )
        elapsed = time.perf_counter() - start
        ran = int((result.trials["status"] == "COMPLETED").sum())
        if ran != trials:
            raise RuntimeError(f"search ran {ran} trials, not {trials}")
        return elapsed / trials


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    x, y, x_val, y_val = data()
    print(
        f"backend {keras.backend.backend()}; {len(x)} train rows, "
        f"{args.epochs} epochs, {args.trials} trials x {args.rounds} rounds"
    )
    direct(x, y, x_val, y_val, 1, 1)  # warm up both paths
    searched(x, y, x_val, y_val, 1, 1)
    ours, ref, ratios = [], [], []
    for _ in range(args.rounds):
        s = searched(x, y, x_val, y_val, args.epochs, args.trials)
        d = direct(x, y, x_val, y_val, args.epochs, args.trials)
        ours.append(s), ref.append(d), ratios.append(s / d)
    print(f"{'search() s/trial':>18}{'model.fit s/trial':>19}{'median ratio':>14}")
    print(
        f"{statistics.median(ours):>18.3f}{statistics.median(ref):>19.3f}"
        f"{statistics.median(ratios):>14.3f}"
    )


if __name__ == "__main__":
    main()
