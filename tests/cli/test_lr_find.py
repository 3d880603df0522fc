import numpy as np
import pytest

from kerasnotes import cli


def _suggestion(out):
    line = [s for s in out.splitlines() if s.startswith("suggested learning rate:")]
    assert len(line) == 1, out
    return float(line[0].split(":")[1])


@pytest.mark.slow
def test_builtin_dataset_prints_suggestion_and_saves_plot(tmp_path, capsys):
    plot = tmp_path / "curve.png"
    code = cli.main(
        [
            "lr-find",
            "--plot",
            str(plot),
            "--num-steps",
            "40",
            "--start-lr",
            "1e-4",
            "--batch-size",
            "64",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "breast cancer" in out
    assert 1e-4 < _suggestion(out) < 10.0
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
@pytest.mark.one_backend
def test_csv_regression(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = x @ np.array([1.0, -1.0, 2.0]) + 0.1 * rng.normal(size=200)
    path = tmp_path / "data.csv"
    rows = ["a,b,c,price"] + [
        ",".join(f"{v:.6f}" for v in (*row, t)) for row, t in zip(x, y)
    ]
    path.write_text("\n".join(rows) + "\n")
    plot = tmp_path / "lr.png"
    code = cli.main(
        [
            "lr-find",
            "--csv",
            str(path),
            "--target",
            "price",
            "--plot",
            str(plot),
            "--num-steps",
            "30",
            "--start-lr",
            "1e-4",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "regression" in out and "200 rows, 3 features" in out
    suggested = _suggestion(out)
    assert 1e-4 < suggested < 10.0
    assert plot.exists()

    # The suggestion is a rate that trains: the same model and data, fitted
    # with SGD at that rate, end with a lower loss than at the start and
    # than at a rate 100 times smaller.
    from kerasnotes.cli.lr_find import build_model
    from kerasnotes.cli.lr_find import load_data

    x_csv, y_csv, table = load_data(path, "price")

    def loss_after_training(rate):
        model = build_model(3, table.task, None, "sgd", seed=0)
        model.optimizer.learning_rate = rate
        before = model.evaluate(x_csv, y_csv, verbose=0)
        model.fit(x_csv, y_csv, epochs=5, batch_size=32, verbose=0)
        return before, model.evaluate(x_csv, y_csv, verbose=0)

    before, after = loss_after_training(suggested)
    _, after_small = loss_after_training(suggested / 100)
    assert after < 0.8 * before, (suggested, before, after)
    assert after < after_small, (suggested, after, after_small)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--csv", "x.csv"], "--csv and --target go together"),
        (["--num-steps", "1"], "--num-steps must be > 1, got 1"),
        (["--start-lr", "1", "--end-lr", "0.1"], "need 0 < --start-lr < --end-lr"),
        (["--csv", "/nonexistent.csv", "--target", "y"], "no such file"),
    ],
)
def test_user_errors_are_one_line(argv, message, capsys):
    assert cli.main(["lr-find", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kerasnotes lr-find: error: ")
    assert message in err and "\n" not in err


def test_csv_target_kinds(tmp_path):
    from kerasnotes._internal.errors import InputError
    from kerasnotes.cli.lr_find import load_data

    def load_csv(path, target):
        x, y, table = load_data(path, target)
        return x, y.ravel(), table.task

    labels = tmp_path / "labels.csv"
    labels.write_text("a,b,species\n1,10,cat\n2,20,dog\n3,30,cat\n4,40,owl\n")
    x, y, task = load_csv(labels, "species")
    assert task == "multiclass" and y.tolist() == [0, 1, 0, 2]
    # Features standardized (mean 0, population std 1).
    np.testing.assert_allclose(x.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(x.std(axis=0), 1.0, rtol=1e-6)
    numbers = tmp_path / "numbers.csv"
    numbers.write_text(
        "a,b,grade,price\n1,10,0,1.5\n2,20,2,2.5\n3,30,1,3.25\n4,40,2,0.5\n"
    )
    assert load_csv(numbers, "grade")[2] == "multiclass"
    x, y, task = load_csv(numbers, "price")
    assert task == "regression" and y.tolist() == [1.5, 2.5, 3.25, 0.5]
    assert x.shape == (4, 3)
    # Non-numeric features are one-hot encoded: b plus species cat/dog/owl.
    x, y, task = load_csv(labels, "a")
    assert x.shape == (4, 4) and task == "multiclass"
    with pytest.raises(InputError, match="column 'nope' is not in"):
        load_csv(labels, "nope")


@pytest.mark.parametrize(
    "plot, message",
    [
        ("/proc/x/lr.png", "--plot /proc/x/lr.png: folder /proc/x does not exist"),
        ("{tmp}/missing/lr.png", "folder {tmp}/missing does not exist"),
        ("{tmp}", "--plot {tmp} is a folder"),
        ("{tmp}/lr.xyz", "matplotlib cannot write .xyz files"),
    ],
    ids=["proc", "missing-folder", "folder", "suffix"],
)
def test_unwritable_plot_is_refused_before_the_sweep(
    plot, message, tmp_path, capsys, monkeypatch
):
    # The sweep must not start: a find_learning_rate that is called fails.
    import kerasnotes.callbacks

    def no_sweep(*args, **kwargs):
        raise AssertionError("the sweep ran before the plot path was checked")

    monkeypatch.setattr(kerasnotes.callbacks, "find_learning_rate", no_sweep)
    plot, message = plot.format(tmp=tmp_path), message.format(tmp=tmp_path)
    assert cli.main(["lr-find", "--plot", plot, "--num-steps", "5"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("kerasnotes lr-find: error: ") and "\n" not in err
    assert message in err
    assert "swept" not in captured.out


def test_unwritable_folder_is_refused(tmp_path, capsys, monkeypatch):
    # A folder that refuses a new file (as a read-only folder does for a
    # user who is not root): the trial file cannot be created.
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    plot = str(tmp_path / "lr.png")
    assert cli.main(["lr-find", "--plot", plot]) == 2
    err = capsys.readouterr().err
    assert f"--plot {plot}: cannot write in {tmp_path} (Permission denied)" in err


def test_plot_without_matplotlib_is_refused(capsys, monkeypatch):
    from kerasnotes.plot import _figure

    def no_matplotlib():
        raise ImportError("No module named 'matplotlib'")

    monkeypatch.setattr(_figure, "savable_formats", no_matplotlib)
    assert cli.main(["lr-find"]) == 2
    err = capsys.readouterr().err
    assert "--plot needs matplotlib" in err and "--plot '' for no plot" in err


def test_no_clear_suggestion_is_said_in_one_line(capsys):
    # A sweep from 1e-7 to 1e-5: plain SGD does not move the loss at such
    # rates, so there is nothing to suggest.
    argv = ["lr-find", "--plot", "", "--num-steps", "30", "--end-lr", "1e-5"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    lines = [s for s in out.splitlines() if "suggest" in s]
    assert len(lines) == 1, out
    assert lines[0].startswith("no clear learning-rate suggestion: the loss never")
    assert lines[0].endswith("; rerun with a larger --end-lr")
    assert "suggested learning rate" not in out


@pytest.mark.parametrize(
    "kind, end, hint",
    [
        ("flat", 10.0, "check the data, the target and the model"),
        ("still falling", 10.0, "rerun with a larger --end-lr"),
        ("starts falling", 10.0, "rerun with a smaller --start-lr"),
    ],
)
def test_no_suggestion_hints(kind, end, hint):
    from kerasnotes.callbacks import LRFinder
    from kerasnotes.cli.lr_find import report_suggestion

    log_lr = np.linspace(-4, 0, 41)
    center = {"flat": 9.0, "still falling": 0.0, "starts falling": -4.0}[kind]
    finder = LRFinder(1e-4, end, num_steps=41, smoothing=0.0)
    finder.learning_rates = list(10**log_lr)
    finder.losses = list(1.0 - np.tanh(3.0 * (log_lr - center)))
    printed = []
    assert report_suggestion(finder, printed.append) is None
    assert len(printed) == 1 and printed[0].startswith(
        "no clear learning-rate suggestion: "
    )
    assert printed[0].endswith(f"; {hint}")


def test_suggestion_line_says_how_to_use_it():
    from kerasnotes.callbacks import LRFinder
    from kerasnotes.cli.lr_find import report_suggestion

    finder = LRFinder(1e-4, 1.0, num_steps=41, smoothing=0.0)
    finder.learning_rates = list(np.geomspace(1e-4, 1.0, 41))
    finder.losses = list(1.0 - np.tanh(3.0 * (np.linspace(-4, 0, 41) + 2.0)))
    printed = []
    assert report_suggestion(finder, printed.append) == pytest.approx(1e-2)
    assert printed[0] == "suggested learning rate: 0.01"
    assert "peak of a one-cycle schedule" in printed[1]
    assert "a constant rate is safer about 3x lower" in printed[1]


def test_single_class_target_is_refused_as_tune_refuses_it(tmp_path, capsys):
    # One data check for both commands: the same one-line message.
    rng = np.random.default_rng(0)
    path = tmp_path / "one_class.csv"
    rows = ["a,b,label"] + [f"{u:.4f},{v:.4f},1" for u, v in rng.normal(size=(40, 2))]
    path.write_text("\n".join(rows) + "\n")
    errors = {}
    for command, extra in [
        ("lr-find", ["--plot", ""]),
        ("tune", ["--out", str(tmp_path / "out"), "--max-trials", "1"]),
    ]:
        argv = [command, "--csv", str(path), "--target", "label", *extra]
        assert cli.main(argv) == 2
        err = capsys.readouterr().err.strip()
        errors[command] = err.split(": error: ", 1)[1]
    assert errors["lr-find"] == errors["tune"]
    assert errors["lr-find"] == (
        "target 'label' has a single class (1); there is nothing to classify"
    )
