"""The optimizers inside `model.fit`: by name, jit-compiled, mixed precision,
checkpoint and resume, and `tf.distribute.MirroredStrategy`."""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from kerasnotes import optimizers
from kerasnotes.testing import assert_allclose
from tests.optimizers._support import PAIRS
from tests.optimizers._support import regression_data
from tests.optimizers._support import small_model

NAMES = ["NAG", "AdamW", "AMSGrad", "RAdam"]


@pytest.mark.parametrize("name", NAMES)
def test_compile_by_registered_name(name):
    model = small_model()
    model.compile(optimizer=f"kerasnotes>{name}", loss="mse")
    assert type(model.optimizer) is getattr(optimizers, name)
    x, y = regression_data()
    history = model.fit(x, y, epochs=3, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert history.history["loss"][-1] < history.history["loss"][0]


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_jit_compiled_fit_matches_reference(name):
    ours, reference = PAIRS[name]
    x, y = regression_data()
    weights = []
    for make in (ours, reference):
        model = small_model()
        model.compile(optimizer=make(), loss="mse", jit_compile=True)
        model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    moved = np.abs(weights[0][0] - small_model().get_weights()[0]).max()
    assert moved > 1e-3
    for got, want in zip(*weights):
        assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_mixed_float16_without_nan(name):
    keras.config.set_dtype_policy("mixed_float16")
    x, y = regression_data(n=128)
    model = small_model()
    # compile wraps the optimizer in a LossScaleOptimizer under this policy.
    model.compile(optimizer=getattr(optimizers, name)(), loss="mse")
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    history = model.fit(x, y, batch_size=32, epochs=3, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    for w in model.get_weights():
        assert np.isfinite(w).all()
    assert model.layers[0].kernel.dtype == "float32"


@pytest.mark.parametrize("name", NAMES)
def test_explicit_loss_scale_optimizer(name):
    x, y = regression_data(n=64)
    model = small_model()
    inner = getattr(optimizers, name)()
    scaled = keras.optimizers.LossScaleOptimizer(inner, initial_scale=2.0**15)
    model.compile(optimizer=scaled, loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert int(keras.ops.convert_to_numpy(inner.iterations)) == 8


@pytest.mark.parametrize("name", NAMES)
def test_checkpoint_and_resume(name, tmp_path):
    """Saved mid-training and trained on == trained without interruption."""
    x, y = regression_data(n=96)
    make = getattr(optimizers, name)
    kwargs = {"NAG": dict(momentum=0.9)}.get(name, {})
    fit = dict(batch_size=16, shuffle=False, verbose=0)

    straight = small_model()
    straight.compile(optimizer=make(learning_rate=0.02, **kwargs), loss="mse")
    straight.fit(x, y, epochs=4, **fit)

    first = small_model()
    first.compile(optimizer=make(learning_rate=0.02, **kwargs), loss="mse")
    first.fit(x, y, epochs=2, **fit)
    path = str(tmp_path / "mid.keras")
    first.save(path)
    resumed = keras.saving.load_model(path, safe_mode=True)
    assert type(resumed.optimizer) is make
    assert int(keras.ops.convert_to_numpy(resumed.optimizer.iterations)) == 12
    for saved, loaded in zip(first.optimizer.variables, resumed.optimizer.variables):
        assert_allclose(loaded, saved, rtol=0, atol=0)
    resumed.fit(x, y, epochs=2, **fit)

    for got, want in zip(resumed.get_weights(), straight.get_weights()):
        assert_allclose(got, want, rtol=1e-6, atol=1e-6)


MIRRORED_SCRIPT = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, os.getcwd())
    import numpy as np
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras
    from kerasnotes import optimizers
    from tests.optimizers._support import regression_data, small_model

    x, y = regression_data(n=128)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    assert strategy.num_replicas_in_sync == 2
    worst = 0.0
    makers = {
        name: (lambda name=name: getattr(optimizers, name)(0.02))
        for name in ["NAG", "AdamW", "AMSGrad", "RAdam"]
    }
    makers["Lookahead(RAdam)"] = lambda: optimizers.Lookahead(
        optimizers.RAdam(0.02), sync_period=3)
    makers["Lookahead(SGD)"] = lambda: optimizers.Lookahead(
        keras.optimizers.SGD(0.05, momentum=0.9), sync_period=5, slow_step_size=0.6)
    for name, make in makers.items():
        weights = []
        for scope in (strategy, tf.distribute.get_strategy()):
            with scope.scope():
                model = small_model()
                model.compile(optimizer=make(), loss="mse")
            model.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0)
            weights.append(model.get_weights())
        for a, b in zip(*weights):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
            worst = max(worst, float(np.abs(a - b).max()))
        moved = np.abs(weights[0][0] - small_model().get_weights()[0]).max()
        assert moved > 1e-3, moved
    print("MIRRORED OK", worst)
    """
)


@pytest.mark.slow
@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="tf.distribute strategies need the TensorFlow backend",
)
def test_mirrored_strategy_matches_single_device():
    # Logical devices must be configured before TensorFlow starts, so this
    # runs in a fresh process.
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run(
        [sys.executable, "-c", MIRRORED_SCRIPT],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    assert "MIRRORED OK" in done.stdout
