import math

import keras
import numpy as np
import pandas as pd
import pytest
import sklearn.neighbors

from kerasnotes.data import SMOTEDataset
from kerasnotes.testing import assert_allclose
from tests.data._support import allowed_pairs
from tests.data._support import explain_by_segments
from tests.data._support import k_nearest


def _data(n_major=50, n_minor=9, d=3, seed=0, overlap=1.0):
    rng = np.random.default_rng(seed)
    x = np.concatenate(
        [rng.normal(0.0, 1.0, (n_major, d)), rng.normal(overlap, 1.0, (n_minor, d))]
    ).astype("float32")
    y = np.array([0] * n_major + [1] * n_minor, dtype="int32")
    return x, y


def _epoch(ds):
    xs, ys = zip(*(ds[i] for i in range(len(ds))))
    return np.concatenate(xs), np.concatenate(ys)


def _next_epoch(ds):
    """Steps to the next draw (the first `on_epoch_end`, which `fit` makes
    before training, draws nothing)."""
    before = ds.epoch
    ds.on_epoch_end()
    if ds.epoch == before:
        ds.on_epoch_end()
    assert ds.epoch == before + 1


def _split_original(x_epoch, y_epoch, x):
    """Rows of the epoch that are exact originals, and the others."""
    original = (x_epoch[:, None, :] == x[None, :, :]).all(-1)
    is_original = original.any(axis=1)
    return original, is_original


def test_hand_checked_two_point_minority():
    # Minority = (0, 0) and (2, 0), k=1: 4 - 2 = 2 synthetic points per
    # epoch, each (2u, 0) with 0 <= u < 1; 6 + 2 = 8 rows in batches of 3, 3, 2.
    x = np.array([[0, 0], [2, 0], [9, 9], [9, 8], [8, 9], [8, 8]], "float32")
    y = np.array([1, 1, 0, 0, 0, 0])
    ds = SMOTEDataset(x, y, batch_size=3, k_neighbors=1, seed=0)
    assert len(ds) == 3
    assert [len(ds[i][0]) for i in range(3)] == [3, 3, 2]  # last batch kept
    x_epoch, y_epoch = _epoch(ds)
    assert np.bincount(y_epoch).tolist() == [4, 4]
    _, is_original = _split_original(x_epoch, y_epoch, x)
    new = x_epoch[~is_original]
    assert len(new) == 2 and np.all(y_epoch[~is_original] == 1)
    assert_allclose(new[:, 1], np.zeros(2))
    assert np.all((new[:, 0] >= 0) & (new[:, 0] <= 2))


def test_class_counts_each_original_once_and_last_batch_kept():
    x, y = _data()
    ds = SMOTEDataset(x, y, batch_size=16, k_neighbors=3, seed=1)
    assert len(ds) == math.ceil(100 / 16)
    for _ in range(2):
        x_epoch, y_epoch = _epoch(ds)
        assert len(x_epoch) == 100
        assert np.bincount(y_epoch).tolist() == [50, 50]
        original, is_original = _split_original(x_epoch, y_epoch, x)
        assert original.sum(axis=0).tolist() == [1] * len(x)  # each original once
        assert is_original.sum() == len(x)
        _next_epoch(ds)


def test_synthetic_samples_lie_on_minority_knn_segments():
    x, y = _data()
    k = 3
    ds = SMOTEDataset(x, y, batch_size=32, k_neighbors=k, seed=2)
    minority = x[y == 1]
    for _ in range(2):
        x_epoch, y_epoch = _epoch(ds)
        _, is_original = _split_original(x_epoch, y_epoch, x)
        synthetic = x_epoch[~is_original]
        assert len(synthetic) == 41 and np.all(y_epoch[~is_original] == 1)
        assert explain_by_segments(synthetic, minority, k, tol=1e-4).all()
        _next_epoch(ds)
    # The recorded triples agree with the brute-force k-NN of the test.
    _, _, base, neighbor, u = ds.synthetic_samples()
    position = {int(i): p for p, i in enumerate(np.flatnonzero(y == 1))}
    pairs = allowed_pairs(minority, k)
    for b, n in zip(base, neighbor):
        assert position[int(n)] in pairs[position[int(b)]]
    assert np.all((u >= 0) & (u < 1))


def test_two_epochs_differ_and_seed_reproduces():
    x, y = _data()
    a = SMOTEDataset(x, y, batch_size=8, k_neighbors=3, seed=5)
    b = SMOTEDataset(x, y, batch_size=8, k_neighbors=3, seed=5)
    first_a = _epoch(a)[0]
    _next_epoch(a)
    second_a = _epoch(a)[0]
    syn_1 = np.sort(first_a[~_split_original(first_a, None, x)[1]], axis=0)
    syn_2 = np.sort(second_a[~_split_original(second_a, None, x)[1]], axis=0)
    assert not np.allclose(syn_1, syn_2)
    assert_allclose(_epoch(b)[0], first_a, rtol=0, atol=0)
    _next_epoch(b)
    assert_allclose(_epoch(b)[0], second_a, rtol=0, atol=0)
    c = SMOTEDataset(x, y, batch_size=8, k_neighbors=3, seed=6)
    assert not np.allclose(_epoch(c)[0], first_a)


