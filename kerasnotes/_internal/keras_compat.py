"""The package's one use of Keras internals, isolated here.

Everything else in kerasnotes uses Keras's public API. The exception is
`float64_promotion()`, which `kerasnotes.diagnostics.gradient_check` needs:

Why it is unavoidable. Keras 3.15's type promotion (`keras.backend.result_type`,
applied by every `keras.ops` function) maps float64 to float32 on the JAX and
PyTorch backends, to follow JAX's default: the table `BIT64_TO_BIT32_DTYPE`
in `keras/src/backend/common/dtypes.py` says `"float64": "float32"` there
(`"float64"` on TensorFlow). So on those backends `ops.tanh` (JAX) and
`ops.matmul` (PyTorch) of float64 tensors return float32, whatever
`keras.config.set_floatx("float64")`, the dtype policy or JAX's x64 mode say.
A gradient check must run the user's own layers, which call `keras.ops`, in
float64 (finite differences in float32 are useless), and no public setting
lifts the rule, so the table's float64 entry is set to float64 for the
duration of the check and restored in a `finally`.

While the block runs the change is seen by every thread of the process (the
table is module state); entries are counted, so nested or concurrent blocks
restore the original value only when the last one exits.

`tests/_internal/test_keras_compat.py` fails when Keras moves the table, or
stops down-casting float64 (then this module should go).
"""

import contextlib
import threading

_lock = threading.Lock()
_active = 0
_saved = None


def promotion_table():
    """Keras's 64-to-32-bit promotion table, or `None` where this Keras
    version has none (a dict from dtype name to the dtype used instead)."""
    try:
        from keras.src.backend.common import dtypes
    except ImportError:
        return None
    table = getattr(dtypes, "BIT64_TO_BIT32_DTYPE", None)
    if not isinstance(table, dict) or "float64" not in table:
        return None
    return table


@contextlib.contextmanager
def float64_promotion():
    """Within the block, Keras's type promotion keeps float64 as float64.

    Yields `True` when the rule is lifted, `False` where this Keras version
    has no table to change (results may then come back in float32 on JAX and
    PyTorch; callers check the dtype they get and say so).
    """
    global _active, _saved
    table = promotion_table()
    if table is None:
        yield False
        return
    with _lock:
        if _active == 0:
            _saved = table["float64"]
            table["float64"] = "float64"
        _active += 1
    try:
        yield True
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                table["float64"] = _saved
                _saved = None
