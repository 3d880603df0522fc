"""The documentation's pictures, drawn by the package's own `kerasnotes.plot`.

`main(out_dir)` writes every PNG the component pages show (docs/layers.md,
losses.md, schedules.md, callbacks.md, data.md, cli.md, plot.md link them
as `figures/<name>.png`) and returns their paths. The site's build runs it
through the mkdocs hook `docs/_build/figures_hook.py` into `docs/figures/`,
which git ignores: the pictures are made from the code at every build and
never committed, so they cannot drift from it.

    python docs/_build/figures.py OUT_DIR

writes them into OUT_DIR and prints how long each took. The Keras backend
is the one `KERAS_BACKEND` names (TensorFlow when unset). Figures are
`matplotlib.figure.Figure` objects (no `pyplot`) saved as PNG, which
matplotlib writes with its Agg canvas; no display is needed. The two pictures that train
something (the LR finder's sweep and the demo's tiny search) are seeded.
`tests/docs/test_figures.py` checks that every picture a page names is
written, and every picture written is named by a page.
"""

import contextlib
import io
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

log = logging.getLogger("mkdocs.hooks.figures")

DPI = 100
SEED = 0


def _save(figure, path):
    # The figures' constrained layout already fits titles, labels and
    # legends: no "tight" bounding box (that draws every figure twice).
    figure.savefig(path, dpi=DPI)


def _grid(nrows, ncols, width, height):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.subplots(nrows, ncols, squeeze=False).ravel()


# Activations and layers (docs/layers.md) ------------------------------------


def _softmax_of_pair(x):
    """softmax((x, 0))[0]: the two-class softmax as a function of one logit
    (softmax is not elementwise; this is its one-dimensional slice)."""
    import keras

    import kerasnotes

    pair = keras.ops.stack([x, keras.ops.zeros_like(x)], axis=-1)
    return kerasnotes.activations.softmax(pair)[..., 0]


def activations(out):
    """Every function of `kerasnotes.activations` and its derivative."""
    import kerasnotes
    from kerasnotes.plot import plot_activation

    acts = kerasnotes.activations
    panels = [
        (acts.step, "step"),
        (acts.sigmoid, "sigmoid"),
        (acts.tanh, "tanh"),
        (acts.relu, "relu"),
        (lambda x: acts.leaky_relu(x, alpha=0.1), "leaky_relu(alpha=0.1)"),
        (acts.elu, "elu"),
        (acts.selu, "selu"),
        (acts.swish, "swish"),
        (acts.softplus, "softplus"),
        (_softmax_of_pair, "softmax((x, 0))[0]"),
        (acts.identity, "identity"),
    ]
    figure, axes = _grid(3, 4, 13.0, 8.0)
    for ax, (fn, label) in zip(axes, panels):
        plot_activation(fn, -4.0, 4.0, num=201, ax=ax, label=label)
        ax.set_title(label)
        ax.legend(fontsize="small")
    axes[-1].set_visible(False)
    figure.suptitle(
        "kerasnotes.activations: the function (solid) and its autodiff "
        "derivative (dashed)"
    )
    path = out / "activations.png"
    _save(figure, path)
    return path


def swish_layer(out):
    """The `Swish` layer for several beta, overlaid on one axes."""
    import kerasnotes
    from kerasnotes.plot import plot_activation

    figure, (ax,) = _grid(1, 1, 6.0, 4.0)
    for beta in (0.5, 1.0, 4.0):
        layer = kerasnotes.layers.Swish(beta=beta)
        plot_activation(layer, -4.0, 4.0, num=201, ax=ax, label=f"beta={beta:g}")
    ax.set_title("kerasnotes.layers.Swish(beta): x sigmoid(beta x)")
    path = out / "swish_beta.png"
    _save(figure, path)
    return path


# Losses (docs/losses.md) ----------------------------------------------------


def robust_loss(out):
    """Barron's Figure 1: the loss and its derivative for seven alphas."""
    from kerasnotes.plot import plot_robust_loss

    path = out / "robust_loss.png"
    plot_robust_loss(path=path)  # the default alphas are Figure 1's
    return path


# Schedules (docs/schedules.md, plot.md) -------------------------------------

TOTAL_STEPS = 1000  # one training run: 20 epochs of 50 steps


