"""choose_optimizer, choose_schedule, choose_activation, choose_regularizer:
HyperMLP's choices declared on a user's `hp`."""

import math

import keras
import keras_tuner
import numpy as np
import pytest

import kerasnotes.tuning
from kerasnotes import activations
from kerasnotes import initializers
from kerasnotes import layers
from kerasnotes import optimizers
from kerasnotes import schedules
from kerasnotes.tuning import HyperMLP
from kerasnotes.tuning import choose_activation
from kerasnotes.tuning import choose_optimizer
from kerasnotes.tuning import choose_regularizer
from kerasnotes.tuning import choose_schedule

# The choices as the issue and HyperMLP's docstring list them, written out
# here rather than read from the tables.
OPTIMIZER_TYPES = {
    "nag": optimizers.NAG,
    "adamw": optimizers.AdamW,
    "amsgrad": optimizers.AMSGrad,
    "radam": optimizers.RAdam,
    "lookahead_radam": optimizers.Lookahead,
    "adam": keras.optimizers.Adam,
    "rmsprop": keras.optimizers.RMSprop,
}
SCHEDULE_NAMES = (
    "constant",
    "cosine",
    "warmup_cosine",
    "cyclical",
    "one_cycle",
    "one_cycle_momentum",
)
ACTIVATION_NAMES = ("relu", "leaky_relu", "elu", "selu", "swish", "maxout")
REGULARIZER_NAMES = ("none", "l1", "l2", "elastic_net")

LR = 0.01
T = 100  # total steps


def _space(hp):
    return {p.name: p for p in hp.space}


def _hypermlp_space(**choices):
    hp = keras_tuner.HyperParameters()
    HyperMLP("binary", input_dim=4, **choices).declare_hyperparameters(hp)
    return _space(hp)


def _config(parameter):
    return parameter.get_config()


def _value(x):
    return float(keras.ops.convert_to_numpy(x))


def _rate(optimizer):
    """The learning rate (a number or a schedule) from the public config."""
    rate = optimizer.get_config()["learning_rate"]
    if isinstance(rate, dict):
        return keras.optimizers.schedules.deserialize(rate)
    return rate


def _inner(optimizer):
    return (
        optimizer.inner_optimizer
        if isinstance(optimizer, optimizers.Lookahead)
        else optimizer
    )


def _without_names(config):
    if isinstance(config, dict):
        return {k: _without_names(v) for k, v in config.items() if k != "name"}
    if isinstance(config, list):
        return [_without_names(v) for v in config]
    return config


def _trial(declare, **values):
    """`hp` as KerasTuner hands it to a trial: the space declared once, then
    the trial's values set; `declare(hp)` is then called on it."""
    hp = keras_tuner.HyperParameters()
    declare(hp)
    hp.values.update(values)
    return declare(hp), hp


# --- What is declared -------------------------------------------------------


def test_choose_optimizer_declares_hypermlps_three_names_in_its_order():
    hp = keras_tuner.HyperParameters()
    choose_optimizer(hp, T)
    assert [p.name for p in hp.space] == ["optimizer", "learning_rate", "schedule"]
    space = _space(hp)
    assert tuple(space["optimizer"].values) == tuple(OPTIMIZER_TYPES)
    assert tuple(space["schedule"].values) == SCHEDULE_NAMES
    lr = space["learning_rate"]
    assert (lr.min_value, lr.max_value, lr.sampling, lr.step) == (
        1e-4,
        1e-1,
        "log",
        None,
    )
    mlp = _hypermlp_space()
    for name in ("optimizer", "learning_rate", "schedule"):
        assert _config(space[name]) == _config(mlp[name])


def test_choose_activation_and_regularizer_declare_hypermlps_names():
    hp = keras_tuner.HyperParameters()
    choose_activation(hp)
    choose_regularizer(hp)
    assert [p.name for p in hp.space] == [
        "activation",
        "regularizer",
        "regularization_strength",
    ]
    space = _space(hp)
    assert tuple(space["activation"].values) == ACTIVATION_NAMES
    assert tuple(space["regularizer"].values) == REGULARIZER_NAMES
    strength = space["regularization_strength"]
    assert (strength.min_value, strength.max_value, strength.sampling) == (
        1e-6,
        1e-2,
        "log",
    )
    mlp = _hypermlp_space()
    for name in space:
        assert _config(space[name]) == _config(mlp[name])


