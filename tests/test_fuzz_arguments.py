"""Fuzzing every public name with bad and good arguments (hypothesis).

Every callable in `__all__` of `kerasnotes` and of each subpackage has an
entry in `TABLE`: base arguments that make a valid call, and the arguments
to fuzz. Numeric arguments are found by signature (a default that is a
number) and by the entry (`numbers`, for required ones). Each numeric
argument gets, drawn by hypothesis:

- invalid values (NaN, +-inf, 10**400, 1e39 (infinite in float32), strings,
  None, lists, bytes, bools, complex numbers, arrays of several elements):
  the call raises ValueError or TypeError at once, and the message names
  the argument and shows the value (Keras's "Received: name=value");
- valid values of other types (NumPy scalars, 0-d arrays, an int where a
  float is asked, of the default's or the entry's value): accepted.

Choice arguments (a string default) get non-strings (an array holding the
default name, a list, a number, None) and unknown names; bool arguments get
non-bools. `test_every_public_name_has_an_entry` fails when a public name is
added without an entry.

Calls whose valid form does real work (a search, training, a plot) are
fuzzed with invalid values only (`valid=False`).
"""

import dataclasses
import importlib
import inspect
import math
import numbers

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import kerasnotes
from kerasnotes._internal.validation import shown

SUBPACKAGES = (
    "activations",
    "callbacks",
    "data",
    "diagnostics",
    "initializers",
    "layers",
    "losses",
    "models",
    "optimizers",
    "plot",
    "schedules",
    "tuning",
)
FUZZ = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

X = np.array([[0.5, -1.0, 2.0]], "float32")


def _model():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])


def _table_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = np.array([0] * 30 + [1] * 10)
    return x, y


def _hp():
    import keras_tuner

    return keras_tuner.HyperParameters()


@dataclasses.dataclass
class Entry:
    """How to call one public name.

    `args`/`kwargs` (or `make`, a function returning both, for arguments
    built afresh per call) make a valid call; `numbers` adds numeric
    arguments without a numeric default, with a valid value; `skip` lists
    arguments not fuzzed, with the reason in `why`; `allowed` maps an
    argument to invalid-looking values it accepts (robust alpha = inf);
    `valid=False` fuzzes invalid values only; `xfail` maps an argument to
    the reason, naming the owner, when its checks are someone else's open
    item (marked `xfail(strict=True)`: the owner removes it with the fix).
    """

    args: tuple = ()
    kwargs: dict = dataclasses.field(default_factory=dict)
    make: object = None
    numbers: dict = dataclasses.field(default_factory=dict)
    skip: tuple = ()
    allowed: dict = dataclasses.field(default_factory=dict)
    valid: bool = True
    xfail: dict = dataclasses.field(default_factory=dict)
    why: str = ""

    def call_arguments(self):
        if self.make is not None:
            args, kwargs = self.make()
        else:
            args, kwargs = self.args, dict(self.kwargs)
        return tuple(args), dict(kwargs)


NOT_CALLED = "not a function of arguments to check"
OPTIMIZER_KWARGS = {"clipnorm": 1.0, "loss_scale_factor": 1.0, "ema_momentum": 0.99}
OPTIONAL = {name: (None,) for name in ("clipnorm", "loss_scale_factor")}
KERAS_OWN = ("reduction", "name", "dtype")  # keras.losses.Loss checks them
TENSORS = (np.ndarray,)  # a tensor argument: an array broadcasts


def _activation():
    return Entry(args=(X,))