def schedules(out):
    """Each schedule class over one training run of `TOTAL_STEPS` steps."""
    from kerasnotes import schedules as s
    from kerasnotes.plot import plot_schedule

    n = TOTAL_STEPS
    panels = [
        ("CosineAnnealing(0.1, decay_steps=1000, min_learning_rate=0.001)",
         [(s.CosineAnnealing(0.1, n, min_learning_rate=1e-3), None)]),
        ("CosineAnnealingWarmRestarts(0.1, first_decay_steps=100, t_mul=2, m_mul=0.8)",
         [(s.CosineAnnealingWarmRestarts(0.1, 100, t_mul=2.0, m_mul=0.8), None)]),
        ("WarmUp(CosineAnnealing(0.1, 900), warmup_steps=100)",
         [(s.WarmUp(s.CosineAnnealing(0.1, n - 100), warmup_steps=100), None)]),
        ("CyclicalLearningRate(0.01, 0.1, step_size=100, mode=...)",
         [(s.CyclicalLearningRate(0.01, 0.1, 100, mode=mode), mode)
          for mode in ("triangular", "triangular2")]
         + [(s.CyclicalLearningRate(0.01, 0.1, 100, mode="exp_range",
                                    gamma=0.998), "exp_range, gamma=0.998")]),
        ("OneCycle(0.1, total_steps=1000)",
         [(s.OneCycle(0.1, n), None)]),
        ("StepDecay(0.1, step_size=200, drop_rate=0.5)",
         [(s.StepDecay(0.1, 200, drop_rate=0.5), None)]),
    ]  # fmt: skip
    figure, axes = _grid(2, 3, 15.0, 7.0)
    for ax, (title, curves) in zip(axes, panels):
        for schedule, label in curves:
            plot_schedule(schedule, n, ax=ax, label=label)
        ax.set_title(title, fontsize="small")
        if len(curves) > 1:  # room above the curves for a longer legend
            ax.set_ylim(top=1.3 * ax.get_ylim()[1])
        ax.legend(fontsize="small", loc="upper right")
    figure.suptitle(f"kerasnotes.schedules over a training run of {n} steps")
    path = out / "schedules.png"
    _save(figure, path)
    return path


def one_cycle(out):
    """`OneCycle` with its `OneCycleMomentum` on a twin axis."""
    from kerasnotes import schedules as s
    from kerasnotes.plot import plot_schedule

    n = TOTAL_STEPS
    path = out / "one_cycle_momentum.png"
    ax = plot_schedule(s.OneCycle(0.1, n), n, momentum=s.OneCycleMomentum(n))
    ax.set_title("OneCycle(0.1, 1000) and OneCycleMomentum(1000), twin axes")
    _save(ax.figure, path)
    return path


def warmup_cosine(out):
    """`WarmUp` of a cosine beside Keras's own warmup-then-cosine."""
    import keras

    from kerasnotes import schedules as s
    from kerasnotes.plot import plot_schedule
    from kerasnotes.plot import schedule_values

    n, warmup = TOTAL_STEPS, 100
    ax = plot_schedule(
        s.WarmUp(s.CosineAnnealing(0.1, n - warmup), warmup_steps=warmup),
        n,
        label="kerasnotes WarmUp(CosineAnnealing(0.1, 900), 100)",
    )
    keras_schedule = keras.optimizers.schedules.CosineDecay(
        0.0, n - warmup, warmup_target=0.1, warmup_steps=warmup
    )
    # Keras's schedule takes a Python `if` on the step, so `schedule_values`
    # calls it once per step (slow on JAX): every 25th step is enough to
    # compare, the end of the warmup included.
    ax.plot(
        *schedule_values(keras_schedule, range(0, n + 1, 25)),
        linestyle=":",
        linewidth=2.5,
        label="keras CosineDecay(0, 900, warmup_target=0.1, warmup_steps=100)",
    )
    ax.legend(fontsize="small")
    ax.set_title("a linear warmup of 100 steps, then a cosine")
    path = out / "warmup_cosine.png"
    _save(ax.figure, path)
    return path


# The learning-rate finder (docs/callbacks.md) -------------------------------


