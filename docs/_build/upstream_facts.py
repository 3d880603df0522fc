"""The facts of docs/why.md, measured against the installed upstream packages.

Each function checks one claim the "Why kerasnotes" page makes about Keras,
KerasTuner, imbalanced-learn or TensorFlow Addons, and in the same call checks
what kerasnotes does instead. It returns a `Fact`: `still_true` says whether
the upstream behaviour is still there (the page then reads "still true in
Keras 3.15.1", or "fixed upstream in ..." the day a release fixes it), and
`observed` what the check saw. The upstream side never raises for a fixed
behaviour; the kerasnotes side raises `KerasnotesRegression` when it does not
hold, since that is a bug of ours.

The fast facts (Huber, CosineDecayRestarts, KerasTuner on the TensorFlow
backend, imbalanced-learn) run in the page build, in the build's process (a
fraction of a second each once Keras is imported). TensorFlow Addons needs the
package index (pip installs it into a temporary folder) and half a minute, so
the build never runs it: it shows the result a `slow` test or
`python docs/_build/upstream_facts.py --slow` recorded for the same Python and
TensorFlow (a JSON cache outside the repository), or else "not checked in this
build" with the command. Run as a script to print every fact with its timing:

    python docs/_build/upstream_facts.py          # the build's facts
    python docs/_build/upstream_facts.py --slow   # and TensorFlow Addons (network)
"""

import argparse
import contextlib
import dataclasses
import datetime
import importlib.metadata
import io
import json
import math
import os
import pathlib
import subprocess
import sys
import tempfile
import textwrap
import time
import warnings

# ---------------------------------------------------------------- the record


@dataclasses.dataclass(frozen=True)
class Fact:
    """One upstream fact as checked in this environment.

    Attributes:
        key: Short name (the script's argument, the page's anchor).
        title: A heading for the fact.
        claim: The fact as the page states it.
        still_true: Whether the upstream behaviour was observed; `None` when
            the check did not run in this build.
        observed: What the check saw, upstream and kerasnotes.
        versions: The upstream versions checked (for the status line).
        command: A command that shows the upstream behaviour.
        kerasnotes: What kerasnotes does instead (checked in the same call).
        checked: Where and when: "this build", or the date a cached check ran.
        seconds: Time the check took.
    """

    key: str
    title: str
    claim: str
    still_true: bool | None
    observed: str
    versions: str
    command: str
    kerasnotes: str
    checked: str = "this build"
    seconds: float = 0.0

    @property
    def status(self):
        if self.still_true is None:
            return "not checked in this build"
        if self.still_true:
            return f"still true in {self.versions}"
        return f"fixed upstream in {self.versions}"


class KerasnotesRegression(AssertionError):
    """The kerasnotes side of a fact does not hold: a bug in kerasnotes."""


class CheckUnavailable(RuntimeError):
    """The check cannot run here (e.g. no access to the package index)."""


def _version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _require(condition, message):
    if not condition:
        raise KerasnotesRegression(message)


# ------------------------------------------------------------------- 1. Huber

HUBER_COMMAND = """\
python -c "import keras; print(keras.losses.Huber(delta=2.0).get_config())"
"""


