"""kerasnotes.plot.plot_learning_curves and plot_objective_vs_learning_rate."""

import keras
import numpy as np
import pandas as pd
import pytest

from kerasnotes.plot import plot_learning_curves
from kerasnotes.plot import plot_objective_vs_learning_rate

pytest.importorskip("matplotlib", reason="plots need the `plot` extra (matplotlib)")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

HISTORY = {
    "loss": [0.9, 0.6, 0.5, 0.45],
    "xent": [0.7, 0.5, 0.4, 0.35],
    "auc": [0.6, 0.7, 0.8, 0.85],  # recorded, not the objective: not drawn
    "val_loss": [1.0, 0.8, 0.7, 0.72],
    "val_xent": [0.8, 0.6, 0.55, 0.56],
}


def _curves(ax):
    return {
        line.get_label(): (list(line.get_xdata()), list(line.get_ydata()))
        for line in ax.lines
    }


# -- plot_learning_curves ----------------------------------------------------


def test_learning_curves_draw_loss_and_objective_train_and_validation(tmp_path):
    path = tmp_path / "curves.png"
    fig = plot_learning_curves(HISTORY, "val_xent", path=path)
    assert path.read_bytes().startswith(PNG_MAGIC)
    loss_ax, xent_ax = fig.axes
    epochs = [1, 2, 3, 4]
    assert _curves(loss_ax) == {
        "train loss": (epochs, HISTORY["loss"]),
        "validation loss": (epochs, HISTORY["val_loss"]),
    }
    assert _curves(xent_ax) == {
        "train xent": (epochs, HISTORY["xent"]),
        "validation xent": (epochs, HISTORY["val_xent"]),
    }
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "xent"]
    assert all(ax.get_xlabel() == "epoch" for ax in fig.axes)


def test_loss_objective_is_one_panel():
    fig = plot_learning_curves(HISTORY, "val_loss")
    (ax,) = fig.axes
    assert sorted(_curves(ax)) == ["train loss", "validation loss"]


def test_only_the_recorded_curves_are_drawn():
    # No validation data: training curves only; objective without `val_`.
    history = {"loss": [3.0, 2.0], "rmse": [1.5, 1.2, 1.1]}
    fig = plot_learning_curves(history, "rmse")
    assert [_curves(ax) for ax in fig.axes] == [
        {"train loss": ([1, 2], [3.0, 2.0])},
        {"train rmse": ([1, 2, 3], [1.5, 1.2, 1.1])},
    ]


def test_takes_a_keras_history_and_non_finite_values():
    history = keras.callbacks.History()
    history.history = {"loss": [1.0, float("nan")], "val_loss": [1.1, None]}
    (ax,) = plot_learning_curves(history, "val_loss").axes
    train, validation = ax.lines
    np.testing.assert_array_equal(train.get_ydata(), [1.0, np.nan])
    np.testing.assert_array_equal(validation.get_ydata(), [1.1, np.nan])


@pytest.mark.parametrize(
    "history, objective, match",
    [
        (HISTORY, "val_accuracy", r"`objective`.*Received: objective='val_accuracy'"),
        (HISTORY, 3, r"`objective`.*Received: objective=3"),
        (HISTORY, "", r"`objective`.*Received: objective=''"),
        ({}, "val_loss", r"`history`.*Received: history=\{\}"),
        ([0.5, 0.4], "val_loss", r"`history`.*Received: history=\[0.5, 0.4\]"),
        ({"loss": []}, "loss", r"`history`.*Received: history\['loss'\]=\[\]"),
        ({"loss": ["a"]}, "loss", r"`history`.*Received: history\['loss'\]"),
    ],
)
def test_learning_curves_bad_arguments(history, objective, match):
    with pytest.raises(ValueError, match=match):
        plot_learning_curves(history, objective)


# -- plot_objective_vs_learning_rate -----------------------------------------


