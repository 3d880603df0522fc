"""Models that change how a wrapped model trains: `keras.Model` subclasses.

`SAM` trains any Keras model with sharpness-aware minimization (and ASAM).
Each is registered as ``kerasnotes>Name``, so a saved SAM model loads with
``keras.saving.load_model(path)`` and no ``custom_objects`` once
``kerasnotes`` is imported.
"""

from kerasnotes.models._sam import SAM

__all__ = ["SAM"]
