import keras
import numpy as np
import pandas as pd
import pytest

from kerasnotes.data import cross_validate
from kerasnotes.data import oversample
from kerasnotes.testing import assert_allclose


class Recorder:
    """Builds models whose fit/predict/evaluate inputs are recorded."""

    def __init__(self, make_layers, loss, learning_rate=0.0, **compile_kwargs):
        self.make_layers = make_layers
        self.loss = loss
        self.learning_rate = learning_rate
        self.compile_kwargs = compile_kwargs
        self.fits, self.predicts, self.models = [], [], []
        self.predict_kwargs, self.evaluate_kwargs = [], []

    def __call__(self):
        recorder = self

        class RecordingModel(keras.Sequential):
            def fit(self, x=None, y=None, **kwargs):
                recorder.fits.append((np.array(x), np.array(y), kwargs))
                return super().fit(x, y, **kwargs)

            def predict(self, x, **kwargs):
                recorder.predicts.append(np.array(x))
                recorder.predict_kwargs.append(kwargs)
                return super().predict(x, **kwargs)

            def evaluate(self, x=None, y=None, **kwargs):
                recorder.evaluate_kwargs.append(kwargs)
                return super().evaluate(x, y, **kwargs)

        model = RecordingModel(self.make_layers())
        # Tiny models: compiling them with XLA would cost more than training.
        model.compile(
            optimizer=keras.optimizers.SGD(self.learning_rate),
            loss=self.loss,
            jit_compile=False,
            **self.compile_kwargs,
        )
        self.models.append(model)
        return model


def _fixed_dense(units, weights, activation=None):
    w = np.asarray(weights, dtype="float32").reshape(-1, units)

    def make():
        return [
            keras.Input((w.shape[0],)),
            keras.layers.Dense(
                units,
                activation=activation,
                kernel_initializer=keras.initializers.Constant(w),
                bias_initializer="zeros",
            ),
        ]

    return make


# ---------------------------------------------------------- NumPy references


def _auc(labels, scores):
    """ROC-AUC as the Mann-Whitney statistic: P(score_pos > score_neg)."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return greater + 0.5 * ties


def _average_precision(labels, scores):
    """Mean, over positives, of the precision at each positive's rank."""
    order = np.argsort(-scores, kind="stable")
    hits = labels[order] == 1
    precision_at = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return precision_at[hits].mean()


def _prf(truth, predicted, c):
    tp = np.sum((predicted == c) & (truth == c))
    fp = np.sum((predicted == c) & (truth != c))
    fn = np.sum((predicted != c) & (truth == c))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# -------------------------------------------------------------------- tests


def test_no_synthetic_sample_from_a_validation_point_reaches_training():
    """By construction: point j is 10 * e_j, alone on its own axis. A SMOTE
    sample between points a and b is nonzero exactly on axes a and b, so a
    training row that touches a validation point's axis came from it."""
    n_major, n_minor = 22, 8
    n = n_major + n_minor
    x = 10.0 * np.eye(n, dtype="float32")
    y = np.array([0] * n_major + [1] * n_minor)
    build = Recorder(_fixed_dense(1, np.zeros(n), "sigmoid"), "binary_crossentropy")
    result = cross_validate(
        build,
        x,
        y,
        n_splits=4,
        oversample="smote",
        random_state=0,
        oversample_kwargs={"k_neighbors": 3},
        fit_kwargs={"epochs": 1},
    )
    assert len(build.fits) == 4
    for (train, val), (x_fit, y_fit, _), x_pred in zip(
        result.indices, build.fits, build.predicts
    ):
        assert not set(train) & set(val)
        assert np.all(x_fit[:, val] == 0.0)  # nothing derived from validation
        support = [np.flatnonzero(row) for row in x_fit]
        synthetic = [s for s in support if len(s) == 2]
        assert len(synthetic) > 0  # SMOTE did interpolate
        assert all(set(s) <= set(train[y[train] == 1]) for s in synthetic)
        n_major_train = int(np.sum(y[train] == 0))
        assert np.bincount(y_fit.astype(int)).tolist() == [n_major_train] * 2
        assert_allclose(x_pred, x[val], rtol=0, atol=0)  # originals only

    # Control: oversampling before the split does leak, and the check sees it.
    x_all, _ = oversample(x, y, k_neighbors=3, random_state=0)
    train, val = result.indices[0]
    leaked = x_all[n:][np.any(x_all[n:][:, train] != 0, axis=1)]
    assert np.any(leaked[:, val] != 0)