def _trials():
    # As `search(...).trials`: trial_id, status, objective, hyperparameters.
    return pd.DataFrame(
        {
            "trial_id": ["00", "01", "02", "03", "04", "05"],
            "status": [
                "COMPLETED",
                "FAILED",
                "COMPLETED",
                "COMPLETED",
                "INVALID",
                "COMPLETED",
            ],
            "objective": [0.30, None, 0.12, 0.45, None, 0.20],
            "learning_rate": [1e-3, 0.9, 1e-2, 3e-4, 0.5, 3e-2],
            "units": [32, 64, 32, 128, 16, 64],
        }
    )


def test_completed_trials_are_points_failed_ones_red_crosses_at_the_top(tmp_path):
    path = tmp_path / "objective.png"
    fig = plot_objective_vs_learning_rate(_trials(), "val_xent", path=path)
    assert path.read_bytes().startswith(PNG_MAGIC)
    (ax,) = fig.axes
    completed, failed = ax.collections
    np.testing.assert_allclose(
        completed.get_offsets(),
        [[1e-3, 0.30], [1e-2, 0.12], [3e-4, 0.45], [3e-2, 0.20]],
    )
    np.testing.assert_allclose(failed.get_offsets(), [[0.9, 0.45], [0.5, 0.45]])
    assert tuple(failed.get_facecolor()[0]) == (1.0, 0.0, 0.0, 1.0)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "completed",
        "failed (no score)",
    ]
    assert ax.get_xscale() == "log"
    assert ax.get_ylabel() == "val_xent"


def test_a_completed_trial_without_a_score_counts_as_failed():
    trials = _trials()
    trials.loc[0, "objective"] = float("nan")
    completed, failed = (
        plot_objective_vs_learning_rate(trials, "val_loss").axes[0].collections
    )
    assert len(completed.get_offsets()) == 3
    np.testing.assert_allclose(failed.get_offsets()[:, 0], [1e-3, 0.9, 0.5])


def test_all_failed_and_missing_rates():
    trials = _trials()
    trials["status"] = "FAILED"
    trials.loc[2, "learning_rate"] = None  # never recorded: left out
    (failed,) = plot_objective_vs_learning_rate(trials, "val_loss").axes[0].collections
    np.testing.assert_allclose(
        failed.get_offsets(), [[1e-3, 1], [0.9, 1], [3e-4, 1], [0.5, 1], [3e-2, 1]]
    )


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda t: t.drop(columns="learning_rate"), r"`trials`.*'learning_rate'\]"),
        (lambda t: t.drop(columns="status"), r"`trials`.*missing \['status'\]"),
        (lambda t: t.assign(learning_rate=0.0), r"`trials`.*> 0"),
        (lambda t: t.to_dict("records"), r"`trials` must be a pandas DataFrame"),
    ],
    ids=["no-rates", "no-status", "zero-rate", "not-a-frame"],
)
def test_objective_vs_learning_rate_bad_trials(change, match):
    with pytest.raises(ValueError, match=match):
        plot_objective_vs_learning_rate(change(_trials()), "val_loss")


def test_objective_vs_learning_rate_bad_objective_and_path():
    with pytest.raises(ValueError, match="`objective`.*Received: objective=None"):
        plot_objective_vs_learning_rate(_trials(), None)
    with pytest.raises(ValueError, match="`path`.*Received: path=0"):
        plot_objective_vs_learning_rate(_trials(), "val_loss", path=0)


def test_a_single_epoch_history_is_drawn_as_markers():
    # Hyperband's first round, or a run stopped after one epoch: one point
    # per curve, which a line without a marker leaves blank.
    history = {"loss": [0.7], "val_loss": [0.8], "xent": [0.6], "val_xent": [0.65]}
    fig = plot_learning_curves(history, "val_xent")
    lines = [line for ax in fig.axes for line in ax.lines]
    assert len(lines) == 4
    for line in lines:
        assert len(line.get_xdata()) == 1
        assert line.get_marker() not in (None, "None", "", " ")
    # Longer curves stay lines without markers.
    fig = plot_learning_curves(HISTORY, "val_xent")
    assert all(line.get_marker() == "None" for line in fig.axes[0].lines)
