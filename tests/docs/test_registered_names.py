"""What Keras 3 does with the registered names `kerasnotes>Name`.

docs/losses.md, docs/layers.md and the README say: `compile` resolves an
optimizer given as a registered name (and initializers resolve theirs), but a
loss, a metric or an activation given as `"kerasnotes>Name"` is looked up only
among Keras's built-ins: `compile(loss="kerasnotes>RobustLoss")` is accepted
and `fit` then raises "Could not interpret loss identifier". These tests keep
each form the docs show, working or failing, as the docs say it is.
"""

import keras
import numpy as np
import pytest

import kerasnotes

X = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
Y = X[:, :1] * 2.0


def _model(activation=None):
    return keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(1, activation=activation)]
    )


def _fit(loss, optimizer="sgd"):
    model = _model()
    model.compile(optimizer=optimizer, loss=loss)
    model.fit(X, Y, epochs=1, batch_size=16, verbose=0)
    return model


# The forms the docs say fail.


def test_loss_name_is_accepted_by_compile_and_refused_by_fit():
    model = _model()
    model.compile(optimizer="sgd", loss="kerasnotes>RobustLoss")  # no error here
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        model.fit(X, Y, epochs=1, verbose=0)


def test_loss_name_is_refused_by_keras_losses_get():
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        keras.losses.get("kerasnotes>RobustLoss")


def test_metric_name_is_refused():
    model = _model()
    model.compile(optimizer="sgd", loss="mse", metrics=["kerasnotes>RobustLoss"])
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        model.fit(X, Y, epochs=1, verbose=0)


@pytest.mark.parametrize(
    "make",
    [
        lambda: keras.layers.Dense(1, activation="kerasnotes>swish"),
        lambda: keras.layers.Activation("kerasnotes>swish"),
        lambda: keras.activations.get("kerasnotes>swish"),
    ],
    ids=["Dense", "Activation", "activations.get"],
)
def test_activation_name_is_refused(make):
    with pytest.raises(
        ValueError, match="Could not interpret activation function identifier"
    ):
        make()


def test_loss_config_dict_in_compile_is_read_as_a_per_output_mapping():
    # compile(loss=dict) maps output names to losses; a config dict is not
    # one, so it must go through keras.losses.get first.
    config = keras.saving.serialize_keras_object(kerasnotes.losses.RobustLoss())
    with pytest.raises(TypeError):
        _fit(config)


# The forms the docs say work.


def test_optimizer_and_initializer_names_work():
    model = _fit("mse", optimizer="kerasnotes>AMSGrad")
    assert type(model.optimizer) is kerasnotes.optimizers.AMSGrad
    layer = keras.layers.Dense(2, kernel_initializer="kerasnotes>HeNormal")
    assert type(layer.kernel_initializer) is kerasnotes.initializers.HeNormal


def test_loss_instance_works():
    model = _fit(kerasnotes.losses.RobustLoss(alpha=0.5, scale=2.0))
    assert type(model.loss) is kerasnotes.losses.RobustLoss


def test_loss_from_registered_name_works():
    cls = keras.saving.get_registered_object("kerasnotes>RobustLoss")
    assert cls is kerasnotes.losses.RobustLoss
    model = _fit(cls(alpha=0.5))
    assert type(model.loss) is kerasnotes.losses.RobustLoss


def test_loss_from_config_dict_through_keras_losses_get_works():
    config = {"class_name": "kerasnotes>RobustLoss", "config": {"alpha": 0.5}}
    loss = keras.losses.get(config)
    assert type(loss) is kerasnotes.losses.RobustLoss
    assert loss.get_config()["alpha"] == 0.5
    model = _fit(loss)
    assert model.loss is loss


def test_activation_forms_that_work():
    swish = kerasnotes.activations.swish
    assert keras.saving.get_registered_object("kerasnotes>swish") is swish
    assert keras.layers.Dense(1, activation=swish).activation is swish
    by_name = keras.saving.get_registered_object("kerasnotes>swish")
    assert keras.layers.Dense(1, activation=by_name).activation is swish
    config = keras.saving.serialize_keras_object(swish)
    assert keras.activations.get(config) is swish
    assert keras.layers.Dense(1, activation=config).activation is swish
