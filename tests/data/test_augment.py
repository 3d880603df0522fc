import keras
import numpy as np
import pandas as pd
import pytest

from kerasnotes.data import augment_with_noise
from kerasnotes.testing import assert_allclose


def _nearest(new, x):
    """Index of the original row each new row comes from (rows far apart)."""
    d = ((new[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    return np.argmin(d, axis=1)


def test_hand_checked_zero_noise_is_a_bootstrap():
    x = np.array([[0.0, 10.0], [1.0, 20.0], [2.0, 30.0]])
    new = augment_with_noise(x, 6, noise_std=0.0, random_state=0)
    rows = np.random.default_rng(0).integers(3, size=6)  # the documented draw
    assert_allclose(new, x[rows], rtol=0, atol=0)


def test_noise_is_gaussian_with_the_given_std():
    # Rows 100 apart: each new row is traced back to its source row, and the
    # residuals must look like N(0, 0.05^2): mean 0, std 0.05, ~68% within 1 std.
    x = np.arange(5, dtype="float64")[:, None] * 100.0 * np.ones((1, 4))
    new = augment_with_noise(x, 20000, noise_std=0.05, random_state=1)
    source = _nearest(new, x)
    residual = new - x[source]
    assert abs(residual.mean()) < 0.002
    assert abs(residual.std() - 0.05) < 0.002
    assert abs(np.mean(np.abs(residual) < 0.05) - 0.6827) < 0.01
    # rows drawn uniformly with replacement
    counts = np.bincount(source, minlength=5) / 20000
    assert np.all(np.abs(counts - 0.2) < 0.02)


def test_dataframe_keeps_non_numeric_columns():
    frame = pd.DataFrame(
        {
            "height": np.array([150.0, 170.0, 190.0], dtype="float32"),
            "visits": [1, 2, 3],
            "city": ["Oslo", "Lima", "Pune"],
            "member": [True, False, True],
            "tier": pd.Categorical(["a", "b", "a"]),
        },
        index=[10, 11, 12],
    )
    new = augment_with_noise(frame, 50, noise_std=0.1, random_state=0)
    assert list(new.columns) == list(frame.columns)
    assert list(new.index) == list(range(50))
    assert new["height"].dtype == np.float32
    assert new["visits"].dtype == np.float64  # integers get noise, become float
    assert new["member"].dtype == bool and new["tier"].dtype == "category"
    # Non-numeric columns are copied from the same drawn row as the numbers.
    source = np.rint((new["height"].to_numpy() - 150.0) / 20.0).astype(int)
    assert new["city"].tolist() == [["Oslo", "Lima", "Pune"][i] for i in source]
    assert new["member"].tolist() == [[True, False, True][i] for i in source]
    assert np.all(np.abs(new["visits"].to_numpy() - (source + 1)) < 1.0)
    assert not np.allclose(new["visits"], np.rint(new["visits"]))


def test_dataframe_nullable_numeric_columns():
    frame = pd.DataFrame(
        {
            "count": pd.array([1, 2, 3], dtype="Int64"),
            "weight": pd.array([0.5, 1.5, 2.5], dtype="Float32"),
        }
    )
    new = augment_with_noise(frame, 40, noise_std=0.01, random_state=0)
    assert new["count"].dtype == np.float64
    assert new["weight"].dtype == np.float32
    source = np.rint(new["count"].to_numpy() - 1.0).astype(int)
    assert_allclose(
        new["weight"], frame["weight"].to_numpy("float32")[source], atol=0.06
    )
    assert not np.allclose(new["count"], np.rint(new["count"]))


def test_seed_reproduces_and_tensor_in_tensor_out():
    x = np.random.default_rng(0).normal(size=(10, 3)).astype("float32")
    a = augment_with_noise(x, 7, random_state=3)
    b = augment_with_noise(x, 7, random_state=3)
    assert_allclose(a, b, rtol=0, atol=0)
    assert a.dtype == np.float32
    t = augment_with_noise(keras.ops.convert_to_tensor(x), 7, random_state=3)
    assert keras.ops.is_tensor(t)
    assert_allclose(t, a)


def test_bad_arguments():
    x = np.ones((4, 2))
    with pytest.raises(ValueError, match="Received: n_samples=0"):
        augment_with_noise(x, 0)
    with pytest.raises(ValueError, match="Received: noise_std=-0.1"):
        augment_with_noise(x, 3, noise_std=-0.1)
    with pytest.raises(ValueError, match="Received: random_state='a'"):
        augment_with_noise(x, 3, random_state="a")
    with pytest.raises(ValueError, match="no rows"):
        augment_with_noise(np.ones((0, 2)), 3)
    with pytest.raises(ValueError, match="must be 2-D"):
        augment_with_noise(np.ones(4), 3)
    x[1, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        augment_with_noise(x, 3)
