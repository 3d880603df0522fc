"""`kerasnotes tune` and `kerasnotes demo`: read, split, search, evaluate,
report."""

import dataclasses
import importlib.util
import os
import time

import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes.cli import _out
from kerasnotes.cli import check_positive
from kerasnotes.cli import silence_retracing_warnings

PICTURES = (
    ("learning curves", "learning_curves.png"),
    ("learning-rate schedule", "learning_rate.png"),
    ("objective against learning rate", "objective_vs_learning_rate.png"),
)


# The choices by name, written out so that `--help` imports neither
# KerasTuner nor Keras (tests check them against kerasnotes.tuning's tuners
# and kerasnotes.data's methods). SMOTE-NC is not offered: the search sees
# one-hot encoded, standardized features, where it has no categorical
# columns to keep.
TUNER_NAMES = ("bayesian", "random", "hyperband", "grid")
OVERSAMPLING = ("smote", "borderline-smote", "svm-smote", "adasyn", "random")


def add_arguments(parser, name):
    demo = name == "demo"
    if not demo:
        parser.add_argument(
            "--csv",
            help="CSV file (default: scikit-learn's bundled breast-cancer data)",
        )
        parser.add_argument("--target", help="target column of the CSV")
        parser.add_argument(
            "--task",
            choices=["auto", "binary", "multiclass", "regression"],
            default="auto",
        )
        parser.add_argument(
            "--dropna", action="store_true", help="drop rows with missing values"
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="start afresh instead of resuming in --out",
        )
        parser.add_argument(
            "--cv",
            type=int,
            metavar="K",
            help="score each trial by K-fold cross-validation over the training "
            "and validation rows (the test rows stay held out)",
        )
    parser.add_argument("--tuner", choices=TUNER_NAMES, default="bayesian")
    parser.add_argument("--max-trials", type=int, default=6 if demo else 10)
    parser.add_argument(
        "--epochs", type=int, default=20 if demo else 30, help="most epochs per trial"
    )
    parser.add_argument(
        "--oversample",
        choices=OVERSAMPLING,
        help="oversample the training part (classification)",
    )
    parser.add_argument(
        "--out",
        default="kerasnotes-demo" if demo else "kerasnotes-tune",
        help="output folder",
    )
    parser.add_argument("--seed", type=int, default=0)


def run(args):
    check_positive(args, "max_trials", "epochs")
    demo = args.command == "demo"
    csv = None if demo else args.csv
    # What defines the search (--max-trials does not: a resumed search may
    # be given more trials).
    defines = dict(
        target=None if demo else args.target,
        task="auto" if demo else args.task,
        dropna=False if demo else args.dropna,
        cv=None if demo else args.cv,
        tuner=args.tuner,
        epochs=args.epochs,
        oversample=args.oversample,
        seed=args.seed,
    )
    overwrite = True if demo else args.overwrite
    _check_can_write(args.out)
    silence_retracing_warnings()
    with _out.claim(args.out):
        _out.check_resume(
            args.out,
            "search",
            print,
            fingerprint=_out.fingerprint(csv, defines),
            overwrite=overwrite,
        )
        run_tune(
            csv,
            defines["target"],
            task=defines["task"],
            tuner=args.tuner,
            max_trials=args.max_trials,
            epochs=args.epochs,
            oversample=args.oversample,
            out=args.out,
            seed=args.seed,
            dropna=defines["dropna"],
            overwrite=overwrite,
            cv=defines["cv"],
        )
    return 0


@dataclasses.dataclass
class _Split:
    """The table's three parts; `scaler` standardizes features as trained."""

    train: tuple
    val: tuple
    test: tuple
    scaler: object

    def scaled(self, part):
        from kerasnotes.data._tabular import standardize

        x, y = part
        return standardize(self.scaler, x), y


def run_tune(
    csv=None,
    target=None,
    *,
    task="auto",
    tuner="bayesian",
    max_trials=10,
    epochs=30,
    oversample=None,
    out="kerasnotes-tune",
    seed=0,
    dropna=False,
    overwrite=False,
    cv=None,
):
    """The whole job; returns a dict with the paths written and test metrics.

    With `cv=k` the search cross-validates over the training and validation
    rows together (scaled by statistics of those rows); the test rows stay
    held out either way.
    """
    import keras

    from kerasnotes.data import _tabular
    from kerasnotes.tuning import search

    started = time.perf_counter()
    if cv is not None and (isinstance(cv, bool) or cv < 2):
        raise InputError(f"--cv must be an integer >= 2, got {cv}")
    _check_can_write(out)
    keras.utils.set_random_seed(seed)
    table = _tabular.read_table(csv, target, task=task, dropna=dropna)
    train, val, test = _tabular.split_table(table, seed)
    if cv is not None:
        train = tuple(np.concatenate(parts) for parts in zip(train, val))
        val = None
    split = _Split(train, val, test, _tabular.fit_standardizer(train[0]))
    print(
        f"{table.source}: {len(table.x)} rows, {len(table.columns)} features after "
        f"encoding, task {table.task}; split {_rows(split, cv)}; tuner {tuner}, "
        f"{max_trials} trials",
        flush=True,
    )
    os.makedirs(out, exist_ok=True)
    result = search(
        *split.scaled(train),
        validation_data=None if cv else split.scaled(val),
        cv=cv,
        tuner=tuner,
        max_trials=max_trials,
        oversample=oversample,
        directory=out,
        project_name="search",
        overwrite=overwrite,
        task=table.task,
        epochs=epochs,
        seed=seed,
    )
    if result.best_model is None:
        raise InputError(f"no trial completed; see {out}/search for the failures")
    model = _export(result.best_model, split.scaler)
    scores, confusion = _evaluate(table, model, test)
    model_path = os.path.join(out, "best_model.keras")
    with _out.replacing(model_path) as temp:
        model.save(temp)
    _write_hyperparameters(out, result, table, scores)
    _draw_pictures(out, result, epochs)
    summary = _summary(table, split, result, tuner, oversample, seed, started, cv)
    report = _write_report(out, summary, scores, confusion, result)
    print("test metrics: " + ", ".join(f"{k}={v:.4f}" for k, v in scores.items()))
    print(f"wrote {model_path}, {report} and pictures in {out}")
    return {"out": out, "metrics": scores, "task": table.task, "trials": result.trials}


