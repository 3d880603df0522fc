import keras
import numpy as np
import pytest
from keras import ops

from kerasnotes.diagnostics import gradient_check


class ScaledSquare(keras.layers.Layer):
    """`w * x^2` per unit, with a hand-written gradient that may be wrong."""

    def __init__(self, wrong=False, **kwargs):
        super().__init__(**kwargs)
        self.wrong = wrong

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x):
        factor = 3.0 if self.wrong else 2.0  # d(w x^2)/dx = 2 w x

        @ops.custom_gradient
        def scaled_square(x, w):
            def grad(*args, upstream=None):
                if upstream is None:
                    (upstream,) = args
                dx = upstream * factor * w * x
                dw = ops.sum(upstream * ops.square(x), axis=0)
                return dx, dw

            return w * ops.square(x), grad

        return scaled_square(x, ops.convert_to_tensor(self.w))

    def get_config(self):
        return {**super().get_config(), "wrong": self.wrong}


def _model(wrong):
    keras.utils.set_random_seed(3)
    return keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(4, activation="tanh", name="first"),
            ScaledSquare(wrong=wrong, name="custom"),
            keras.layers.Dense(2, activation="sigmoid", name="last"),
        ]
    )


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(10, 3)).astype("float32")
    return x, rng.uniform(size=(10, 2)).astype("float32")


def test_one_weight_by_hand():
    # L(w) = mean((w x - y)^2): dL/dw = 2 mean((w x - y) x), checked exactly
    # against finite differences; the report has one entry per variable.
    model = keras.Sequential(
        [
            keras.Input((1,)),
            keras.layers.Dense(
                1, use_bias=False, kernel_initializer=keras.initializers.Constant(0.5)
            ),
        ]
    )
    x = np.array([[1.0], [2.0], [-1.0]])
    y = np.array([[0.0], [3.0], [1.0]])
    errors = gradient_check(model, x, y, "mse")
    assert list(errors) == [model.trainable_variables[0].path]
    assert errors[model.trainable_variables[0].path] < 1e-8


@pytest.mark.filterwarnings("error::RuntimeWarning")  # it ran in float64
def test_correct_gradients_pass_in_float64():
    model = _model(wrong=False)
    x, y = _data()
    promotion = keras.backend.result_type("float64", "float64")
    errors = gradient_check(model, x, y, keras.losses.BinaryCrossentropy())
    # Keras's settings are back as they were.
    assert keras.backend.result_type("float64", "float64") == promotion
    assert keras.config.floatx() == "float32"
    assert list(errors) == [v.path for v in model.trainable_variables]
    assert max(errors.values()) < 1e-7, errors
    # The model itself is untouched (still float32, same weights).
    assert all(v.dtype == "float32" for v in model.trainable_variables)


def test_wrong_custom_gradient_is_caught():
    model = _model(wrong=True)
    x, y = _data()
    errors = gradient_check(model, x, y, keras.losses.BinaryCrossentropy())
    by_layer = {path.split("/")[-2]: e for path, e in errors.items()}
    # dx is 1.5 x too large: every variable before the custom layer gets a
    # wrong gradient (relative error about 1/3) ...
    first = [e for path, e in errors.items() if "/first/" in path]
    assert first and min(first) > 0.2
    # ... its own weight and the layers after it are right.
    last = [e for path, e in errors.items() if "/last/" in path or "/custom/" in path]
    assert last and max(last) < 1e-7, by_layer


def test_loss_is_evaluated_in_float64_with_its_arguments():
    # Keras 3.15's Huber config drops `delta`: the float64 copy must keep it.
    from kerasnotes.diagnostics._gradient_check import _float64
    from kerasnotes.diagnostics._gradient_check import _float64_loss

    y_true = np.array([[0.0, 1.0], [2.0, -1.0]])
    y_pred = np.array([[0.05, 1.5], [1.0 + 1e-9, -1.0]])
    error = np.abs(y_pred - y_true)
    delta = 0.1
    huber = np.where(error <= delta, 0.5 * error**2, delta * (error - 0.5 * delta))
    with _float64():
        loss = _float64_loss(keras.losses.Huber(delta=delta))
        value = loss(y_true, y_pred)
        assert keras.backend.standardize_dtype(value.dtype) == "float64"
        # float32 could not resolve the 1e-9 in y_pred.
        np.testing.assert_allclose(
            float(keras.ops.convert_to_numpy(value)), huber.mean(), rtol=1e-13
        )
    model = _model(wrong=False)
    x, y = _data()
    errors = gradient_check(model, x, y * 5, keras.losses.Huber(delta=delta))
    assert max(errors.values()) < 1e-6


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(epsilon=0.0), "epsilon"),
        (dict(max_entries=0), "max_entries"),
        (dict(floor=-1.0), "floor"),
    ],
)
def test_bad_arguments(kwargs, name):
    model = _model(wrong=False)
    x, y = _data()
    with pytest.raises(ValueError, match=f"Argument `{name}`.*Received: {name}="):
        gradient_check(model, x, y, "mse", **kwargs)


def test_this_package_layers_and_losses_pass():
    """Swish (learned beta), Maxout, SELU, this package's initializers and
    its robust and Huber losses: autodiff agrees with finite differences."""
    from kerasnotes import initializers
    from kerasnotes import layers
    from kerasnotes import losses

    keras.utils.set_random_seed(5)
    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(
                6, kernel_initializer=initializers.LecunNormal(seed=1), name="d1"
            ),
            layers.SELU(name="selu"),
            layers.Swish(beta=1.3, name="swish"),
            layers.Maxout(4, pieces=3, name="maxout"),
            keras.layers.Dense(
                2, kernel_initializer=initializers.XavierNormal(seed=2), name="out"
            ),
        ]
    )
    x, y = _data()
    paths = [v.path for v in model.trainable_variables]
    assert any("swish" in p for p in paths) and any("maxout" in p for p in paths)
    for loss in (
        losses.RobustLoss(alpha=0.5, scale=0.7),
        losses.RobustLoss(alpha=-2.0, scale=1.5),
        losses.Huber(delta=0.3),
    ):
        errors = gradient_check(model, x, y * 3.0, loss)
        assert list(errors) == paths
        # Maxout's max has kinks; with 3 pieces of random affine maps no
        # perturbation of 1e-6 crosses one at these points.
        assert max(errors.values()) < 1e-6, (loss.name, errors)


def test_the_callers_loss_is_left_as_it_was():
    loss = keras.losses.Huber(delta=0.3, reduction="sum")
    model = _model(wrong=False)
    x, y = _data()
    errors = gradient_check(model, x, y * 3.0, loss)
    assert max(errors.values()) < 1e-6
    assert loss.dtype == "float32"
    assert loss.reduction == "sum"
    # The float64 copy keeps the name and reduction and computes in float64.
    from kerasnotes.diagnostics._gradient_check import _float64
    from kerasnotes.diagnostics._gradient_check import _float64_loss

    with _float64():
        copy = _float64_loss(loss)
        assert (copy.name, copy.reduction, copy.dtype) == (
            loss.name,
            "sum",
            "float64",
        )
    assert keras.backend.result_type("float64", "float64") == (
        "float64" if keras.backend.backend() == "tensorflow" else "float32"
    )
