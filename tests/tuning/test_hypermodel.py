import keras
import keras_tuner
import numpy as np
import pytest

from kerasnotes import activations
from kerasnotes import initializers
from kerasnotes import layers
from kerasnotes import losses
from kerasnotes import optimizers
from kerasnotes import schedules
from kerasnotes.tuning import HyperMLP
from kerasnotes.tuning._hypermodel import DivergedError
from kerasnotes.tuning._hypermodel import check_finite


def _space_of(hypermodel):
    hp = keras_tuner.HyperParameters()
    hypermodel.declare_hyperparameters(hp)
    return {p.name: p for p in hp.space}


def _build(hypermodel, **values):
    hp = keras_tuner.HyperParameters()
    for name, value in values.items():
        hp.Fixed(name, value)
    return hypermodel.build(hp), hp


def test_default_space_covers_the_issue():
    space = _space_of(HyperMLP("binary", input_dim=5))
    assert (space["depth"].min_value, space["depth"].max_value) == (1, 4)
    assert tuple(space["units"].values) == (16, 32, 64, 128, 256, 512)
    assert tuple(space["batch_size"].values) == (16, 32, 64, 128, 256)
    assert {"relu", "leaky_relu", "elu", "selu", "swish", "maxout"} == set(
        space["activation"].values
    )
    assert {
        "nag",
        "adamw",
        "amsgrad",
        "radam",
        "lookahead_radam",
        "adam",
        "rmsprop",
    } == set(space["optimizer"].values)
    assert {"none", "l1", "l2", "elastic_net"} == set(space["regularizer"].values)
    assert {
        "constant",
        "cosine",
        "warmup_cosine",
        "cyclical",
        "one_cycle",
        "one_cycle_momentum",
    } == set(space["schedule"].values)
    lr = space["learning_rate"]
    assert (lr.min_value, lr.max_value, lr.sampling) == (1e-4, 1e-1, "log")


def test_fix_and_narrow_choices():
    hypermodel = HyperMLP(
        "regression",
        input_dim=3,
        activation="selu",
        optimizer=("adamw", "nag"),
        depth=(2, 3),
        learning_rate=1e-2,
        loss="huber",
    )
    space = _space_of(hypermodel)
    assert isinstance(space["activation"], keras_tuner.engine.hyperparameters.Fixed)
    assert space["activation"].value == "selu"
    assert set(space["optimizer"].values) == {"adamw", "nag"}
    assert (space["depth"].min_value, space["depth"].max_value) == (2, 3)
    assert space["learning_rate"].value == 1e-2
    assert space["loss"].value == "huber"


def test_selu_block_uses_lecun_normal_and_alpha_dropout():
    model, _ = _build(
        HyperMLP("binary", input_dim=4),
        activation="selu",
        depth=2,
        dropout=0.2,
        units=16,
    )
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert isinstance(dense[0].kernel_initializer, initializers.LecunNormal)
    assert sum(isinstance(layer, layers.SELU) for layer in model.layers) == 2
    assert (
        sum(isinstance(layer, keras.layers.AlphaDropout) for layer in model.layers) == 2
    )
    assert not any(type(layer) is keras.layers.Dropout for layer in model.layers)


def test_relu_block_uses_he_normal_and_regularizer():
    model, _ = _build(
        HyperMLP("binary", input_dim=4),
        activation="relu",
        depth=3,
        regularizer="l2",
        regularization_strength=1e-3,
        dropout=0.0,
    )
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert len(dense) == 4  # three hidden + output
    assert isinstance(dense[0].kernel_initializer, initializers.HeNormal)
    assert dense[0].activation is activations.relu
    assert isinstance(dense[0].kernel_regularizer, keras.regularizers.L2)
    assert dense[0].kernel_regularizer.l2 == pytest.approx(1e-3)


def test_swish_and_maxout_blocks_use_this_package_layers():
    model, _ = _build(HyperMLP("binary", input_dim=4), activation="swish", depth=1)
    swish = [layer for layer in model.layers if isinstance(layer, layers.Swish)]
    assert len(swish) == 1 and swish[0].trainable_weights
    model, _ = _build(
        HyperMLP("binary", input_dim=4), activation="maxout", depth=2, units=32
    )
    maxout = [layer for layer in model.layers if isinstance(layer, layers.Maxout)]
    assert len(maxout) == 2 and maxout[0].pieces == 2
    assert model.layers[0].output.shape == (None, 32)
    assert isinstance(maxout[0].kernel_initializer, initializers.XavierUniform)


@pytest.mark.parametrize(
    "name, cls",
    [
        ("nag", optimizers.NAG),
        ("adamw", optimizers.AdamW),
        ("amsgrad", optimizers.AMSGrad),
        ("radam", optimizers.RAdam),
        ("lookahead_radam", optimizers.Lookahead),
        ("adam", keras.optimizers.Adam),
        ("rmsprop", keras.optimizers.RMSprop),
    ],
)
def test_optimizer_choices(name, cls):
    model, _ = _build(HyperMLP("binary", input_dim=4), optimizer=name)
    # isinstance: on PyTorch, Keras swaps its Adam and RMSprop for subclasses.
    assert isinstance(model.optimizer, cls)
    if name == "lookahead_radam":  # Ranger
        assert isinstance(model.optimizer.inner_optimizer, optimizers.RAdam)


