import numpy as np
import pytest

from kerasnotes.callbacks import LRFinder

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