def huber_get_config():
    """Keras's `Huber(delta=2.0).get_config()` drops `delta`.

    Checked on the loss value at |error| = 1.5, between the two deltas:
    0.5 * 1.5**2 = 1.125 with delta=2, 1.5 - 0.5 = 1.0 with delta=1.
    """
    import keras
    import numpy as np

    import kerasnotes

    y_true, y_pred = np.zeros((1, 1), "float32"), np.full((1, 1), 1.5, "float32")
    expected = 0.5 * 1.5**2  # delta=2: the quadratic branch

    def value(loss):
        return float(keras.ops.convert_to_numpy(loss(y_true, y_pred)))

    config = keras.losses.Huber(delta=2.0).get_config()
    restored = value(keras.losses.Huber.from_config(config))
    has_delta = config.get("delta") == 2.0
    still_true = not has_delta or abs(restored - expected) > 1e-6
    observed = (
        f"`get_config()` is `{config}`; `from_config` of it gives "
        f"{restored:.4g} at |error| 1.5 (delta=2 gives {expected:.4g})"
    )

    ours = kerasnotes.losses.Huber(delta=2.0)
    our_config = ours.get_config()
    our_value = value(kerasnotes.losses.Huber.from_config(our_config))
    _require(
        our_config.get("delta") == 2.0 and abs(our_value - expected) < 1e-6,
        f"kerasnotes.losses.Huber(delta=2.0): config {our_config}, round trip "
        f"gives {our_value} instead of {expected}",
    )
    return Fact(
        key="huber",
        title="Huber's delta",
        claim="`keras.losses.Huber(delta=2.0).get_config()` drops `delta`, "
        "so a saved model's Huber loss comes back with delta=1",
        still_true=still_true,
        observed=observed,
        versions=f"Keras {_version('keras')}",
        command=HUBER_COMMAND,
        kerasnotes="`kerasnotes.losses.Huber(delta=2.0)` keeps `delta: 2.0` "
        f"in its config; the round trip gives {our_value:.4g}",
    )


# ------------------------------------------------------ 2. CosineDecayRestarts

RESTART_K = 13
RESTART_STEP = 10 * (2**RESTART_K - 1)  # 81910: restarts at 10 (2^k - 1)

RESTARTS_COMMAND = """\
python -c "import keras; s = keras.optimizers.schedules.CosineDecayRestarts(1.0, 10, t_mul=2, alpha=0.1); print([float(s(t)) for t in (81909, 81910, 81911)])"
"""


def sgdr_closed_form(step, initial, first_decay_steps, t_mul, alpha):
    """SGDR's rate at an integer step, the cycle found in integers (float64).

    Cycle i starts at first * (t_mul^i - 1) / (t_mul - 1) and lasts
    first * t_mul^i steps; the rate is
    initial * (alpha + (1 - alpha) * (1 + cos(pi * position / length)) / 2).
    """
    start, length = 0, first_decay_steps
    while start + length <= step:
        start, length = start + length, length * t_mul
    position = step - start
    cosine = 0.5 * (1.0 + math.cos(math.pi * position / length))
    return initial * (alpha + (1.0 - alpha) * cosine), position == 0


def cosine_decay_restarts():
    """Keras's `CosineDecayRestarts(1.0, 10, t_mul=2, alpha=0.1)` gives the
    minimum (0.1) instead of the maximum (1.0) at the restart step 81910."""
    import keras

    import kerasnotes

    steps = (RESTART_STEP - 1, RESTART_STEP, RESTART_STEP + 1)
    reference = [sgdr_closed_form(t, 1.0, 10, 2, 0.1) for t in steps]
    _require(
        reference[1] == (1.0, True),
        f"step {RESTART_STEP} is not a restart of the closed form: {reference[1]}",
    )
    closed = [rate for rate, _ in reference]

    schedule = keras.optimizers.schedules.CosineDecayRestarts(
        1.0, 10, t_mul=2, alpha=0.1
    )
    theirs = [float(keras.ops.convert_to_numpy(schedule(t))) for t in steps]
    still_true = abs(theirs[1] - closed[1]) > 1e-4

    ours_schedule = kerasnotes.schedules.CosineAnnealingWarmRestarts(
        1.0, 10, t_mul=2.0, min_learning_rate=0.1
    )
    ours = [float(keras.ops.convert_to_numpy(ours_schedule(t))) for t in steps]
    _require(
        all(abs(a - b) < 1e-6 for a, b in zip(ours, closed, strict=True)),
        f"CosineAnnealingWarmRestarts at steps {steps}: {ours}, closed form {closed}",
    )

    def rates(values):
        return ", ".join(f"{v:.4g}" for v in values)

    return Fact(
        key="cosine-restarts",
        title="CosineDecayRestarts at a restart",
        claim="`keras.optimizers.schedules.CosineDecayRestarts(1.0, 10, t_mul=2, "
        f"alpha=0.1)` returns the minimum instead of the maximum at the restart "
        f"step {RESTART_STEP}",
        still_true=still_true,
        observed=f"at steps {steps[0]}, {steps[1]}, {steps[2]} Keras gives "
        f"{rates(theirs)}; the closed form (step {RESTART_STEP} = "
        f"10 (2^{RESTART_K} - 1) starts cycle {RESTART_K}) gives {rates(closed)}",
        versions=f"Keras {_version('keras')} ({keras.config.backend()} backend)",
        command=RESTARTS_COMMAND,
        kerasnotes="`kerasnotes.schedules.CosineAnnealingWarmRestarts(1.0, 10, "
        f"t_mul=2.0, min_learning_rate=0.1)` gives {rates(ours)} (the cycle is "
        "found in integers)",
    )


