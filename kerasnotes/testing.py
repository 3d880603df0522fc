"""Test helpers shared by the kerasnotes test suite (and usable by users).

- `assert_allclose`: tolerance-aware comparison of tensors from any backend,
  NumPy arrays and nested lists.
- `assert_serialization_roundtrip`: builds nothing itself; given an object made
  with NON-default arguments and the values those arguments must keep, checks
  that they survive `get_config`/`from_config` and a `.keras` save/load with
  `safe_mode=True` and no `custom_objects`. It refuses expected values equal to
  the constructor's defaults, since a dropped argument would then go unnoticed
  (`keras.losses.Huber(delta=2.5)` in Keras 3.15 is such a case: its config has
  no `delta`, and this helper fails on it where Keras's own check passes).
"""

import inspect
import json
import math
import os
import tempfile
import zipfile

import keras
import numpy as np

from kerasnotes._internal.errors import InputError

__all__ = [
    "assert_allclose",
    "assert_serialization_roundtrip",
    "keras_file_roundtrip",
    "saving_hint",
    "to_numpy",
]


def to_numpy(value):
    """Converts a backend tensor, variable, array or nested list to NumPy."""
    if isinstance(value, (list, tuple)):
        return np.asarray([to_numpy(v) for v in value])
    if isinstance(value, np.ndarray) or np.isscalar(value):
        return np.asarray(value)
    return np.asarray(keras.ops.convert_to_numpy(value))


def assert_allclose(actual, desired, *, rtol=1e-6, atol=1e-6, err_msg=""):
    """Asserts `|actual - desired| <= atol + rtol * |desired|` elementwise.

    Both sides may be backend tensors, Keras variables, NumPy arrays, scalars or
    nested lists of them; shapes must agree.
    """
    actual = to_numpy(actual)
    desired = to_numpy(desired)
    if actual.shape != desired.shape:
        raise AssertionError(
            f"Shapes differ: {actual.shape} != {desired.shape}. {err_msg}"
        )
    np.testing.assert_allclose(
        actual.astype(np.float64),
        desired.astype(np.float64),
        rtol=rtol,
        atol=atol,
        err_msg=err_msg,
    )


def _default_for(cls, name):
    """The default of constructor argument `name`, searched along the MRO."""
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        parameter = inspect.signature(init).parameters.get(name)
        if parameter is not None and parameter.default is not parameter.empty:
            return parameter.default
    return inspect.Parameter.empty


def _normalize(value):
    """Keras objects compare by their serialized form; tuples as lists."""
    if isinstance(value, tuple):
        return [_normalize(v) for v in value]
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items()}
    if hasattr(value, "get_config") or callable(value):
        return _normalize(keras.saving.serialize_keras_object(value))
    return value


def _same(expected, actual, rel_tol):
    expected = _normalize(expected)
    actual = _normalize(actual)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return math.isclose(expected, actual, rel_tol=rel_tol, abs_tol=0.0)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            _same(e, a, rel_tol) for e, a in zip(expected, actual)
        )
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            _same(expected[k], actual[k], rel_tol) for k in expected
        )
    return expected == actual


def _check_config(expected, config, where, rel_tol):
    for name, value in expected.items():
        if name not in config:
            raise AssertionError(
                f"{where}: argument `{name}` is missing from the config "
                f"{sorted(config)}"
            )
        if not _same(value, config[name], rel_tol):
            raise AssertionError(
                f"{where}: argument `{name}` changed: expected {value!r}, "
                f"got {config[name]!r}"
            )


def _model_input(input_shape):
    return keras.Input(shape=tuple(input_shape))


