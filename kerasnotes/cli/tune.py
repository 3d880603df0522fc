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
            "--keep-columns",
            type=_column_names,
            default=[],
            metavar="A,B",
            help="feature columns to keep although they look like row "
            "identifiers or dates (dropped otherwise, with a notice); kept "
            "dates become days since 1970-01-01",
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
        "--epochs",
        type=int,
        default=20 if demo else 30,
        help="most epochs per trial; hyperband's rounds train trials for "
        "--epochs / 3**k epochs, k chosen so that each trial of its first "
        "round trains min(3, --epochs // 3) epochs or more and some trials go "
        "on to longer rounds within --max-trials",
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
        keep_columns=[] if demo else args.keep_columns,
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
            keep_columns=defines["keep_columns"],
        )
    return 0


def _column_names(text):
    """`--keep-columns a,b`: the names, without spaces around them."""
    return [name.strip() for name in text.split(",") if name.strip()]


@dataclasses.dataclass
class _Split:
    """The table's three parts; `scaler` standardizes features as trained,
    `target_scaler` a regression target (None for classes)."""

    train: tuple
    val: tuple
    test: tuple
    scaler: object
    target_scaler: object = None

    def scaled(self, part):
        from kerasnotes.data._tabular import standardize

        x, y = part
        if self.target_scaler is not None:
            y = standardize(self.target_scaler, y)
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
    keep_columns=(),
):
    """The whole job; returns a dict with the paths written and test metrics.

    With `cv=k` the search cross-validates over the training and validation
    rows together (scaled by statistics of those rows); the test rows stay
    held out either way. A regression target is standardized with the
    training rows' mean and standard deviation for the search (so the
    losses' scales, Huber's delta and the robust loss's scale, are in
    standard deviations of the target); the saved model maps its
    predictions back, and the test metrics are in the target's units.
    """
    import keras

    from kerasnotes.data import _tabular
    from kerasnotes.tuning import search

    started = time.perf_counter()
    if cv is not None and (isinstance(cv, bool) or cv < 2):
        raise InputError(f"--cv must be an integer >= 2, got {cv}")
    _check_can_write(out)
    keras.utils.set_random_seed(seed)
    table = _tabular.read_table(
        csv, target, task=task, dropna=dropna, keep_columns=keep_columns
    )
    train, val, test = _tabular.split_table(table, seed)
    if cv is not None:
        train = tuple(np.concatenate(parts) for parts in zip(train, val))
        val = None
    split = _Split(
        train,
        val,
        test,
        _tabular.fit_standardizer(train[0]),
        _tabular.fit_standardizer(train[1]) if table.task == "regression" else None,
    )
    print(
        f"{table.source}: {len(table.x)} rows, {len(table.columns)} features after "
        f"encoding, task {table.task}; split {_rows(split, cv)}; tuner {tuner}, "
        f"{max_trials} trials",
        flush=True,
    )
    print(_task_line(table), flush=True)
    note = short_trials_note(tuner, max_trials, epochs)
    if note is not None:
        print(f"warning: {note}", flush=True)
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
    model = _export(result.best_model, split.scaler, split.target_scaler)
    scores, confusion = _evaluate(table, model, test)
    baseline = _baseline(table, split)
    worse = _worse_than_baseline(table, scores, baseline)
    model_path = os.path.join(out, "best_model.keras")
    with _out.replacing(model_path) as temp:
        model.save(temp)
    _write_hyperparameters(out, result, table, scores, baseline, split)
    _draw_pictures(out, result, epochs)
    summary = _summary(table, split, result, tuner, oversample, seed, started, cv)
    report = _write_report(out, summary, scores, confusion, result, baseline, worse)
    print("test metrics: " + ", ".join(f"{k}={v:.4f}" for k, v in scores.items()))
    if worse is not None:
        print(f"warning: {worse}", flush=True)
    print(f"wrote {model_path}, {report} and pictures in {out}")
    return {
        "out": out,
        "metrics": scores,
        "baseline": baseline,
        "task": table.task,
        "trials": result.trials,
    }


def _task_line(table):
    """One line: the task and how it was decided."""
    if table.task_reason.startswith("--task"):
        return f"task: {table.task} ({table.task_reason})"
    return f"task: {table.task} ({table.task_reason}); use --task to change it"


def short_trials_note(tuner, max_trials, epochs):
    from kerasnotes.tuning import _tuners

    return _tuners.short_trials_note(tuner, max_trials, epochs)


def _check_can_write(out):
    if importlib.util.find_spec("matplotlib") is None:
        raise InputError(
            "the report's pictures need matplotlib, which is not installed: "
            "pip install 'kerasnotes[plot]'"
        )
    if os.path.exists(out) and not os.path.isdir(out):
        raise InputError(f"--out {out!r} is a file, not a folder")