def test_binary_metrics_match_numpy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(90, 2)).astype("float32")
    y = (x[:, 0] + 0.8 * rng.normal(size=90) > 0.9).astype("int32")
    w = np.array([1.5, -0.5])
    build = Recorder(_fixed_dense(1, w, "sigmoid"), "binary_crossentropy")
    result = cross_validate(
        build, x, y, n_splits=3, random_state=1, fit_kwargs={"epochs": 1}
    )
    for (_train, val), fold in zip(result.indices, result.folds):
        p = 1.0 / (1.0 + np.exp(-(x[val].astype("float64") @ w)))
        truth = y[val]
        predicted = (p >= 0.5).astype(int)
        precision, recall, f1 = _prf(truth, predicted, 1)
        eps = 1e-7
        q = np.clip(p, eps, 1 - eps)
        bce = -np.mean(truth * np.log(q) + (1 - truth) * np.log(1 - q))
        expected = {
            "loss": bce,
            "accuracy": np.mean(predicted == truth),
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "roc_auc": _auc(truth, p),
            "pr_auc": _average_precision(truth, p),
        }
        assert set(fold) == set(expected)
        for name, value in expected.items():
            assert_allclose(fold[name], value, rtol=1e-4, atol=1e-5, err_msg=name)
    assert_allclose(result.mean["f1"], np.mean([f["f1"] for f in result.folds]))
    assert_allclose(result.std["f1"], np.std([f["f1"] for f in result.folds]))


def test_multiclass_string_labels_from_logits_match_numpy():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(60, 3)).astype("float32")
    names = np.array(["ant", "bee", "cat"])
    codes = np.argmax(x + 0.5 * rng.normal(size=x.shape), axis=1)
    w = np.eye(3) * 2.0
    build = Recorder(
        _fixed_dense(3, w),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    result = cross_validate(
        build,
        x,
        names[codes],
        n_splits=3,
        random_state=0,
        from_logits=True,
        fit_kwargs={"epochs": 1},
    )
    # Labels are encoded in sorted order: ant=0, bee=1, cat=2.
    assert all(
        np.array_equal(y_fit, codes[t])
        for (t, _), (_, y_fit, _) in zip(result.indices, build.fits)
    )
    for (_, val), fold in zip(result.indices, result.folds):
        logits = x[val].astype("float64") @ w
        prob = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
        truth, predicted = codes[val], np.argmax(logits, 1)
        prf = np.array([_prf(truth, predicted, c) for c in range(3)])
        expected = {
            "loss": -np.mean(np.log(prob[np.arange(len(val)), truth])),
            "accuracy": np.mean(truth == predicted),
            "precision": prf[:, 0].mean(),
            "recall": prf[:, 1].mean(),
            "f1": prf[:, 2].mean(),
            "roc_auc": np.mean(
                [_auc((truth == c).astype(int), prob[:, c]) for c in range(3)]
            ),
            "pr_auc": np.mean(
                [
                    _average_precision((truth == c).astype(int), prob[:, c])
                    for c in range(3)
                ]
            ),
        }
        for name, value in expected.items():
            assert_allclose(fold[name], value, rtol=1e-4, atol=1e-5, err_msg=name)


def test_regression_uses_kfold_and_matches_numpy():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 2)).astype("float32")
    target = (x @ np.array([1.0, -2.0]) + 0.3 * rng.normal(size=40)).astype("float32")
    w = np.array([0.8, -1.5])
    build = Recorder(_fixed_dense(1, w), "mse")
    # A DataFrame and a Series work as well as arrays.
    result = cross_validate(
        build,
        pd.DataFrame(x, columns=["a", "b"]),
        pd.Series(target, name="t"),
        n_splits=4,
        random_state=0,
        fit_kwargs={"epochs": 1},
    )
    assert result.task == "regression"
    seen = np.sort(np.concatenate([val for _, val in result.indices]))
    assert seen.tolist() == list(range(40))
    for (_, val), fold in zip(result.indices, result.folds):
        pred = x[val].astype("float64") @ w
        err = pred - target[val]
        ss_tot = np.sum((target[val] - target[val].mean()) ** 2)
        expected = {
            "loss": np.mean(err**2),
            "rmse": np.sqrt(np.mean(err**2)),
            "mae": np.mean(np.abs(err)),
            "r2": 1 - np.sum(err**2) / ss_tot,
        }
        assert set(fold) == set(expected)
        for name, value in expected.items():
            assert_allclose(fold[name], value, rtol=1e-4, atol=1e-5, err_msg=name)


