"""`kerasnotes demo`: this package's optimizers on a real tabular dataset."""

import time


def load_breast_cancer_splits(seed=0):
    """scikit-learn's bundled breast-cancer data, split 60/20/20 (stratified)
    into train/validation/test and standardized with the training statistics."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = load_breast_cancer(return_X_y=True)
    x_rest, x_test, y_rest, y_test = train_test_split(
        x, y, test_size=0.2, stratify=y, random_state=seed
    )
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=0.25, stratify=y_rest, random_state=seed
    )
    scaler = StandardScaler().fit(x_train)
    f32 = lambda a: scaler.transform(a).astype("float32")  # noqa: E731
    return (
        (f32(x_train), y_train.astype("float32")),
        (f32(x_val), y_val.astype("float32")),
        (f32(x_test), y_test.astype("float32")),
    )


def binary_metrics(y_true, probabilities, threshold=0.5):
    """Accuracy, precision, recall, F1 and ROC-AUC of binary predictions."""
    from sklearn import metrics

    predicted = (probabilities >= threshold).astype(int)
    return {
        "accuracy": metrics.accuracy_score(y_true, predicted),
        "precision": metrics.precision_score(y_true, predicted, zero_division=0),
        "recall": metrics.recall_score(y_true, predicted, zero_division=0),
        "f1": metrics.f1_score(y_true, predicted, zero_division=0),
        "roc_auc": metrics.roc_auc_score(y_true, probabilities),
    }


def _optimizers():
    from kerasnotes import optimizers

    return {
        "NAG": lambda: optimizers.NAG(learning_rate=0.01, momentum=0.9),
        "AdamW": lambda: optimizers.AdamW(learning_rate=1e-3, weight_decay=0.004),
        "AMSGrad": lambda: optimizers.AMSGrad(learning_rate=1e-3),
    }


def run_demo(epochs=60, seed=0, print_fn=print):
    """Trains one small MLP per optimizer and prints test metrics.

    Returns a dict optimizer name -> metrics dict.
    """
    import keras

    (x_train, y_train), (x_val, y_val), (x_test, y_test) = load_breast_cancer_splits(
        seed
    )
    print_fn(
        "Breast cancer (scikit-learn): "
        f"{len(x_train)} train / {len(x_val)} validation / {len(x_test)} test "
        f"rows, {x_train.shape[1]} features; Keras backend "
        f"{keras.backend.backend()}"
    )
    header = (
        f"{'optimizer':<10}{'epochs':>7}{'loss':>8}{'accuracy':>10}"
        f"{'precision':>11}{'recall':>8}{'f1':>7}{'roc_auc':>9}{'time':>7}"
    )
    print_fn(header)
    results = {}
    for name, make in _optimizers().items():
        keras.utils.set_random_seed(seed)
        model = keras.Sequential(
            [
                keras.Input((x_train.shape[1],)),
                keras.layers.Dense(32, activation="relu"),
                keras.layers.Dense(16, activation="relu"),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(optimizer=make(), loss="binary_crossentropy")
        stop = keras.callbacks.EarlyStopping(patience=8, restore_best_weights=True)
        start = time.perf_counter()
        history = model.fit(
            x_train,
            y_train,
            validation_data=(x_val, y_val),
            batch_size=32,
            epochs=epochs,
            callbacks=[stop],
            verbose=0,
        )
        elapsed = time.perf_counter() - start
        probabilities = model.predict(x_test, verbose=0).ravel()
        scores = binary_metrics(y_test, probabilities)
        scores["loss"] = float(model.evaluate(x_test, y_test, verbose=0))
        scores["epochs"] = len(history.history["loss"])
        results[name] = scores
        print_fn(
            f"{name:<10}{scores['epochs']:>7}{scores['loss']:>8.4f}"
            f"{scores['accuracy']:>10.4f}{scores['precision']:>11.4f}"
            f"{scores['recall']:>8.4f}{scores['f1']:>7.4f}"
            f"{scores['roc_auc']:>9.4f}{elapsed:>6.1f}s"
        )
    return results
