"""Keras's `keras.distribution.DataParallel` on JAX with this package's pieces.

Two host devices (XLA_FLAGS=--xla_force_host_platform_device_count=2, in a
subprocess, since JAX fixes its devices at import) against one device: the
same model, seeds and batches trained with each kerasnotes optimizer, and
with a `SMOTEDataset`, end at the same weights. docs/optimizers.md and
docs/data.md cite this test beside the `MirroredStrategy` ones (TensorFlow).
"""

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import keras
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# float32: the two runs differ only in how the batch gradient is summed (each
# device sums its half of the batch, then the halves are added), a rounding of
# ~6e-8 relative per step; over the 16 steps here the weights (of order 1)
# stayed within 1.2e-7 of each other (Keras 3.15, jax 0.10). 1e-6 leaves room
# for other XLA builds; training moved every weight set by more than 7e-3, so
# a run whose updates differ beyond rounding cannot pass.
TOLERANCE = 1e-6

SCRIPT = textwrap.dedent(
    """
    import json
    import jax
    import keras
    import numpy as np
    from kerasnotes import optimizers as ko
    from kerasnotes.data import SMOTEDataset

    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 6)).astype("float32")
    y = (x[:, 0] + 0.3 * x[:, 1] > 0.8).astype("float32")  # about 1 in 4

    def build():
        keras.utils.set_random_seed(7)
        return keras.Sequential([
            keras.Input((6,)),
            keras.layers.Dense(8, activation="tanh"),
            keras.layers.Dense(1, activation="sigmoid"),
        ])

    OPTIMIZERS = {
        "NAG": lambda: ko.NAG(learning_rate=0.05),
        "AdamW": lambda: ko.AdamW(learning_rate=0.01),
        "AMSGrad": lambda: ko.AMSGrad(learning_rate=0.01),
        "RAdam": lambda: ko.RAdam(learning_rate=0.01),
        "Lookahead(RAdam)": lambda: ko.Lookahead(
            ko.RAdam(learning_rate=0.01), sync_period=3),
    }

    def train(name, smote, distribution):
        keras.distribution.set_distribution(distribution)
        try:
            model = build()
            model.compile(optimizer=OPTIMIZERS[name](), loss="binary_crossentropy")
            if smote:
                data = SMOTEDataset(x, y, batch_size=16, seed=3, k_neighbors=3)
                model.fit(data, epochs=2, verbose=0)
            else:
                model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
            devices = len(model.layers[0].kernel.value.sharding.device_set)
            return [np.asarray(w) for w in model.get_weights()], devices
        finally:
            keras.distribution.set_distribution(None)

    def largest(a, b):
        return max(float(np.max(np.abs(u - v))) for u, v in zip(a, b))

    initial = [np.asarray(w) for w in build().get_weights()]
    parallel = keras.distribution.DataParallel(devices=jax.devices())
    result = {"devices": len(jax.devices())}
    for name, smote in [(n, False) for n in OPTIMIZERS] + [("AdamW", True)]:
        one, one_devices = train(name, smote, None)
        two, two_devices = train(name, smote, parallel)
        case = name + (" + SMOTEDataset" if smote else "")
        result[case] = {
            "difference": largest(one, two),
            "moved": largest(one, initial),
            "devices": [one_devices, two_devices],
        }
    print("RESULT", json.dumps(result))
    """
)


@pytest.mark.slow
@pytest.mark.skipif(
    keras.backend.backend() != "jax",
    reason="runs once, in the suite's JAX run: the subprocess uses JAX whatever "
    "the backend, and only the JAX run's environment is sure to have jax",
)
@pytest.mark.skipif(
    importlib.util.find_spec("jax") is None, reason="jax is not installed"
)
def test_data_parallel_on_two_host_devices_equals_one_device():
    env = dict(
        os.environ,
        KERAS_BACKEND="jax",
        XLA_FLAGS="--xla_force_host_platform_device_count=2",
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    line = [s for s in done.stdout.splitlines() if s.startswith("RESULT ")][-1]
    result = json.loads(line[len("RESULT ") :])
    assert result.pop("devices") == 2
    assert sorted(result) == [
        "AMSGrad",
        "AdamW",
        "AdamW + SMOTEDataset",
        "Lookahead(RAdam)",
        "NAG",
        "RAdam",
    ]
    for case, figures in result.items():
        # One device, then both: the variables were replicated on two.
        assert figures["devices"] == [1, 2], (case, figures)
        assert figures["moved"] > 1e-3, (case, figures)
        assert figures["difference"] <= TOLERANCE, (case, figures)
