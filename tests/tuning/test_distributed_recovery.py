"""A distributed search survives a worker killed mid-trial once the worker is
restarted with the same `KERASTUNER_TUNER_ID` (docs/tuning.md, "When a worker
dies").

KerasTuner's oracle keeps the killed worker's trial RUNNING and the chief
waits for it; a worker that asks for a trial under that id gets the same
trial back, runs it from the start, and the search ends with every trial
COMPLETED.
"""

import os
import signal
import time

import pytest

from tests.tuning._support import free_port
from tests.tuning._support import python
from tests.tuning.test_search import SEARCH_SCRIPT
from tests.tuning.test_search import _log

pytestmark = [pytest.mark.slow, pytest.mark.one_backend]  # a process fault

TRIALS = 2


def _wait_for(condition, processes, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = condition()
        if found:
            return found
        if any(p.poll() is not None for p in processes):
            return None
        time.sleep(0.05)
    return None


def _open_trial(directory):
    """`(trial_id, tuner_id)` of a trial begun and not ended, or None."""
    log = _log(directory)
    ended = {line.split()[1] for line in log if line.startswith("end ")}
    for line in log:
        if line.startswith("begin ") and line.split()[1] not in ended:
            return tuple(line.split()[1:3])
    return None


def test_worker_killed_mid_trial_and_restarted_with_its_id(tmp_path):
    port = str(free_port())
    script = SEARCH_SCRIPT.format(trials=TRIALS, epochs=3, directory=str(tmp_path))
    base = {"KERASTUNER_ORACLE_IP": "127.0.0.1", "KERASTUNER_ORACLE_PORT": port}

    def worker(tuner_id):
        return python(script, env={**base, "KERASTUNER_TUNER_ID": tuner_id})

    chief = worker("chief")
    time.sleep(3)
    workers = {"tuner0": worker("tuner0"), "tuner1": worker("tuner1")}
    processes = [chief, *workers.values()]
    try:
        # Kill whichever worker is first inside a trial, by its PID.
        found = _wait_for(lambda: _open_trial(tmp_path), processes)
        assert found is not None, "no trial began:\n" + "\n".join(_log(tmp_path))
        killed, victim = found
        survivor = ({"tuner0", "tuner1"} - {victim}).pop()
        os.kill(workers[victim].pid, signal.SIGKILL)
        assert workers[victim].wait(timeout=30) == -signal.SIGKILL
        assert f"end {killed} COMPLETED" not in _log(tmp_path), (
            "the trial ended before the kill"
        )

        # The other worker runs out of trials and exits; the chief, which
        # would end within a second otherwise, waits for the RUNNING trial.
        survived = workers[survivor]
        assert survived.wait(timeout=600) == 0, survived.communicate()[0][-3000:]
        time.sleep(3)
        assert chief.poll() is None, "the chief ended with a trial RUNNING"
        assert f"end {killed} COMPLETED" not in _log(tmp_path)

        restarted = worker(victim)
        processes.append(restarted)
        restarted_output = restarted.communicate(timeout=600)[0]
        chief_output = chief.communicate(timeout=120)[0]
    finally:
        for p in processes:
            p.kill()
    assert restarted.returncode == 0, restarted_output[-3000:]
    assert chief.returncode == 0, chief_output[-3000:]
    assert "DONE " + str(["COMPLETED"] * TRIALS) in chief_output, chief_output[-3000:]
    log = _log(tmp_path)
    # The restarted worker was given the killed trial back and finished it.
    assert log.count(f"begin {killed} {victim}") == 2, log
    assert log.count(f"end {killed} COMPLETED") == 1, log
