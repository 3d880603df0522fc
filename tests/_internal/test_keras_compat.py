"""The one use of Keras internals (kerasnotes/_internal/keras_compat.py).

These tests fail loudly when Keras changes what the shim relies on: the
table moves or changes shape (the shim would then do nothing and
`gradient_check` would run in float32), or Keras stops down-casting float64
on JAX and PyTorch (the shim is then unneeded and should be deleted).
"""

import threading

import keras
import numpy as np
import pytest

from kerasnotes._internal import keras_compat

BACKEND = keras.backend.backend()


def _promoted():
    return keras.backend.result_type("float64", "float64")


def test_keras_still_has_the_table():
    table = keras_compat.promotion_table()
    assert table is not None, (
        "keras.src.backend.common.dtypes.BIT64_TO_BIT32_DTYPE is gone or has no "
        f"'float64' entry in Keras {keras.__version__}: float64_promotion() "
        "no longer works; find Keras's new rule and update keras_compat.py."
    )
    assert table["float64"] in ("float32", "float64")


def test_keras_still_downcasts_float64_where_the_shim_is_needed():
    expected = "float64" if BACKEND == "tensorflow" else "float32"
    assert _promoted() == expected, (
        f"Keras {keras.__version__} on {BACKEND} promotes float64 to "
        f"{_promoted()}: if it now keeps float64 everywhere, delete "
        "keras_compat.float64_promotion and its use in gradient_check."
    )


def test_lifts_the_rule_and_restores_it():
    before = _promoted()
    with keras_compat.float64_promotion() as active:
        assert active is True
        assert _promoted() == "float64"
        assert keras.backend.result_type("float64", "float32") == "float64"
    assert _promoted() == before


def test_restored_after_an_exception_and_when_nested():
    before = _promoted()
    with pytest.raises(RuntimeError, match="inside"):
        with keras_compat.float64_promotion():
            with keras_compat.float64_promotion():
                assert _promoted() == "float64"
            assert _promoted() == "float64"  # the outer block still holds
            raise RuntimeError("inside")
    assert _promoted() == before


def test_overlapping_blocks_in_threads_restore_once_all_exit():
    before = _promoted()
    entered, release = threading.Barrier(2), threading.Event()

    def hold():
        with keras_compat.float64_promotion():
            entered.wait()
            release.wait()

    thread = threading.Thread(target=hold)
    thread.start()
    with keras_compat.float64_promotion():
        entered.wait()
    # This block has exited, the thread's has not: still lifted.
    assert _promoted() == "float64"
    release.set()
    thread.join()
    assert _promoted() == before


@pytest.mark.skipif(
    BACKEND == "tensorflow", reason="TensorFlow keeps float64 without the shim"
)
def test_keras_ops_return_float64_inside_the_block():
    import contextlib

    x64 = contextlib.nullcontext()
    if BACKEND == "jax":
        import jax

        x64 = jax.enable_x64(True)
    with x64:
        a = keras.ops.convert_to_tensor(np.full((2, 2), 0.5), "float64")
        outside = {
            keras.backend.standardize_dtype(keras.ops.tanh(a).dtype),
            keras.backend.standardize_dtype(keras.ops.matmul(a, a).dtype),
        }
        with keras_compat.float64_promotion():
            inside = {
                keras.backend.standardize_dtype(keras.ops.tanh(a).dtype),
                keras.backend.standardize_dtype(keras.ops.matmul(a, a).dtype),
            }
    assert "float32" in outside  # what the shim is for
    assert inside == {"float64"}
