"""`kerasnotes tune` and `kerasnotes demo`: search, evaluate, report."""

import importlib.util
import os
import time

import numpy as np

from kerasnotes._tabular import DataError
from kerasnotes._tabular import encode_features
from kerasnotes._tabular import infer_task
from kerasnotes._tabular import load_table


def prepare(frame, target, task, seed):
    """One-hot encodes, splits 60/20/20 (stratified for classification)."""
    from sklearn.model_selection import train_test_split

    y = frame[target].to_numpy()
    x, columns = encode_features(frame, target)
    if task == "auto":
        task = infer_task(y)
    if task != "regression":
        classes, counts = np.unique(
            y.astype(str) if y.dtype == object else y, return_counts=True
        )
        if len(classes) < 2:
            raise DataError(
                f"target {target!r} has a single class ({classes[0]!r}); "
                "there is nothing to classify"
            )
        if counts.min() < 5:
            rare = classes[counts.argmin()]
            raise DataError(
                f"class {rare!r} of {target!r} has only {counts.min()} rows; "
                "each class needs at least 5 to be split into train, "
                "validation and test"
            )
        if task == "binary" and len(classes) > 2:
            raise DataError(f"--task binary, but {target!r} has {len(classes)} classes")
    else:
        try:
            y = y.astype("float32")
        except ValueError:
            raise DataError(
                f"--task regression needs a numeric target; {target!r} is not"
            ) from None
    stratify = None if task == "regression" else y
    try:
        x_rest, x_test, y_rest, y_test = train_test_split(
            x, y, test_size=0.2, stratify=stratify, random_state=seed
        )
        x_train, x_val, y_train, y_val = train_test_split(
            x_rest,
            y_rest,
            test_size=0.25,
            stratify=None if stratify is None else y_rest,
            random_state=seed,
        )
    except ValueError as error:
        raise DataError(f"cannot split the data: {error}") from None
    return task, columns, (x_train, y_train), (x_val, y_val), (x_test, y_test)


def _standardizer(x_train):
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std[std == 0] = 1.0
    return mean, std


def evaluate(result, model, x_test, y_test):
    """Test metrics and confusion matrix of the exported model."""
    from sklearn import metrics

    predictions = np.asarray(model.predict(x_test, verbose=0))
    if result.task == "regression":
        y_true = y_test.astype("float64").ravel()
        y_pred = predictions.ravel()
        return {
            "rmse": float(np.sqrt(metrics.mean_squared_error(y_true, y_pred))),
            "mae": float(metrics.mean_absolute_error(y_true, y_pred)),
            "r2": float(metrics.r2_score(y_true, y_pred)),
        }, None
    classes = result.classes
    index = {label: i for i, label in enumerate(classes.tolist())}
    codes = np.array([index[v] for v in y_test.tolist()])
    if result.task == "binary":
        probability = predictions.ravel()
        predicted = (probability >= 0.5).astype(int)
        scores = {
            "accuracy": metrics.accuracy_score(codes, predicted),
            "precision": metrics.precision_score(codes, predicted, zero_division=0),
            "recall": metrics.recall_score(codes, predicted, zero_division=0),
            "f1": metrics.f1_score(codes, predicted, zero_division=0),
            "roc_auc": metrics.roc_auc_score(codes, probability),
        }
    else:
        predicted = predictions.argmax(axis=1)
        scores = {
            "accuracy": metrics.accuracy_score(codes, predicted),
            "precision_macro": metrics.precision_score(
                codes, predicted, average="macro", zero_division=0
            ),
            "recall_macro": metrics.recall_score(
                codes, predicted, average="macro", zero_division=0
            ),
            "f1_macro": metrics.f1_score(
                codes, predicted, average="macro", zero_division=0
            ),
            "roc_auc_ovr": metrics.roc_auc_score(
                codes, predictions, multi_class="ovr", labels=list(range(len(classes)))
            ),
        }
    matrix = metrics.confusion_matrix(
        codes, predicted, labels=list(range(len(classes)))
    )
    return {k: float(v) for k, v in scores.items()}, (classes.tolist(), matrix)