def test_stratified_fresh_model_per_fold_and_balanced_weights():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(50, 2)).astype("float32")
    y = np.array([0] * 40 + [1] * 10)
    build = Recorder(
        _fixed_dense(1, [1.0, 0.0], "sigmoid"),
        "binary_crossentropy",
        learning_rate=0.01,
    )
    result = cross_validate(
        build,
        x,
        y,
        n_splits=5,
        random_state=0,
        fit_kwargs={"epochs": 2, "class_weight": "balanced"},
    )
    assert len({id(m) for m in build.models}) == 5
    for (_train, val), (_, _, kwargs), history in zip(
        result.indices, build.fits, result.histories
    ):
        assert np.bincount(y[val]).tolist() == [8, 2]  # class proportions kept
        assert kwargs["class_weight"] == {0: 40 / (2 * 32), 1: 40 / (2 * 8)}
        assert kwargs["verbose"] == 0 and kwargs["epochs"] == 2
        assert len(history["loss"]) == 2
    # Fold models start from the same weights: training changed each of them
    # on its own, not one model across folds.
    first = [keras.ops.convert_to_numpy(m.layers[-1].kernel) for m in build.models]
    assert not all(np.allclose(first[0], f) for f in first[1:])


def test_same_random_state_same_folds_and_scores():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(40, 2)).astype("float32")
    y = np.array([0] * 30 + [1] * 10)
    runs = [
        cross_validate(
            Recorder(_fixed_dense(1, [1.0, 1.0], "sigmoid"), "binary_crossentropy"),
            x,
            y,
            n_splits=2,
            oversample="random",
            random_state=3,
            fit_kwargs={"epochs": 1},
        )
        for _ in range(2)
    ]
    for (_a_train, a_val), (_b_train, b_val) in zip(runs[0].indices, runs[1].indices):
        assert np.array_equal(a_val, b_val)
    assert runs[0].folds == runs[1].folds


def test_bad_arguments():
    x = np.random.default_rng(0).normal(size=(20, 2)).astype("float32")
    y = np.array([0] * 16 + [1] * 4)
    build = Recorder(_fixed_dense(1, [1.0, 1.0], "sigmoid"), "binary_crossentropy")
    with pytest.raises(ValueError, match="Received: n_splits=1"):
        cross_validate(build, x, y, n_splits=1)
    with pytest.raises(
        ValueError,
        match=r"Class 1 has 4 samples.*n_splits=5.*"
        r"Pass n_splits=4 or less",
    ):
        cross_validate(build, x, y, n_splits=5)
    with pytest.raises(ValueError, match="Received: oversample='smoothe'"):
        cross_validate(build, x, y, n_splits=2, oversample="smoothe")
    with pytest.raises(ValueError, match="regression"):
        cross_validate(build, x, x[:, 0] * 1.5, n_splits=2, oversample="smote")
    with pytest.raises(ValueError, match="must not hold 'validation_data'"):
        cross_validate(build, x, y, n_splits=2, fit_kwargs={"validation_data": (x, y)})
    with pytest.raises(ValueError, match="Received: build_model=3"):
        cross_validate(3, x, y, n_splits=2)
    with pytest.raises(ValueError, match="Received: task='ranking'"):
        cross_validate(build, x, y, n_splits=2, task="ranking")

    def not_compiled():
        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])

    with pytest.raises(ValueError, match="compiled Keras model"):
        cross_validate(not_compiled, x, y, n_splits=2)

    def three_outputs():
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
        model.compile("sgd", "sparse_categorical_crossentropy")
        return model

    with pytest.raises(ValueError, match="outputs 3 values per sample for 2 classes"):
        cross_validate(three_outputs, x, y, n_splits=2, fit_kwargs={"epochs": 1})


