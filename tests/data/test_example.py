import importlib.util
import pathlib

import numpy as np

EXAMPLE = pathlib.Path(__file__).parents[2] / "examples" / "imbalanced_smote.py"


def _load_example():
    spec = importlib.util.spec_from_file_location("imbalanced_smote", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_data_is_imbalanced_breast_cancer():
    x, y = _load_example().load_imbalanced()
    assert x.shape == (393, 30)
    assert np.bincount(y).tolist() == [357, 36]


def test_example_runs_all_three_strategies():
    results = _load_example().run(epochs=1, n_splits=2)
    assert list(results) == ["none", "smote", "class weights"]
    for result in results.values():
        assert len(result.folds) == 2
        for metric in ("recall", "f1", "pr_auc"):
            assert 0.0 <= result.mean[metric] <= 1.0
