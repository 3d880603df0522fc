"""Names the command line offers, importable without KerasTuner."""

TUNERS = ("bayesian", "random", "hyperband", "grid")
OVERSAMPLING_METHODS = (
    "smote",
    "borderline-smote",
    "svm-smote",
    "adasyn",
    "smote-nc",
    "random",
)