# ------------------------------------------------------------ sample_weight


def _weighted_data(seed=2, n=40):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2)).astype("float32")
    y = (x[:, 0] + 0.5 * rng.normal(size=n) > 0.3).astype("int32")
    return rng, x, y


def test_zero_sample_weight_equals_training_without_those_rows():
    """Closed form: with a summed loss and one full batch per epoch, a
    gradient step is the sum over rows of weight * gradient, so rows of
    weight 0 contribute nothing: each fold's model equals a model trained on
    the fold's training rows without them."""
    rng, x, y = _weighted_data()
    w = np.ones(len(x))
    w[rng.random(len(x)) < 0.3] = 0.0
    fit = {"epochs": 5, "batch_size": len(x), "shuffle": False}
    loss = keras.losses.BinaryCrossentropy(reduction="sum")
    build = Recorder(_fixed_dense(1, [0.2, -0.1], "sigmoid"), loss, 0.05)
    result = cross_validate(
        build, x, y, n_splits=2, sample_weight=w, fit_kwargs=fit, random_state=0
    )
    weighted = list(build.models)
    for (train, _), model in zip(result.indices, weighted):
        kept = train[w[train] > 0]
        reference = build()  # same initial weights
        reference.fit(x[kept], y[kept], verbose=0, **fit)
        for got, want in zip(model.get_weights(), reference.get_weights()):
            assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # ... and the weights did change the training: all of fold 0's rows.
    every_row = build()
    every_row.fit(x[result.indices[0][0]], y[result.indices[0][0]], verbose=0, **fit)
    assert not np.allclose(weighted[0].get_weights()[0], every_row.get_weights()[0])


def test_synthetic_rows_get_their_class_mean_weight_and_batch_size_is_used():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(30, 2)).astype("float32")
    y = np.array([0] * 22 + [1] * 8)
    w = rng.uniform(0.5, 2.0, size=30)
    build = Recorder(_fixed_dense(1, [1.0, 1.0], "sigmoid"), "binary_crossentropy")
    result = cross_validate(
        build,
        x,
        y,
        n_splits=2,
        oversample="random",
        sample_weight=w,
        fit_kwargs={"epochs": 1, "batch_size": 7},
        random_state=0,
    )
    # evaluate and predict use the fit batch size too (a spy on both).
    assert [kw["batch_size"] for kw in build.evaluate_kwargs] == [7, 7]
    assert [kw["batch_size"] for kw in build.predict_kwargs] == [7, 7]
    for (train, _), (_x_fit, y_fit, kwargs) in zip(result.indices, build.fits):
        fit_weight = np.asarray(kwargs["sample_weight"])
        n = len(train)
        assert len(fit_weight) == len(y_fit) > n
        assert_allclose(fit_weight[:n], w[train], rtol=1e-6, atol=0)
        for c in (0, 1):
            synthetic = fit_weight[n:][y_fit[n:] == c]
            class_mean = w[train][y[train] == c].mean()
            assert_allclose(synthetic, np.full(len(synthetic), class_mean), rtol=1e-6)
        assert np.sum(y_fit[n:] == 1) > 0


