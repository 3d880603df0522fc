import keras
import pytest

import kerasnotes
from kerasnotes import schedules


def test_schedules_are_registered_and_exported():
    for name in schedules.__all__:
        cls = keras.saving.get_registered_object(f"kerasnotes>{name}")
        assert cls is getattr(kerasnotes.schedules, name)
        assert issubclass(cls, keras.optimizers.schedules.LearningRateSchedule)


def test_usable_by_name_in_an_optimizer_config():
    optimizer = keras.optimizers.SGD.from_config(
        {
            "learning_rate": {
                "module": None,
                "class_name": "kerasnotes>StepDecay",
                "config": {
                    "initial_learning_rate": 0.2,
                    "step_size": 4,
                    "drop_rate": 0.25,
                },
                "registered_name": "kerasnotes>StepDecay",
            }
        }
    )
    config = optimizer.get_config()["learning_rate"]
    assert config["registered_name"] == "kerasnotes>StepDecay"
    schedule = keras.optimizers.schedules.deserialize(config)
    assert isinstance(schedule, schedules.StepDecay)
    assert schedule.drop_rate == 0.25
    # The optimizer applies it: 0.2 at iteration 0.
    assert float(keras.ops.convert_to_numpy(optimizer.learning_rate)) == (
        pytest.approx(0.2)
    )
