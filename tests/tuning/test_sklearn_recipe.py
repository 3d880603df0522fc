"""The scikit-learn recipe of docs/tuning.md, run as written there.

SMOTE and a Keras network (this package's AdamW and Swish) in an
imbalanced-learn pipeline, searched by `RandomizedSearchCV` and scored by
`cross_val_score`, through scikeras (the `sklearn` extra). Runs on every
backend: `KERAS_BACKEND=jax` and `torch` too.
"""

import pickle

import keras
import numpy as np
import pytest
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.base import is_classifier
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import RandomizedSearchCV
from sklearn.model_selection import StratifiedKFold
from sklearn.model_selection import cross_val_score
from sklearn.model_selection import cross_validate
from sklearn.utils import ClassifierTags

from kerasnotes.layers import Swish
from kerasnotes.losses import Huber
from kerasnotes.optimizers import AdamW

scikeras_wrappers = pytest.importorskip(
    "scikeras.wrappers",
    reason="needs the `sklearn` extra: pip install kerasnotes[sklearn]",
)


class KerasClassifier(scikeras_wrappers.KerasClassifier):
    """scikeras's classifier, declared a classifier the scikit-learn >= 1.6 way.

    The recipe's class (docs/tuning.md). scikeras 0.13 lists `ClassifierMixin`
    after its base class and declares tags only through `_more_tags`, which
    scikit-learn 1.6 stopped reading, so `is_classifier` is False for it.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags()
        return tags


class Recording(KerasClassifier):
    """The recipe's classifier, keeping the rows it was fitted on and the rows
    it last predicted (for the leakage checks)."""

    def fit(self, X, y, **kwargs):
        self.fit_x_, self.fit_y_ = np.array(X), np.array(y)
        return super().fit(X, y, **kwargs)

    def predict(self, X, **kwargs):
        self.predicted_x_ = np.array(X)
        return super().predict(X, **kwargs)

    def predict_proba(self, X, **kwargs):
        self.predicted_x_ = np.array(X)
        return super().predict_proba(X, **kwargs)


def imbalanced(n=200, features=4, seed=0):
    """A seeded table with 20% positives, separable up to a little noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    score = x[:, 0] + 0.5 * x[:, 1] + 0.1 * rng.normal(size=n)
    y = (score > np.quantile(score, 0.8)).astype(int)
    return x, y


def build(units, meta):
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(units),
            Swish(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )


def network(cls=KerasClassifier, **overrides):
    settings = dict(
        model=build,
        units=16,
        optimizer=AdamW,
        optimizer__learning_rate=0.03,
        optimizer__weight_decay=0.004,
        loss="binary_crossentropy",
        epochs=10,
        batch_size=16,
        verbose=0,
        random_state=0,
    )
    settings.update(overrides)
    return cls(**settings)


def recipe(net=None):
    return Pipeline([("smote", SMOTE(random_state=0)), ("net", net or network())])


FOLDS = StratifiedKFold(2, shuffle=True, random_state=0)


def majority_baseline(x, y, scoring):
    dummy = DummyClassifier(strategy="most_frequent")
    return cross_val_score(dummy, x, y, cv=FOLDS, scoring=scoring).mean()


def test_the_recipe_class_is_a_classifier_where_scikeras_own_is_not():
    # When the second assertion fails, scikeras declares its tags itself and
    # the subclass in docs/tuning.md can go.
    assert is_classifier(network())
    assert is_classifier(recipe())
    assert not is_classifier(network(cls=scikeras_wrappers.KerasClassifier))


@pytest.mark.slow
def test_randomized_search_picks_a_candidate_that_beats_the_majority_class():
    x, y = imbalanced()
    candidates = {
        "net__units": [4, 16],
        "net__optimizer__learning_rate": [0.003, 0.03],
    }
    search = RandomizedSearchCV(
        recipe(),
        candidates,
        n_iter=2,
        cv=FOLDS,
        scoring="balanced_accuracy",
        random_state=0,
        n_jobs=1,
    )
    search.fit(x, y)

    tried = search.cv_results_["params"]
    assert len(tried) == 2 and tried[0] != tried[1]
    for params in tried:
        assert params["net__units"] in candidates["net__units"]
        assert (
            params["net__optimizer__learning_rate"]
            in candidates["net__optimizer__learning_rate"]
        )
    assert search.best_params_ in tried
    means = search.cv_results_["mean_test_score"]
    assert search.best_score_ == pytest.approx(np.max(means))
    baseline = majority_baseline(x, y, "balanced_accuracy")
    assert baseline == pytest.approx(0.5)
    assert search.best_score_ > baseline + 0.2

    # The refitted best network is built from this package's components with
    # the chosen values.
    model = search.best_estimator_.named_steps["net"].model_
    assert isinstance(model.optimizer, AdamW)
    assert float(model.optimizer.learning_rate) == pytest.approx(
        search.best_params_["net__optimizer__learning_rate"]
    )
    assert model.layers[0].units == search.best_params_["net__units"]
    assert isinstance(model.layers[1], Swish)