# --------------------------------------------- 3. KerasTuner without tensorboard

# A fresh Python runs it; `sys.modules["tensorboard"] = None` makes every import
# of tensorboard fail, as on an installation without it.
KERASTUNER_SCRIPT = """\
import sys
sys.modules["tensorboard"] = None  # as if tensorboard were not installed
import os, tempfile
os.environ["KERAS_BACKEND"] = "tensorflow"
import numpy as np, keras, keras_tuner

def build(hp):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(hp.Int("units", 1, 4)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model

x, y = np.zeros((8, 2), "float32"), np.zeros((8, 1), "float32")
tuner = keras_tuner.RandomSearch(build, objective="val_loss", max_trials=2, seed=0, directory=tempfile.mkdtemp())
tuner.search(x, y, validation_data=(x, y), epochs=1, verbose=0)
print([trial.status for trial in tuner.oracle.trials.values()])
"""
KERASTUNER_COMMAND = f"python - <<'EOF'\n{KERASTUNER_SCRIPT}EOF\n"


# The facts the build may show without running them (their placeholders).
TITLES = {
    "kerastuner": "KerasTuner without tensorboard",
    "tensorflow-addons": "TensorFlow Addons",
}
CLAIMS = {
    "kerastuner": "KerasTuner fails every trial on the TensorFlow backend when "
    "tensorboard is not installed, and neither KerasTuner nor TensorFlow 2.21 "
    "requires it",
    "tensorflow-addons": "TensorFlow Addons does not import on TensorFlow 2.21",
}


def _search_without_tensorboard(directory):
    """KERASTUNER_SCRIPT in this process: the tensorboard modules are hidden
    from `sys.modules` for the search and put back after it."""
    import keras
    import keras_tuner
    import numpy as np

    def build(hp):
        model = keras.Sequential(
            [
                keras.Input((2,)),
                keras.layers.Dense(hp.Int("units", 1, 4)),
                keras.layers.Dense(1),
            ]
        )
        model.compile(optimizer="sgd", loss="mse")
        return model

    x, y = np.zeros((8, 2), "float32"), np.zeros((8, 1), "float32")
    saved = {
        name: module
        for name, module in sys.modules.items()
        if name == "tensorboard" or name.startswith("tensorboard.")
    }
    log = io.StringIO()
    try:
        for name in [*saved, "tensorboard"]:
            sys.modules[name] = None
        with (
            contextlib.redirect_stdout(log),
            contextlib.redirect_stderr(log),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore")
            tuner = keras_tuner.RandomSearch(
                build, objective="val_loss", max_trials=2, seed=0, directory=directory
            )
            tuner.search(x, y, validation_data=(x, y), epochs=1, verbose=0)
    finally:
        for name in [*saved, "tensorboard"]:
            sys.modules.pop(name, None)
        sys.modules.update(saved)
    trials = list(tuner.oracle.trials.values())
    messages = [str(trial.message or "") for trial in trials]
    return [str(trial.status) for trial in trials], messages


def _tensorboard_requirement(distribution):
    """The distribution's unconditional tensorboard requirement, or None."""
    try:
        requirements = importlib.metadata.requires(distribution) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for requirement in requirements:
        name = requirement.split(";")[0].replace(" ", "").lower()
        if name.startswith("tensorboard") and not name.startswith("tensorboard-"):
            if "extra" not in requirement:
                return requirement.strip()
    return None


def _last_error_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if "Error" in line.split(":")[0]]
    return (errors or lines or [""])[-1].strip().rstrip(".")