def test_choose_schedule_declares_only_the_schedule():
    hp = keras_tuner.HyperParameters()
    policy = choose_schedule(hp, T, LR)
    assert [p.name for p in hp.space] == ["schedule"]
    assert tuple(_space(hp)["schedule"].values) == SCHEDULE_NAMES
    # The default (first) choice is the constant rate.
    assert policy.learning_rate == LR and policy.momentum is None


def test_discrete_declares_log_steps_of_ten_as_hypermlp_does():
    hp = keras_tuner.HyperParameters()
    choose_optimizer(hp, T, discrete=True)
    choose_regularizer(hp, discrete=True)
    space = _space(hp)
    assert space["learning_rate"].step == 10
    assert space["regularization_strength"].step == 10
    mlp = _hypermlp_space(discrete=True)
    for name in ("learning_rate", "regularization_strength"):
        assert _config(space[name]) == _config(mlp[name])


def test_narrowing_by_sequence_single_value_and_pair():
    hp = keras_tuner.HyperParameters()
    choose_optimizer(
        hp,
        T,
        optimizers=("adamw", "nag"),
        learning_rate=(1e-2, 1e-3),  # either order
        schedules="cosine",
    )
    choose_activation(hp, activations=["selu", "elu"])
    choose_regularizer(hp, regularizers="l2", strength=1e-4)
    space = _space(hp)
    fixed = keras_tuner.engine.hyperparameters.Fixed
    assert tuple(space["optimizer"].values) == ("adamw", "nag")
    lr = space["learning_rate"]
    assert (lr.min_value, lr.max_value, lr.sampling) == (1e-3, 1e-2, "log")
    assert isinstance(space["schedule"], fixed) and space["schedule"].value == "cosine"
    assert tuple(space["activation"].values) == ("selu", "elu")
    assert isinstance(space["regularizer"], fixed)
    assert isinstance(space["regularization_strength"], fixed)
    assert hp.values == {
        "optimizer": "adamw",
        "learning_rate": 1e-3,
        "schedule": "cosine",
        "activation": "selu",
        "regularizer": "l2",
        "regularization_strength": 1e-4,
    }
    # HyperMLP narrowed the same way declares the same.
    mlp = _hypermlp_space(
        optimizer=("adamw", "nag"),
        learning_rate=(1e-2, 1e-3),
        schedule="cosine",
        activation=["selu", "elu"],
        regularizer="l2",
        regularization_strength=1e-4,
    )
    for name in space:
        assert _config(space[name]) == _config(mlp[name])


def test_a_fixed_learning_rate_is_fixed():
    hp = keras_tuner.HyperParameters()
    choose_optimizer(hp, T, learning_rate=3e-3)
    assert isinstance(
        _space(hp)["learning_rate"], keras_tuner.engine.hyperparameters.Fixed
    )
    assert hp.values["learning_rate"] == 3e-3


def test_calling_again_declares_nothing_new_and_reads_the_recorded_values():
    hp = keras_tuner.HyperParameters()
    choose_optimizer(hp, T)
    first, _ = choose_activation(hp, activations=("swish", "selu"))
    hp.values.update(optimizer="radam", schedule="cosine", activation="selu")
    optimizer = choose_optimizer(hp, T)
    second, initializer = choose_activation(hp, activations=("swish", "selu"))
    assert len(hp.space) == 4
    assert type(optimizer) is optimizers.RAdam
    assert isinstance(_rate(optimizer), schedules.CosineAnnealing)
    assert isinstance(first, layers.Swish) and isinstance(second, layers.SELU)
    assert isinstance(initializer, initializers.LecunNormal)


# --- What is built ---------------------------------------------------------


@pytest.mark.parametrize("name", list(OPTIMIZER_TYPES))
def test_the_optimizer_is_the_recorded_kind_at_the_recorded_rate(name):
    optimizer, hp = _trial(
        lambda hp: choose_optimizer(hp, T),
        optimizer=name,
        learning_rate=LR,
        schedule="constant",
    )
    assert hp.values["optimizer"] == name
    # isinstance: on PyTorch, Keras swaps its Adam and RMSprop for subclasses.
    assert isinstance(optimizer, OPTIMIZER_TYPES[name])
    assert _rate(_inner(optimizer)) == pytest.approx(LR)
    if name == "lookahead_radam":  # Ranger
        assert isinstance(optimizer.inner_optimizer, optimizers.RAdam)
    if name == "adamw":
        assert optimizer.weight_decay == pytest.approx(1e-4)
    if name == "nag":
        assert optimizer.momentum == pytest.approx(0.9)


def _cosine(step, peak, steps):
    return 0.5 * peak * (1 + math.cos(math.pi * min(step, steps) / steps))


