"""Overhead of scikeras's KerasClassifier against the same Keras model trained directly.

Two comparisons, run alternately in this one process, `--rounds` times each:

- fit: `KerasClassifier(...).fit(x, y)` then `predict_proba(x)`, against
  building the same model (2 x 64 Swish, AdamW, binary cross-entropy), then
  `compile`, `fit` and `predict` with the same data, epochs and batch size.
- cv: `cross_val_score` of `imblearn.pipeline.Pipeline([SMOTE, KerasClassifier])`
  over 3 stratified folds, against a loop over the same folds doing
  `SMOTE.fit_resample` on the training part, the direct build/compile/fit, then
  `predict` and `balanced_accuracy_score` on the held-out part.

It prints the versions, whether `import scikeras.wrappers` loaded TensorFlow,
and for each comparison the median wall time of each side, the median of the
per-round wall-time ratios, and the same ratio of this process's CPU time
(`time.process_time`, all threads), which other processes on a shared machine
disturb less than the wall time.
The script is named `sklearn_interop.py`, not `sklearn.py`: `python bench/X.py`
puts bench/ first on sys.path, and a `bench/sklearn.py` would shadow scikit-learn.

Run:  python bench/sklearn_interop.py [--epochs 10] [--rounds 3]
"""

import argparse
import statistics
import sys
import time

import keras
import numpy as np


def data(n=1600, features=30, seed=0):
    """A seeded imbalanced binary table: about 20% positives."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    score = x[:, :3].sum(axis=1) + 0.5 * rng.normal(size=n)
    y = (score > np.quantile(score, 0.8)).astype(int)
    return x, y


def build(units=64, meta=None, n_features=None):
    from kerasnotes.layers import Swish

    n_features = meta["n_features_in_"] if meta else n_features
    return keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(units),
            Swish(),
            keras.layers.Dense(units),
            Swish(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )


def wrapped(epochs):
    import scikeras.wrappers

    from kerasnotes.optimizers import AdamW

    return scikeras.wrappers.KerasClassifier(
        build,
        units=64,
        optimizer=AdamW,
        optimizer__learning_rate=1e-3,
        loss="binary_crossentropy",
        epochs=epochs,
        batch_size=32,
        verbose=0,
        random_state=0,
    )


def direct_fit(x, y, epochs):
    from kerasnotes.optimizers import AdamW

    keras.utils.set_random_seed(0)
    model = build(n_features=x.shape[1])
    model.compile(optimizer=AdamW(learning_rate=1e-3), loss="binary_crossentropy")
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
    return model


def clock():
    return time.perf_counter(), time.process_time()


def since(start):
    """(wall seconds, CPU seconds of this process) since `start = clock()`."""
    wall, cpu = clock()
    return wall - start[0], cpu - start[1]


def fit_direct(x, y, epochs):
    start = clock()
    direct_fit(x, y, epochs).predict(x, verbose=0)
    return since(start)


def fit_wrapped(x, y, epochs):
    start = clock()
    wrapped(epochs).fit(x, y).predict_proba(x)
    return since(start)


def folds():
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(3, shuffle=True, random_state=0)


def cv_direct(x, y, epochs):
    from imblearn.over_sampling import SMOTE
    from sklearn.metrics import balanced_accuracy_score

    start = clock()
    for train, test in folds().split(x, y):
        x_res, y_res = SMOTE(random_state=0).fit_resample(x[train], y[train])
        model = direct_fit(x_res, y_res, epochs)
        predicted = (model.predict(x[test], verbose=0)[:, 0] > 0.5).astype(int)
        balanced_accuracy_score(y[test], predicted)
    return since(start)


def cv_wrapped(x, y, epochs):
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import Pipeline
    from sklearn.model_selection import cross_val_score

    pipe = Pipeline([("smote", SMOTE(random_state=0)), ("net", wrapped(epochs))])
    start = clock()
    cross_val_score(pipe, x, y, cv=folds(), scoring="balanced_accuracy", n_jobs=1)
    return since(start)


def compare(name, ours, reference, x, y, epochs, rounds):
    ours(x, y, 1), reference(x, y, 1)  # warm up both paths
    mine, ref, wall_ratios, cpu_ratios = [], [], [], []
    for _ in range(rounds):
        (a, a_cpu), (b, b_cpu) = ours(x, y, epochs), reference(x, y, epochs)
        mine.append(a), ref.append(b)
        wall_ratios.append(a / b), cpu_ratios.append(a_cpu / b_cpu)
    print(
        f"{name:>6}{statistics.median(mine):>13.3f}{statistics.median(ref):>13.3f}"
        f"{statistics.median(wall_ratios):>12.3f}{statistics.median(cpu_ratios):>12.3f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    had_tf = "tensorflow" in sys.modules
    start = time.perf_counter()
    import imblearn
    import scikeras
    import scikeras.wrappers  # noqa: F401  (what loads TensorFlow, if anything)
    import sklearn

    seconds = time.perf_counter() - start
    loaded = "tensorflow" in sys.modules and not had_tf
    print(
        f"backend {keras.backend.backend()}, keras {keras.__version__}, "
        f"scikeras {scikeras.__version__}, scikit-learn {sklearn.__version__}, "
        f"imbalanced-learn {imblearn.__version__}"
    )
    print(
        f"import scikeras.wrappers, sklearn, imblearn: {seconds:.2f} s, "
        f"loaded TensorFlow: {'yes' if loaded else 'no (already loaded)' if had_tf else 'no'}"
    )
    x, y = data()
    print(f"{len(x)} rows, {args.epochs} epochs, {args.rounds} rounds")
    print(
        f"{'':>6}{'scikeras s':>13}{'direct s':>13}{'wall ratio':>12}{'CPU ratio':>12}"
    )
    compare("fit", fit_wrapped, fit_direct, x, y, args.epochs, args.rounds)
    compare("cv", cv_wrapped, cv_direct, x, y, args.epochs, args.rounds)


if __name__ == "__main__":
    main()