def keras_file_roundtrip(obj, *, input_shape=(4,), directory=None):
    """Saves `obj` inside a model to a `.keras` file and loads it back.

    The file is loaded with `safe_mode=True` and no `custom_objects`, so the
    object must be registered with Keras. Supported: layers, losses,
    optimizers, learning-rate schedules, initializers, regularizers,
    constraints and activation functions. Returns the reloaded object.
    """
    schedules = keras.optimizers.schedules
    if isinstance(obj, keras.layers.Layer):
        model = keras.Sequential([_model_input(input_shape), obj])

        def pick(loaded):
            return loaded.layers[-1]

    elif isinstance(obj, keras.optimizers.Optimizer):
        model = keras.Sequential([_model_input(input_shape), keras.layers.Dense(2)])
        if obj.built:
            # Built for other variables already: save an unbuilt copy.
            obj = type(obj).from_config(obj.get_config())
        # Built before saving, so its slots are saved and loaded back.
        obj.build(model.trainable_variables)
        model.compile(optimizer=obj, loss="mse")

        def pick(loaded):
            return loaded.optimizer

    elif isinstance(obj, schedules.LearningRateSchedule):
        # Saved as an optimizer's learning rate. The loaded optimizer has no
        # public attribute holding the schedule object, so the schedule is
        # rebuilt from the loaded optimizer's config, which serializes it.
        optimizer = keras_file_roundtrip(
            keras.optimizers.SGD(learning_rate=obj),
            input_shape=input_shape,
            directory=directory,
        )
        return schedules.deserialize(optimizer.get_config()["learning_rate"])
    elif isinstance(obj, keras.losses.Loss):
        model = keras.Sequential([_model_input(input_shape), keras.layers.Dense(2)])
        model.compile(optimizer="sgd", loss=obj)

        def pick(loaded):
            return loaded.loss

    elif isinstance(obj, keras.initializers.Initializer):
        model = keras.Sequential(
            [_model_input(input_shape), keras.layers.Dense(3, kernel_initializer=obj)]
        )

        def pick(loaded):
            return loaded.layers[-1].kernel_initializer

    elif isinstance(obj, keras.regularizers.Regularizer):
        model = keras.Sequential(
            [_model_input(input_shape), keras.layers.Dense(3, kernel_regularizer=obj)]
        )

        def pick(loaded):
            return loaded.layers[-1].kernel_regularizer

    elif isinstance(obj, keras.constraints.Constraint):
        model = keras.Sequential(
            [_model_input(input_shape), keras.layers.Dense(3, kernel_constraint=obj)]
        )

        def pick(loaded):
            return loaded.layers[-1].kernel_constraint

    elif callable(obj):
        model = keras.Sequential(
            [_model_input(input_shape), keras.layers.Dense(3, activation=obj)]
        )

        def pick(loaded):
            return loaded.layers[-1].activation

    else:
        raise TypeError(
            f"Cannot save an object of type {type(obj).__name__} in a model."
        )
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        path = os.path.join(tmp, "roundtrip.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
    return pick(loaded)


def assert_serialization_roundtrip(obj, expected, *, input_shape=(4,), rel_tol=1e-6):
    """Checks that the non-default arguments in `expected` survive serialization.

    Three paths are checked: `obj.get_config()`,
    `type(obj).from_config(obj.get_config())`, and a `.keras` save/load of a
    model that holds `obj` (loaded with `safe_mode=True` and no
    `custom_objects`). Floats compare with `rel_tol` (Keras stores a constant
    learning rate as float32); everything else compares exactly, Keras objects
    by their serialized form.

    Args:
        obj: The object, built with non-default arguments.
        expected: Mapping of constructor argument name to the value it must
            keep. Values equal to the constructor's default are rejected.
        input_shape: Input shape for the model that carries a layer.
        rel_tol: Relative tolerance for floats. Defaults to `1e-6`.

    Returns:
        A dict with the objects rebuilt by `"from_config"` and `"keras_file"`.
    """
    if not expected:
        raise InputError("`expected` must name at least one argument.")
    for name, value in expected.items():
        default = _default_for(type(obj), name)
        if default is not inspect.Parameter.empty and _same(default, value, 0.0):
            raise InputError(
                f"Expected value for `{name}` equals its default ({default!r}); "
                "a round trip that dropped it would go unnoticed. Build the "
                "object with a non-default value."
            )
    name = type(obj).__name__
    _check_config(expected, obj.get_config(), f"{name}.get_config()", rel_tol)
    clone = type(obj).from_config(obj.get_config())
    if type(clone) is not type(obj):
        raise AssertionError(f"from_config built {type(clone).__name__}, not {name}")
    _check_config(expected, clone.get_config(), f"{name}.from_config()", rel_tol)
    reloaded = keras_file_roundtrip(obj, input_shape=input_shape)
    if type(reloaded) is not type(obj):
        raise AssertionError(
            f".keras save/load gave {type(reloaded).__name__}, not {name}"
        )
    _check_config(
        expected, reloaded.get_config(), f"{name} after .keras save/load", rel_tol
    )
    return {"from_config": clone, "keras_file": reloaded}


def _custom_objects(node, found):
    """Collects `{name: module}` for every non-Keras object in a saved config.

    A class is stored as `{"module", "class_name", "registered_name", ...}`; a
    registered function as `{"class_name": "function", "config": "pkg>name"}`.
    """
    if isinstance(node, list):
        for item in node:
            _custom_objects(item, found)
        return
    if not isinstance(node, dict):
        return
    module = node.get("module")
    registered = node.get("registered_name")
    if node.get("class_name") == "function" and isinstance(node.get("config"), str):
        if ">" in node["config"]:
            found.setdefault(node["config"], None)
    elif isinstance(registered, str) and ">" in registered:
        found[registered] = module
    elif isinstance(registered, str) and (
        module is None or module.split(".")[0] not in ("keras", "builtins")
    ):
        # An unregistered custom class: Keras stores its bare class name.
        found.setdefault(registered, None)
    for value in node.values():
        _custom_objects(value, found)


def _read_keras_config(path):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            "Argument `path` must be the path of a `.keras` file. "
            f"Received: path={path!r}"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            return json.loads(archive.read("config.json"))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InputError(
            "Argument `path` must be a readable `.keras` file (a zip archive "
            f"holding config.json); {type(error).__name__}: {error}. "
            f"Received: path={os.fspath(path)!r}"
        ) from None


def saving_hint(path):
    """Says which registered objects a `.keras` file needs before it loads.

    `keras.saving.load_model` finds a custom class or function only when the
    package that registers it has been imported in the loading process; when
    it has not, Keras raises a long `TypeError` whose cause ("Could not locate
    class 'Swish'") comes at the end and names one object only. This reads the
    archive's `config.json` (the model, its compile arguments, their nested
    objects) without loading or building anything and lists every object
    that is not Keras's own, grouped by the package to import, and which of
    them are not registered in this process.

    Example:

    ```python
    from kerasnotes.testing import saving_hint
    print(saving_hint("model.keras"))
    # model.keras needs 3 registered objects; import their packages before
    # keras.saving.load_model (no custom_objects needed then):
    #   import kerasnotes: kerasnotes>HeNormal, kerasnotes>Swish, kerasnotes>swish
    ```

    Args:
        path: The `.keras` file.

    Returns:
        The hint as text: one line per package, objects by registered name
        (`package>Name`), and a final line naming those that are not
        registered in this process, if any.
    """
    config = _read_keras_config(path)
    found = {}
    _custom_objects(config, found)
    name = os.path.basename(os.fspath(path))
    if not found:
        return f"{name} needs no registered objects: Keras's built-ins only."
    by_import = {}
    missing = []
    for key in sorted(found):
        obj = keras.saving.get_registered_object(key) if ">" in key else None
        module = found[key] or getattr(obj, "__module__", None)
        if ">" not in key:
            where = "not registered with Keras: pass custom_objects= or register"
        elif module:
            where = f"import {module.split('.')[0]}"
        else:
            where = f"import the package that registers `{key.split('>')[0]}>`"
        by_import.setdefault(where, []).append(key)
        if obj is None:
            missing.append(key)
    lines = [
        f"{name} needs {len(found)} registered object"
        f"{'s' if len(found) != 1 else ''}; import their packages before "
        "keras.saving.load_model (no custom_objects needed then):"
    ]
    lines += [f"  {where}: {', '.join(keys)}" for where, keys in by_import.items()]
    if missing:
        lines.append(f"  not registered in this process: {', '.join(missing)}")
    else:
        lines.append("  all of them are registered in this process.")
    return "\n".join(lines)
