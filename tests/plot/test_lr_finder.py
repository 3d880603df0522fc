import numpy as np
import pytest

from kerasnotes.callbacks import LRFinder
from kerasnotes.callbacks import LRFinderWarning
from kerasnotes.plot import plot_lr_finder

pytest.importorskip("matplotlib", reason="plots need the `plot` extra (matplotlib)")


class _Stub:
    stop_training = False


def test_plot_marks_the_suggestion(tmp_path):
    finder = LRFinder(1e-4, 1.0, num_steps=41, smoothing=0.0)
    finder.set_model(_Stub())
    # Loss falls fastest (in log lr) at lr = 1e-2, the 21st point.
    log_lr = np.linspace(-4, 0, 41)
    for loss in 1.0 - np.tanh(3.0 * (log_lr + 2.0)):
        finder.on_train_batch_end(0, {"loss": float(loss)})
    assert finder.suggestion() == pytest.approx(1e-2, rel=1e-9)
    path = tmp_path / "finder.png"
    ax = finder.plot(path=path)
    assert path.stat().st_size > 0
    assert ax.get_xscale() == "log"
    marker = ax.lines[1]
    assert marker.get_xdata()[0] == pytest.approx(1e-2)
    assert "suggestion 0.01" in ax.get_legend().get_texts()[1].get_text()


def _swept_finder():
    finder = LRFinder(1e-4, 1.0, num_steps=41, smoothing=0.0)
    finder.learning_rates = list(np.geomspace(1e-4, 1.0, 41))
    finder.losses = list(1.0 - np.tanh(3.0 * (np.linspace(-4, 0, 41) + 2.0)))
    return finder


def test_curve_is_the_recorded_sweep_on_given_axes():
    from matplotlib.figure import Figure

    finder = _swept_finder()
    finder.losses[-1] = float("nan")  # the step that blew up
    ax = Figure().add_subplot()
    assert plot_lr_finder(finder, ax=ax) is ax
    curve = ax.lines[0]
    np.testing.assert_allclose(curve.get_xdata(), finder.learning_rates[:-1])
    np.testing.assert_allclose(curve.get_ydata(), finder.losses[:-1])
    # The y range is cut just above the first loss: the blow-up stays out.
    low, high = ax.get_ylim()
    assert low < min(finder.losses[:-1]) and high < 2.0 * finder.losses[0]


def test_no_marker_without_a_suggestion():
    finder = _swept_finder()
    finder.learning_rates, finder.losses = [1e-3, 1e-2], [1.0, 0.9]
    with pytest.warns(LRFinderWarning, match="no clear suggestion: only 0 of 2"):
        ax = plot_lr_finder(finder)
    assert len(ax.lines) == 1
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["smoothed loss"]


@pytest.mark.parametrize(
    "finder, message",
    [
        (LRFinder(), "recorded nothing"),
        (object(), "`finder` must be"),
    ],
    ids=["not-run", "not-a-finder"],
)
def test_bad_finder(finder, message):
    with pytest.raises(ValueError, match=message):
        plot_lr_finder(finder)


def test_mismatched_recording():
    finder = _swept_finder()
    finder.losses = finder.losses[:-3]
    with pytest.raises(ValueError, match="41 learning rates and 38 losses"):
        plot_lr_finder(finder)


def test_the_batch_median_is_drawn_and_carries_the_marker():
    # Batch losses with a drop at 1e-2 and a lagging EWMA (smoothing 0.9):
    # the marker sits on the running median of the batch losses, which the
    # suggestion reads, not on the EWMA.
    finder = LRFinder(1e-4, 1.0, num_steps=41, smoothing=0.9)
    finder.set_model(_Stub())
    log_lr = np.linspace(-4, 0, 41)
    for loss in 1.0 - np.tanh(3.0 * (log_lr + 2.0)):
        finder.on_train_batch_end(0, {"loss": float(loss)})
    ax = finder.plot()
    curve, marker, median = ax.lines[0], ax.lines[1], ax.lines[3]
    assert median.get_label() == "batch losses, running median"
    # A monotone curve is its own running median.
    np.testing.assert_allclose(median.get_ydata(), finder.raw_losses)
    assert marker.get_xdata()[0] == pytest.approx(1e-2)
    assert marker.get_ydata()[0] == pytest.approx(1.0)  # the batch loss there
    # The EWMA is still far above it there.
    assert np.interp(-2.0, log_lr, curve.get_ydata()) > 1.2
