import pathlib
import subprocess
import sys

import pytest

from kerasnotes import cli


@pytest.mark.slow
def test_help_lists_subcommands():
    # The console script that `pip install` made (`python -m kerasnotes` is
    # run by tests/cli/test_tune.py).
    script = pathlib.Path(sys.executable).parent / "kerasnotes"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    for command in ["demo", "tune", "compare-optimizers"]:
        assert command in done.stdout


def test_no_subcommand_prints_help_and_exits_2(capsys):
    assert cli.main([]) == 2
    assert "demo" in capsys.readouterr().out


@pytest.mark.slow
def test_compare_optimizers_trains_and_reports_test_metrics(capsys):
    assert cli.main(["compare-optimizers", "--epochs", "4"]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines()]
    table = {
        row[0]: row for row in rows if row and row[0] in {"NAG", "AdamW", "AMSGrad"}
    }
    assert set(table) == {"NAG", "AdamW", "AMSGrad"}
    for row in table.values():
        accuracy, roc_auc = float(row[3]), float(row[7])
        # Even 4 epochs separate this data far better than chance (0.63).
        assert 0.8 < accuracy <= 1.0
        assert 0.9 < roc_auc <= 1.0


def test_bad_argument_is_one_line_exit_2(capsys):
    assert cli.main(["compare-optimizers", "--epochs", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "kerasnotes compare-optimizers: error: --epochs must be > 0, got 0"
    assert cli.main(["demo", "--max-trials", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "kerasnotes demo: error: --max-trials must be > 0, got 0"


def test_unknown_subcommand_is_argparse_error():
    with pytest.raises(SystemExit) as info:
        cli.main(["nope"])
    assert info.value.code == 2


def test_an_internal_error_keeps_its_traceback(monkeypatch):
    # Only the package's own input errors become one line and exit 2; any
    # other exception (here a ValueError, as Keras or KerasTuner may raise)
    # leaves main() and Python prints its traceback and exits 1.
    from kerasnotes.cli import compare_optimizers

    def broken(**kwargs):
        raise ValueError("an internal bug")

    monkeypatch.setattr(compare_optimizers, "compare_optimizers", broken)
    with pytest.raises(ValueError, match="an internal bug"):
        cli.main(["compare-optimizers"])


def test_an_input_error_is_one_line_exit_2(monkeypatch, capsys):
    from kerasnotes._internal.errors import InputError
    from kerasnotes.cli import compare_optimizers

    def refuses(**kwargs):
        raise InputError("Argument `x` is bad.\nA second line.")

    monkeypatch.setattr(compare_optimizers, "compare_optimizers", refuses)
    assert cli.main(["compare-optimizers"]) == 2
    err = capsys.readouterr().err
    assert err == "kerasnotes compare-optimizers: error: Argument `x` is bad.\n"


@pytest.mark.slow
def test_an_internal_error_exits_1_with_a_traceback_from_the_console(tmp_path):
    # An exception from inside the library, simulated by a sitecustomize
    # that breaks the command's body, reaches the console whole.
    (tmp_path / "sitecustomize.py").write_text(
        "import kerasnotes.cli.compare_optimizers as c\n"
        "def broken(**kwargs):\n"
        "    raise RuntimeError('an internal bug')\n"
        "c.compare_optimizers = broken\n"
    )
    import os

    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "kerasnotes", "compare-optimizers"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "RuntimeError: an internal bug" in done.stderr
