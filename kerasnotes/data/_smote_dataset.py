"""`SMOTEDataset`: fresh synthetic minority samples every epoch."""

import math

import keras
import numpy as np

from kerasnotes._internal import validation as _validation
from kerasnotes._internal.errors import InputError
from kerasnotes.data import _inputs
from kerasnotes.data import _oversample

METHODS = ("smote", "borderline-smote", "adasyn", "random")


class SMOTEDataset(keras.utils.PyDataset):
    """A `keras.utils.PyDataset` that draws new SMOTE samples every epoch.

    `oversample` resamples once; a model trained on its output sees the same
    synthetic points in every epoch. This dataset finds, once at construction,
    the `k` nearest same-class neighbours of every minority sample (notes 004,
    "SMOTE": "for each minority sample, the algorithm selects one of its
    nearest neighbors from the same class"); every epoch then draws fresh
    `(x_i, x_nn, u)` triples, so a new epoch costs only random draws and the
    interpolation

    ```
    x_new = x_i + u * (x_nn - x_i),   u ~ Uniform[0, 1)
    ```

    done batch by batch in `__getitem__`. Every epoch holds all the original
    samples plus, for each class `c`, the number of synthetic samples that
    `sampling_strategy` asks for (with `"auto"`: majority count minus the
    count of `c`, so the classes are balanced over the epoch). The last,
    partial batch is kept. For a given `seed` the epochs are reproducible:
    epoch `e` is drawn from `numpy.random.default_rng([seed, e])`, whatever
    `workers` or `use_multiprocessing` are.

    Draw 0 is made at construction. Keras's `fit` calls `on_epoch_end()`
    once before its first epoch (when it resets its iterator, on every
    backend; JAX and PyTorch first take a batch to build the model), then
    after every epoch. The first `on_epoch_end()` of a dataset therefore
    draws nothing and each later one draws the next: epoch `e` of the first
    `fit` is draw `e`. A later `fit` makes that extra call too, which skips
    one draw (its epochs are still fresh and reproducible). To step by hand
    as `fit` does: `on_epoch_end()` once, then once per epoch.

    With `sample_weight`, batches are `(x, y, weight)`: an original row
    keeps its weight, a synthetic row of class `c` gets the mean weight of
    the rows of class `c` (the rule `cross_validate` applies to oversampled
    rows), so each class keeps its mean weight.

    Methods (base samples `x_i`; what is fixed at construction):

    - `"smote"`: uniform over the class; the k-NN within the class.
    - `"borderline-smote"`: uniform over the class's samples "in danger"
      (Borderline-SMOTE 1, the rule `oversample` applies through
      imbalanced-learn: at least half, not all, of their 10 nearest
      neighbours over all classes are of another class); the danger set and
      its k-NN within the class.
    - `"adasyn"`: sample `i` is used `g_i` times, `g_i` proportional to its
      share of other-class samples among its `k` nearest neighbours over all
      classes, rounded by largest remainder so that the `g_i` sum exactly to
      the count asked for; the `g_i` and the k-NN within the class.
    - `"random"`: uniform over the class, copied (`u = 0`); nothing.

    SVM-SMOTE and SMOTE-NC are not offered per epoch (their choices depend on
    an SVM fit and on categorical votes); use `oversample` for them.

    Args:
        x: Numeric features, shape `(samples, features)`: NumPy array, pandas
            DataFrame or backend tensor. Floating dtypes are kept; integer
            and boolean features become float32.
        y: Labels: integers, strings or one-hot rows. Batches carry the
            labels as given, one-hot rows as one-hot rows, and string labels
            as their position in `classes_` (sorted).
        batch_size: Positive int. Defaults to `32`.
        method: One of `"smote"`, `"borderline-smote"`, `"adasyn"`,
            `"random"`. Defaults to `"smote"`.
        k_neighbors: Positive int, same-class neighbours to interpolate with.
            Every over-sampled class needs more samples than this. Defaults to
            `5`.
        sampling_strategy: As in `oversample` (imbalanced-learn's
            `sampling_strategy`). Defaults to `"auto"`.
        shuffle: Whether to shuffle original and synthetic samples together
            every epoch. Defaults to `True`.
        seed: `None` or an int seed. Defaults to `None` (a seed is drawn from
            the operating system once, at construction).
        sample_weight: `None` or one finite weight >= 0 per row of `x`.
            Defaults to `None` (batches are `(x, y)`).
        **pydataset_kwargs: `workers`, `use_multiprocessing`,
            `max_queue_size` of `keras.utils.PyDataset`.

    Attributes:
        classes_: Sorted distinct labels (column indices for one-hot labels).
        n_synthetic_: Dict class -> synthetic samples per epoch.
        neighbors_: Dict class -> `(base, neighbors)`: row positions in `x` of
            the base samples, shape `(b,)`, and of their `k` nearest
            same-class neighbours, shape `(b, k)`.
        epoch: Index of the epoch the batches currently come from.

    Example:

    >>> import keras, numpy as np
    >>> from kerasnotes.data import SMOTEDataset
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 4)).astype("float32")
    >>> y = (rng.random(200) < 0.1).astype("int32")
    >>> ds = SMOTEDataset(x, y, batch_size=64, seed=0)
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    >>> model.compile("adam", keras.losses.BinaryCrossentropy(from_logits=True))
    >>> history = model.fit(ds, epochs=2, verbose=0)

    References:
        - [Chawla et al., "SMOTE: Synthetic Minority Over-sampling Technique",
          JAIR 2002](https://arxiv.org/abs/1106.1813)
        - [Han, Wang & Mao, "Borderline-SMOTE", ICIC 2005](
          https://doi.org/10.1007/11538059_91)
        - [He et al., "ADASYN", IJCNN 2008](
          https://doi.org/10.1109/IJCNN.2008.4633969)
    """

    def __init__(
        self,
        x,
        y,
        batch_size=32,
        *,
        method="smote",
        k_neighbors=5,
        sampling_strategy="auto",
        shuffle=True,
        seed=None,
        sample_weight=None,
        **pydataset_kwargs,
    ):
        super().__init__(**_checked_pydataset_kwargs(pydataset_kwargs))
        self.method = _checked_method(method)
        self.batch_size = _validation.check_positive_int("batch_size", batch_size)
        self.k_neighbors = _validation.check_positive_int("k_neighbors", k_neighbors)
        self.shuffle = _checked_shuffle(shuffle)
        self.seed = _checked_seed(seed)
        self._x = _inputs.float_matrix(x)
        labels = _checked_labels(y, self._x)
        self.classes_ = labels.classes
        self._codes = labels.codes
        self._y, self._target_of_code = _numeric_targets(labels)
        self.sampling_strategy = sampling_strategy
        self.n_synthetic_ = self._synthetic_counts(labels)
        self._build_neighbours()
        self._n_original = len(self._x)
        self._n_synthetic = sum(self.n_synthetic_.values())
        self._allocate_epoch()
        self._weights = self._epoch_weights(sample_weight)
        self.epoch = 0
        self._reset_seen = False
        self._draw()

    # ----------------------------------------------------------------- set-up

    def _synthetic_counts(self, labels):
        """{class: synthetic samples per epoch}, for the classes that get any."""
        targets = _oversample.check_sampling_strategy(
            self.sampling_strategy, labels.values
        )
        counts = _oversample.class_counts(labels.values)
        if self.method != "random":
            _oversample.check_class_sizes(
                counts, targets, self.k_neighbors, self.method
            )
        return {c: int(n) for c, n in targets.items() if n > 0}

    def _build_neighbours(self):
        """The neighbour graph (and ADASYN's per-sample counts), computed once."""
        from sklearn.neighbors import NearestNeighbors

        x, codes = self._x, self._codes
        k = self.k_neighbors
        self.neighbors_ = {}
        self._repeats = {}
        self._class_code = {}
        position = {label: i for i, label in enumerate(self.classes_)}
        without_danger = []
        if self.method in ("borderline-smote", "adasyn"):
            m = _oversample.M_NEIGHBORS if self.method == "borderline-smote" else k
            if len(x) <= m:
                raise InputError(
                    f"method={self.method!r} looks at the {m} nearest neighbours "
                    f"of each sample over all classes and needs more than {m} "
                    f"samples. Received {len(x)}. Use method='smote'."
                )
            everyone = NearestNeighbors(n_neighbors=m + 1).fit(x)
        for label in self.n_synthetic_:
            code = position[label]
            self._class_code[label] = code
            members = np.flatnonzero(codes == code)
            if self.method == "random":
                self.neighbors_[label] = (members, members[:, None])
                continue
            base = members
            if self.method in ("borderline-smote", "adasyn"):
                around = everyone.kneighbors(x[members], return_distance=False)[:, 1:]
                other = np.sum(codes[around] != code, axis=1)
            if self.method == "borderline-smote":
                danger = _oversample.in_danger(other, m)
                if not np.any(danger):
                    without_danger.append(label)
                    continue
                base = members[danger]
            if self.method == "adasyn":
                if not np.any(other):
                    raise InputError(
                        f"method='adasyn' found no neighbour of another class "
                        f"around class {label!r}, so its weights are undefined. "
                        "Use method='smote'."
                    )
                self._repeats[label] = _largest_remainder(
                    other / other.sum(), self.n_synthetic_[label]
                )
            within = NearestNeighbors(n_neighbors=k + 1).fit(x[members])
            nns = within.kneighbors(x[base], return_distance=False)[:, 1:]
            self.neighbors_[label] = (base, members[nns])
        if without_danger:
            raise _oversample.no_sample_in_danger(without_danger, m)

    def _allocate_epoch(self):
        """The per-sample arrays of an epoch, originals first.

        Sample i of the epoch is `x[from[i]] + step[i] * (x[to[i]] - x[from[i]])`.
        An original sample is its own base and neighbour with step 0, so it
        comes out exactly, and a batch is two row gathers and one formula.
        The originals' entries and every target never change; each epoch
        draws the synthetic tail of `from`, `to` and `step`.
        """
        total = self._n_original + self._n_synthetic
        self._from = np.zeros(total, dtype=np.int64)
        self._from[: self._n_original] = np.arange(self._n_original)
        self._to = self._from.copy()
        self._steps = np.zeros((total, 1), self._x.dtype)
        codes = [
            np.full(n_new, self._class_code[label], dtype=np.int64)
            for label, n_new in self.n_synthetic_.items()
        ]
        synthetic_code = np.concatenate(codes or [np.zeros(0, np.int64)])
        self._targets = np.concatenate(
            [self._y, self._target_of_code[synthetic_code]]
        ).astype(self._y.dtype, copy=False)

    def _epoch_weights(self, sample_weight):
        """Each epoch row's weight (None without `sample_weight`): the
        originals' own, then each synthetic row its class's mean weight."""
        if sample_weight is None:
            return None
        weights = _inputs.check_sample_weight(sample_weight, self._n_original)
        means = np.zeros(len(self.classes_))
        for code in self._class_code.values():
            means[code] = weights[self._codes == code].mean()
        synthetic = [
            np.full(n_new, means[self._class_code[label]], dtype="float32")
            for label, n_new in self.n_synthetic_.items()
        ]
        return np.concatenate([weights.astype("float32"), *synthetic])

    # ------------------------------------------------------------ per epoch

    def _draw(self):
        """Draws this epoch's synthetic triples and the sample order."""
        rng = np.random.default_rng([self.seed, self.epoch])
        base, neighbour, step = [], [], []
        for label, n_new in self.n_synthetic_.items():
            rows_of, nns = self.neighbors_[label]
            if label in self._repeats:
                rows = np.repeat(np.arange(len(rows_of)), self._repeats[label])
            else:
                rows = rng.integers(len(rows_of), size=n_new)
            cols = rng.integers(nns.shape[1], size=n_new)
            base.append(rows_of[rows])
            neighbour.append(nns[rows, cols])
            if self.method == "random":
                step.append(np.zeros(n_new, dtype=self._x.dtype))
            else:
                step.append(rng.random(n_new, dtype=_rng_dtype(self._x.dtype)))
        if base:  # else the strategy asks for no synthetic sample
            tail = slice(self._n_original, None)
            self._from[tail] = np.concatenate(base)
            self._to[tail] = np.concatenate(neighbour)
            self._steps[tail, 0] = np.concatenate(step)
        total = self._n_original + self._n_synthetic
        self._order = rng.permutation(total) if self.shuffle else np.arange(total)

    def on_epoch_end(self):
        """Draws the next epoch; the first call (the one `fit` makes before
        its first epoch) draws nothing, so fit epoch 0 is draw 0."""
        if not self._reset_seen:
            self._reset_seen = True
            return
        self.epoch += 1
        self._draw()

    def synthetic_samples(self):
        """This epoch's synthetic samples as `(x_new, y_new, base, neighbor, u)`.

        `base` and `neighbor` are row positions in `x`; `x_new = x[base] +
        u * (x[neighbor] - x[base])`.
        """
        tail = slice(self._n_original, None)
        base, neighbour = self._from[tail], self._to[tail]
        u = self._steps[tail, 0]
        a = self._x[base]
        x_new = a + u[:, None] * (self._x[neighbour] - a)
        y_new = self._targets[tail].copy()
        return x_new, y_new, base.copy(), neighbour.copy(), u.copy()

    # ---------------------------------------------------------------- batches

    def __len__(self):
        return math.ceil((self._n_original + self._n_synthetic) / self.batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"Batch {index} out of range [0, {len(self)}).")
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        a = self._x[self._from[rows]]
        x = a + self._steps[rows] * (self._x[self._to[rows]] - a)
        if self._weights is None:
            return x, self._targets[rows]
        return x, self._targets[rows], self._weights[rows]


