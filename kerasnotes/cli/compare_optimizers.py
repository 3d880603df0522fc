"""`kerasnotes compare-optimizers`: this package's optimizers, side by side,
on scikit-learn's 8x8 digits over several seeds.

Every optimizer trains the same small MLP from the same initial weights
(one set per seed) for the same number of epochs, at its own default
learning rate; the seeds change the initial weights and the batch order.
Each figure is the mean and the standard deviation over the seeds, so a
difference smaller than the spread is not one. Ten classes and a budget of
a few epochs separate the optimizers (NAG against the Adam family, RAdam's
rectified first steps, Lookahead's slower slow weights); on an easy binary
table they all reach the same test accuracy, which shows nothing.
"""

import time

from kerasnotes.cli import check_positive

METRICS = ("train_loss", "test_loss", "test_accuracy")


def add_arguments(parser, name):
    parser.add_argument("--epochs", type=int, default=15, help="epochs per model (15)")
    parser.add_argument("--seeds", type=int, default=3, help="models per optimizer (3)")
    parser.add_argument("--seed", type=int, default=0, help="first seed (0)")


def run(args):
    check_positive(args, "epochs", "seeds")
    compare_optimizers(epochs=args.epochs, seeds=args.seeds, seed=args.seed)
    return 0


def _optimizers():
    """Name -> a new optimizer at its documented defaults."""
    from kerasnotes import optimizers

    return {
        "NAG": lambda: optimizers.NAG(learning_rate=0.01, momentum=0.9),
        "AdamW": lambda: optimizers.AdamW(learning_rate=1e-3, weight_decay=0.004),
        "AMSGrad": lambda: optimizers.AMSGrad(learning_rate=1e-3),
        "RAdam": lambda: optimizers.RAdam(learning_rate=1e-3),
        "Lookahead(RAdam)": lambda: optimizers.Lookahead(
            optimizers.RAdam(learning_rate=1e-3)
        ),
    }


def load_digits(seed=0):
    """The digits as the data package encodes and splits a table: the
    training and validation parts (80%) to train on, the test part (20%),
    standardized by the training rows."""
    import numpy as np
    from sklearn import datasets

    from kerasnotes.data import _inputs
    from kerasnotes.data import _tabular

    digits = datasets.load_digits()
    y, labels = _inputs.encode_targets(digits.target, "multiclass", name="digit")
    table = _tabular.Table(
        x=digits.data.astype("float32"),
        y=y,
        task="multiclass",
        columns=[f"pixel_{i}" for i in range(digits.data.shape[1])],
        classes=labels.classes,
        target="digit",
        source="scikit-learn digits (bundled)",
    )
    train, val, test = _tabular.split_table(table, seed)
    train = tuple(np.concatenate(parts) for parts in zip(train, val))
    scaler = _tabular.fit_standardizer(train[0])
    scale = _tabular.standardize
    return (scale(scaler, train[0]), train[1]), (scale(scaler, test[0]), test[1])


def compare_optimizers(epochs=15, seeds=3, seed=0, print_fn=print):
    """Trains one small MLP per optimizer and seed; prints the table.

    Returns a dict optimizer name -> metric name (`METRICS`) -> the list of
    its values, one per seed (seeds `seed` .. `seed + seeds - 1`).
    """
    import keras
    import numpy as np

    train, test = load_digits()
    print_fn(
        f"scikit-learn digits: {len(train[0])} train / {len(test[0])} test rows, "
        f"{train[0].shape[1]} features, 10 classes; {epochs} epochs, batch 32, "
        f"{seeds} seeds (the same initial weights for every optimizer); "
        f"Keras backend {keras.backend.backend()}"
    )
    print_fn("mean ± standard deviation over the seeds")
    header = f"{'optimizer':<18}" + "".join(f"{m:>20}" for m in METRICS)
    print_fn(header + f"{'time':>8}")
    results = {}
    for name, make in _optimizers().items():
        start = time.perf_counter()
        runs = [
            _train_and_score(make(), train, test, epochs, s)
            for s in range(seed, seed + seeds)
        ]
        elapsed = time.perf_counter() - start
        results[name] = {m: [run[m] for run in runs] for m in METRICS}
        cells = "".join(
            f"{np.mean(v):>11.4f} ± {np.std(v):.4f}" for v in results[name].values()
        )
        print_fn(f"{name:<18}{cells}{elapsed:>7.1f}s")
    return results


def _train_and_score(optimizer, train, test, epochs, seed):
    from kerasnotes.cli._models import small_mlp

    model, loss = small_mlp(train[0].shape[1], "multiclass", 10, seed=seed)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    history = model.fit(*train, batch_size=32, epochs=epochs, verbose=0)
    test_loss, accuracy = model.evaluate(*test, verbose=0)
    return {
        "train_loss": float(history.history["loss"][-1]),
        "test_loss": float(test_loss),
        "test_accuracy": float(accuracy),
    }