def test_no_shuffle_puts_originals_first():
    x, y = _data()
    ds = SMOTEDataset(x, y, batch_size=20, k_neighbors=3, shuffle=False, seed=0)
    x_epoch, y_epoch = _epoch(ds)
    assert_allclose(x_epoch[: len(x)], x, rtol=0, atol=0)
    assert np.all(y_epoch[len(x) :] == 1)


def test_neighbours_are_computed_once(monkeypatch):
    x, y = _data()
    calls = []
    original = sklearn.neighbors.NearestNeighbors.kneighbors

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(sklearn.neighbors.NearestNeighbors, "kneighbors", counting)
    ds = SMOTEDataset(x, y, k_neighbors=3, seed=0)
    assert len(calls) == 1
    for _ in range(3):
        _next_epoch(ds)
        _epoch(ds)
    assert len(calls) == 1


def test_borderline_draws_only_from_samples_in_danger():
    x, y = _data(n_major=60, n_minor=15, overlap=1.5, seed=3)
    ds = SMOTEDataset(x, y, method="borderline-smote", k_neighbors=3, seed=0)
    # Danger, by brute force: of the 10 nearest neighbours over all samples,
    # at least 5 and fewer than 10 are majority.
    nn, _ = k_nearest(x.astype("float64"), 10)
    minority = np.flatnonzero(y == 1)
    other = (y[nn[minority]] != 1).sum(axis=1)
    danger = set(minority[(other >= 5) & (other < 10)].tolist())
    assert 0 < len(danger) < len(minority)
    _, _, base, neighbor, _ = ds.synthetic_samples()
    assert set(base.tolist()) <= danger
    assert set(neighbor.tolist()) <= set(minority.tolist())
    assert np.bincount(_epoch(ds)[1]).tolist() == [60, 60]
    # The danger set is the one imbalanced-learn's BorderlineSMOTE (what
    # `oversample` runs) finds on the same data.
    from imblearn.over_sampling import BorderlineSMOTE

    sampler = BorderlineSMOTE(k_neighbors=3, m_neighbors=10, random_state=0)
    sampler.fit_resample(x, y)
    assert ds.neighbors_[1][0].tolist() == sorted(danger)
    assert sampler.in_danger_indices[1].tolist() == sorted(danger)


def test_adasyn_counts_follow_majority_share():
    x, y = _data(n_major=60, n_minor=15, overlap=1.5, seed=3)
    k = 4
    ds = SMOTEDataset(x, y, method="adasyn", k_neighbors=k, seed=0)
    nn, _ = k_nearest(x.astype("float64"), k)
    minority = np.flatnonzero(y == 1)
    share = (y[nn[minority]] != 1).mean(axis=1)
    expected = share / share.sum() * 45  # ideal, real-valued counts
    _, _, base, _, _ = ds.synthetic_samples()
    counts = np.array([(base == i).sum() for i in minority])
    assert counts.sum() == 45
    assert np.all(np.abs(counts - expected) < 1.0)
    assert np.bincount(_epoch(ds)[1]).tolist() == [60, 60]


def test_random_method_copies_minority_rows():
    x, y = _data()
    ds = SMOTEDataset(x, y, method="random", seed=0)
    x_epoch, _ = _epoch(ds)
    original, is_original = _split_original(x_epoch, None, x)
    assert is_original.all()
    assert original[:, y == 1].sum() == 50