@pytest.mark.slow
def test_smote_resamples_only_the_training_folds():
    x, y = imbalanced()
    result = cross_validate(
        recipe(network(cls=Recording)),
        x,
        y,
        cv=FOLDS,
        scoring="roc_auc",
        return_estimator=True,
        return_indices=True,
        n_jobs=1,
    )
    folds = zip(
        result["estimator"], result["indices"]["train"], result["indices"]["test"]
    )
    for pipeline, train, test in folds:
        net = pipeline.named_steps["net"]
        counts = np.bincount(y[train])
        synthetic = counts.max() - counts.min()
        assert synthetic > 0
        # The network trained on the training fold's rows, in order, followed
        # by exactly enough synthetic minority rows to balance that fold.
        assert len(net.fit_x_) == len(train) + synthetic
        np.testing.assert_array_equal(net.fit_x_[: len(train)], x[train])
        np.testing.assert_array_equal(net.fit_y_[: len(train)], y[train])
        np.testing.assert_array_equal(
            net.fit_y_[len(train) :], np.full(synthetic, np.argmin(counts))
        )
        # It was scored on the held-out fold as it is: no resampling there.
        np.testing.assert_array_equal(net.predicted_x_, x[test])
    assert np.all(result["test_score"] > majority_baseline(x, y, "roc_auc") + 0.2)


@pytest.mark.slow
def test_cross_val_score_with_an_integer_cv_stratifies_and_scores_roc_auc():
    # `cv=2` becomes StratifiedKFold only for a classifier, and roc_auc needs
    # `predict_proba`'s positive column: both come from the recipe's tags
    # (with scikeras's own class the scores are NaN, with a warning).
    x, y = imbalanced()
    scores = cross_val_score(recipe(), x, y, cv=2, scoring="roc_auc", n_jobs=1)
    assert scores.shape == (2,)
    assert np.all(np.isfinite(scores))
    assert np.all(scores > majority_baseline(x, y, "roc_auc") + 0.2)


def regression_data(n=200, features=4, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    t = (2.0 * x[:, 0] - x[:, 1] + 0.1 * rng.normal(size=n)).astype("float32")
    return x, t


def build_regressor(units, meta):
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(units),
            Swish(beta=1.5),
            keras.layers.Dense(1),
        ]
    )


@pytest.mark.slow
def test_components_survive_set_params_clone_and_pickle():
    x, t = regression_data()
    regressor = scikeras_wrappers.KerasRegressor(
        model=build_regressor,
        units=8,
        optimizer=AdamW,
        optimizer__learning_rate=0.01,
        optimizer__weight_decay=0.01,
        loss=Huber(delta=2.5),
        epochs=20,
        batch_size=16,
        verbose=0,
        random_state=0,
    )
    regressor.set_params(units=12, optimizer__weight_decay=0.02)
    twin = clone(regressor)
    assert twin.get_params()["units"] == 12
    assert twin.get_params()["optimizer__weight_decay"] == 0.02
    # clone deep-copies the loss through its config: Keras's own Huber loses
    # a non-default delta there, this package's keeps it.
    assert twin.loss is not regressor.loss
    assert twin.loss.delta == 2.5

    twin.fit(x, t)
    model = twin.model_
    assert isinstance(model.optimizer, AdamW)
    assert float(model.optimizer.weight_decay) == pytest.approx(0.02)
    assert model.layers[0].units == 12
    assert isinstance(model.layers[1], Swish) and model.layers[1].initial_beta == 1.5
    assert isinstance(model.loss, Huber) and model.loss.delta == 2.5
    assert twin.score(x, t) > 0.8  # R^2 of a nearly linear target

    restored = pickle.loads(pickle.dumps(twin))
    assert isinstance(restored.model_.optimizer, AdamW)
    np.testing.assert_allclose(
        restored.predict(x), twin.predict(x), rtol=1e-5, atol=1e-6
    )
