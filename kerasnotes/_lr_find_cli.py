"""`kerasnotes lr-find`: the learning-rate range test on a CSV file or on
scikit-learn's breast-cancer data."""

import numpy as np


class DataError(Exception):
    """The CSV file cannot be used as given (message for the user)."""


def load_csv(path, target):
    """Numeric features (standardized) and the target column of a CSV file.

    Returns `(x, y, task)` with task "binary", "multiclass" or "regression":
    a target with at most 10 distinct integer values is a class label.
    """
    import pandas as pd

    try:
        frame = pd.read_csv(path)
    except FileNotFoundError as error:
        raise DataError(f"no such file: {path}") from error
    if target not in frame.columns:
        raise DataError(
            f"column {target!r} not in {path} "
            f"(columns: {', '.join(map(str, frame.columns))})"
        )
    features = frame.drop(columns=[target])
    bad = [
        c for c in features.columns
        if not pd.api.types.is_numeric_dtype(features[c])
    ]
    if bad:
        raise DataError(f"non-numeric feature columns: {', '.join(map(str, bad))}")
    frame = frame.dropna()
    x = frame.drop(columns=[target]).to_numpy(dtype="float64")
    if x.shape[1] == 0 or len(x) == 0:
        raise DataError("no feature columns or no complete rows")
    scale = x.std(axis=0)
    x = ((x - x.mean(axis=0)) / np.where(scale > 0, scale, 1.0)).astype("float32")
    y = frame[target].to_numpy()
    values = np.unique(y)
    numeric = pd.api.types.is_numeric_dtype(frame[target])
    is_label = not numeric or (
        len(values) <= 10 and np.all(np.equal(np.mod(values, 1), 0))
    )
    if is_label:
        codes = np.searchsorted(values, y)
        task = "binary" if len(values) == 2 else "multiclass"
        return x, codes.astype("float32" if task == "binary" else "int32"), task
    return x, y.astype("float32"), "regression"


def build_model(n_features, task, n_classes, optimizer, seed):
    import keras

    keras.utils.set_random_seed(seed)
    if task == "binary":
        head, loss = keras.layers.Dense(1, activation="sigmoid"), "binary_crossentropy"
    elif task == "multiclass":
        head = keras.layers.Dense(n_classes, activation="softmax")
        loss = "sparse_categorical_crossentropy"
    else:
        head, loss = keras.layers.Dense(1), "mse"
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(16, activation="relu"),
            head,
        ]
    )
    optimizers = {
        "sgd": lambda: keras.optimizers.SGD(0.01),
        "momentum": lambda: keras.optimizers.SGD(0.01, momentum=0.9),
        "adam": lambda: keras.optimizers.Adam(0.001),
    }
    model.compile(optimizer=optimizers[optimizer](), loss=loss)
    return model


def run_lr_find(
    csv=None,
    target=None,
    *,
    plot="lr_find.png",
    optimizer="sgd",
    batch_size=32,
    num_steps=100,
    start_learning_rate=1e-7,
    end_learning_rate=10.0,
    seed=0,
    print_fn=print,
):
    """Runs the range test and prints the suggestion; returns the finder."""
    import keras

    from kerasnotes.callbacks import find_learning_rate

    if csv is None:
        from kerasnotes._demo import load_breast_cancer_splits

        (x, y), _, _ = load_breast_cancer_splits(seed)
        task, source = "binary", "scikit-learn breast cancer (training split)"
    else:
        x, y, task = load_csv(csv, target)
        source = f"{csv} (target {target!r})"
    n_classes = int(np.max(y)) + 1 if task == "multiclass" else 1
    model = build_model(x.shape[1], task, n_classes, optimizer, seed)
    print_fn(
        f"{source}: {len(x)} rows, {x.shape[1]} features, {task}; "
        f"optimizer {optimizer}, batch {batch_size}, Keras backend "
        f"{keras.backend.backend()}"
    )
    finder = find_learning_rate(
        model,
        x,
        y,
        start_learning_rate=start_learning_rate,
        end_learning_rate=end_learning_rate,
        num_steps=num_steps,
        batch_size=batch_size,
        shuffle=True,
    )
    stop = "diverged" if finder.stopped_early else "completed"
    print_fn(
        f"swept {len(finder.losses)} steps from {finder.learning_rates[0]:.3g} "
        f"to {finder.learning_rates[-1]:.3g} ({stop})"
    )
    suggestion = finder.suggestion()
    print_fn(f"suggested learning rate: {suggestion:.4g}")
    if plot:
        finder.plot(path=plot)
        print_fn(f"plot saved to {plot}")
    return finder