def _export(result, mean, std):
    """The best model behind a Normalization layer: it takes raw features."""
    import keras

    # A copy without the search's compile state: the file holds the network
    # and its weights; compile it to train further.
    best = keras.models.clone_model(result.best_model)
    best.set_weights(result.best_model.get_weights())
    inputs = keras.Input((len(mean),), name="features")
    scaled = keras.layers.Normalization(
        mean=mean, variance=np.square(std), name="standardize"
    )(inputs)
    return keras.Model(inputs, best(scaled), name="kerasnotes_best")


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
):
    """The whole job; returns a dict with the paths written and test metrics."""
    import keras

    from kerasnotes.tuning import _report
    from kerasnotes.tuning import _space
    from kerasnotes.tuning._search import search

    started = time.perf_counter()
    if importlib.util.find_spec("matplotlib") is None:
        raise DataError(
            "the report's pictures need matplotlib, which is not installed: "
            "pip install 'kerasnotes[plot]'"
        )
    if os.path.exists(out) and not os.path.isdir(out):
        raise DataError(f"--out {out!r} is a file, not a folder")
    keras.utils.set_random_seed(seed)
    frame, target = load_table(csv, target, dropna)
    task, columns, train, val, test = prepare(frame, target, task, seed)
    mean, std = _standardizer(train[0])
    scale = lambda a: ((a - mean) / std).astype("float32")  # noqa: E731
    source = csv or "scikit-learn breast cancer (bundled)"
    print(
        f"{source}: {len(frame)} rows, {len(columns)} features after encoding, "
        f"task {task}; split {len(train[0])}/{len(val[0])}/{len(test[0])} "
        f"train/validation/test; tuner {tuner}, {max_trials} trials",
        flush=True,
    )
    os.makedirs(out, exist_ok=True)
    result = search(
        scale(train[0]),
        train[1],
        validation_data=(scale(val[0]), val[1]),
        tuner=tuner,
        max_trials=max_trials,
        oversample=oversample,
        directory=out,
        project_name="search",
        overwrite=overwrite,
        task=task,
        epochs=epochs,
        seed=seed,
    )
    if result.best_model is None:
        raise DataError(f"no trial completed; see {out}/search for the failures")
    model = _export(result, mean, std)
    scores, confusion = evaluate(result, model, test[0], test[1])

    model_path = os.path.join(out, "best_model.keras")
    model.save(model_path)
    best_values = dict(result.best_hyperparameters.values)
    _report.write_json(
        os.path.join(out, "best_hyperparameters.json"),
        {
            "hyperparameters": best_values,
            "objective": result.objective,
            "task": task,
            "classes": None if result.classes is None else result.classes.tolist(),
            "feature_columns": columns,
            "target": target,
            "test_metrics": scores,
        },
    )
    history = result.history()
    _report.plot_learning_curves(
        history, result.objective, os.path.join(out, "learning_curves.png")
    )
    # The schedule as the trial built it: from the rows it trained on, which
    # oversampling may have multiplied.
    steps = _space.total_steps(
        result.train_size, best_values["batch_size"], len(history["loss"])
    )
    schedule = _space.SCHEDULES[best_values["schedule"]](
        best_values["learning_rate"],
        _space.total_steps(result.train_size, best_values["batch_size"], epochs),
    )
    _report.plot_learning_rate(schedule, steps, os.path.join(out, "learning_rate.png"))
    _report.plot_objective_vs_learning_rate(
        result.trials,
        result.objective,
        os.path.join(out, "objective_vs_learning_rate.png"),
    )
    statuses = result.trials["status"].value_counts().to_dict()
    summary = {
        "data": source,
        "target": f"{target} ({task})",
        "rows": f"{len(train[0])} train / {len(val[0])} validation / {len(test[0])} test",
        "tuner": f"{tuner}, {len(result.trials)} trials ({statuses})",
        "objective": f"{result.objective} (validation), best "
        f"{result.trials['objective'].min():.4f}",
        "oversampling": oversample or "none",
        "seed": seed,
        "wall time": f"{time.perf_counter() - started:.0f} s",
    }
    report = _report.write_report(
        out,
        summary=summary,
        metrics=scores,
        confusion=confusion,
        trials=result.trials,
        best_values=best_values,
        pictures=[
            ("learning curves", "learning_curves.png"),
            ("learning-rate schedule", "learning_rate.png"),
            ("objective against learning rate", "objective_vs_learning_rate.png"),
        ],
    )
    print("test metrics: " + ", ".join(f"{k}={v:.4f}" for k, v in scores.items()))
    print(f"wrote {model_path}, {report} and pictures in {out}")
    return {"out": out, "metrics": scores, "task": task, "trials": result.trials}
