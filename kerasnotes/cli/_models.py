"""The small MLP the lr-find and compare-optimizers commands train."""


def small_mlp(n_features, task, num_classes=None, *, seed=0):
    """Dense 32 -> 16 (ReLU), then the search's output head for `task`;
    uncompiled. Its loss is the task's first in the search space."""
    import keras

    from kerasnotes.tuning import _space

    keras.utils.set_random_seed(seed)
    head, _ = _space.output_layer(task, num_classes)
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(16, activation="relu"),
            head,
        ]
    )
    loss = next(iter(_space.LOSSES[task].values()))()
    return model, loss
