"""search(..., cv=k): a cross-validated objective.

The expected scores are recomputed here from the raw Keras histories each
fold's `fit` returned (recorded by the test's own hypermodel), the folds are
checked against the rows they came from, and the leakage check uses the
geometry of tests/data/test_cross_validate.py.
"""

import json
import textwrap
import time

import keras
import keras_tuner
import numpy as np
import pytest

from kerasnotes.tuning import HyperMLP
from kerasnotes.tuning import search
from kerasnotes.tuning._tuners import TRIAL_LOG
from tests.tuning._support import binary_data
from tests.tuning._support import free_port
from tests.tuning._support import python


class Recording(keras_tuner.HyperModel):
    """A small classifier whose `fit` records what it was given."""

    def __init__(self, width):
        super().__init__()
        self.width = width
        self.fits = []

    def build(self, hp):
        units = hp.Choice("units", [4, 8])
        model = keras.Sequential(
            [
                keras.Input((self.width,)),
                keras.layers.Dense(units, activation="relu"),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy")
        return model

    def fit(self, hp, model, x, y, validation_data=None, **kwargs):
        history = model.fit(x, y, validation_data=validation_data, **kwargs)
        self.fits.append(
            {
                "x": np.array(x),
                "y": np.array(y),
                "validation": validation_data,
                "epochs": kwargs.get("epochs"),
                "history": {k: list(v) for k, v in history.history.items()},
            }
        )
        return history


def _trial_dirs(tmp_path):
    project = tmp_path / "kerasnotes"
    return sorted(p for p in project.iterdir() if p.name.startswith("trial_"))


@pytest.mark.slow
def test_trial_score_is_the_mean_of_the_folds_best_epochs(tmp_path):
    x, y = binary_data(n=90)
    hypermodel = Recording(x.shape[1])
    result = search(
        x,
        y,
        cv=3,
        hypermodel=hypermodel,
        tuner="grid",
        max_trials=2,
        epochs=5,
        patience=5,
        directory=str(tmp_path),
        seed=0,
        verbose=0,
    )
    trials = result.trials.set_index("trial_id")
    assert len(trials) == 2 and (trials["status"] == "COMPLETED").all()
    folds = hypermodel.fits[:6]  # 2 trials x 3 folds; then the final fit
    best_epochs = {}
    for t, trial_id in enumerate(sorted(trials.index)):
        scores, epochs = [], []
        for fit in folds[3 * t : 3 * t + 3]:
            val_loss = np.asarray(fit["history"]["val_loss"])
            scores.append(val_loss.min())
            epochs.append(int(np.argmin(val_loss)) + 1)
        row = trials.loc[trial_id]
        np.testing.assert_allclose(row["objective"], np.mean(scores), rtol=1e-6)
        np.testing.assert_allclose(
            [row["fold_1"], row["fold_2"], row["fold_3"]], scores, rtol=1e-6
        )
        np.testing.assert_allclose(row["objective_std"], np.std(scores), rtol=1e-5)
        np.testing.assert_allclose(row["best_epochs"], np.mean(epochs))
        best_epochs[trial_id] = np.mean(epochs)

    # The held-out parts split the rows once, stratified, the same every trial.
    held_out = [fit["validation"][0] for fit in folds[:3]]
    rows = np.concatenate(held_out)
    assert sorted(map(bytes, rows)) == sorted(map(bytes, x))
    for fit, repeat in zip(folds[:3], folds[3:6]):
        np.testing.assert_array_equal(fit["validation"][0], repeat["validation"][0])
        positives = fit["validation"][1].sum()
        assert abs(positives - y.sum() / 3) <= 1

    # The best model: the best trial's values trained on every row, with no
    # held-out part, for its folds' mean best epoch count.
    final = hypermodel.fits[6]
    best = trials["objective"].idxmin()
    assert len(hypermodel.fits) == 7
    assert final["validation"] is None and len(final["x"]) == len(x)
    assert final["epochs"] == max(1, round(best_epochs[best]))
    assert result.best_hyperparameters.values == {"units": trials.loc[best, "units"]}
    predictions = result.best_model.predict(x, verbose=0)
    assert predictions.shape == (len(x), 1)

    # The best trial's learning curves: per epoch, the mean over its folds.
    trial_dir = _trial_dirs(tmp_path)[int(best)]
    with open(trial_dir / "history.json") as f:
        mean_curve = json.load(f)["val_loss"]
    curves = [fit["history"]["val_loss"] for fit in folds[3 * int(best) :][:3]]
    assert np.isclose(mean_curve[0], np.mean([c[0] for c in curves]))


@pytest.mark.slow
def test_no_synthetic_row_of_a_training_fold_comes_from_its_held_out_rows(tmp_path):
    """Point j is 10 * e_j, alone on its own axis: a SMOTE row between a and
    b is nonzero exactly on axes a and b, so a training row that touches a
    held-out point's axis was interpolated from it."""
    n_major, n_minor = 22, 8
    n = n_major + n_minor
    x = 10.0 * np.eye(n, dtype="float32")
    y = np.array([0] * n_major + [1] * n_minor)
    hypermodel = Recording(n)
    search(
        x,
        y,
        cv=4,
        oversample="smote",
        k_neighbors=3,
        hypermodel=hypermodel,
        tuner="random",
        max_trials=1,
        epochs=1,
        directory=str(tmp_path),
        seed=0,
        verbose=0,
    )
    folds = hypermodel.fits[:4]
    for fit in folds:
        x_val, y_val = fit["validation"]
        held = [int(np.flatnonzero(row)[0]) for row in x_val]
        assert np.all(np.abs(x_val).sum(axis=1) == 10.0)  # originals only
        assert np.all(fit["x"][:, held] == 0.0)  # nothing derived from them
        support = [np.flatnonzero(row) for row in fit["x"]]
        synthetic = [s for s in support if len(s) == 2]
        assert synthetic  # SMOTE did interpolate
        minority = set(range(n_major, n)) - set(held)
        assert all(set(s) <= minority for s in synthetic)
        counts = np.bincount(fit["y"].ravel().astype(int))
        assert counts[0] == counts[1] == n_major - np.sum(y_val.ravel() == 0)
    # The final model trains on every row, oversampled: 2 x 22 rows.
    final = hypermodel.fits[4]
    assert final["validation"] is None and len(final["x"]) == 2 * n_major


@pytest.mark.slow
@pytest.mark.parametrize("tuner", ["bayesian", "random", "hyperband", "grid"])
def test_every_tuner_cross_validates(tuner, tmp_path):
    x, y = binary_data(n=80)
    result = search(
        x,
        y,
        cv=2,
        tuner=tuner,
        hypermodel=HyperMLP("binary", depth=1, units=16, batch_size=32),
        max_trials=2,
        epochs=3,
        directory=str(tmp_path),
        seed=0,
        verbose=0,
    )
    done = result.trials[result.trials["status"] == "COMPLETED"]
    assert len(done) >= 1
    np.testing.assert_allclose(
        done["objective"], (done["fold_1"] + done["fold_2"]) / 2, rtol=1e-6
    )
    assert result.best_model is not None
    assert result.best_model.predict(x[:3], verbose=0).shape == (3, 1)


def test_bad_cross_validation_arguments(tmp_path, monkeypatch):
    x, y = binary_data()
    with pytest.raises(ValueError, match="`cv` and `validation_data`"):
        search(x, y, cv=3, validation_data=(x, y), directory=str(tmp_path))
    for cv in (1, 0, True, 2.5, "3"):
        with pytest.raises(ValueError, match="cv"):
            search(x, y, cv=cv, directory=str(tmp_path))
    with pytest.raises(ValueError, match="executions_per_trial"):
        search(x, y, cv=3, executions_per_trial=2, directory=str(tmp_path))
    with pytest.raises(ValueError, match="fewer than n_splits=5"):
        search(
            x[:20],
            np.r_[np.zeros(17, int), np.ones(3, int)],
            cv=5,
            directory=str(tmp_path),
        )
    monkeypatch.setenv("KERASTUNER_TUNER_ID", "tuner0")
    with pytest.raises(ValueError, match="`seed` must be set"):
        search(x, y, cv=3, directory=str(tmp_path))


def _log(directory):
    path = directory / "p" / TRIAL_LOG
    return path.read_text().splitlines() if path.exists() else []


CV_SCRIPT = textwrap.dedent(
    """
    import sys
    from tests.tuning._support import binary_data
    from kerasnotes.tuning import HyperMLP, search
    x, y = binary_data(n=600)
    result = search(x, y, cv=3, tuner="random", max_trials={trials},
                    epochs={epochs}, patience={epochs},
                    hypermodel=HyperMLP("binary", depth=2, units=64,
                                        batch_size=16),
                    directory={directory!r}, project_name="p", seed=0,
                    verbose=1)
    print("DONE", sorted(result.trials["status"].tolist()),
          sorted(result.trials["trial_id"].tolist()))
    """
)


@pytest.mark.slow
@pytest.mark.one_backend  # processes and KerasTuner's gRPC oracle
def test_distributed_folds_run_on_the_worker_that_owns_the_trial(tmp_path):
    port = str(free_port())
    script = CV_SCRIPT.format(trials=4, epochs=2, directory=str(tmp_path))
    base = {"KERASTUNER_ORACLE_IP": "127.0.0.1", "KERASTUNER_ORACLE_PORT": port}
    chief = python(script, env={**base, "KERASTUNER_TUNER_ID": "chief"})
    time.sleep(3)
    workers = [
        python(script, env={**base, "KERASTUNER_TUNER_ID": f"tuner{i}"})
        for i in range(2)
    ]
    try:
        outputs = [p.communicate(timeout=600)[0] for p in workers + [chief]]
    finally:
        for p in workers + [chief]:
            p.kill()
    for p, out in zip(workers + [chief], outputs):
        assert p.returncode == 0, out[-3000:]
    owner, folds = {}, {}
    for line in _log(tmp_path):
        kind, *fields = line.split()
        if kind == "begin":
            owner[fields[0]] = fields[1]
        elif kind == "fold":
            folds.setdefault(fields[1], []).append((fields[0], fields[2]))
    assert set(owner.values()) == {"tuner0", "tuner1"}, owner
    for trial_id, tuner_id in owner.items():
        assert folds[trial_id] == [("1", tuner_id), ("2", tuner_id), ("3", tuner_id)]
    assert outputs[-1].count("COMPLETED") == 4