TABLE = {
    # activations
    "activations.step": Entry(args=(X,)),
    "activations.sigmoid": _activation(),
    "activations.tanh": _activation(),
    "activations.relu": _activation(),
    "activations.leaky_relu": _activation(),
    "activations.elu": _activation(),
    "activations.selu": _activation(),
    "activations.swish": _activation(),
    "activations.softplus": _activation(),
    "activations.softmax": _activation(),
    "activations.identity": _activation(),
    # layers
    "layers.Swish": Entry(),
    "layers.SELU": Entry(),
    "layers.Maxout": Entry(
        numbers={"units": 4},
        skip=("kernel_initializer", "bias_initializer"),
        why="initializers are any Keras identifier, checked by keras.initializers.get",
    ),
    # losses
    "losses.Huber": Entry(skip=KERAS_OWN),
    "losses.robust_loss": Entry(
        args=(X,),
        numbers={"alpha": 1.0, "scale": 1.0},
        allowed={"alpha": (math.inf, -math.inf, TENSORS), "scale": (TENSORS,)},
    ),
    "losses.RobustLoss": Entry(
        allowed={"alpha": (math.inf, -math.inf)}, skip=KERAS_OWN
    ),
    "losses.AdaptiveRobustLoss": Entry(
        numbers={"num_dims": 3, "alpha_init": 1.0},
        allowed={"alpha_init": (None,)},
        skip=KERAS_OWN,
    ),
    "losses.TrainableLossModel": Entry(
        make=lambda: ((_model(), kerasnotes.losses.AdaptiveRobustLoss(2)), {})
    ),
    "losses.PerceptronLoss": Entry(skip=KERAS_OWN),
    "losses.log_partition": Entry(
        numbers={"alpha": 1.0}, allowed={"alpha": (math.inf, -math.inf, TENSORS)}
    ),
    # optimizers
    "optimizers.NAG": Entry(numbers=OPTIMIZER_KWARGS, allowed=OPTIONAL),
    "optimizers.AdamW": Entry(numbers=OPTIMIZER_KWARGS, allowed=OPTIONAL),
    "optimizers.AMSGrad": Entry(numbers=OPTIMIZER_KWARGS, allowed=OPTIONAL),
    "optimizers.RAdam": Entry(numbers=OPTIMIZER_KWARGS, allowed=OPTIONAL),
    "optimizers.Lookahead": Entry(make=lambda: ((kerasnotes.optimizers.NAG(),), {})),
    # schedules
    "schedules.CosineAnnealing": Entry(
        numbers={"initial_learning_rate": 0.1, "decay_steps": 10}
    ),
    "schedules.CosineAnnealingWarmRestarts": Entry(
        numbers={"initial_learning_rate": 0.1, "first_decay_steps": 10}
    ),
    "schedules.WarmUp": Entry(numbers={"schedule": 0.1, "warmup_steps": 5}),
    "schedules.CyclicalLearningRate": Entry(
        numbers={
            "initial_learning_rate": 0.01,
            "maximal_learning_rate": 0.1,
            "step_size": 10,
        }
    ),
    "schedules.OneCycle": Entry(
        numbers={"maximal_learning_rate": 0.1, "total_steps": 100}
    ),
    "schedules.OneCycleMomentum": Entry(numbers={"total_steps": 100}),
    "schedules.StepDecay": Entry(
        numbers={"initial_learning_rate": 0.1, "step_size": 10}
    ),
    # callbacks
    "callbacks.LRFinder": Entry(),
    "callbacks.LRFinderWarning": None,
    "callbacks.find_learning_rate": Entry(
        make=lambda: ((_model(), X, np.zeros((1, 2), "float32")), {}),
        valid=False,
        why="a valid call runs the range test",
    ),
    "callbacks.GradientMonitor": Entry(args=(X, np.zeros((1, 2), "float32"))),
    "callbacks.GradientWarning": None,
    "callbacks.SWA": Entry(),
    "callbacks.update_batch_norm": Entry(
        make=lambda: ((_model(), X), {}),
        valid=False,
        why="a valid call runs the model over the data",
    ),
    # initializers
    "initializers.XavierUniform": Entry(numbers={"seed": 1}, allowed={"seed": (None,)}),
    "initializers.XavierNormal": Entry(numbers={"seed": 1}, allowed={"seed": (None,)}),
    "initializers.HeUniform": Entry(numbers={"seed": 1}, allowed={"seed": (None,)}),
    "initializers.HeNormal": Entry(numbers={"seed": 1}, allowed={"seed": (None,)}),
    "initializers.LecunNormal": Entry(numbers={"seed": 1}, allowed={"seed": (None,)}),
    "initializers.compute_fans": Entry(args=((3, 4),)),
    # models
    "models.SAM": Entry(make=lambda: ((_model(),), {})),
    # diagnostics
    "diagnostics.gradient_check": Entry(
        make=lambda: ((_model(), X, np.zeros((1, 2), "float32"), "mse"), {}),
        numbers={"seed": 0},
        valid=False,
        why="a valid call differentiates the model in float64",
    ),
    # data (the data engineer's)
    "data.oversample": Entry(make=lambda: (_table_data(), {}), valid=False),
    # seed is not fuzzed: seed=None is valid (a seed drawn from the OS) and
    # BAD_NUMBERS holds None; tests/data/test_smote_dataset.py refuses 1.5.
    "data.SMOTEDataset": Entry(make=lambda: (_table_data(), {})),
    "data.augment_with_noise": Entry(
        make=lambda: ((_table_data()[0],), {}),
        numbers={"n_samples": 5, "random_state": 0},
        allowed={"random_state": (None,)},
    ),
    "data.cross_validate": Entry(
        make=lambda: ((_model, *_table_data()), {}),
        numbers={"random_state": 0},
        allowed={"random_state": (None,)},
        valid=False,
        why="a valid call trains a model per fold",
    ),
    "data.CrossValidationResult": None,
    "data.infer_task": Entry(args=(np.array([0, 1, 1]),)),
    # tuning
    "tuning.HyperMLP": Entry(),
    "tuning.SearchResult": None,
    "tuning.search": Entry(
        make=lambda: (_table_data(), {"verbose": 0, "max_trials": 1, "epochs": 1}),
        skip=("verbose", "project_name"),
        valid=False,
        why="a valid call runs a search",
    ),
    "tuning.choose_optimizer": Entry(
        make=lambda: ((_hp(),), {}), numbers={"total_steps": 100}
    ),
    "tuning.choose_activation": Entry(make=lambda: ((_hp(),), {})),
    "tuning.choose_regularizer": Entry(make=lambda: ((_hp(),), {})),
    "tuning.choose_schedule": Entry(
        make=lambda: ((_hp(),), {}),
        numbers={"total_steps": 100, "learning_rate": 0.01},
    ),
    # plot
    "plot.plot_activation": Entry(
        args=(kerasnotes.activations.relu,), valid=False, why="draws a figure"
    ),
    "plot.plot_learning_curves": Entry(
        args=({"loss": [1.0, 0.5]}, "loss"), valid=False, why="draws a figure"
    ),
    "plot.plot_lr_finder": Entry(
        make=lambda: ((kerasnotes.callbacks.LRFinder(),), {}),
        valid=False,
        why="draws a figure",
    ),
    "plot.plot_objective_vs_learning_rate": Entry(
        args=(None, "val_loss"), valid=False, why="draws a figure"
    ),
    "plot.plot_robust_loss": Entry(valid=False, why="draws a figure"),
    "plot.plot_schedule": Entry(
        make=lambda: ((kerasnotes.schedules.StepDecay(0.1, 10),), {}),
        numbers={"steps": 20},
        valid=False,
        why="draws a figure",
    ),
    "plot.schedule_values": Entry(
        make=lambda: ((kerasnotes.schedules.StepDecay(0.1, 10),), {}),
        numbers={"steps": 20},
        allowed={"steps": (list, tuple, TENSORS)},
        valid=False,
        why="steps is also a sequence of (fractional) steps",
    ),
}
# Names that are not callables of arguments (exceptions, warnings, result
# records) have `None`: nothing to fuzz.