def _one_cycle(step, peak, steps, p=0.3):
    """OneCycle with torch's defaults (div 25): up from peak / 25 to the peak
    at step p * T - 1 along a half cosine."""
    top = p * steps - 1
    return peak + (peak / 25 - peak) * (1 + math.cos(math.pi * step / top)) / 2


# name -> [(step, expected rate)] for the peak LR over T = 100 steps
EXPECTED_RATES = {
    "constant": [(0, LR), (60, LR)],
    "cosine": [(0, LR), (25, _cosine(25, LR, T)), (T, 0.0)],
    # warmup 0 -> LR over T / 10 steps, then a cosine over the other 90
    "warmup_cosine": [(5, LR / 2), (10, LR), (55, _cosine(45, LR, 90)), (T, 0.0)],
    # triangular2 between LR / 10 and LR, half cycle T // 8 = 12 steps;
    # the second cycle peaks at half the height
    "cyclical": [(0, LR / 10), (6, 0.0055), (12, LR), (36, LR / 10 + 0.009 / 2)],
    "one_cycle": [(0, LR / 25), (15, _one_cycle(15, LR, T)), (29, LR)],
    "one_cycle_momentum": [(0, LR / 25), (29, LR)],
}


@pytest.mark.parametrize("name", SCHEDULE_NAMES)
def test_the_schedule_is_the_recorded_one_with_the_recorded_peak(name):
    optimizer, hp = _trial(
        lambda hp: choose_optimizer(hp, T),
        optimizer="adamw",
        learning_rate=LR,
        schedule=name,
    )
    assert hp.values["schedule"] == name
    rate = _rate(optimizer)
    for step, expected in EXPECTED_RATES[name]:
        got = rate if name == "constant" else _value(rate(step))
        assert got == pytest.approx(expected, rel=1e-5, abs=1e-9), step
    momentum = optimizer.beta_1
    if name == "one_cycle_momentum":
        # cycled against the rate: 0.95 at the start, 0.85 at the rate's peak
        assert isinstance(momentum, schedules.OneCycleMomentum)
        assert _value(momentum(0)) == pytest.approx(0.95)
        assert _value(momentum(29)) == pytest.approx(0.85)
    else:
        assert momentum == pytest.approx(0.9)


def test_one_cycle_momentum_goes_to_nags_momentum_and_adams_beta_1():
    nag, _ = _trial(
        lambda hp: choose_optimizer(hp, T),
        optimizer="nag",
        schedule="one_cycle_momentum",
    )
    assert isinstance(nag.momentum, schedules.OneCycleMomentum)
    adam, _ = _trial(
        lambda hp: choose_optimizer(hp, T),
        optimizer="adam",
        schedule="one_cycle_momentum",
    )
    assert type(adam) is optimizers.AdamW and adam.weight_decay == 0.0
    assert isinstance(adam.beta_1, schedules.OneCycleMomentum)
    assert adam.beta_1.total_steps == T


def test_choose_schedule_returns_the_policy_choose_optimizer_uses():
    policy, hp = _trial(
        lambda hp: choose_schedule(hp, T, LR), schedule="one_cycle_momentum"
    )
    assert isinstance(policy.learning_rate, schedules.OneCycle)
    assert policy.learning_rate.total_steps == T
    assert isinstance(policy.momentum, schedules.OneCycleMomentum)
    assert _value(policy.learning_rate(29)) == pytest.approx(LR)
    sgd = keras.optimizers.SGD(policy.learning_rate)  # any optimizer takes it
    assert isinstance(_rate(sgd), schedules.OneCycle)


@pytest.mark.parametrize(
    "choices",
    [
        dict(optimizer="amsgrad", learning_rate=0.01, schedule="warmup_cosine"),
        dict(optimizer="lookahead_radam", learning_rate=0.003, schedule="cyclical"),
        dict(optimizer="adam", learning_rate=0.05, schedule="one_cycle_momentum"),
        dict(optimizer="rmsprop", learning_rate=1e-4, schedule="one_cycle"),
    ],
)
def test_hp_values_and_optimizer_match_hypermlps_for_the_same_choices(choices):
    hypermodel = HyperMLP(
        "binary", input_dim=4, train_size=320, epochs=10, batch_size=32, **choices
    )
    mlp_hp = keras_tuner.HyperParameters()
    model = hypermodel.build(mlp_hp)
    hp = keras_tuner.HyperParameters()
    optimizer = choose_optimizer(
        hp,
        T,  # 320 / 32 * 10
        optimizers=choices["optimizer"],
        learning_rate=choices["learning_rate"],
        schedules=choices["schedule"],
    )
    assert hp.values == {name: mlp_hp.values[name] for name in hp.values}
    assert hp.values == choices
    assert _without_names(keras.optimizers.serialize(optimizer)) == _without_names(
        keras.optimizers.serialize(model.optimizer)
    )