def test_bad_sample_weight():
    _, x, y = _weighted_data()
    build = Recorder(_fixed_dense(1, [1.0, 1.0], "sigmoid"), "binary_crossentropy")
    w = np.ones(len(x))
    with pytest.raises(ValueError, match=r"`sample_weight` must be 1-D .*\(39,\)"):
        cross_validate(build, x, y, n_splits=2, sample_weight=w[:-1])
    w[3] = -1.0
    with pytest.raises(ValueError, match=r"finite weights >= 0.*\[3\]=-1.0"):
        cross_validate(build, x, y, n_splits=2, sample_weight=w)
    with pytest.raises(ValueError, match="not both"):
        cross_validate(
            build,
            x,
            y,
            n_splits=2,
            sample_weight=np.ones(len(x)),
            fit_kwargs={"class_weight": "balanced"},
        )
    with pytest.raises(ValueError, match="must not hold 'sample_weight'"):
        cross_validate(build, x, y, n_splits=2, fit_kwargs={"sample_weight": w})
    assert not build.models  # refused before any fold was trained


# ---------------------------------------------------------------- pos_label


def _fraud_data():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(60, 2)).astype("float32")
    margin = x @ np.array([1.0, 0.5]) + 0.4 * rng.normal(size=60)
    is_fraud = margin < np.sort(margin)[15]  # 15 fraud, 45 ok
    return x, np.where(is_fraud, "fraud", "ok")


def _binary_reference(truth, score):
    """Precision, recall, F1 at score >= 0.5, ROC-AUC and AP, in NumPy."""
    truth = truth.astype(int)
    predicted = (score >= 0.5).astype(int)
    precision, recall, f1 = _prf(truth, predicted, 1)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "roc_auc": _auc(truth, score),
        "pr_auc": _average_precision(truth, score),
    }


@pytest.mark.parametrize("pos_label", [None, "ok"])
def test_string_labels_score_the_minority_or_the_given_pos_label(pos_label):
    """Labels fraud/ok are codes 0/1, so the sigmoid unit is P(ok); the
    scores of "fraud" (the minority, chosen by default) read 1 - P(ok)."""
    x, y = _fraud_data()
    kernel = np.array([1.0, 0.5])
    build = Recorder(_fixed_dense(1, kernel, "sigmoid"), "binary_crossentropy")
    result = cross_validate(
        build,
        x,
        y,
        n_splits=3,
        fit_kwargs={"epochs": 1},
        random_state=0,
        pos_label=pos_label,
    )
    positive = pos_label or "fraud"
    assert result.pos_label == positive
    for (_, val), fold in zip(result.indices, result.folds):
        p_ok = 1.0 / (1.0 + np.exp(-(x[val].astype("float64") @ kernel)))
        score = p_ok if positive == "ok" else 1.0 - p_ok
        expected = _binary_reference(y[val] == positive, score)
        for name, value in expected.items():
            assert fold[name] == pytest.approx(value, abs=1e-6), name


def test_pos_label_rules_for_numbers_and_ties():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2)).astype("float32")
    build = Recorder(_fixed_dense(1, [1.0, 1.0], "sigmoid"), "binary_crossentropy")
    fit = {"epochs": 1}
    majority_one = np.array([1] * 30 + [0] * 10)  # 0/1: label 1, as sklearn
    result = cross_validate(build, x, majority_one, n_splits=2, fit_kwargs=fit)
    assert result.pos_label == 1
    one_two = np.array([2] * 30 + [1] * 10)  # not 0/1: the minority
    result = cross_validate(build, x, one_two, n_splits=2, fit_kwargs=fit)
    assert result.pos_label == 1 and isinstance(result.pos_label, int)
    balanced = np.array(["cat", "dog"] * 20)
    with pytest.raises(ValueError, match=r"equally frequent.*pos_label='cat'"):
        cross_validate(build, x, balanced, n_splits=2, fit_kwargs=fit)
    with pytest.raises(
        ValueError, match=r"one of the classes \['cat', 'dog'\].*pos_label='cow'"
    ):
        cross_validate(build, x, balanced, n_splits=2, pos_label="cow")
    three = np.array([0, 1, 2, 1] * 10)
    with pytest.raises(ValueError, match=r"two classes.*3 classes.*pos_label=2"):
        cross_validate(build, x, three, n_splits=2, pos_label=np.int64(2))
    with pytest.raises(ValueError, match=r"regression targets.*pos_label=1"):
        cross_validate(build, x, x[:, 0] * 1.5, n_splits=2, pos_label=1)
