"""Faults: a search killed by its PID mid-trial and started again runs the
interrupted trial again and never a finished one; the trials table lists each
trial once."""

import os
import signal
import textwrap
import time

import pytest

from kerasnotes.tuning._tuners import TRIAL_LOG
from tests.tuning._support import python
from tests.tuning.test_cv import CV_SCRIPT

pytestmark = [pytest.mark.slow, pytest.mark.one_backend]


def _log(directory):
    path = directory / "p" / TRIAL_LOG
    return path.read_text().splitlines() if path.exists() else []


def _lines(directory, kind, start=0):
    return [
        line.split()[1] for line in _log(directory)[start:] if line.startswith(kind)
    ]


def _wait_for(directory, process, line_start, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline and process.poll() is None:
        if any(line.startswith(line_start) for line in _log(directory)):
            return True
        time.sleep(0.05)
    return False


def test_killed_during_a_second_fold_resumes_without_redoing_trials(tmp_path):
    script = CV_SCRIPT.format(trials=3, epochs=8, directory=str(tmp_path))
    first = python(script)
    reached = _wait_for(tmp_path, first, "fold 2 1 ")
    os.kill(first.pid, signal.SIGKILL)
    output = first.communicate()[0]
    assert reached, output[-3000:]
    finished = [line.split()[1] for line in _log(tmp_path) if line.startswith("end ")]
    assert finished == ["0"], (finished, output[-3000:])
    lines_before = len(_log(tmp_path))

    second = python(script)
    output = second.communicate(timeout=600)[0]
    assert second.returncode == 0, output[-3000:]
    assert "DONE ['COMPLETED', 'COMPLETED', 'COMPLETED'] ['0', '1', '2']" in output
    begun = [
        line.split()[1]
        for line in _log(tmp_path)[lines_before:]
        if line.startswith("begin ")
    ]
    assert begun == ["1", "2"]  # the interrupted trial again, not trial 0


USER_SCRIPT = textwrap.dedent(
    """
    import keras
    import numpy as np
    from kerasnotes.tuning import search

    def build(hp):
        model = keras.Sequential([
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(hp.Choice("filters", [4, 8, 16]), 3,
                                activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(1, activation="sigmoid"),
        ])
        model.compile("adam", "binary_crossentropy")
        return model

    rng = np.random.default_rng(0)
    x = rng.normal(size=(800, 8, 8, 1)).astype("float32")
    y = (x[:, :4].mean(axis=(1, 2, 3)) > 0).astype(int)
    result = search(x, y, hypermodel=build, tuner="grid", max_trials=3,
                    epochs=12, patience=12, directory={directory!r},
                    project_name="p", seed=0, verbose=1)
    print("DONE", sorted(result.trials["status"].tolist()),
          sorted(result.trials["trial_id"].tolist()))
    """
)


def test_killed_user_hypermodel_search_resumes_without_redoing_trials(tmp_path):
    script = USER_SCRIPT.format(directory=str(tmp_path))
    first = python(script)
    reached = _wait_for(tmp_path, first, "begin 1 ")
    time.sleep(1.0)  # inside trial 1's training
    os.kill(first.pid, signal.SIGKILL)
    output = first.communicate()[0]
    assert reached, output[-3000:]
    assert _lines(tmp_path, "end ") == ["0"], output[-3000:]
    lines_before = len(_log(tmp_path))

    second = python(script)
    output = second.communicate(timeout=600)[0]
    assert second.returncode == 0, output[-3000:]
    assert "DONE ['COMPLETED', 'COMPLETED', 'COMPLETED'] ['0', '1', '2']" in output
    assert _lines(tmp_path, "begin ", lines_before) == ["1", "2"]
