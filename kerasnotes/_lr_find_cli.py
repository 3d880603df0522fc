"""`kerasnotes lr-find`: the learning-rate range test on a CSV file or on
scikit-learn's breast-cancer data."""

import numpy as np

from kerasnotes._tabular import DataError  # noqa: F401  (the command catches it)
from kerasnotes._tabular import encode_features
from kerasnotes._tabular import infer_task
from kerasnotes._tabular import load_table


def load_csv(path, target):
    """Features (non-numeric ones one-hot encoded, all standardized) and the
    target of a CSV file; rows with missing values are dropped.

    Returns `(x, y, task)` with task "binary", "multiclass" or "regression"
    (see `kerasnotes._tabular.infer_task`); class labels become 0..k-1.
    """
    frame, target = load_table(path, target, dropna=True)
    x, _ = encode_features(frame, target)
    scale = x.std(axis=0)
    x = ((x - x.mean(axis=0)) / np.where(scale > 0, scale, 1.0)).astype("float32")
    y = frame[target].to_numpy()
    task = infer_task(y)
    if task == "regression":
        return x, y.astype("float32"), task
    _, codes = np.unique(y.astype(str) if y.dtype == object else y, return_inverse=True)
    return x, codes.astype("float32" if task == "binary" else "int32"), task


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