def _public_names():
    names = set()
    for sub in SUBPACKAGES:
        module = importlib.import_module(f"kerasnotes.{sub}")
        for name in module.__all__:
            if callable(getattr(module, name)):
                names.add(f"{sub}.{name}")
    for name in kerasnotes.__all__:
        value = getattr(kerasnotes, name)
        if callable(value) and not inspect.ismodule(value):
            names.add(name)
    return names


def test_every_public_name_has_an_entry():
    missing = sorted(_public_names() - set(TABLE))
    assert not missing, (
        f"public names without an entry in tests/test_fuzz_arguments.py TABLE: {missing}"
    )
    stale = sorted(set(TABLE) - _public_names())
    assert not stale, f"TABLE entries for names that are not public: {stale}"


def _resolve(qualified):
    sub, name = qualified.split(".")
    return getattr(importlib.import_module(f"kerasnotes.{sub}"), name)


def _arguments(qualified, entry, kind):
    """(argument, valid value) pairs of `kind` ("number", "choice", "bool")."""
    target = _resolve(qualified)
    found = {}
    if kind == "number":
        found.update(entry.numbers)
    for name, parameter in inspect.signature(target).parameters.items():
        default = parameter.default
        if name in entry.skip or default is inspect.Parameter.empty:
            continue
        if kind == "bool" and isinstance(default, bool):
            found[name] = default
        elif (
            kind == "number"
            and isinstance(default, numbers.Real)
            and not isinstance(default, bool)
            and math.isfinite(default)
        ):
            found.setdefault(name, default)
        elif kind == "choice" and isinstance(default, str) and name not in ("name",):
            found[name] = default
    return sorted(found.items())


