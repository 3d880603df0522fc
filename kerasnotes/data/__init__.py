"""Imbalanced data: SMOTE-family oversampling, noise augmentation, k-fold.

- `oversample`: a checked front over imbalanced-learn's SMOTE, Borderline-SMOTE,
  SVM-SMOTE, ADASYN, SMOTE-NC and random over-sampling.
- `SMOTEDataset`: a `keras.utils.PyDataset` that draws fresh synthetic
  minority samples every epoch from a neighbour graph computed once.
- `augment_with_noise`: rows sampled with replacement plus Gaussian noise.
- `cross_validate`: stratified k-fold for Keras models, oversampling inside
  each training fold only.
- `infer_task`: the one rule that tells class labels from regression
  targets, for `cross_validate`, `kerasnotes.tuning.search` and the command
  line alike.

The private modules hold what the layers above share: `_inputs` (arrays,
labels and their encoding), `_tabular` (reading, encoding, splitting and
scaling a CSV), `_metrics` (scores of predictions), `_task`.

Importing this module imports Keras and NumPy only; scikit-learn,
imbalanced-learn and pandas are imported by the functions that use them.
"""

from kerasnotes.data._augment import augment_with_noise
from kerasnotes.data._cross_validate import CrossValidationResult
from kerasnotes.data._cross_validate import cross_validate
from kerasnotes.data._oversample import oversample
from kerasnotes.data._smote_dataset import SMOTEDataset
from kerasnotes.data._task import infer_task

__all__ = [
    "oversample",
    "SMOTEDataset",
    "augment_with_noise",
    "cross_validate",
    "CrossValidationResult",
    "infer_task",
]