def _checked_pydataset_kwargs(kwargs):
    """`PyDataset`'s own arguments, which Keras takes unchecked: `workers` an
    integer >= 0 (0 and 1 both load in the training thread), `max_queue_size`
    an integer >= 1, `use_multiprocessing` a bool. Unknown names are left to
    `PyDataset`, whose TypeError names them."""
    checked = dict(kwargs)
    if "workers" in checked:
        checked["workers"] = _validation.check_non_negative_int(
            "workers", checked["workers"]
        )
    if "max_queue_size" in checked:
        checked["max_queue_size"] = _validation.check_positive_int(
            "max_queue_size", checked["max_queue_size"]
        )
    if "use_multiprocessing" in checked:
        checked["use_multiprocessing"] = _validation.check_bool(
            "use_multiprocessing", checked["use_multiprocessing"]
        )
    return checked


def _checked_method(method):
    if method in _oversample.METHODS and method not in METHODS:
        raise InputError(
            f"SMOTEDataset supports method in {list(METHODS)}. Received: "
            f"method={method!r}, which does not split into a fixed "
            "neighbour graph and per-epoch draws; resample once with "
            f"`kerasnotes.data.oversample(x, y, method={method!r})` instead."
        )
    return _validation.check_one_of("method", method, METHODS)


