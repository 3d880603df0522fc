"""`kerasnotes compare-optimizers`: this package's optimizers on a real table."""

import time

from kerasnotes.cli import check_positive

COLUMNS = ("accuracy", "precision", "recall", "f1", "roc_auc")


def add_arguments(parser, name):
    parser.add_argument(
        "--epochs", type=int, default=60, help="most epochs per model (60)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (0)")


def run(args):
    check_positive(args, "epochs")
    compare_optimizers(epochs=args.epochs, seed=args.seed)
    return 0


def _optimizers():
    from kerasnotes import optimizers

    return {
        "NAG": lambda: optimizers.NAG(learning_rate=0.01, momentum=0.9),
        "AdamW": lambda: optimizers.AdamW(learning_rate=1e-3, weight_decay=0.004),
        "AMSGrad": lambda: optimizers.AMSGrad(learning_rate=1e-3),
    }


def compare_optimizers(epochs=60, seed=0, print_fn=print):
    """Trains one small MLP per optimizer and prints test metrics.

    The breast-cancer data is split 60/20/20 and standardized as
    `kerasnotes tune` does. Returns a dict optimizer name -> metrics dict.
    """
    import keras

    from kerasnotes.data import _tabular

    table = _tabular.read_table()
    train, val, test = _tabular.split_table(table, seed)
    scaler = _tabular.fit_standardizer(train[0])
    x_train, x_val, x_test = (
        _tabular.standardize(scaler, part[0]) for part in (train, val, test)
    )
    print_fn(
        "Breast cancer (scikit-learn): "
        f"{len(x_train)} train / {len(x_val)} validation / {len(x_test)} test "
        f"rows, {x_train.shape[1]} features; Keras backend "
        f"{keras.backend.backend()}"
    )
    print_fn(
        f"{'optimizer':<10}{'epochs':>7}{'loss':>8}{'accuracy':>10}"
        f"{'precision':>11}{'recall':>8}{'f1':>7}{'roc_auc':>9}{'time':>7}"
    )
    results = {}
    for name, make in _optimizers().items():
        start = time.perf_counter()
        scores = _train_and_score(
            make(),
            (x_train, train[1]),
            (x_val, val[1]),
            (x_test, test[1]),
            epochs,
            seed,
        )
        elapsed = time.perf_counter() - start
        results[name] = scores
        print_fn(
            f"{name:<10}{scores['epochs']:>7}{scores['loss']:>8.4f}"
            + "".join(
                f"{scores[c]:>{w}.4f}" for c, w in zip(COLUMNS, (10, 11, 8, 7, 9))
            )
            + f"{elapsed:>6.1f}s"
        )
    return results


def _train_and_score(optimizer, train, val, test, epochs, seed):
    import keras

    from kerasnotes.cli._models import small_mlp
    from kerasnotes.data import _metrics

    model, loss = small_mlp(train[0].shape[1], "binary", seed=seed)
    model.compile(optimizer=optimizer, loss=loss)
    stop = keras.callbacks.EarlyStopping(patience=8, restore_best_weights=True)
    history = model.fit(
        *train,
        validation_data=val,
        batch_size=32,
        epochs=epochs,
        callbacks=[stop],
        verbose=0,
    )
    predictions = model.predict(test[0], verbose=0)
    scores = _metrics.classification_scores(test[1].ravel().astype(int), predictions, 2)
    scores["loss"] = float(model.evaluate(*test, verbose=0))
    scores["epochs"] = len(history.history["loss"])
    return scores
