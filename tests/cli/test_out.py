"""The output folder: one run at a time, atomic files, one-line errors."""

import os
import subprocess
import sys

import pytest

from kerasnotes import cli
from kerasnotes._internal.errors import InputError
from kerasnotes.cli import _out
from tests.tuning._support import ROOT

FAST = ["--max-trials", "1", "--epochs", "1", "--tuner", "random"]


def test_a_failed_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "report.md"
    path.write_text("old report\n")
    with pytest.raises(RuntimeError, match="killed mid-write"):
        with _out.replacing(str(path)) as temp:
            with open(temp, "w") as f:
                f.write("half of a new rep")
            raise RuntimeError("killed mid-write")
    assert path.read_text() == "old report\n"
    assert sorted(os.listdir(tmp_path)) == ["report.md"]  # no temporary left
    with _out.replacing(str(path)) as temp:
        assert os.path.dirname(temp) == str(tmp_path) and temp.endswith(".md")
        with open(temp, "w") as f:
            f.write("new report\n")
        assert path.read_text() == "old report\n"  # until the writer is done
    assert path.read_text() == "new report\n"
    assert sorted(os.listdir(tmp_path)) == ["report.md"]


def test_the_outputs_of_tune_are_replaced_not_written_in_place(tmp_path):
    # The writers tune uses, each failing mid-write: the file that was there
    # stays whole.
    import keras
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import figure as mpl_figure

    from kerasnotes.cli import _report
    from kerasnotes.cli import tune

    json_path = tmp_path / "best_hyperparameters.json"
    json_path.write_text('{"old": 1}')
    with pytest.raises(TypeError, match="not JSON serializable"):
        _report.write_json(str(json_path), {"a": 1, "b": object()})
    assert json_path.read_text() == '{"old": 1}'

    picture = tmp_path / "learning_curves.png"
    picture.write_bytes(b"old picture")
    figure = mpl_figure.Figure()
    figure.add_subplot().plot([1, 2], [3, 4])

    def broken_print_figure(*args, **kwargs):
        raise OSError("disk full")

    figure.canvas.print_figure = broken_print_figure
    with pytest.raises(OSError, match="disk full"):
        tune._save_figure(figure, str(picture))
    assert picture.read_bytes() == b"old picture"

    model_path = tmp_path / "best_model.keras"
    model_path.write_bytes(b"old model")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    original = keras.Model.save

    def save_then_die(self, filepath, *args, **kwargs):
        original(self, filepath, *args, **kwargs)
        raise KeyboardInterrupt  # as a kill right after the write

    try:
        keras.Model.save = save_then_die
        with pytest.raises(KeyboardInterrupt):
            with _out.replacing(str(model_path)) as temp:
                model.save(temp)
    finally:
        keras.Model.save = original
    assert model_path.read_bytes() == b"old model"
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["best_hyperparameters.json", "learning_curves.png", "best_model.keras"]
    )


@pytest.mark.parametrize(
    "out, message",
    [
        ("/proc/x", "--out /proc/x: cannot create or write in the folder ("),
        (
            "{tmp}/a_file/sub",
            "--out {tmp}/a_file/sub: {tmp}/a_file is a file, not a folder",
        ),
    ],
    ids=["proc", "file-on-the-path"],
)
def test_an_out_that_cannot_be_made_is_one_line(out, message, tmp_path, capsys):
    (tmp_path / "a_file").write_text("x")
    out, message = out.format(tmp=tmp_path), message.format(tmp=tmp_path)
    assert cli.main(["tune", "--out", out, *FAST]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kerasnotes tune: error: ") and "\n" not in err
    assert message in err


_HOLDER = """
import sys, time
from kerasnotes.cli import _out
with _out.claim(sys.argv[1]):
    print("holding", flush=True)
    time.sleep(120)
"""


@pytest.mark.slow
@pytest.mark.one_backend
def test_a_second_run_into_a_locked_out_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        assert (out / _out.LOCK_NAME).read_text().strip() == str(holder.pid)
        # The search must not start: a search that is called fails.
        assert cli.main(["tune", "--out", str(out), *FAST]) == 2
        err = capsys.readouterr().err.strip()
        assert err == (
            f"kerasnotes tune: error: --out {out} is in use by another "
            f"kerasnotes run (PID {holder.pid}, lock file "
            f"{out / _out.LOCK_NAME}); wait for it to end or choose another --out"
        )
        assert not (out / "search").exists()
    finally:
        holder.kill()
        holder.wait()
    # Killed (no clean-up ran): its lock file is left with its PID, and the
    # OS lock went with the process, so the next run takes it over.
    assert (out / _out.LOCK_NAME).read_text().strip() == str(holder.pid)
    printed = []
    with _out.claim(str(out), print_fn=printed.append) as lock:
        assert (out / _out.LOCK_NAME).read_text().strip() == str(os.getpid())
        assert lock.took_over == holder.pid
    assert printed == [
        f"took over the lock of {out} from PID {holder.pid}, whose run has ended"
    ]
    assert not (out / _out.LOCK_NAME).exists()  # released at the end


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)
    (tmp_path / _out.LOCK_NAME).write_text(f"{pid}\n")
    (tmp_path / ".best_model.tmp-abc.keras").write_text("left by a kill")
    with _out.claim(str(tmp_path), print_fn=lambda line: None) as lock:
        assert lock.took_over == pid
        assert (tmp_path / _out.LOCK_NAME).read_text() == f"{os.getpid()}\n"
        # Temporary files of the killed run are removed.
        assert not (tmp_path / ".best_model.tmp-abc.keras").exists()
        # A second claim in the meantime (as from another process) is refused.
        with pytest.raises(
            InputError, match=f"in use by another kerasnotes run \\(PID {os.getpid()}"
        ):
            _out.FolderLock(str(tmp_path)).acquire()
    assert not (tmp_path / _out.LOCK_NAME).exists()


