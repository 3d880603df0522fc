import numpy as np
import pytest

from tests._examples import load_example


def test_example_data_is_imbalanced_breast_cancer():
    x, y = load_example("imbalanced_smote").load_imbalanced()
    assert x.shape == (393, 30)
    assert np.bincount(y).tolist() == [357, 36]


@pytest.mark.slow
@pytest.mark.one_backend
def test_example_runs_all_three_strategies():
    results = load_example("imbalanced_smote").run(epochs=1, n_splits=2)
    assert list(results) == ["none", "smote", "class weights"]
    for result in results.values():
        assert len(result.folds) == 2
        for metric in ("recall", "f1", "pr_auc"):
            assert 0.0 <= result.mean[metric] <= 1.0