def _check_can_write(out):
    if importlib.util.find_spec("matplotlib") is None:
        raise InputError(
            "the report's pictures need matplotlib, which is not installed: "
            "pip install 'kerasnotes[plot]'"
        )
    if os.path.exists(out) and not os.path.isdir(out):
        raise InputError(f"--out {out!r} is a file, not a folder")


def _export(best_model, scaler):
    """The best model behind a Normalization layer: it takes raw features."""
    import keras

    # A copy without the search's compile state: the file holds the network
    # and its weights; compile it to train further.
    best = keras.models.clone_model(best_model)
    best.set_weights(best_model.get_weights())
    inputs = keras.Input((len(scaler.mean_),), name="features")
    scaled = keras.layers.Normalization(
        mean=scaler.mean_, variance=np.square(scaler.scale_), name="standardize"
    )(inputs)
    return keras.Model(inputs, best(scaled), name="kerasnotes_best")


def _evaluate(table, model, test):
    """Test metrics and, for classification, the confusion matrix."""
    from sklearn import metrics

    from kerasnotes.data import _metrics

    x_test, y_test = test
    predictions = np.asarray(model.predict(x_test, verbose=0))
    if table.task == "regression":
        return _metrics.regression_scores(y_test.ravel(), predictions.ravel()), None
    codes = y_test.ravel().astype(int)
    n_classes = len(table.classes)
    scores = _metrics.classification_scores(codes, predictions, n_classes)
    if n_classes == 2:
        predicted = (predictions.ravel() >= 0.5).astype(int)
    else:
        predicted = predictions.argmax(axis=1)
    matrix = metrics.confusion_matrix(codes, predicted, labels=range(n_classes))
    return scores, (table.classes.tolist(), matrix)


def _write_hyperparameters(out, result, table, scores):
    from kerasnotes.cli import _report

    _report.write_json(
        os.path.join(out, "best_hyperparameters.json"),
        {
            "hyperparameters": dict(result.best_hyperparameters.values),
            "objective": result.objective,
            "task": table.task,
            "classes": None if table.classes is None else table.classes.tolist(),
            "feature_columns": table.columns,
            "target": table.target,
            "test_metrics": scores,
        },
    )


def _draw_pictures(out, result, epochs):
    from kerasnotes import plot
    from kerasnotes.tuning import _space

    history = result.history()
    path = dict((name, os.path.join(out, name)) for _, name in PICTURES)
    figure = plot.plot_learning_curves(history, result.objective)
    figure.suptitle("Best trial: learning curves")
    _save_figure(figure, path["learning_curves.png"])
    # The schedule as the trial built it: from the rows it trained on, which
    # oversampling may have multiplied, over the epochs it ran.
    best = result.best_hyperparameters.values
    policy = _space.SCHEDULES[best["schedule"]](
        best["learning_rate"],
        _space.total_steps(result.train_size, best["batch_size"], epochs),
    )
    steps = _space.total_steps(
        result.train_size, best["batch_size"], len(history["loss"])
    )
    ax = plot.plot_schedule(policy.learning_rate, steps, momentum=policy.momentum)
    ax.set_title("Best trial: learning-rate schedule")
    _save_figure(ax.figure, path["learning_rate.png"])
    figure = plot.plot_objective_vs_learning_rate(result.trials, result.objective)
    figure.axes[0].set_title("All trials: objective against learning rate")
    _save_figure(figure, path["objective_vs_learning_rate.png"])


def _save_figure(figure, path):
    with _out.replacing(path) as temp:
        figure.savefig(temp, dpi=100)


def _rows(split, cv):
    if cv is not None:
        return (
            f"{len(split.train[0])} train+validation in {cv} folds / "
            f"{len(split.test[0])} test"
        )
    rows = (len(split.train[0]), len(split.val[0]), len(split.test[0]))
    return "{} train / {} validation / {} test".format(*rows)


def _summary(table, split, result, tuner, oversample, seed, started, cv):
    statuses = result.trials["status"].value_counts().to_dict()
    if cv is None:
        scored = "(validation)"
    else:
        scored = (
            f"(mean of {cv} folds' best epochs; per fold in columns fold_1 .. "
            f"fold_{cv}; the best model trained on all {len(split.train[0])} "
            "train+validation rows for its folds' mean best epoch count)"
        )
    return {
        "data": table.source,
        "target": f"{table.target} ({table.task})",
        "rows": _rows(split, cv),
        "tuner": f"{tuner}, {len(result.trials)} trials ({statuses})",
        "objective": f"{result.objective} {scored}, best "
        f"{result.trials['objective'].min():.4f}",
        "oversampling": oversample or "none",
        "seed": seed,
        "wall time": f"{time.perf_counter() - started:.0f} s",
    }


def _write_report(out, summary, scores, confusion, result):
    from kerasnotes.cli import _report

    return _report.write_report(
        out,
        summary=summary,
        metrics=scores,
        confusion=confusion,
        trials=result.trials,
        best_values=dict(result.best_hyperparameters.values),
        pictures=PICTURES,
    )
