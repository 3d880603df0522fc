import keras
import numpy as np
import pandas as pd
import pytest
from imblearn import over_sampling

from kerasnotes.data import oversample
from kerasnotes.testing import assert_allclose
from tests.data._support import explain_by_segments


def _imbalanced(n_major=60, n_minor=12, d=3, seed=0):
    rng = np.random.default_rng(seed)
    x = np.concatenate(
        [rng.normal(0.0, 1.0, (n_major, d)), rng.normal(1.5, 1.0, (n_minor, d))]
    )
    y = np.array([0] * n_major + [1] * n_minor)
    return x, y


def test_hand_checked_two_points_on_a_line():
    # Minority = the two points (0, 0) and (1, 0); with k_neighbors=1 each is
    # the other's neighbour, so every synthetic point is (u, 0), 0 <= u < 1.
    x = np.array([[0.0, 0.0], [1.0, 0.0], [5, 5], [6, 5], [5, 6], [6, 6]])
    y = np.array([1, 1, 0, 0, 0, 0])
    x_res, y_res = oversample(x, y, k_neighbors=1, random_state=0)
    assert np.bincount(y_res).tolist() == [4, 4]
    assert_allclose(x_res[:6], x)  # originals first, unchanged
    new = x_res[6:]
    assert y_res[6:].tolist() == [1, 1]
    assert_allclose(new[:, 1], [0.0, 0.0])
    assert np.all((new[:, 0] >= 0.0) & (new[:, 0] <= 1.0))


def test_every_synthetic_sample_lies_on_a_minority_knn_segment():
    x, y = _imbalanced()
    k = 3
    x_res, y_res = oversample(x, y, k_neighbors=k, random_state=1)
    assert np.bincount(y_res).tolist() == [60, 60]
    synthetic = x_res[len(x) :]
    assert np.all(y_res[len(x) :] == 1)
    assert explain_by_segments(synthetic, x[y == 1], k).all()
    # and not, in general, on segments to farther points: with k=1 the
    # check is strict enough to reject k=3 samples.
    assert not explain_by_segments(synthetic, x[y == 1], 1).all()


@pytest.mark.parametrize(
    "method, reference",
    [
        ("smote", lambda: over_sampling.SMOTE(k_neighbors=3, random_state=7)),
        (
            "borderline-smote",
            lambda: over_sampling.BorderlineSMOTE(
                k_neighbors=3, m_neighbors=10, kind="borderline-1", random_state=7
            ),
        ),
        ("svm-smote", lambda: over_sampling.SVMSMOTE(k_neighbors=3, random_state=7)),
        ("adasyn", lambda: over_sampling.ADASYN(n_neighbors=3, random_state=7)),
        ("random", lambda: over_sampling.RandomOverSampler(random_state=7)),
    ],
)
def test_equals_imbalanced_learn_sampler(method, reference):
    x, y = _imbalanced(seed=3)
    x_res, y_res = oversample(x, y, method, k_neighbors=3, random_state=7)
    x_ref, y_ref = reference().fit_resample(x, y)
    assert_allclose(x_res, x_ref, rtol=0, atol=0)
    assert y_res.tolist() == y_ref.tolist()


def test_sampling_strategy_dict_and_float():
    x, y = _imbalanced()
    _, y_res = oversample(x, y, sampling_strategy={1: 30}, random_state=0)
    assert np.bincount(y_res).tolist() == [60, 30]
    _, y_res = oversample(x, y, sampling_strategy=0.5, random_state=0)
    assert np.bincount(y_res).tolist() == [60, 30]


def test_multiclass_auto_balances_every_class():
    x, y = _imbalanced()
    x = np.concatenate([x, x[-8:] + 10.0])
    y = np.concatenate([y, [2] * 8])
    _, y_res = oversample(x, y, k_neighbors=3, random_state=0)
    assert np.bincount(y_res).tolist() == [60, 60, 60]


def test_one_hot_in_one_hot_out():
    x, y = _imbalanced()
    one_hot = np.eye(2, dtype="float32")[y]
    x_oh, y_oh = oversample(x, one_hot, random_state=4)
    x_int, y_int = oversample(x, y, random_state=4)
    assert y_oh.shape == (120, 2) and y_oh.dtype == np.float32
    assert_allclose(x_oh, x_int)
    assert_allclose(y_oh, np.eye(2)[y_int])


def test_string_labels_and_series():
    x, y = _imbalanced()
    names = pd.Series(np.where(y == 1, "churn", "stay"), name="status")
    x_res, y_res = oversample(x, names, random_state=0)
    assert isinstance(y_res, pd.Series) and y_res.name == "status"
    assert y_res.value_counts().to_dict() == {"stay": 60, "churn": 60}