def test_labels_as_strings_one_hot_and_dataframe():
    x, y = _data()
    names = np.where(y == 1, "yes", "no")
    frame = pd.DataFrame(x, columns=list("abc"))
    ds = SMOTEDataset(frame, names, seed=0, k_neighbors=3)
    assert ds.classes_.tolist() == ["no", "yes"]
    assert np.bincount(_epoch(ds)[1]).tolist() == [50, 50]
    one_hot = np.eye(2, dtype="float32")[y]
    ds = SMOTEDataset(x, one_hot, seed=0, k_neighbors=3)
    y_epoch = _epoch(ds)[1]
    assert y_epoch.shape == (100, 2) and y_epoch.dtype == np.float32
    assert y_epoch.sum(axis=0).tolist() == [50.0, 50.0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"workers": 2},
        {"workers": 2, "use_multiprocessing": True, "max_queue_size": 4},
    ],
    ids=["main-thread", "threads", "processes"],
)
def test_trains_in_model_fit(kwargs):
    x, y = _data(n_major=150, n_minor=20)
    ds = SMOTEDataset(x, y, batch_size=32, k_neighbors=3, seed=0, **kwargs)
    assert ds.workers == kwargs.get("workers", 1)
    assert ds.use_multiprocessing == kwargs.get("use_multiprocessing", False)
    assert ds.max_queue_size == kwargs.get("max_queue_size", 10)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(
        optimizer=keras.optimizers.SGD(0.1),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert np.all(np.isfinite(history.history["loss"]))
    assert ds.epoch >= 2  # fresh draws happened between epochs


def test_bad_arguments():
    x, y = _data()
    with pytest.raises(
        ValueError,
        match=r"supports method in \['smote', "
        r"'borderline-smote', 'adasyn', 'random'\].*method='svm-smote'",
    ):
        SMOTEDataset(x, y, method="svm-smote")
    with pytest.raises(ValueError, match="Received: method='tomek'"):
        SMOTEDataset(x, y, method="tomek")
    with pytest.raises(ValueError, match="Received: batch_size=0"):
        SMOTEDataset(x, y, batch_size=0)
    with pytest.raises(ValueError, match=r"Class 1 has 9 samples.*Pass k_neighbors=8"):
        SMOTEDataset(x, y, k_neighbors=9)
    with pytest.raises(ValueError, match="Received: seed=1.5"):
        SMOTEDataset(x, y, seed=1.5)
    with pytest.raises(ValueError, match="Received: shuffle='yes'"):
        SMOTEDataset(x, y, shuffle="yes")
    with pytest.raises(ValueError, match="single class"):
        SMOTEDataset(x, np.zeros(len(x)))
    x_bad = x.copy()
    x_bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SMOTEDataset(x_bad, y)
    far = x.copy()
    far[y == 1] += 100
    with pytest.raises(ValueError, match="near the class border"):
        SMOTEDataset(far, y, method="borderline-smote", k_neighbors=3)
    with pytest.raises(ValueError, match="no neighbour of another class"):
        SMOTEDataset(far, y, method="adasyn", k_neighbors=3)
    with pytest.raises(IndexError):
        SMOTEDataset(x, y, k_neighbors=3)[100]


def test_sampling_strategy_and_tensor_input():
    x, y = _data(n_major=40, n_minor=8)
    x = np.concatenate([x, x[-8:] + 5.0])
    y = np.concatenate([y, np.full(8, 2, "int32")])
    ds = SMOTEDataset(
        keras.ops.convert_to_tensor(x),
        keras.ops.convert_to_tensor(y),
        sampling_strategy={1: 20, 2: 30},
        k_neighbors=3,
        seed=0,
    )
    assert ds.n_synthetic_ == {1: 12, 2: 22}
    x_epoch, y_epoch = _epoch(ds)
    assert isinstance(x_epoch, np.ndarray) and x_epoch.dtype == np.float32
    assert np.bincount(y_epoch).tolist() == [40, 20, 30]


def test_strategy_asking_for_nothing_gives_the_originals():
    x, y = _data()
    ds = SMOTEDataset(x, y, sampling_strategy={1: 9}, batch_size=16, seed=0)
    assert ds.n_synthetic_ == {}
    x_epoch, _ = _epoch(ds)
    original, is_original = _split_original(x_epoch, None, x)
    assert is_original.all() and original.sum(axis=0).tolist() == [1] * len(x)


class _Recording(SMOTEDataset):
    """Records the rows of every batch `fit` takes, by fit epoch."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.batches = {}
        self.fit_epoch = None

    def __getitem__(self, index):
        batch = super().__getitem__(index)
        if self.fit_epoch is not None:
            self.batches.setdefault(self.fit_epoch, []).append(batch)
        return batch


class _EpochMarker(keras.callbacks.Callback):
    def __init__(self, ds):
        super().__init__()
        self.ds = ds

    def on_epoch_begin(self, epoch, logs=None):
        self.ds.fit_epoch = epoch


def _rows(batches):
    x = np.concatenate([b[0] for b in batches])
    return x[np.lexsort(x.T[::-1])]


def test_fit_epoch_e_uses_draw_e():
    """Keras calls `on_epoch_end` once before the first epoch (JAX and
    PyTorch after taking a batch); epoch e of `fit` must still be draw e, the
    one `default_rng([seed, e])` gives (here: a fresh dataset of the same
    seed stepped e times by hand)."""
    x, y = _data(n_major=60, n_minor=12)
    ds = _Recording(x, y, batch_size=24, k_neighbors=3, seed=7)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(
        optimizer=keras.optimizers.SGD(0.01),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        jit_compile=False,
    )
    model.fit(ds, epochs=3, verbose=0, callbacks=[_EpochMarker(ds)])
    by_hand = SMOTEDataset(x, y, batch_size=24, k_neighbors=3, seed=7)
    for epoch in range(3):
        if epoch:
            _next_epoch(by_hand)
        expected = _rows([by_hand[i] for i in range(len(by_hand))])
        assert_allclose(_rows(ds.batches[epoch]), expected, rtol=0, atol=0)
    # A second fit: after the end of epoch 2 (draw 3), its own call before
    # training skips one draw, so its first epoch is draw 4.
    _next_epoch(by_hand)
    _next_epoch(by_hand)
    ds.batches.clear()
    model.fit(ds, epochs=1, verbose=0, callbacks=[_EpochMarker(ds)])
    expected = _rows([by_hand[i] for i in range(len(by_hand))])
    assert_allclose(_rows(ds.batches[0]), expected, rtol=0, atol=0)


def test_sample_weight_originals_own_synthetic_their_class_mean():
    x, y = _data()
    w = np.random.default_rng(1).uniform(0.5, 2.0, len(x))
    ds = SMOTEDataset(
        x, y, batch_size=16, k_neighbors=3, shuffle=False, seed=0, sample_weight=w
    )
    batches = [ds[i] for i in range(len(ds))]
    assert all(len(batch) == 3 for batch in batches)
    weights = np.concatenate([b[2] for b in batches])
    labels = np.concatenate([b[1] for b in batches])
    n = len(x)  # unshuffled: the originals first
    assert_allclose(weights[:n], w, rtol=1e-6, atol=0)
    synthetic = weights[n:]
    assert len(synthetic) == 41 and np.all(labels[n:] == 1)
    assert_allclose(synthetic, np.full(41, w[y == 1].mean()), rtol=1e-6, atol=0)


def test_zero_sample_weight_equals_training_without_those_rows():
    """Closed form, on a strategy asking for no synthetic row: with a summed
    loss and one full batch per epoch, rows of weight 0 add nothing to the
    gradient, so training equals training on the other rows."""
    x, y = _data()
    w = np.ones(len(x))
    w[::4] = 0.0
    kept = w > 0

    def trained(data):
        model = keras.Sequential(
            [
                keras.Input((3,)),
                keras.layers.Dense(
                    1, kernel_initializer=keras.initializers.Constant(0.1)
                ),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.SGD(0.05),
            loss=keras.losses.BinaryCrossentropy(from_logits=True, reduction="sum"),
            jit_compile=False,
        )
        model.fit(data, epochs=4, verbose=0, shuffle=False)
        return model.get_weights()

    strategy = {0: 50, 1: 9}  # the counts as they are: no synthetic row
    ds = SMOTEDataset(
        x, y, batch_size=len(x), sampling_strategy=strategy, seed=0, sample_weight=w
    )
    plain = SMOTEDataset(
        x[kept], y[kept], batch_size=len(x), sampling_strategy={0: 37, 1: 7}, seed=0
    )
    assert np.bincount(y[kept]).tolist() == [37, 7]
    for got, want in zip(trained(ds), trained(plain)):
        assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    unweighted = SMOTEDataset(
        x, y, batch_size=len(x), sampling_strategy=strategy, seed=0
    )
    assert not np.allclose(trained(ds)[0], trained(unweighted)[0])


def test_bad_sample_weight():
    x, y = _data()
    with pytest.raises(ValueError, match=r"`sample_weight` must be 1-D.*\(58,\)"):
        SMOTEDataset(x, y, k_neighbors=3, sample_weight=np.ones(58))
    with pytest.raises(ValueError, match=r"finite weights >= 0.*\[0\]=nan"):
        SMOTEDataset(x, y, k_neighbors=3, sample_weight=np.r_[np.nan, np.ones(58)])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"workers": -7175}, "Argument `workers` must be"),
        ({"workers": 1.5}, "Argument `workers` must be"),
        ({"max_queue_size": 0}, "Argument `max_queue_size` must be"),
        ({"use_multiprocessing": "yes"}, "Argument `use_multiprocessing` must be"),
    ],
)
def test_pydataset_arguments_are_checked(kwargs, message):
    # Keras's PyDataset takes these unchecked (workers=-7175 was accepted).
    x, y = _data()
    with pytest.raises(ValueError, match=message):
        SMOTEDataset(x, y, batch_size=8, **kwargs)


def test_valid_pydataset_arguments_reach_pydataset():
    x, y = _data()
    ds = SMOTEDataset(
        x,
        y,
        batch_size=8,
        workers=np.int64(0),
        max_queue_size=3,
        use_multiprocessing=False,
    )
    assert (ds.workers, ds.max_queue_size, ds.use_multiprocessing) == (0, 3, False)
