"""The schedules inside compiled code: a jit-compiled function of a step
tensor, and the learning rate an optimizer really applied inside
`model.fit(jit_compile=...)`, both against the NumPy closed forms."""

import keras
import numpy as np
import pytest

from kerasnotes import schedules
from kerasnotes.testing import assert_allclose
from tests.schedules import _reference as ref

CASES = [
    (
        schedules.CosineAnnealing(0.1, 20, 0.01),
        lambda t: ref.cosine_annealing(t, 0.1, 20, 0.01),
    ),
    (
        schedules.CosineAnnealingWarmRestarts(0.1, 3, 2.0, 0.8, 0.01),
        lambda t: ref.warm_restarts(t, 0.1, 3, 2.0, 0.8, 0.01),
    ),
    (
        schedules.CosineAnnealingWarmRestarts(0.1, 4, 1.5),
        lambda t: ref.warm_restarts(t, 0.1, 4, 1.5),
    ),
    (
        schedules.CyclicalLearningRate(0.01, 0.1, 4, "triangular2"),
        lambda t: ref.cyclical(t, 0.01, 0.1, 4, "triangular2"),
    ),
    (
        schedules.CyclicalLearningRate(0.01, 0.1, 5, "exp_range", 0.9),
        lambda t: ref.cyclical(t, 0.01, 0.1, 5, "exp_range", 0.9),
    ),
    (
        schedules.OneCycle(0.2, 30, 0.3, anneal_strategy="cos"),
        lambda t: ref.one_cycle(t, 0.2, 30, 0.3),
    ),
    (
        schedules.OneCycle(0.2, 30, 0.25, anneal_strategy="linear"),
        lambda t: ref.one_cycle(t, 0.2, 30, 0.25, strategy="linear"),
    ),
    (schedules.StepDecay(0.1, 7, 0.3), lambda t: ref.step_decay(t, 0.1, 7, 0.3)),
    (
        schedules.OneCycleMomentum(30, 0.3, 0.8, 0.9),
        lambda t: ref.one_cycle_momentum(t, 30, 0.3, 0.8, 0.9),
    ),
    (
        schedules.OneCycleMomentum(23, 0.25, anneal_strategy="linear"),
        lambda t: ref.one_cycle_momentum(t, 23, 0.25, strategy="linear"),
    ),
    (
        schedules.WarmUp(schedules.CosineAnnealing(0.1, 20), 5, 0.01),
        lambda t: (
            0.01 + 0.09 * t / 5 if t < 5 else ref.cosine_annealing(t - 5, 0.1, 20)
        ),
    ),
    (
        schedules.WarmUp(keras.optimizers.schedules.ExponentialDecay(0.1, 4, 0.5), 3),
        lambda t: 0.1 * t / 3 if t < 3 else 0.1 * 0.5 ** ((t - 3) / 4),
    ),
]


@pytest.mark.parametrize("dtype", ["int32", "float32"])
def test_all_schedules_in_one_jit_compiled_function(dtype):
    def all_rates(step):
        return keras.ops.stack([schedule(step) for schedule, _ in CASES])

    compiled = ref.jit(all_rates)
    steps = range(0, 45)
    got = np.stack(
        [
            keras.ops.convert_to_numpy(compiled(keras.ops.convert_to_tensor(t, dtype)))
            for t in steps
        ],
        axis=1,
    )
    expected = np.array([[f(t) for t in steps] for _, f in CASES])
    assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


class _RecordWeight(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        self.values.append(
            float(keras.ops.convert_to_numpy(self.model.trainable_variables[0])[0, 0])
        )


@pytest.mark.parametrize("index", [1, 5, 8])
def test_rate_applied_inside_compiled_fit(index):
    """SGD on a loss with gradient exactly 1 moves the weight by -lr(t) at
    update t, so the weight trajectory spells out the schedule as the
    optimizer used it (iterations counted from 0)."""
    schedule, closed_form = CASES[index]
    model = keras.Sequential(
        [
            keras.Input((1,)),
            keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros"),
        ]
    )
    # x = 1 and a target far above w: the MAE loss is 1000 - w, whose
    # gradient in w is exactly -1.
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=schedule),
        loss="mae",
        jit_compile=keras.backend.backend() != "torch",
    )
    steps = 25
    record = _RecordWeight()
    record.values = []
    x = np.ones((steps, 1), "float32")
    y = np.full((steps, 1), 1e3, "float32")
    model.fit(
        x, y, batch_size=1, epochs=1, shuffle=False, verbose=0, callbacks=[record]
    )
    applied = np.diff([0.0] + record.values)  # +lr(t) each step
    assert_allclose(
        applied, [closed_form(t) for t in range(steps)], rtol=1e-4, atol=1e-6
    )
