"""Scores of predictions, against values worked out by hand."""

import math

import numpy as np
import pytest

from kerasnotes.data._metrics import classification_scores
from kerasnotes.data._metrics import regression_scores


def test_binary_scores_by_hand():
    codes = np.array([0, 1, 1, 0])
    probability = np.array([0.1, 0.9, 0.4, 0.6])
    scores = classification_scores(codes, probability, 2)
    # Predicted [0, 1, 0, 1]: one true positive, one false positive, one
    # false negative.
    assert scores["accuracy"] == 0.5
    assert scores["precision"] == 0.5
    assert scores["recall"] == 0.5
    assert scores["f1"] == 0.5
    # Positive-negative pairs ranked right: (0.9, 0.1), (0.9, 0.6), (0.4, 0.1).
    assert scores["roc_auc"] == pytest.approx(3 / 4)
    # Average precision, sum of (R_n - R_n-1) P_n down the ranking 0.9, 0.6,
    # 0.4, 0.1: recall reaches 0.5 at 0.9 (precision 1/1) and 1.0 at 0.4
    # (precision 2/3, after the false positive 0.6).
    assert scores["pr_auc"] == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)


def test_logits_are_turned_into_probabilities():
    codes = np.array([0, 1, 1, 0])
    probability = np.array([0.1, 0.9, 0.4, 0.6])
    logits = np.log(probability / (1 - probability))
    assert classification_scores(codes, logits, 2, from_logits=True) == pytest.approx(
        classification_scores(codes, probability, 2)
    )


def test_multiclass_scores_are_macro_averages():
    codes = np.array([0, 1, 2, 2])
    probabilities = np.array(
        [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.6, 0.3], [0.1, 0.1, 0.8]]
    )
    scores = classification_scores(codes, probabilities, 3)
    # Predicted [0, 1, 1, 2]: class 0 P=R=1; class 1 P=1/2, R=1; class 2
    # P=1, R=1/2.
    assert scores["accuracy"] == 0.75
    assert scores["precision"] == pytest.approx((1 + 0.5 + 1) / 3)
    assert scores["recall"] == pytest.approx((1 + 1 + 0.5) / 3)


def test_regression_scores_by_hand():
    scores = regression_scores(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 4.0]))
    assert scores["rmse"] == pytest.approx(math.sqrt(1 / 3))
    assert scores["mae"] == pytest.approx(1 / 3)
    # R^2 = 1 - SS_res / SS_tot = 1 - 1 / 2.
    assert scores["r2"] == pytest.approx(0.5)


def test_wrong_output_width_is_explained():
    with pytest.raises(ValueError, match="outputs 3 values per sample for 2 classes"):
        classification_scores(np.array([0, 1]), np.ones((2, 3)) / 3, 2)