@pytest.mark.parametrize(
    "name, strength, cls, attributes",
    [
        ("none", 1e-3, type(None), {}),
        ("l1", 1e-3, keras.regularizers.L1, {"l1": 1e-3}),
        ("l2", 1e-3, keras.regularizers.L2, {"l2": 1e-3}),
        ("elastic_net", 1e-3, keras.regularizers.L1L2, {"l1": 1e-3, "l2": 1e-3}),
    ],
)
def test_the_regularizer_is_the_recorded_one(name, strength, cls, attributes):
    regularizer, hp = _trial(
        choose_regularizer, regularizer=name, regularization_strength=strength
    )
    assert type(regularizer) is cls
    for attribute, value in attributes.items():
        assert regularizer.get_config()[attribute] == pytest.approx(value)
    again = choose_regularizer(hp)
    assert regularizer is None or again is not regularizer  # fresh per call


# name -> (check of the returned activation, initializer type)
ACTIVATIONS = {
    "relu": (lambda a: a is activations.relu, initializers.HeNormal),
    "leaky_relu": (lambda a: a is activations.leaky_relu, initializers.HeNormal),
    "elu": (lambda a: a is activations.elu, initializers.HeNormal),
    "selu": (lambda a: type(a) is layers.SELU, initializers.LecunNormal),
    "swish": (lambda a: type(a) is layers.Swish, initializers.HeNormal),
    "maxout": (lambda a: isinstance(a, layers.Maxout), initializers.XavierUniform),
}


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_each_activation_comes_with_its_familys_initializer(name):
    (activation, initializer), hp = _trial(choose_activation, activation=name)
    is_expected, initializer_type = ACTIVATIONS[name]
    assert hp.values == {"activation": name}
    assert is_expected(activation)
    assert type(initializer) is initializer_type
    again, other = choose_activation(hp)
    assert other is not initializer
    if isinstance(activation, keras.layers.Layer):
        assert again is not activation  # a fresh layer per call


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_the_activation_keeps_the_width_after_a_linear_conv(name):
    (activation, initializer), _ = _trial(choose_activation, activation=name)
    x = keras.Input((8, 8, 1))
    conv = keras.layers.Conv2D(6, 3, padding="same", kernel_initializer=initializer)
    y = activation(conv(x))
    assert tuple(y.shape) == (None, 8, 8, 6)
    assert conv.kernel_initializer is initializer


def test_maxout_is_a_two_piece_maxout_over_the_inputs_width():
    (maxout, _), _ = _trial(choose_activation, activation="maxout")
    assert maxout.pieces == 2
    x = np.random.default_rng(0).normal(size=(3, 5, 6)).astype("float32")
    y = keras.ops.convert_to_numpy(maxout(x))
    assert maxout.units == 6 and maxout.count_params() == 2 * 6 * (6 + 1)
    kernel = keras.ops.convert_to_numpy(maxout.kernel).reshape(6, 6, 2)
    bias = keras.ops.convert_to_numpy(maxout.bias).reshape(6, 2)
    expected = np.max(np.einsum("btd,duk->btuk", x, kernel) + bias, axis=-1)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


def test_maxout_saves_and_loads_with_its_pieces_and_width(tmp_path):
    from kerasnotes.layers._maxout import SameWidthMaxout

    inputs = keras.Input((4, 4, 3))
    outputs = SameWidthMaxout(pieces=3)(keras.layers.Conv2D(5, 1)(inputs))
    model = keras.Model(inputs, outputs)
    path = tmp_path / "maxout.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    layer = loaded.layers[-1]
    assert type(layer) is SameWidthMaxout
    assert (layer.pieces, layer.units) == (3, 5)
    x = np.random.default_rng(1).normal(size=(2, 4, 4, 3)).astype("float32")
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(x)),
        keras.ops.convert_to_numpy(model(x)),
        rtol=1e-6,
    )


# --- A user's build(hp) ----------------------------------------------------


def _user_build(hp):
    """A small CNN of a user's own: its filters, and this package's choices."""
    filters = hp.Int("filters", 4, 8, step=4)
    inputs = keras.Input((8, 8, 1))
    x = inputs
    for _ in range(2):
        activation, initializer = choose_activation(hp)
        x = keras.layers.Conv2D(
            filters,
            3,
            padding="same",
            kernel_initializer=initializer,
            kernel_regularizer=choose_regularizer(hp),
        )(x)
        x = activation(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=choose_optimizer(hp, total_steps=10),
        loss="sparse_categorical_crossentropy",
    )
    return model


