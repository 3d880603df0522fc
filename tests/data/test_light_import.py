"""`kerasnotes.data` loads scikit-learn, imbalanced-learn and pandas only when used.

Keras itself may already have loaded some of them, so the probe unloads them
and blocks their import before importing `kerasnotes.data`: the import must
still succeed, and only calling a function that needs them fails.
"""

import subprocess
import sys

import pytest

PROBE = """
import sys
import keras
import numpy as np

HEAVY = {"sklearn", "imblearn", "pandas", "scipy"}
for name in list(sys.modules):
    if name.split(".")[0] in HEAVY:
        del sys.modules[name]


class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HEAVY:
            raise ImportError("blocked " + name)


sys.meta_path.insert(0, Block())
import kerasnotes.data  # must not need any of them

try:
    kerasnotes.data.oversample(np.zeros((4, 1)), [0, 0, 1, 1])
except ImportError as error:
    print("used-when-called:", error)
"""


@pytest.mark.slow
def test_importing_data_needs_none_of_the_heavy_dependencies():
    # The probe runs on the suite's backend (Keras's NumPy backend would
    # need JAX, which only the JAX run installs).
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "used-when-called: blocked" in out.stdout
