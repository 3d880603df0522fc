import warnings

import keras
import numpy as np
import pytest

from kerasnotes.callbacks import GradientMonitor
from kerasnotes.callbacks import GradientWarning
from kerasnotes.testing import assert_allclose


def _data(n=64, d=16, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    return x, (x[:, :1] > 0).astype("float32")


def _deep_mlp(activation, initializer, depth=20):
    keras.utils.set_random_seed(0)
    layers = [keras.Input((16,))]
    layers += [
        keras.layers.Dense(
            32,
            activation=activation,
            kernel_initializer=initializer,
            name=f"hidden_{i}",
        )
        for i in range(depth)
    ]
    layers.append(keras.layers.Dense(1, activation="sigmoid", name="out"))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="binary_crossentropy")
    return model


def _fit(model, monitor, epochs=1):
    x, y = _data()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(
            x, y, batch_size=16, epochs=epochs, verbose=0, callbacks=[monitor]
        )
    return history, [w for w in caught if issubclass(w.category, GradientWarning)]


def test_norms_match_a_hand_computed_gradient():
    # One linear layer, MSE: dL/dW = 2/n x^T (x W + b - y), dL/db = 2/n sum(...)
    x = np.array([[1.0, 2.0], [0.0, -1.0]], "float32")
    y = np.array([[1.0], [2.0]], "float32")
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(
                1,
                kernel_initializer=keras.initializers.Constant(0.5),
                bias_initializer=keras.initializers.Constant(0.25),
                name="lin",
            ),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    monitor = GradientMonitor(x, y)
    monitor.set_model(model)
    residual = x @ np.array([[0.5], [0.5]]) + 0.25 - y  # [[1.75], [-2.25]]
    grad_w = 2 / 2 * x.T @ residual
    grad_b = 2 / 2 * residual.sum()
    expected = np.sqrt(np.sum(grad_w**2) + grad_b**2)
    assert_allclose(monitor.measure()["lin"], expected, rtol=1e-6)


def test_sigmoid_20_layers_warns_vanishing_at_the_first_layers():
    model = _deep_mlp("sigmoid", "glorot_uniform")
    x, y = _data()
    monitor = GradientMonitor(x[:32], y[:32], every_n_steps=1, patience=3)
    history, caught = _fit(model, monitor)
    warned = [name for name, kind, _ in monitor.warnings if kind == "vanishing"]
    assert "hidden_0" in warned and "hidden_1" in warned
    assert "out" not in warned and "hidden_19" not in warned
    # Once per layer: four measurements, one warning each.
    assert len(warned) == len(set(warned)) == len(caught)
    assert "Vanishing gradient in layer 'hidden_0'" in str(caught[0].message)
    # The norms grow from the first layer to the last, by orders of magnitude.
    first, last = monitor.norms["hidden_0"][0], monitor.norms["out"][0]
    assert first < 1e-6 * last
    assert len(monitor.steps) == 4 and monitor.steps == [0, 1, 2, 3]
    assert history.history["grad_norm/hidden_0"] == [monitor.norms["hidden_0"][-1]]


def test_relu_he_20_layers_does_not_warn():
    model = _deep_mlp("relu", "he_normal")
    x, y = _data()
    monitor = GradientMonitor(x[:32], y[:32], every_n_steps=1, patience=3)
    history, caught = _fit(model, monitor)
    assert caught == [] and monitor.warnings == []
    assert min(v[0] for v in monitor.norms.values()) > 1e-3
    assert len(history.history["grad_norm/hidden_0"]) == 1


def test_exploding_warning_and_every_n_steps():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((16,)),
            keras.layers.Dense(
                16,
                kernel_initializer=keras.initializers.RandomNormal(stddev=3.0),
                name="big_0",
            ),
            keras.layers.Dense(
                16,
                kernel_initializer=keras.initializers.RandomNormal(stddev=3.0),
                name="big_1",
            ),
            keras.layers.Dense(1, name="out"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    x, y = _data()
    monitor = GradientMonitor(
        x[:16], y[:16] * 100.0, every_n_steps=2, exploding_threshold=10.0, patience=2
    )
    _, caught = _fit(model, monitor, epochs=2)  # 8 steps: measured 0, 2, 4, 6
    assert monitor.steps == [0, 2, 4, 6]
    kinds = {kind for _, kind, _ in monitor.warnings}
    assert kinds == {"exploding"} and len(caught) == len(monitor.warnings)
    assert all(step == 2 for _, _, step in monitor.warnings)  # 2nd measurement


def test_tensorboard_scalars(tmp_path):
    from tensorboard.backend.event_processing import event_file_loader

    model = _deep_mlp("relu", "he_normal", depth=2)
    x, y = _data()
    monitor = GradientMonitor(x[:16], y[:16], every_n_steps=2, log_dir=tmp_path)
    _fit(model, monitor)
    files = list(tmp_path.glob("events.out.tfevents.*"))
    assert len(files) == 1
    scalars = {}
    for event in event_file_loader.EventFileLoader(str(files[0])).Load():
        for value in event.summary.value:
            scalars.setdefault(value.tag, []).append((event.step, value))
    assert set(scalars) == {"grad_norm/hidden_0", "grad_norm/hidden_1", "grad_norm/out"}
    steps = [step for step, _ in scalars["grad_norm/out"]]
    assert steps == [0, 2]
    logged = [
        v.simple_value if v.HasField("simple_value") else v.tensor.float_val[0]
        for _, v in scalars["grad_norm/out"]
    ]
    assert_allclose(logged, monitor.norms["out"], rtol=1e-6)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(every_n_steps=0), "every_n_steps"),
        (dict(vanishing_threshold=0.0), "vanishing_threshold"),
        (dict(exploding_threshold=-1.0), "exploding_threshold"),
        (dict(vanishing_threshold=1.0, exploding_threshold=0.5), "exploding_threshold"),
        (dict(patience=0), "patience"),
    ],
)
def test_bad_arguments(kwargs, name):
    x, y = _data(4)
    with pytest.raises(ValueError, match=f"Argument `{name}`.*Received: {name}="):
        GradientMonitor(x, y, **kwargs)