def kerastuner_without_tensorboard(isolated=None):
    """KerasTuner 1.4.8 on TensorFlow fails every trial without tensorboard:
    `Tuner.run_trial` imports `tensorboard.plugins.hparams` on that backend.

    Args:
        isolated: Run the search in a fresh Python whose `tensorboard` cannot
            be imported (`KERASTUNER_SCRIPT`, ~30 s: it imports TensorFlow).
            `False` runs it in this process, hiding the tensorboard modules
            for the search (needs the TensorFlow backend). `None` (default):
            in this process on the TensorFlow backend, isolated otherwise.
    """
    import keras

    if isolated is None:
        isolated = keras.config.backend() != "tensorflow"
    if not isolated and keras.config.backend() != "tensorflow":
        raise ValueError(
            "Argument `isolated` must be True on the "
            f"{keras.config.backend()!r} backend (the fact is about the "
            f"TensorFlow backend). Received: isolated={isolated}"
        )
    if isolated:
        env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
        run = subprocess.run(
            [sys.executable, "-c", KERASTUNER_SCRIPT],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        if run.returncode != 0:
            raise RuntimeError(
                f"the KerasTuner script exited with {run.returncode}: "
                f"{_last_error_line(run.stderr)}"
            )
        statuses = json.loads(run.stdout.strip().splitlines()[-1].replace("'", '"'))
        error = _last_error_line(run.stderr)
        where = "a fresh Python without tensorboard"
    else:
        with tempfile.TemporaryDirectory() as directory:
            statuses, messages = _search_without_tensorboard(directory)
        error = next(
            (_last_error_line(m) for m in messages if m.strip()), "no error message"
        )
        where = "this process, tensorboard hidden from `sys.modules`"
    failed = statuses.count("FAILED")
    still_true = len(statuses) > 0 and failed == len(statuses)
    observed = f"{failed} of {len(statuses)} trials failed ({where})"
    if failed:
        observed += f": `{error}`"

    upstream = {d: _tensorboard_requirement(d) for d in ("keras-tuner", "tensorflow")}
    observed += "; " + ", ".join(
        f"`{d}` requires `{r}`" if r else f"`{d}` does not require tensorboard"
        for d, r in upstream.items()
    )

    declared = [r for r in [_tensorboard_requirement("kerasnotes")] if r]
    _require(declared, "kerasnotes does not require tensorboard")
    try:
        import tensorboard.plugins.hparams.api  # noqa: F401
    except ImportError as error:
        raise KerasnotesRegression(
            f"tensorboard is declared ({declared[0]}) but does not import: {error}"
        ) from error
    return Fact(
        key="kerastuner",
        title=TITLES["kerastuner"],
        claim=CLAIMS["kerastuner"],
        still_true=still_true,
        observed=observed,
        versions=f"KerasTuner {_version('keras-tuner')}, "
        f"TensorFlow {_version('tensorflow')}",
        command=KERASTUNER_COMMAND,
        kerasnotes=f"kerasnotes requires `{declared[0]}`, so its searches "
        "(`kerasnotes.tuning`, `kerasnotes tune`) run their trials",
    )


# ------------------------------------------ 4. imblearn.keras.BalancedBatchGenerator

IMBLEARN_COMMAND = """\
python - <<'EOF'
import numpy as np
from imblearn.keras import BalancedBatchGenerator
from imblearn.over_sampling import SMOTE
x = np.random.default_rng(0).normal(size=(100, 2)); y = np.r_[np.zeros(90), np.ones(10)]
try:
    BalancedBatchGenerator(x, y, sampler=SMOTE())
except ValueError as error:
    print("SMOTE:", error)
g = BalancedBatchGenerator(x, y, batch_size=8, random_state=0)
first = [g[i][0] for i in range(len(g))]; g.on_epoch_end()
print("same batches next epoch:", all((a == b).all() for a, b in zip(first, [g[i][0] for i in range(len(g))])))
print("samples per epoch:", sum(len(g[i][0]) for i in range(len(g))), "of", g.indices_.size)
EOF
"""


def _toy_imbalanced():
    import numpy as np

    x = np.random.default_rng(0).normal(size=(100, 2)).astype("float32")
    y = np.r_[np.zeros(90), np.ones(10)].astype("int64")
    return x, y


def _epoch_batches(dataset):
    return [dataset[i][0] for i in range(len(dataset))]


def _same_batches(a, b):
    import numpy as np

    return len(a) == len(b) and all(
        np.array_equal(p, q) for p, q in zip(a, b, strict=True)
    )


def imblearn_balanced_batch_generator():
    """`imblearn.keras.BalancedBatchGenerator` rejects SMOTE (it needs a sampler
    with `sample_indices_`, i.e. one that only selects rows), resamples once at
    construction (no `on_epoch_end`: the same batches every epoch), and its
    `__len__` is `n // batch_size`, which drops the last partial batch."""
    import numpy as np
    from imblearn.keras import BalancedBatchGenerator
    from imblearn.over_sampling import SMOTE

    import kerasnotes

    x, y = _toy_imbalanced()
    batch_size = 8
    try:
        BalancedBatchGenerator(x, y, sampler=SMOTE(random_state=0), batch_size=8)
        smote = "accepted"
    except (ValueError, TypeError) as error:
        smote = f"`{type(error).__name__}: {str(error).rstrip('.')}`"
    rejects_smote = smote != "accepted"

    generator = BalancedBatchGenerator(x, y, batch_size=batch_size, random_state=0)
    first = _epoch_batches(generator)
    generator.on_epoch_end()
    generator.on_epoch_end()
    resamples_once = _same_batches(first, _epoch_batches(generator))
    served = sum(len(batch) for batch in first)
    resampled = int(generator.indices_.size)
    drops_partial = served < resampled
    observed = (
        f"with SMOTE: {smote}; after `on_epoch_end()` the batches are "
        f"{'the same' if resamples_once else 'new'}; an epoch serves {served} "
        f"of the {resampled} resampled rows ({len(first)} batches of {batch_size})"
    )

    ours = kerasnotes.data.SMOTEDataset(x, y, batch_size=batch_size, seed=0)
    epoch_size = len(x) + sum(ours.n_synthetic_.values())
    ours_first = _epoch_batches(ours)
    synthetic_first = ours.synthetic_samples()[0]
    ours.on_epoch_end()  # the call fit makes before its first epoch: no draw
    ours.on_epoch_end()  # end of epoch 0: draw 1
    synthetic_next = ours.synthetic_samples()[0]
    ours_served = sum(len(batch) for batch in ours_first)
    fresh = not np.array_equal(synthetic_first, synthetic_next)
    _require(
        ours_served == epoch_size and epoch_size % batch_size != 0,
        f"SMOTEDataset served {ours_served} of {epoch_size} rows per epoch",
    )
    _require(fresh, "SMOTEDataset drew the same synthetic samples in epoch 1")
    return Fact(
        key="imblearn-keras",
        title="imblearn.keras.BalancedBatchGenerator",
        claim="`imblearn.keras.BalancedBatchGenerator` rejects SMOTE, resamples "
        "once (the same batches every epoch) and drops the last partial batch",
        still_true=rejects_smote and resamples_once and drops_partial,
        observed=observed,
        versions=f"imbalanced-learn {_version('imbalanced-learn')}, "
        f"Keras {_version('keras')}",
        command=IMBLEARN_COMMAND,
        kerasnotes=f"`kerasnotes.data.SMOTEDataset(x, y, batch_size={batch_size})` "
        f"serves all {ours_served} rows ({len(x)} original + "
        f"{epoch_size - len(x)} synthetic, the last batch of "
        f"{len(ours_first[-1])}) and draws new synthetic rows each epoch",
    )


# ------------------------------------------------------ 5. TensorFlow Addons

ADDONS_COMMAND = """\
pip install --target /tmp/tfa tensorflow-addons  # with typeguard, packaging; not tensorflow
PYTHONPATH=/tmp/tfa python -c "import tensorflow_addons"
"""

_OFFLINE_SIGNS = (
    "NewConnectionError",
    "Network is unreachable",
    "Temporary failure in name resolution",
    "Name or service not known",
    "ProxyError",
    "ConnectTimeout",
    "Max retries exceeded",
)


def tensorflow_addons_import(timeout=600):
    """TensorFlow Addons (archived, last release 0.23.0) does not import on
    TensorFlow 2.21: pip installs it and its dependencies (not TensorFlow)
    into a temporary folder, then a fresh Python imports it from there.

    Needs the package index; raises `CheckUnavailable` without it.
    """
    import kerasnotes

    python = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    with tempfile.TemporaryDirectory() as target:
        pip = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-input",
                "--target",
                target,
                "tensorflow-addons",
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if pip.returncode != 0:
            output = pip.stdout + pip.stderr
            if any(sign in output for sign in _OFFLINE_SIGNS):
                raise CheckUnavailable(
                    f"pip cannot reach the package index: {_last_error_line(output)}"
                )
            installed = "not installable"
            still_true = True
            observed = (
                f"pip cannot install it for {python}: `{_last_error_line(output)}`"
            )
        else:
            installed = next(
                (
                    d.version
                    for d in importlib.metadata.distributions(path=[target])
                    if d.metadata["Name"].lower() == "tensorflow-addons"
                ),
                "?",
            )
            env = dict(os.environ, PYTHONPATH=target, TF_CPP_MIN_LOG_LEVEL="3")
            run = subprocess.run(
                [sys.executable, "-c", "import tensorflow_addons"],
                capture_output=True,
                text=True,
                env=env,
                timeout=timeout,
            )
            still_true = run.returncode != 0
            if still_true:
                observed = f"`import tensorflow_addons` fails: `{_last_error_line(run.stderr)}`"
            else:
                observed = "`import tensorflow_addons` succeeds"

    replacements = {
        "tfa.optimizers.RectifiedAdam": kerasnotes.optimizers.RAdam,
        "tfa.optimizers.Lookahead": kerasnotes.optimizers.Lookahead,
        "tfa.optimizers.SWA": kerasnotes.callbacks.SWA,
        "tfa.optimizers.CyclicalLearningRate": kerasnotes.schedules.CyclicalLearningRate,
        "tfa.layers.Maxout": kerasnotes.layers.Maxout,
    }
    requirements = importlib.metadata.requires("kerasnotes") or []
    _require(
        not any("addons" in r for r in requirements),
        f"kerasnotes requires TensorFlow Addons: {requirements}",
    )
    return Fact(
        key="tensorflow-addons",
        title=TITLES["tensorflow-addons"],
        claim=CLAIMS["tensorflow-addons"],
        still_true=still_true,
        observed=observed,
        versions=f"TensorFlow Addons {installed}, TensorFlow {_version('tensorflow')}, "
        f"{python}",
        command=ADDONS_COMMAND,
        kerasnotes="kerasnotes needs no Addons; it has "
        + ", ".join(
            f"`{value.__module__.split('._')[0]}.{value.__name__}` ({name})"
            for name, value in replacements.items()
        ),
    )


# ------------------------------------------------------------ all of them

FAST = {
    "huber": huber_get_config,
    "cosine-restarts": cosine_decay_restarts,
    "kerastuner": kerastuner_without_tensorboard,
    "imblearn-keras": imblearn_balanced_batch_generator,
}
SLOW = {"tensorflow-addons": tensorflow_addons_import}


def _cache_path():
    root = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return pathlib.Path(
        os.environ.get("KERASNOTES_FACTS_CACHE")
        or os.path.join(root, "kerasnotes", "upstream_facts.json")
    )


def _environment():
    """What a cached fact depends on: Python and the upstream versions."""
    return {
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "tensorflow": _version("tensorflow"),
        "keras": _version("keras"),
        "keras-tuner": _version("keras-tuner"),
    }


def save_cached(fact):
    """Records a fact checked outside the build (a slow test, --slow)."""
    path = _cache_path()
    try:
        entries = json.loads(path.read_text())
    except (OSError, ValueError):
        entries = {}
    record = dataclasses.asdict(fact)
    record["checked"] = f"{datetime.date.today().isoformat()}, cached"
    entries[fact.key] = {"environment": _environment(), "fact": record}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entries, indent=1))