def test_dataframe_keeps_names_and_dtypes():
    x, y = _imbalanced()
    frame = pd.DataFrame(
        {
            "age": x[:, 0].astype("float32"),
            "visits": (x[:, 1] * 10).astype("int64"),
            "score": x[:, 2],
        }
    )
    x_res, _ = oversample(frame, y, random_state=0)
    assert isinstance(x_res, pd.DataFrame)
    assert list(x_res.columns) == ["age", "visits", "score"]
    assert x_res.dtypes.to_dict() == frame.dtypes.to_dict()
    assert len(x_res) == 120


def test_smote_nc_keeps_categories():
    x, y = _imbalanced()
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "a": x[:, 0],
            "b": x[:, 1],
            "city": pd.Categorical(rng.choice(["Oslo", "Lima"], len(y))),
        }
    )
    x_res, y_res = oversample(
        frame, y, "smote-nc", categorical_features=["city"], random_state=0
    )
    assert x_res["city"].dtype == "category"
    assert set(x_res["city"]) <= {"Oslo", "Lima"}
    assert np.bincount(y_res).tolist() == [60, 60]
    # positions work too
    x_pos, _ = oversample(
        frame, y, "smote-nc", categorical_features=[2], random_state=0
    )
    pd.testing.assert_frame_equal(x_pos, x_res)


def test_backend_tensors_in_tensors_out():
    x, y = _imbalanced()
    x_res, y_res = oversample(
        keras.ops.convert_to_tensor(x.astype("float32")),
        keras.ops.convert_to_tensor(y),
        random_state=0,
    )
    assert keras.ops.is_tensor(x_res) and keras.ops.is_tensor(y_res)
    x_np, y_np = oversample(x.astype("float32"), y, random_state=0)
    assert_allclose(x_res, x_np)
    assert_allclose(y_res, y_np)


# ---------------------------------------------------------------- bad input


def test_class_too_small_for_k_suggests_smaller_k():
    x, y = _imbalanced(n_minor=4)
    with pytest.raises(
        ValueError,
        match=r"Class 1 has 4 samples.*k_neighbors=5.*"
        r"Pass k_neighbors=3 or less",
    ):
        oversample(x, y)
    oversample(x, y, k_neighbors=3)  # the suggestion works
    oversample(x, y, "random")  # random needs no neighbours


def test_single_class():
    x, _ = _imbalanced()
    with pytest.raises(ValueError, match="single class"):
        oversample(x, np.zeros(len(x), int))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_x(bad):
    x, y = _imbalanced()
    x[3, 1] = bad
    with pytest.raises(ValueError, match="NaN.*infinite.*Impute"):
        oversample(x, y)
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    with pytest.raises(ValueError, match="column 'b'"):
        oversample(frame, y)


def test_length_mismatch():
    x, y = _imbalanced()
    with pytest.raises(ValueError, match=r"len\(x\)=72, len\(y\)=71"):
        oversample(x, y[:-1])


def test_smote_nc_needs_categorical_features():
    x, y = _imbalanced()
    with pytest.raises(ValueError, match="needs `categorical_features`"):
        oversample(x, y, "smote-nc")
    with pytest.raises(ValueError, match="only used by method='smote-nc'"):
        oversample(x, y, "smote", categorical_features=[0])


def test_unknown_method():
    x, y = _imbalanced()
    with pytest.raises(
        ValueError,
        match=r"Argument `method` must be one of.*"
        r"Received: method='smote-x'",
    ):
        oversample(x, y, "smote-x")


def test_other_bad_arguments():
    x, y = _imbalanced()
    with pytest.raises(ValueError, match="Received: k_neighbors=0"):
        oversample(x, y, k_neighbors=0)
    with pytest.raises(ValueError, match="Received: random_state=-1"):
        oversample(x, y, random_state=-1)
    with pytest.raises(ValueError, match="must be 2-D"):
        oversample(x[:, 0], y)
    with pytest.raises(ValueError, match="Received: sampling_strategy='most'"):
        oversample(x, y, sampling_strategy="most")
    frame = pd.DataFrame({"a": x[:, 0], "s": ["u"] * len(y)})
    with pytest.raises(ValueError, match=r"non-numeric columns \['s'\].*smote-nc"):
        oversample(frame, y)


def test_borderline_without_border_samples_says_so():
    # Two far-apart clusters: no minority sample has a majority neighbour.
    x, y = _imbalanced()
    x[y == 1] += 100.0
    with pytest.raises(ValueError, match="near the class border.*method='smote'"):
        oversample(x, y, "borderline-smote")