def test_a_fingerprint_names_what_differs(tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("a,label\n1,x\n")
    old = _out.fingerprint(str(csv), {"epochs": 3, "seed": 0})
    (tmp_path / "search").mkdir()
    _out.check_resume(str(tmp_path), "search", print, fingerprint=old, overwrite=True)
    same = _out.fingerprint(str(csv), {"epochs": 3, "seed": 0})
    _out.check_resume(str(tmp_path), "search", print, fingerprint=same, overwrite=False)
    # A CSV that cannot be read is left to the data layer ("no such file").
    missing = _out.fingerprint(str(tmp_path / "missing.csv"), {"epochs": 3})
    assert missing["data"] is None
    _out.check_resume(
        str(tmp_path), "search", print, fingerprint=missing, overwrite=False
    )
    csv.write_text("a,label\n2,x\n")
    new = _out.fingerprint(str(csv), {"epochs": 5, "seed": 0})
    with pytest.raises(InputError) as info:
        _out.check_resume(
            str(tmp_path), "search", print, fingerprint=new, overwrite=False
        )
    assert str(info.value) == (
        f"--out {tmp_path} holds a search on other data or arguments (the "
        "data differ; --epochs 5 (was 3)); rerun with --overwrite to replace "
        "it, or choose another --out"
    )


def _two_csvs(tmp_path):
    import numpy as np

    paths = []
    for seed in (0, 1):
        rng = np.random.default_rng(seed)
        rows = ["a,b,label"]
        for a, b in rng.normal(size=(80, 2)):
            rows.append(f"{a:.5f},{b:.5f},{'yes' if a + b > 0 else 'no'}")
        path = tmp_path / f"data{seed}.csv"
        path.write_text("\n".join(rows) + "\n")
        paths.append(str(path))
    return paths


@pytest.mark.slow
@pytest.mark.one_backend
def test_resuming_checks_the_fingerprint_and_the_files(tmp_path, capsys):
    import shutil

    first, second = _two_csvs(tmp_path)
    out = tmp_path / "out"

    def tune(csv, into, *extra):
        argv = ["tune", "--csv", csv, "--target", "label", "--out", str(into)]
        code = cli.main([*argv, *FAST, *extra])
        captured = capsys.readouterr()
        return code, captured.out, captured.err.strip()

    assert tune(first, out)[0] == 0
    # The same data and arguments resume (nothing left to run).
    code, printed, _ = tune(first, out)
    assert code == 0 and f"resuming the search in {out / 'search'}" in printed
    # Other data, or an argument that defines the search: one line, exit 2.
    code, _, err = tune(second, out)
    assert code == 2
    assert err == (
        f"kerasnotes tune: error: --out {out} holds a search on other data or "
        "arguments (the data differ); rerun with --overwrite to replace it, or "
        "choose another --out"
    )
    code, _, err = tune(first, out, "--seed", "3")
    assert code == 2 and "(--seed 3 (was 0))" in err
    # Damaged files of the search: the file is named.
    for name in ["trial_0/checkpoint.weights.h5", "oracle.json"]:
        damaged = tmp_path / name.replace("/", "_")
        shutil.copytree(out, damaged)
        path = damaged / "search" / name
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        code, _, err = tune(first, damaged)
        assert code == 2 and "\n" not in err
        assert err.startswith(
            f"kerasnotes tune: error: --out {damaged}: cannot resume, {path} "
            "is truncated or damaged"
        )
        assert err.endswith("; rerun with --overwrite to start the search afresh")
    # --overwrite starts afresh on the other data.
    assert tune(second, out, "--overwrite")[0] == 0
