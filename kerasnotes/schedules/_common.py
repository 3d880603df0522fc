"""Helpers shared by the schedules."""

from keras import ops


def as_float_step(step):
    """The step as a float32 tensor (integer and float steps alike)."""
    return ops.cast(step, "float32")
