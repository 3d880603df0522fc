"""Scores of a model's predictions: one set of names for every caller.

`cross_validate` scores each fold with these, and the `kerasnotes` commands
their test rows. scikit-learn computes each metric.
"""

import math

import numpy as np

from kerasnotes._internal.errors import InputError


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def classification_scores(codes, predictions, n_classes, from_logits=False, positive=1):
    """Accuracy, precision, recall, F1, ROC-AUC and PR-AUC (average precision).

    `predictions` are the model's outputs: one sigmoid unit (or logit) per
    row for two classes, or one probability (or logit) per class. With two
    classes precision, recall, F1 and the areas are those of class code
    `positive` (1 by default; a row is predicted positive when its
    probability of that class is >= 0.5); with more they are macro averages
    (the areas one-vs-rest).
    """
    from sklearn import metrics

    p = np.asarray(predictions, "float64").reshape(len(codes), -1)
    if p.shape[1] == 1 and n_classes == 2:
        one = sigmoid(p[:, 0]) if from_logits else p[:, 0]
        probabilities = np.stack([1.0 - one, one], axis=1)
    elif p.shape[1] == n_classes:
        probabilities = softmax(p) if from_logits else p
    else:
        raise InputError(
            f"The model outputs {p.shape[1]} values per sample for {n_classes} "
            "classes. End a binary model in 1 sigmoid unit (or 2 softmax units) "
            f"and a {n_classes}-class model in {n_classes} softmax units."
        )
    predicted = np.argmax(probabilities, axis=1)
    if n_classes == 2:
        # Ties at 0.5 go to the positive class, as `probability >= 0.5`.
        is_positive = probabilities[:, positive] >= 0.5
        predicted = np.where(is_positive, positive, 1 - positive)
    scores = {"accuracy": float(metrics.accuracy_score(codes, predicted))}
    if n_classes == 2:
        score = probabilities[:, positive]
        kw = {"pos_label": positive, "zero_division": 0}
        truth = np.asarray(codes) == positive
        scores["precision"] = metrics.precision_score(codes, predicted, **kw)
        scores["recall"] = metrics.recall_score(codes, predicted, **kw)
        scores["f1"] = metrics.f1_score(codes, predicted, **kw)
        scores["roc_auc"] = metrics.roc_auc_score(truth, score)
        scores["pr_auc"] = metrics.average_precision_score(truth, score)
    else:
        kw = {"average": "macro", "zero_division": 0, "labels": np.arange(n_classes)}
        scores["precision"] = metrics.precision_score(codes, predicted, **kw)
        scores["recall"] = metrics.recall_score(codes, predicted, **kw)
        scores["f1"] = metrics.f1_score(codes, predicted, **kw)
        per_class = [
            (
                metrics.roc_auc_score(codes == c, probabilities[:, c]),
                metrics.average_precision_score(codes == c, probabilities[:, c]),
            )
            for c in range(n_classes)
        ]
        scores["roc_auc"] = float(np.mean([a for a, _ in per_class]))
        scores["pr_auc"] = float(np.mean([b for _, b in per_class]))
    return {name: float(value) for name, value in scores.items()}


def regression_scores(targets, predictions):
    """RMSE, MAE and R² of predictions against targets."""
    from sklearn import metrics

    targets = np.asarray(targets, "float64")
    predictions = np.asarray(predictions, "float64").reshape(targets.shape)
    mse = metrics.mean_squared_error(targets, predictions)
    return {
        "rmse": float(math.sqrt(mse)),
        "mae": float(metrics.mean_absolute_error(targets, predictions)),
        "r2": float(metrics.r2_score(targets, predictions)),
    }
