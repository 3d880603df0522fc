import keras
import numpy as np
import pandas as pd
import pytest

from kerasnotes.data import _oversample
from kerasnotes.data import oversample
from kerasnotes.testing import assert_allclose
from tests.data._support import allowed_pairs
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


M = 10  # imbalanced-learn's default m_neighbors, which oversample uses


def _n_other(x, y, rows, m=M):
    """For each row of `rows`, how many of its m nearest neighbours over all
    samples (brute force, written here) are of another class."""
    d = np.sqrt(((x[rows, None, :] - x[None, :, :]) ** 2).sum(-1))
    d[np.arange(len(rows)), rows] = np.inf
    nearest = np.argsort(d, axis=1, kind="stable")[:, :m]
    return np.sum(y[nearest] != y[rows, None], axis=1)


def _on_line(s, a, b, u_low, u_high, tol=1e-7):
    """Whether s = a + u (b - a) for some u in [u_low, u_high]."""
    direction = b - a
    u = float((s - a) @ direction) / float(direction @ direction)
    return u_low - tol <= u <= u_high + tol and np.allclose(
        s, a + u * direction, atol=tol * max(1.0, np.abs(a).max())
    )


def _explained(synthetic, minority, bases, k, u_low=0.0, u_high=1.0):
    """For each synthetic row: does it lie on a line from one of `bases`
    (positions in `minority`) towards one of that base's k nearest minority
    neighbours, at a step u in [u_low, u_high]?"""
    pairs = allowed_pairs(minority, k)
    return np.array(
        [
            any(
                _on_line(s, minority[i], minority[j], u_low, u_high)
                for i in bases
                for j in pairs[i]
            )
            for s in synthetic
        ]
    )


def test_in_danger_rule_by_hand():
    # m/2 <= m' < m: 5..9 of 10; 2 of 3 (1.5 <= m' < 3).
    danger = _oversample.in_danger([0, 4, 5, 9, 10])
    assert danger.tolist() == [False, False, True, True, False]
    danger = _oversample.in_danger([0, 1, 2, 3], 3)
    assert danger.tolist() == [False, False, True, False]


@pytest.mark.parametrize(
    "method", ["smote", "borderline-smote", "svm-smote", "adasyn", "random"]
)
def test_auto_strategy_keeps_originals_and_balances(method):
    # imbalanced-learn: "auto" over-samples every class but the majority up
    # to the majority's count, originals first. ADASYN rounds per-sample
    # counts, so its total may miss by a few.
    x, y = _imbalanced(seed=3)
    x_res, y_res = oversample(x, y, method, k_neighbors=3, random_state=7)
    assert_allclose(x_res[: len(x)], x, rtol=0, atol=0)
    assert y_res[: len(y)].tolist() == y.tolist()
    assert np.all(y_res[len(y) :] == 1)
    n_major, n_minor = np.bincount(y_res).tolist()
    assert n_major == 60
    if method == "adasyn":
        assert abs(n_minor - 60) <= 12
    else:
        assert n_minor == 60


def test_borderline_grows_only_from_samples_in_danger():
    x, y = _imbalanced(seed=3)
    k = 3
    x_res, _ = oversample(x, y, "borderline-smote", k_neighbors=k, random_state=7)
    rows = np.flatnonzero(y == 1)
    n_other = _n_other(x, y, rows)
    danger = np.flatnonzero((n_other >= M / 2) & (n_other < M))
    assert 0 < len(danger) < len(rows)  # the check can fail both ways
    synthetic = x_res[len(x) :]
    minority = x[rows]
    assert _explained(synthetic, minority, danger, k).all()
    safe_or_noise = np.setdiff1d(np.arange(len(rows)), danger)
    assert not _explained(synthetic, minority, safe_or_noise, k).all()
    # imbalanced-learn reports the same danger set, and the package's rule
    # (shared with SMOTEDataset) finds it too.
    from imblearn.over_sampling import BorderlineSMOTE

    sampler = BorderlineSMOTE(k_neighbors=k, m_neighbors=M, random_state=7)
    sampler.fit_resample(x, y)
    assert sampler.in_danger_indices[1].tolist() == rows[danger].tolist()
    assert np.flatnonzero(_oversample.in_danger(n_other)).tolist() == danger.tolist()


def test_adasyn_rows_lie_on_minority_knn_segments():
    x, y = _imbalanced(seed=3)
    x_res, _ = oversample(x, y, "adasyn", k_neighbors=3, random_state=7)
    minority = x[y == 1]
    synthetic = x_res[len(x) :]
    assert len(synthetic) > 0
    assert _explained(synthetic, minority, range(len(minority)), 3).all()


def test_svm_smote_rows_lie_on_lines_through_minority_neighbours():
    # SVM-SMOTE interpolates from support vectors in danger and extrapolates
    # away from safe ones: x_i + u (x_nn - x_i) with u in [-1, 1].
    x, y = _imbalanced(seed=3)
    x_res, _ = oversample(x, y, "svm-smote", k_neighbors=3, random_state=7)
    minority = x[y == 1]
    synthetic = x_res[len(x) :]
    bases = range(len(minority))
    assert _explained(synthetic, minority, bases, 3, u_low=-1.0).all()
    assert not _explained(synthetic, minority, bases, 1, u_low=-1.0).all()


def test_random_rows_are_copies_of_minority_rows():
    x, y = _imbalanced(seed=3)
    x_res, _ = oversample(x, y, "random", random_state=7)
    minority = {tuple(row) for row in x[y == 1]}
    assert all(tuple(row) in minority for row in x_res[len(x) :])


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