@pytest.mark.parametrize(
    "optimizer, attribute",
    [
        ("nag", "momentum"),
        ("adamw", "beta_1"),
        ("amsgrad", "beta_1"),
        ("radam", "beta_1"),
        ("lookahead_radam", "beta_1"),
        ("adam", "beta_1"),
    ],
)
def test_one_cycle_momentum_cycles_the_optimizers_momentum(optimizer, attribute):
    hypermodel = HyperMLP("binary", input_dim=4, train_size=320, epochs=10)
    model, _ = _build(
        hypermodel,
        optimizer=optimizer,
        schedule="one_cycle_momentum",
        learning_rate=0.01,
        batch_size=32,
    )
    opt = model.optimizer
    if optimizer == "lookahead_radam":
        opt = opt.inner_optimizer
    if optimizer == "adam":  # Keras's Adam takes no schedule: AdamW without decay
        assert type(opt) is optimizers.AdamW and opt.weight_decay == 0.0
    rate = keras.optimizers.schedules.deserialize(opt.get_config()["learning_rate"])
    momentum = getattr(opt, attribute)
    assert isinstance(rate, schedules.OneCycle)
    assert isinstance(momentum, schedules.OneCycleMomentum)
    assert momentum.total_steps == rate.total_steps == 100  # 320 / 32 * 10
    assert momentum.pct_start == rate.pct_start


def test_rmsprop_keeps_a_constant_momentum_under_one_cycle_momentum():
    hypermodel = HyperMLP("binary", input_dim=4, train_size=320, epochs=10)
    model, _ = _build(hypermodel, optimizer="rmsprop", schedule="one_cycle_momentum")
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)
    assert model.optimizer.get_config()["momentum"] == 0.0


@pytest.mark.parametrize(
    "schedule, cls, last",
    [
        ("constant", None, 0.01),
        ("cosine", schedules.CosineAnnealing, 0.0),
        ("warmup_cosine", schedules.WarmUp, 0.0),
        ("cyclical", schedules.CyclicalLearningRate, None),
        ("one_cycle", schedules.OneCycle, None),
        ("one_cycle_momentum", schedules.OneCycle, None),
    ],
)
def test_schedule_choices_peak_at_the_learning_rate(schedule, cls, last):
    hypermodel = HyperMLP("binary", input_dim=4, train_size=320, epochs=10)
    model, _ = _build(hypermodel, schedule=schedule, learning_rate=0.01, batch_size=32)
    steps = 100  # 320 / 32 * 10
    if cls is None:
        lr = model.optimizer.learning_rate
        assert float(keras.ops.convert_to_numpy(lr)) == pytest.approx(0.01)
        return
    # The schedule, rebuilt from the optimizer's public config.
    lr = keras.optimizers.schedules.deserialize(
        model.optimizer.get_config()["learning_rate"]
    )
    assert type(lr) is cls
    values = np.array([float(keras.ops.convert_to_numpy(lr(s))) for s in range(steps)])
    assert values.max() == pytest.approx(0.01, rel=1e-4)
    assert values.min() < 0.0011  # every schedule comes down by 10x or more
    if last is not None:
        assert float(keras.ops.convert_to_numpy(lr(steps))) == pytest.approx(
            last, abs=1e-6
        )


@pytest.mark.parametrize(
    "task, loss, cls, output_units",
    [
        ("binary", "binary_crossentropy", keras.losses.BinaryCrossentropy, 1),
        (
            "multiclass",
            "sparse_categorical_crossentropy",
            keras.losses.SparseCategoricalCrossentropy,
            4,
        ),
        ("regression", "mse", keras.losses.MeanSquaredError, 1),
        ("regression", "huber", losses.Huber, 1),
        ("regression", "robust", losses.RobustLoss, 1),
    ],
)
def test_loss_and_output_follow_the_task(task, loss, cls, output_units):
    hypermodel = HyperMLP(
        task, num_classes=4 if task == "multiclass" else None, input_dim=3
    )
    model, _ = _build(hypermodel, loss=loss)
    assert model.output_shape == (None, output_units)
    assert type(model.loss) is cls


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(task="ranking"), "task"),
        (dict(task="multiclass", num_classes=2), "num_classes"),
        (dict(activation="gelu"), "activation"),
        (dict(units=(16, 100)), "units"),
        (dict(depth=(1, 9)), "depth"),
        (dict(learning_rate=(1e-6, 1e-2)), "learning_rate"),
        (dict(epochs=0), "epochs"),
        (dict(loss="hinge"), "loss"),
        (dict(colour="red"), "colour"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        HyperMLP(**kwargs)


def test_diverged_history_is_a_failed_trial():
    history = keras.callbacks.History()
    history.history = {"loss": [1.0, float("nan")]}
    with pytest.raises(DivergedError):
        check_finite(history)
    assert issubclass(DivergedError, keras_tuner.errors.FailedTrialError)
    history.history = {"loss": [1.0, 0.5]}
    check_finite(history)


def test_tensorboard_hparams_plugin_is_installed():
    # KerasTuner 1.4.8 imports this in every trial on TensorFlow 2.21; without
    # the `tensorboard` dependency every trial fails.
    from tensorboard.plugins.hparams import api  # noqa: F401
