"""Names the command line offers, importable without KerasTuner."""

TUNERS = ("bayesian", "random", "hyperband", "grid")
OVERSAMPLING_METHODS = (
    "smote",
    "borderline-smote",
    "svm-smote",
    "adasyn",
    "random",
)
# SMOTE-NC is not offered: the search sees one-hot encoded, standardized
# features, where it has no categorical columns to keep.
