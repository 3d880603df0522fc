"""`kerasnotes tune` / `kerasnotes demo`: outputs and one-line errors."""

import json
import subprocess
import sys

import keras
import numpy as np
import pandas as pd
import pytest

from kerasnotes import cli
from tests.tuning._support import ROOT

FAST = ["--max-trials", "2", "--epochs", "3", "--tuner", "random"]


def _csv(path, n=150, seed=0, task="binary"):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n), rng.normal(size=n)
    colour = rng.choice(["red", "green", "blue"], size=n)
    frame = pd.DataFrame({"a": a, "b": b, "colour": colour})
    if task == "binary":
        frame["label"] = np.where(a + (colour == "red") > 0.3, "yes", "no")
    else:
        frame["label"] = 2.0 * a - b + (colour == "blue") + 0.1 * rng.normal(size=n)
    frame.to_csv(path, index=False)
    return frame


@pytest.mark.slow
def test_tune_on_a_csv_writes_model_hyperparameters_report_and_pictures(
    tmp_path, capsys
):
    frame = _csv(tmp_path / "data.csv")
    out = tmp_path / "out"
    code = cli.main(
        [
            "tune",
            "--csv",
            str(tmp_path / "data.csv"),
            "--target",
            "label",
            "--out",
            str(out),
            *FAST,
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert "trial 1/2" in printed and "trial 2/2" in printed and "best" in printed
    for name in [
        "best_model.keras",
        "best_hyperparameters.json",
        "report.md",
        "learning_curves.png",
        "learning_rate.png",
        "objective_vs_learning_rate.png",
    ]:
        assert (out / name).stat().st_size > 0, name
    info = json.loads((out / "best_hyperparameters.json").read_text())
    assert info["task"] == "binary"
    assert info["classes"] == ["no", "yes"]
    assert info["feature_columns"] == [
        "a",
        "b",
        "colour_blue",
        "colour_green",
        "colour_red",
    ]
    report = (out / "report.md").read_text()
    for word in ["precision", "recall", "f1", "roc_auc", "Confusion matrix"]:
        assert word in report
    # The saved model takes the raw (one-hot encoded) features: it starts by
    # standardizing them with the training part's statistics.
    model = keras.saving.load_model(out / "best_model.keras", safe_mode=True)
    standardize = model.get_layer("standardize")
    encoded = pd.get_dummies(frame.drop(columns="label"), dtype="float32")
    # Its statistics are those of the training part: the command's split is
    # scikit-learn's 60/20/20, stratified, with --seed (0); made again here.
    from sklearn.model_selection import train_test_split

    rest, _, labels_rest, _ = train_test_split(
        encoded, frame["label"], test_size=0.2, stratify=frame["label"], random_state=0
    )
    train, _ = train_test_split(
        rest, test_size=0.25, stratify=labels_rest, random_state=0
    )
    mean = keras.ops.convert_to_numpy(standardize.mean).ravel()
    variance = keras.ops.convert_to_numpy(standardize.variance).ravel()
    np.testing.assert_allclose(mean, train.mean().to_numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        variance, train.var(ddof=0).to_numpy(), rtol=1e-4, atol=1e-6
    )
    probabilities = model.predict(encoded.to_numpy("float32"), verbose=0)
    assert probabilities.shape == (len(frame), 1)
    assert ((probabilities >= 0) & (probabilities <= 1)).all()


def _split_like_the_command(x, y, stratify=None):
    """The command's split: scikit-learn's 60/20/20 with --seed (0)."""
    from sklearn.model_selection import train_test_split

    x_rest, x_test, y_rest, y_test = train_test_split(
        x, y, test_size=0.2, stratify=stratify, random_state=0
    )
    x_train, _, y_train, _ = train_test_split(
        x_rest,
        y_rest,
        test_size=0.25,
        stratify=None if stratify is None else y_rest,
        random_state=0,
    )
    return (x_train, y_train), (x_test, y_test)


@pytest.mark.slow
@pytest.mark.one_backend  # the command's data and report plumbing
def test_tune_regression_beats_the_mean_and_saves_a_model_in_target_units(
    tmp_path, capsys
):
    # scikit-learn's diabetes data: targets 25 to 346. Unscaled, the search
    # returned models worse than predicting the mean (issue 16: RMSE 87
    # against 72).
    from sklearn.datasets import load_diabetes

    frame = load_diabetes(as_frame=True, scaled=False).frame
    frame.to_csv(tmp_path / "diabetes.csv", index=False)
    out = tmp_path / "out"
    budget = ["--max-trials", "3", "--epochs", "20", "--tuner", "random"]
    args = ["--csv", str(tmp_path / "diabetes.csv"), "--target", "target"]
    assert cli.main(["tune", *args, "--out", str(out), *budget]) == 0
    printed = capsys.readouterr().out
    assert (
        "task: regression (whole-number target with 214 distinct values > 20); "
        "use --task to change it"
    ) in printed
    info = json.loads((out / "best_hyperparameters.json").read_text())
    assert info["task"] == "regression"
    assert set(info["test_metrics"]) == {"rmse", "mae", "r2"}
    x = frame.drop(columns="target").to_numpy("float32")
    (_, y_train), (x_test, y_test) = _split_like_the_command(x, frame["target"])
    # The baseline: the training rows' mean for every test row.
    mean_rmse = float(np.sqrt(np.mean((y_test - y_train.mean()) ** 2)))
    assert info["baseline_test_metrics"]["rmse"] == pytest.approx(mean_rmse)
    assert info["test_metrics"]["rmse"] < mean_rmse
    assert info["test_metrics"]["r2"] > 0
    assert "the tuned model is no better" not in printed
    # The saved model predicts in the target's units: its RMSE on the test
    # rows is the reported one.
    model = keras.saving.load_model(out / "best_model.keras", safe_mode=True)
    predictions = model.predict(x_test, verbose=0).ravel()
    rmse = float(np.sqrt(np.mean((predictions - y_test.to_numpy()) ** 2)))
    assert rmse == pytest.approx(info["test_metrics"]["rmse"], rel=1e-4)
    std = float(np.std(y_train))
    assert info["target_standardization"]["std"] == pytest.approx(std)
    report = (out / "report.md").read_text()
    assert "| rmse |" in report and "baseline: mean of the training targets" in report
    assert "`unstandardize_target` (Rescaling)" in report


def _visits(path, n=80, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "patient_id": rng.permutation(np.arange(700, 700 + n)),
            "visit_date": [
                str(np.datetime64("2020-01-01") + np.timedelta64(int(d), "D"))
                for d in rng.permutation(n)
            ],
            "a": a,
            "label": np.where(a > 0, "yes", "no"),
        }
    )
    frame.to_csv(path, index=False)
    return frame


@pytest.mark.slow
@pytest.mark.one_backend  # the command's data and report plumbing
def test_short_hyperband_ids_dates_and_the_task_each_get_one_line(tmp_path, capsys):
    _visits(tmp_path / "visits.csv")
    out = tmp_path / "out"
    args = ["tune", "--csv", str(tmp_path / "visits.csv"), "--target", "label"]
    budget = ["--tuner", "hyperband", "--max-trials", "2", "--epochs", "2"]
    keep = ["--keep-columns", "visit_date"]
    assert cli.main([*args, *keep, "--out", str(out), *budget]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        "dropped 1 column that looks like row identifiers or dates: patient_id "
        "(an integer id, unique per row); --keep-columns patient_id keeps them"
    ) in lines
    assert "2 features after encoding" in lines[1]
    assert (
        "task: binary (labels that are not numbers, 2 distinct); use --task to "
        "change it"
    ) in lines
    assert (
        "warning: 2 of 2 trials train only 2 epochs (hyperband over --epochs 2): "
        "--epochs 9 or more gives trials at least 3 epochs"
    ) in lines
    info = json.loads((out / "best_hyperparameters.json").read_text())
    assert info["feature_columns"] == ["visit_date", "a"]


@pytest.mark.slow
@pytest.mark.one_backend
def test_demo_runs_tune_on_the_builtin_data(tmp_path, capsys):
    out = tmp_path / "demo"
    assert (
        cli.main(["demo", "--max-trials", "2", "--epochs", "3", "--out", str(out)]) == 0
    )
    printed = capsys.readouterr().out
    assert "breast cancer" in printed
    info = json.loads((out / "best_hyperparameters.json").read_text())
    assert info["test_metrics"]["roc_auc"] > 0.9
    # The baseline predicts the training rows' majority class (benign, 1):
    # its accuracy is that class's share of the test rows.
    from sklearn.datasets import load_breast_cancer

    x, y = load_breast_cancer(return_X_y=True)
    _, (_, y_test) = _split_like_the_command(x, y, stratify=y)
    majority = float(np.mean(y_test == 1))
    baseline = info["baseline_test_metrics"]
    assert baseline["accuracy"] == pytest.approx(majority)
    assert baseline["roc_auc"] == pytest.approx(0.5)
    assert info["test_metrics"]["accuracy"] > majority
    report = (out / "report.md").read_text()
    assert "baseline: majority class" in report


@pytest.mark.slow
@pytest.mark.one_backend
def test_cross_validated_tune_writes_per_fold_columns(tmp_path, capsys):
    out = tmp_path / "cv"
    assert cli.main(["tune", "--cv", "5", "--out", str(out), *FAST]) == 0
    printed = capsys.readouterr().out
    assert "455 train+validation in 5 folds / 114 test" in printed
    report = (out / "report.md").read_text()
    header = next(line for line in report.splitlines() if "| trial_id |" in line)
    columns = [c.strip() for c in header.strip("|").split("|")]
    assert columns[:3] == ["trial_id", "status", "objective"]
    folds = ["fold_1", "fold_2", "fold_3", "fold_4", "fold_5"]
    assert columns[3:9] == folds + ["objective_std"]
    rows = [
        line
        for line in report.splitlines()
        if line.startswith("| ") and "COMPLETED" in line
    ]
    assert len(rows) == 2
    for row in rows:
        values = [v.strip() for v in row.strip("|").split("|")]
        scores = [float(v) for v in values[3:8]]
        # report.md prints 4 significant digits: the mean of the printed folds.
        assert abs(float(values[2]) - sum(scores) / 5) < 1e-3
    info = json.loads((out / "best_hyperparameters.json").read_text())
    assert info["test_metrics"]["roc_auc"] > 0.9
    assert "mean of 5 folds" in report


def _error(args, capsys):
    code = cli.main(args)
    err = capsys.readouterr().err.strip()
    return code, err


@pytest.mark.parametrize(
    "content, extra, message",
    [
        (None, [], "no such file"),
        ("", [], "is empty"),
        ("a,b,label\n", [], "no data rows"),
        ("a,label\n1,x\n2,x\n3,x\n4,x\n5,x\n6,x\n", [], "single class"),
        ("a,b,label\n1,2,x\n3,,y\n5,6,x\n", [], "missing values in columns b (1 rows)"),
        ("a,label\n1,x\n", ["--target", "nope"], "column 'nope' is not in"),
        ("a,label\n1,x\n", ["--cv", "1"], "--cv must be an integer >= 2, got 1"),
        (
            "a,label\n1,x\n2,y\n3,x\n4,y\n",
            ["--task", "multiclass"],
            "--task multiclass, but 'label' has 2 classes ('x', 'y'); use --task "
            "binary (or auto)",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(content, extra, message, tmp_path, capsys):
    path = tmp_path / "in.csv"
    if content is not None:
        path.write_text(content)
    args = ["tune", "--csv", str(path), "--target", "label", *extra]
    args += ["--out", str(tmp_path / "out"), *FAST]
    code, err = _error(args, capsys)
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert err.startswith("kerasnotes tune: error: ")
    assert message in err


def test_unknown_target_on_the_builtin_data_is_one_line(tmp_path, capsys):
    code, err = _error(
        ["tune", "--target", "nope", "--out", str(tmp_path / "o"), *FAST], capsys
    )
    assert code == 2
    assert err == (
        "kerasnotes tune: error: --target 'nope' needs --csv; the "
        "built-in breast-cancer data's target column is 'target'"
    )


def test_out_that_is_a_file_is_one_line(tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.write_text("x")
    code, err = _error(["tune", "--out", str(taken), *FAST], capsys)
    assert code == 2
    assert (
        err == f"kerasnotes tune: error: --out {str(taken)!r} is a file, not a folder"
    )


@pytest.mark.slow
@pytest.mark.one_backend
def test_dropna_drops_rows_and_goes_on(tmp_path, capsys):
    frame = _csv(tmp_path / "d.csv")
    frame.loc[[3, 7], "a"] = np.nan
    frame.to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "out"
    code, err = _error(
        [
            "tune",
            "--csv",
            str(tmp_path / "d.csv"),
            "--target",
            "label",
            "--out",
            str(out),
            *FAST,
        ],
        capsys,
    )
    assert code == 2 and "--dropna" in err and "[3, 7]" in err
    assert (
        cli.main(
            [
                "tune",
                "--csv",
                str(tmp_path / "d.csv"),
                "--target",
                "label",
                "--dropna",
                "--out",
                str(out),
                *FAST,
            ]
        )
        == 0
    )
    assert "dropped 2 rows" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.one_backend
def test_no_traceback_from_the_console(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kerasnotes",
            "tune",
            "--csv",
            str(tmp_path / "missing.csv"),
            "--target",
            "y",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"kerasnotes tune: error: no such file: {tmp_path / 'missing.csv'}"
    )


def test_help_lists_tune_options(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["tune", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for flag in [
        "--csv",
        "--target",
        "--task",
        "--tuner",
        "--max-trials",
        "--oversample",
        "--out",
        "--seed",
        "--dropna",
    ]:
        assert flag in out
