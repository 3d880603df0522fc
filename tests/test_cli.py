import pathlib
import subprocess
import sys

import pytest

from kerasnotes import cli


def test_help_lists_subcommands():
    # The console script that `pip install` made (`python -m kerasnotes` is
    # run by tests/tuning/test_command.py).
    script = pathlib.Path(sys.executable).parent / "kerasnotes"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    for command in ["demo", "tune", "compare-optimizers"]:
        assert command in done.stdout


def test_no_subcommand_prints_help_and_exits_2(capsys):
    assert cli.main([]) == 2
    assert "demo" in capsys.readouterr().out


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