@pytest.mark.parametrize(
    "activation, optimizer, schedule",
    [
        ("relu", "adamw", "one_cycle_momentum"),
        ("selu", "nag", "warmup_cosine"),
        ("swish", "lookahead_radam", "cosine"),
        ("maxout", "rmsprop", "cyclical"),
        ("elu", "amsgrad", "one_cycle"),
    ],
)
def test_a_user_cnn_with_these_choices_trains_one_step(activation, optimizer, schedule):
    _, hp = _trial(
        _user_build,
        activation=activation,
        optimizer=optimizer,
        schedule=schedule,
        learning_rate=0.01,
        regularizer="l2",
    )
    assert [p.name for p in hp.space] == [
        "filters",
        "activation",
        "regularizer",
        "regularization_strength",
        "optimizer",
        "learning_rate",
        "schedule",
    ]
    model = _user_build(hp)
    assert isinstance(model.optimizer, OPTIMIZER_TYPES[optimizer])
    rng = np.random.default_rng(0)
    x = rng.random((16, 8, 8, 1)).astype("float32")
    y = rng.integers(0, 10, size=16)
    before = [keras.ops.convert_to_numpy(w).copy() for w in model.trainable_weights]
    # Two steps: warmup_cosine's rate is 0 at step 0.
    losses = [model.train_on_batch(x, y) for _ in range(2)]
    assert np.isfinite(losses).all()
    after = [keras.ops.convert_to_numpy(w) for w in model.trainable_weights]
    assert all(not np.array_equal(b, a) for b, a in zip(before, after))


# --- Bad arguments -----------------------------------------------------------


@pytest.mark.parametrize(
    "call, argument, fragment",
    [
        (lambda hp: choose_optimizer(hp, 0), "total_steps", "total_steps=0"),
        (lambda hp: choose_optimizer(hp, 2.5), "total_steps", "total_steps=2.5"),
        (lambda hp: choose_optimizer(hp, "100"), "total_steps", "total_steps='100'"),
        (
            lambda hp: choose_optimizer(hp, T, optimizers="sgd"),
            "optimizers",
            "'adamw'",
        ),
        (lambda hp: choose_optimizer(hp, T, optimizers=()), "optimizers", "()"),
        (
            lambda hp: choose_optimizer(hp, T, learning_rate=(1e-6, 1e-2)),
            "learning_rate",
            "[0.0001, 0.1]",
        ),
        (
            lambda hp: choose_optimizer(hp, T, learning_rate=(1e-3, 1e-2, 1e-1)),
            "learning_rate",
            "(0.001, 0.01, 0.1)",
        ),
        (
            lambda hp: choose_optimizer(hp, T, learning_rate="fast"),
            "learning_rate",
            "'fast'",
        ),
        (
            lambda hp: choose_optimizer(hp, T, schedules=("cosine", "step")),
            "schedules",
            "'one_cycle_momentum'",
        ),
        (lambda hp: choose_schedule(hp, T, 0.0), "learning_rate", "0.0"),
        (lambda hp: choose_schedule(hp, -1, LR), "total_steps", "-1"),
        (
            lambda hp: choose_activation(hp, activations="gelu"),
            "activations",
            "'maxout'",
        ),
        (lambda hp: choose_regularizer(hp, regularizers="l3"), "regularizers", "'l2'"),
        (lambda hp: choose_regularizer(hp, strength=1.0), "strength", "1e-06"),
    ],
)
def test_bad_arguments_name_the_argument_and_value(call, argument, fragment):
    hp = keras_tuner.HyperParameters()
    with pytest.raises(ValueError, match=f"Argument `{argument}`") as error:
        call(hp)
    assert f"Received: {argument}=" in str(error.value)
    assert fragment in str(error.value)
    assert hp.space == []  # nothing declared before the check failed


@pytest.mark.parametrize(
    "call",
    [
        lambda: choose_optimizer({}, T),
        lambda: choose_schedule(None, T, LR),
        lambda: choose_activation("relu"),
        lambda: choose_regularizer(object()),
    ],
)
def test_hp_must_be_keras_tuner_hyperparameters(call):
    with pytest.raises(ValueError, match="Argument `hp` must be a keras_tuner"):
        call()


def test_exported():
    for name in (
        "choose_optimizer",
        "choose_activation",
        "choose_regularizer",
        "choose_schedule",
    ):
        assert name in kerasnotes.tuning.__all__