def _cases(kind):
    cases = []
    for qualified, entry in TABLE.items():
        if entry is None:
            continue
        for name, value in _arguments(qualified, entry, kind):
            reason = entry.xfail.get(name)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(
                pytest.param(
                    qualified, name, value, id=f"{qualified}-{name}", marks=marks
                )
            )
    return cases


def _call(qualified, name, value):
    entry = TABLE[qualified]
    args, kwargs = entry.call_arguments()
    for other, default in entry.numbers.items():
        kwargs.setdefault(other, default)
    kwargs[name] = value
    return _resolve(qualified)(*args, **kwargs)


def _assert_refused(qualified, name, value):
    try:
        _call(qualified, name, value)
    except (ValueError, TypeError) as error:
        message = str(error)
        assert f"`{name}`" in message, (
            f"{qualified}: message names no `{name}`: {message}"
        )
        assert f"{name}={shown(value)}" in message, (
            f"{qualified}: message does not show {name}={shown(value)}: {message}"
        )
    else:
        pytest.fail(f"{qualified}({name}={shown(value)}) was accepted")


BAD_NUMBERS = st.sampled_from(
    [
        math.nan,
        math.inf,
        -math.inf,
        10**400,
        -(10**400),
        1e39,
        "0.1",
        None,
        [0.1],
        (1,),
        b"1",
        True,
        complex(1.0, 0.0),
        np.array([0.1, 0.2]),
        np.float64("nan"),
    ]
)


@pytest.mark.parametrize("qualified, name, default", _cases("number"))
@FUZZ
@given(value=BAD_NUMBERS)
def test_invalid_numbers_are_refused(qualified, name, default, value):
    if _allowed(TABLE[qualified].allowed.get(name, ()), value):
        return
    _assert_refused(qualified, name, value)


def _allowed(allowed, value):
    for item in allowed:
        if isinstance(item, type) and isinstance(value, item):
            return True
        if isinstance(item, tuple) and isinstance(value, item):
            return True
        if item is None and value is None:
            return True
        if isinstance(item, float) and isinstance(value, float) and value == item:
            return True
    return False


def _other_types(default):
    values = [np.float64(default), np.array(default)]
    if isinstance(default, float):
        values.append(np.float32(default))
        if float(default).is_integer():
            values.append(int(default))
    else:
        values += [np.int64(default), np.int32(default)]
    return values


VALID_CASES = [case for case in _cases("number") if TABLE[case.values[0]].valid]


@pytest.mark.parametrize("qualified, name, default", VALID_CASES)
def test_valid_numbers_of_every_type_are_accepted(qualified, name, default):
    for value in _other_types(default):
        if name == "seed" or name == "random_state":
            if not isinstance(value, (numbers.Integral, np.integer)):
                continue  # a float or an array is not a seed
        _call(qualified, name, value)


def _bad_choices(default):
    return st.sampled_from(
        [
            np.array([default]),
            np.str_(default + "_not_a_choice"),
            [default],
            0.0,
            None,
            default.upper() + "_X",
        ]
    )


@pytest.mark.parametrize("qualified, name, default", _cases("choice"))
@FUZZ
@given(data=st.data())
def test_invalid_choices_are_refused(qualified, name, default, data):
    value = data.draw(_bad_choices(default))
    _assert_refused(qualified, name, value)


@pytest.mark.parametrize("qualified, name, default", _cases("bool"))
@FUZZ
@given(value=st.sampled_from(["", "False", 0.0, None, [True], 2]))
def test_invalid_bools_are_refused(qualified, name, default, value):
    _assert_refused(qualified, name, value)


def test_the_table_drives_many_arguments():
    # The sweep is as wide as the table: a broken introspection would make
    # every parametrized test above vacuous.
    assert len(_cases("number")) > 80
    assert len(_cases("choice")) >= 8
    assert len(_cases("bool")) >= 6
