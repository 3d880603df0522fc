"""kerasnotes: verified, serializable Keras 3 components.

Importing the package registers every serializable component with Keras
(``kerasnotes>Name``), so models that use them load with
``keras.saving.load_model(path)`` and no ``custom_objects``. Only Keras (and
NumPy) is imported here; the data, tuning and plotting code loads its heavier
dependencies (scikit-learn, imbalanced-learn, KerasTuner, matplotlib) when
used, and `kerasnotes.tuning` is imported on its own.
"""

from importlib import metadata as _metadata

try:
    # The one place the version is written is pyproject.toml.
    __version__ = _metadata.version("kerasnotes")
except _metadata.PackageNotFoundError:  # a source tree that is not installed
    __version__ = "0+unknown"
del _metadata

from kerasnotes import activations  # noqa: E402  (registers the functions)
from kerasnotes import callbacks  # noqa: E402
from kerasnotes import data  # noqa: E402
from kerasnotes import diagnostics  # noqa: E402
from kerasnotes import initializers  # noqa: E402  (registers the initializers)
from kerasnotes import layers  # noqa: E402  (registers the layers)
from kerasnotes import losses  # noqa: E402  (registers the losses)
from kerasnotes import models  # noqa: E402  (registers SAM)
from kerasnotes import optimizers  # noqa: E402  (registers the optimizers)
from kerasnotes import schedules  # noqa: E402  (registers the schedules)

__all__ = [
    "activations",
    "callbacks",
    "data",
    "diagnostics",
    "initializers",
    "layers",
    "losses",
    "models",
    "optimizers",
    "schedules",
    "__version__",
]
