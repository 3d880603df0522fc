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
