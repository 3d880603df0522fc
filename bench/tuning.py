"""Per-trial overhead of search() against training the same model directly.

One configuration (all of HyperMLP's choices fixed) is trained `--trials`
times through `kerasnotes.tuning.search` with each tuner, and as many times by
building the model with the same hyperparameters and calling `model.fit`
with the same data, batch size, callbacks and number of epochs. Every trial
is the same configuration: the space holds only a dummy `repeat` index that
training ignores (a grid over `--trials` values; for the other tuners a range
wide enough that random draws do not repeat); the number of trials run is
checked.

The reference trains each trial's model for the epochs that trial trained
(read from its recorded history). For Bayesian, random and grid search that
is `--epochs`. Hyperband's trials are of different lengths: its first bracket
trains many configurations for a few epochs (2 of 10 or of 30, with factor 3)
and then continues the best from their checkpoints; the reference fits a
fresh model for each trial's own epoch count, so its ratio is the fixed cost
per trial (build, checkpoint, reload) against fits as short as the trials'.
With 5 trials, all of Hyperband's trials are 2-epoch ones (the worst case);
`--trials 13` at 10 epochs runs its whole first bracket (9 trials of 2
epochs, 3 continued for 2 more, 1 continued for 6 more).

Both are run alternately in this one process, each round searching first;
the script prints, per tuner and epoch count, the medians over rounds of the
wall time per trial and of the ratio. Goal: ratio <= 1.10 at 10 epochs.

Run:  python bench/tuning.py [--trials 5] [--epochs 10 30] [--rounds 3]
          [--tuners random bayesian grid hyperband]
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
TUNERS = ("random", "bayesian", "grid", "hyperband")


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
        hp.Int("repeat", 0, self.repeats - 1)
        return values


def direct(x, y, x_val, y_val, epochs, trial_epochs):
    """Seconds per trial of building and fitting for each of `trial_epochs`."""
    hypermodel = HyperMLP(
        "binary",
        input_dim=x.shape[1],
        train_size=len(x),
        epochs=epochs,
        patience=epochs,
        **FIXED,
    )
    start = time.perf_counter()
    for trained in trial_epochs:
        hp = keras_tuner.HyperParameters()
        model = hypermodel.build(hp)
        hypermodel.fit(
            hp, model, x, y, validation_data=(x_val, y_val), epochs=trained, verbose=0
        )
    return (time.perf_counter() - start) / len(trial_epochs)


def searched(x, y, x_val, y_val, epochs, trials, tuner):
    """Seconds per trial of `search()`, and the epochs each trial trained."""
    with tempfile.TemporaryDirectory() as directory:
        hypermodel = Repeated("binary", epochs=epochs, patience=epochs, **FIXED)
        hypermodel.repeats = trials if tuner == "grid" else 10**6
        start = time.perf_counter()
        result = search(
            x,
            y,
            validation_data=(x_val, y_val),
            tuner=tuner,
            max_trials=trials,
            hypermodel=hypermodel,
            directory=directory,
            epochs=epochs,
            verbose=0,
        )
        elapsed = time.perf_counter() - start
        ran = int((result.trials["status"] == "COMPLETED").sum())
        if ran != trials:
            raise RuntimeError(f"{tuner} search ran {ran} trials, not {trials}")
        trial_epochs = [
            len(result.history(trial_id)["loss"])
            for trial_id in result.trials["trial_id"]
        ]
        return elapsed / trials, trial_epochs


def compare(x, y, x_val, y_val, tuner, epochs, trials, rounds):
    """Medians over rounds: search() and model.fit s/trial, their ratio."""
    ours, ref, ratios = [], [], []
    for _ in range(rounds):
        s, trial_epochs = searched(x, y, x_val, y_val, epochs, trials, tuner)
        d = direct(x, y, x_val, y_val, epochs, trial_epochs)
        ours.append(s), ref.append(d), ratios.append(s / d)
    return {
        "epochs per trial": statistics.fmean(trial_epochs),
        "search": statistics.median(ours),
        "fit": statistics.median(ref),
        "ratio": statistics.median(ratios),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--epochs", type=int, nargs="+", default=[10, 30])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tuners", nargs="+", choices=TUNERS, default=TUNERS)
    args = parser.parse_args()
    x, y, x_val, y_val = data()
    print(
        f"backend {keras.backend.backend()}; {len(x)} train rows, "
        f"{args.trials} trials x {args.rounds} rounds"
    )
    direct(x, y, x_val, y_val, 1, [1])  # warm up both paths and every tuner
    for tuner in args.tuners:
        searched(x, y, x_val, y_val, 1, 1, tuner)
    print(
        f"{'tuner':<10}{'epochs':>7}{'per trial':>10}{'search() s/trial':>18}"
        f"{'model.fit s/trial':>19}{'median ratio':>14}"
    )
    for epochs in args.epochs:
        for tuner in args.tuners:
            row = compare(x, y, x_val, y_val, tuner, epochs, args.trials, args.rounds)
            print(
                f"{tuner:<10}{epochs:>7}{row['epochs per trial']:>10.1f}"
                f"{row['search']:>18.3f}{row['fit']:>19.3f}{row['ratio']:>14.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