def _export(best_model, scaler, target_scaler=None):
    """The best model behind a Normalization layer: it takes raw features.

    With `target_scaler` (regression) a final `Rescaling` layer,
    `y = prediction * std + mean`, maps the standardized target the search
    trained on back to the target's units.
    """
    import keras

    # A copy without the search's compile state: the file holds the network
    # and its weights; compile it to train further.
    best = keras.models.clone_model(best_model)
    best.set_weights(best_model.get_weights())
    inputs = keras.Input((len(scaler.mean_),), name="features")
    scaled = keras.layers.Normalization(
        mean=scaler.mean_, variance=np.square(scaler.scale_), name="standardize"
    )(inputs)
    outputs = best(scaled)
    if target_scaler is not None:
        outputs = keras.layers.Rescaling(
            scale=float(target_scaler.scale_[0]),
            offset=float(target_scaler.mean_[0]),
            name="unstandardize_target",
        )(outputs)
    return keras.Model(inputs, outputs, name="kerasnotes_best")


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


def _baseline(table, split):
    """The test metrics of a model that ignores the features: the training
    rows' mean target (regression), or their class frequencies, whose
    largest is the majority class (classification)."""
    from kerasnotes.data import _metrics

    y_train, y_test = split.train[1], split.test[1]
    if table.task == "regression":
        mean = np.full(y_test.shape, float(np.mean(y_train, dtype="float64")))
        return _metrics.regression_scores(y_test.ravel(), mean.ravel())
    n_classes = len(table.classes)
    counts = np.bincount(y_train.ravel().astype(int), minlength=n_classes)
    frequencies = counts / counts.sum()
    if n_classes == 2:
        priors = np.full((len(y_test), 1), frequencies[1])
    else:
        priors = np.tile(frequencies, (len(y_test), 1))
    codes = y_test.ravel().astype(int)
    return _metrics.classification_scores(codes, priors, n_classes)


def _worse_than_baseline(table, scores, baseline):
    """One line when the model does no better than the baseline on the test
    rows (RMSE for regression, accuracy for classes), else None."""
    if table.task == "regression":
        name, better = "rmse", scores["rmse"] < baseline["rmse"]
        what = "predicting the training rows' mean"
    else:
        name, better = "accuracy", scores["accuracy"] > baseline["accuracy"]
        what = "predicting the majority class"
    if better:
        return None
    return (
        f"the tuned model is no better than {what} on the test rows "
        f"({name} {scores[name]:.4g}, baseline {baseline[name]:.4g}); try more "
        "--max-trials or --epochs, or check the features"
    )


def _write_hyperparameters(out, result, table, scores, baseline, split):
    from kerasnotes.cli import _report

    scaling = None
    if split.target_scaler is not None:
        scaling = {
            "mean": float(split.target_scaler.mean_[0]),
            "std": float(split.target_scaler.scale_[0]),
        }

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
            "baseline_test_metrics": baseline,
            "target_standardization": scaling,
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
    if split.target_scaler is not None:
        mean, std = split.target_scaler.mean_[0], split.target_scaler.scale_[0]
        scored += (
            f"; in standard deviations of the target ({std:.4g}): the search "
            f"trained on (target - {mean:.4g}) / {std:.4g}"
        )
    summary = {
        "data": table.source,
        "target": f"{table.target} ({table.task})",
        "task": _task_line(table).removeprefix("task: "),
        "rows": _rows(split, cv),
        "tuner": f"{tuner}, {len(result.trials)} trials ({statuses})",
        "objective": f"{result.objective} {scored}, best "
        f"{result.trials['objective'].min():.4f}",
        "oversampling": oversample or "none",
        "seed": seed,
        "wall time": f"{time.perf_counter() - started:.0f} s",
    }
    if split.target_scaler is not None:
        summary["saved model"] = (
            "best_model.keras predicts in the target's units: its last layer "
            f"`unstandardize_target` (Rescaling) computes prediction * {std:.6g} "
            f"+ {mean:.6g}"
        )
    return summary


def _write_report(out, summary, scores, confusion, result, baseline, worse):
    from kerasnotes.cli import _report

    return _report.write_report(
        out,
        summary=summary,
        metrics=scores,
        baseline=baseline,
        baseline_name=(
            "mean of the training targets"
            if result.task == "regression"
            else "majority class (training class frequencies)"
        ),
        warning=worse,
        confusion=confusion,
        trials=result.trials,
        best_values=dict(result.best_hyperparameters.values),
        pictures=PICTURES,
    )
