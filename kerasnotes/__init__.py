"""kerasnotes: verified, serializable Keras 3 components.

Importing the package registers every serializable component with Keras
(``kerasnotes>Name``), so models that use them load with
``keras.saving.load_model(path)`` and no ``custom_objects``. Only Keras is
imported here; the data, tuning and plotting modules load their heavier
dependencies (scikit-learn, imbalanced-learn, KerasTuner, matplotlib) when used.
"""

__version__ = "0.1.0"

from kerasnotes import optimizers  # noqa: E402  (registers the optimizers)
from kerasnotes import schedules  # noqa: E402  (registers the schedules)
from kerasnotes import callbacks  # noqa: E402  (light: keras only)
from kerasnotes import diagnostics  # noqa: E402  (light: keras only)

__all__ = ["optimizers", "schedules", "callbacks", "diagnostics", "__version__"]