def _checked_shuffle(shuffle):
    if not isinstance(shuffle, (bool, np.bool_)):
        raise InputError(
            f"Argument `shuffle` must be True or False. Received: shuffle={shuffle!r}"
        )
    return bool(shuffle)


def _checked_seed(seed):
    """The seed, or one drawn from the operating system for `None`."""
    seed = _inputs.check_random_state("seed", seed)
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    return seed


def _checked_labels(y, x):
    labels = _inputs.Labels(y)
    _inputs.check_same_length(x, labels)
    labels.check_several_classes()
    return labels


def _numeric_targets(labels):
    """`(y, target_of_code)`: the labels as the model gets them, and the
    target of each class code."""
    if labels.one_hot:
        eye = np.eye(labels.n_columns, dtype=labels.dtype)
        return eye[labels.values], eye[labels.classes]
    if labels.values.dtype.kind in "biuf":
        return labels.values, labels.classes
    # strings: the model needs numbers
    return labels.codes.astype("int64"), np.arange(len(labels.classes))


def _rng_dtype(dtype):
    return np.float32 if np.dtype(dtype) == np.float32 else np.float64


def _largest_remainder(weights, total):
    """Non-negative integers proportional to `weights` that sum to `total`."""
    exact = weights * total
    counts = np.floor(exact).astype(int)
    short = total - counts.sum()
    if short > 0:
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[:short]] += 1
    return counts
