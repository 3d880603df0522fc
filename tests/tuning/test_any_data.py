"""search() with a user's hypermodel: data of any rank, and datasets."""

import keras
import numpy as np
import pytest

from kerasnotes.tuning import HyperMLP
from kerasnotes.tuning import search


def _images(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6, 6, 1)).astype("float32")
    y = (x[:, :3].mean(axis=(1, 2, 3)) > 0).astype(int)
    return x, y


def build_cnn(hp):
    model = keras.Sequential(
        [
            keras.Input((6, 6, 1)),
            keras.layers.Conv2D(hp.Choice("filters", [2, 4]), 3, activation="relu"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    return model


def build_sequence(hp):
    model = keras.Sequential(
        [
            keras.Input((5,), dtype="int32"),
            keras.layers.Embedding(10, hp.Choice("width", [2, 3])),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


@pytest.mark.slow
def test_images_with_a_users_build_function(tmp_path):
    x, y = _images()
    result = search(
        x,
        y,
        hypermodel=build_cnn,
        tuner="random",
        max_trials=2,
        epochs=2,
        directory=str(tmp_path),
        seed=0,
        verbose=0,
    )
    assert result.task == "binary"
    assert result.trials["status"].tolist() == ["COMPLETED"] * 2
    assert set(result.trials["filters"]) <= {2, 4}
    assert result.best_model.predict(x[:2], verbose=0).shape == (2, 1)


@pytest.mark.slow
def test_integer_sequences_reach_the_model_as_integers(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 10, size=(60, 5)).astype("int32")
    y = x[:, 0] % 3
    seen = []

    def build(hp):
        model = build_sequence(hp)
        fit = model.fit

        def recording_fit(x, *args, **kwargs):
            seen.append(np.asarray(x).dtype)
            return fit(x, *args, **kwargs)

        model.fit = recording_fit
        return model

    result = search(
        x,
        y,
        cv=2,
        hypermodel=build,
        tuner="random",
        max_trials=1,
        epochs=1,
        directory=str(tmp_path),
        seed=0,
        verbose=0,
    )
    assert result.task == "multiclass"
    assert seen and all(dtype == np.int32 for dtype in seen)


def test_tables_only_for_hypermlp_and_oversampling(tmp_path):
    x, y = _images()
    with pytest.raises(ValueError, match="2-D"):
        search(x, y, directory=str(tmp_path))
    with pytest.raises(ValueError, match="2-D"):
        search(x, y, hypermodel=HyperMLP("binary"), directory=str(tmp_path))
    with pytest.raises(ValueError, match="rank 4"):
        search(x, y, hypermodel=build_cnn, oversample="smote", directory=str(tmp_path))
    with pytest.raises(ValueError, match="numeric"):
        search(np.full((4, 2, 2), "a"), np.arange(4) % 2, hypermodel=build_cnn)


class _Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size=16):
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, i):
        rows = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[rows], self.y[rows]


@pytest.mark.slow
def test_pydataset_and_tf_data(tmp_path):
    import tensorflow as tf

    x, y = _images()
    y = y.astype("float32")
    streams = {
        "PyDataset": (_Batches(x[:48], y[:48]), _Batches(x[48:], y[48:])),
        "tf.data": (
            tf.data.Dataset.from_tensor_slices((x[:48], y[:48])).batch(16),
            tf.data.Dataset.from_tensor_slices((x[48:], y[48:])).batch(16),
        ),
    }
    for name, (train, val) in streams.items():
        result = search(
            train,
            validation_data=val,
            y=None,
            hypermodel=build_cnn,
            tuner="random",
            max_trials=1,
            epochs=2,
            directory=str(tmp_path / name.replace(".", "_")),
            seed=0,
            verbose=0,
        )
        assert result.trials["status"].tolist() == ["COMPLETED"], name
        assert result.task is None and result.classes is None
        history = result.history()
        assert len(history["val_loss"]) == 2, name


def test_bad_dataset_arguments(tmp_path):
    x, y = _images()
    train, val = _Batches(x[:48], y[:48]), _Batches(x[48:], y[48:])
    with pytest.raises(ValueError, match="HyperMLP needs a table"):
        search(train, None, validation_data=val, directory=str(tmp_path))
    with pytest.raises(ValueError, match="`validation_data` must be a dataset"):
        search(train, None, hypermodel=build_cnn, directory=str(tmp_path))
    with pytest.raises(ValueError, match="`validation_data` must be a dataset"):
        search(
            train,
            None,
            validation_data=(x, y),
            hypermodel=build_cnn,
            directory=str(tmp_path),
        )
    for extra in ({"oversample": "smote"}, {"cv": 3}):
        with pytest.raises(ValueError, match=f"`{next(iter(extra))}` must be None"):
            search(
                train,
                None,
                validation_data=val,
                hypermodel=build_cnn,
                directory=str(tmp_path),
                **extra,
            )
    with pytest.raises(ValueError, match="`y` must be None"):
        search(
            train, y, validation_data=val, hypermodel=build_cnn, directory=str(tmp_path)
        )


@pytest.mark.slow
def test_torch_dataloader(tmp_path):
    torch = pytest.importorskip("torch", reason="a DataLoader needs PyTorch")
    x, y = _images()
    pairs = torch.utils.data.TensorDataset(
        torch.from_numpy(x), torch.from_numpy(y.astype("float32"))
    )
    train = torch.utils.data.DataLoader(
        torch.utils.data.Subset(pairs, range(48)), batch_size=16
    )
    val = torch.utils.data.DataLoader(
        torch.utils.data.Subset(pairs, range(48, 64)), batch_size=16
    )
    result = search(
        train,
        None,
        validation_data=val,
        hypermodel=build_cnn,
        tuner="random",
        max_trials=1,
        epochs=2,
        directory=str(tmp_path),
        seed=0,
        verbose=0,
    )
    assert result.trials["status"].tolist() == ["COMPLETED"]
    assert len(result.history()["val_loss"]) == 2