def lr_finder(out):
    """A real sweep: a small Dense model on scikit-learn's breast cancer."""
    import keras
    from sklearn.datasets import load_breast_cancer
    from sklearn.preprocessing import StandardScaler

    from kerasnotes.callbacks import find_learning_rate
    from kerasnotes.plot import plot_lr_finder

    keras.utils.set_random_seed(SEED)
    x, y = load_breast_cancer(return_X_y=True)
    x = StandardScaler().fit_transform(x).astype("float32")
    model = keras.Sequential(
        [
            keras.Input((x.shape[1],)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(momentum=0.9), loss="bce")
    finder = find_learning_rate(
        model,
        x,
        y.astype("float32"),
        start_learning_rate=1e-5,
        end_learning_rate=10.0,
        num_steps=200,
        batch_size=32,
    )
    ax = plot_lr_finder(finder)
    ax.set_title(
        "LRFinder: Dense(16)-Dense(1), SGD(momentum=0.9), breast cancer, 200 steps",
        fontsize="small",
    )
    path = out / "lr_finder.png"
    _save(ax.figure, path)
    return path


# SMOTE and its variants (docs/data.md) --------------------------------------

SMOTE_METHODS = (
    ("smote", "SMOTE"),
    ("borderline-smote", "Borderline-SMOTE"),
    ("adasyn", "ADASYN"),
)


def _toy_imbalanced():
    """Two overlapping 2-D classes, 200 : 20."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    majority = rng.normal([0.0, 0.0], [1.2, 1.0], size=(200, 2))
    minority = rng.normal([1.6, 1.2], [0.6, 0.6], size=(20, 2))
    x = np.concatenate([majority, minority])
    y = np.repeat([0, 1], [len(majority), len(minority)])
    return x, y


def smote(out):
    """Original majority, minority and synthetic points, per method."""
    from kerasnotes.data import oversample

    x, y = _toy_imbalanced()
    figure, axes = _grid(1, len(SMOTE_METHODS), 13.5, 4.4)
    for ax, (method, name) in zip(axes, SMOTE_METHODS):
        x_res, y_res = oversample(x, y, method, random_state=SEED)
        # imbalanced-learn appends the synthetic rows after the original ones.
        synthetic = x_res[len(x) :]
        ax.scatter(*x[y == 0].T, s=12, color="C0", alpha=0.5, label="majority")
        ax.scatter(
            *synthetic.T, s=14, marker="x", color="C2", label="synthetic minority"
        )
        ax.scatter(
            *x[y == 1].T, s=28, color="C3", edgecolor="k", label="original minority"
        )
        ax.set_title(
            f'oversample(x, y, "{method}"): {name}, {len(synthetic)} new', fontsize=10
        )
        ax.set_aspect("equal", adjustable="datalim")
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize="small", loc="lower left")
    figure.suptitle(
        "SMOTE and its variants on a 2-D toy set: 200 majority, 20 minority"
    )
    path = out / "smote_variants.png"
    _save(figure, path)
    return path


# The demo's report (docs/cli.md) --------------------------------------------

DEMO_PICTURES = {
    "learning_curves.png": "demo_learning_curves.png",
    "learning_rate.png": "demo_learning_rate.png",
    "objective_vs_learning_rate.png": "demo_objective_vs_learning_rate.png",
}


DEMO_TRIALS = 2
DEMO_EPOCHS = 3


def demo_report(out):
    """The three pictures `kerasnotes demo` and `kerasnotes tune` write,
    from the command's own code path (`run_tune`) on the demo's
    breast-cancer data, with a tiny search: `DEMO_TRIALS` random trials of
    `DEMO_EPOCHS` epochs (the demo runs 6 Bayesian trials of up to 20)."""
    from kerasnotes.cli import tune

    if set(DEMO_PICTURES) != {name for _, name in tune.PICTURES}:
        raise RuntimeError(f"the demo's pictures changed: {tune.PICTURES}")
    with tempfile.TemporaryDirectory() as folder:
        job = os.path.join(folder, "demo")
        with contextlib.redirect_stdout(io.StringIO()):
            tune.run_tune(
                tuner="random",
                max_trials=DEMO_TRIALS,
                epochs=DEMO_EPOCHS,
                out=job,
                seed=SEED,
            )
        paths = []
        for written, name in DEMO_PICTURES.items():
            paths.append(out / name)
            shutil.copyfile(os.path.join(job, written), paths[-1])
    return paths


FIGURES = (
    activations,
    swish_layer,
    robust_loss,
    schedules,
    one_cycle,
    warmup_cosine,
    lr_finder,
    smote,
    demo_report,
)


def main(out_dir):
    """Writes every picture into `out_dir` (created if needed); returns the
    paths written. Logs each drawing's wall and CPU time (logger
    `mkdocs.hooks.figures`, at INFO)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    started = _clocks()
    for draw in FIGURES:
        tick = _clocks()
        written = draw(out)
        written = list(written) if isinstance(written, list) else [written]
        paths += written
        names = ", ".join(p.name for p in written)
        log.info("figures: %s in %s", names, _since(tick))
    log.info("figures: %d pictures in %s in %s", len(paths), out, _since(started))
    return paths


def _clocks():
    return time.perf_counter(), time.process_time()


def _since(clocks):
    wall, cpu = (now - then for now, then in zip(_clocks(), clocks))
    return f"{wall:.1f} s ({cpu:.1f} s of CPU)"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} OUT_DIR")
    os.environ.setdefault("MPLBACKEND", "Agg")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main(sys.argv[1])