def load_cached(key):
    """The cached fact `key` if it was checked with this environment, else None."""
    try:
        entry = json.loads(_cache_path().read_text())[key]
    except (OSError, ValueError, KeyError):
        return None
    if entry.get("environment") != _environment():
        return None
    return Fact(**entry["fact"])


def not_checked(key):
    """A placeholder for a fact the build does not run."""
    command = {
        "tensorflow-addons": ADDONS_COMMAND,
        "kerastuner": KERASTUNER_COMMAND,
    }[key]
    return Fact(
        key=key,
        title=TITLES[key],
        claim=CLAIMS[key],
        still_true=None,
        observed="not checked in this build: run "
        f"`python docs/_build/upstream_facts.py --slow {key}`",
        versions="",
        command=command,
        kerasnotes="",
        checked="not in this build",
    )


def timed(function, **kwargs):
    start = time.perf_counter()
    fact = function(**kwargs)
    return dataclasses.replace(fact, seconds=time.perf_counter() - start)


def collect(slow=False, keys=None):
    """Every fact in page order. The fast ones run here; the slow ones run
    only with `slow=True` (and are then cached), else come from the cache or
    as "not checked in this build". KerasTuner's runs here on the TensorFlow
    backend, and counts as slow on the others (a fresh Python)."""
    import keras

    facts = []
    for key, function in {**FAST, **SLOW}.items():
        if keys and key not in keys:
            continue
        is_slow = key in SLOW or (
            key == "kerastuner" and keras.config.backend() != "tensorflow"
        )
        if not is_slow:
            facts.append(timed(function))
        elif slow:
            fact = timed(function)
            save_cached(fact)
            facts.append(fact)
        else:
            facts.append(load_cached(key) or not_checked(key))
    return facts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", action="store_true", help="run the slow checks")
    parser.add_argument("keys", nargs="*", help=f"some of {[*FAST, *SLOW]}")
    args = parser.parse_args(argv)
    unknown = set(args.keys) - {*FAST, *SLOW}
    if unknown:
        parser.error(f"unknown facts {sorted(unknown)}; choose from {[*FAST, *SLOW]}")
    for fact in collect(slow=args.slow, keys=args.keys):
        print(f"{fact.key} ({fact.seconds:.2f} s, {fact.checked}): {fact.status}")
        print(textwrap.indent(f"upstream: {fact.observed}", "  "))
        print(textwrap.indent(f"kerasnotes: {fact.kerasnotes}", "  "))


if __name__ == "__main__":
    main()
