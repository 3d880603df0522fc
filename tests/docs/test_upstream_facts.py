"""docs/why.md's upstream facts (docs/_build/upstream_facts.py, facts_hook.py).

Each check runs and its kerasnotes side holds (the check raises
`KerasnotesRegression` otherwise: the tests below that break kerasnotes on
purpose show it does). The upstream side is only required to have run and
returned a bool with what it observed: the day a release fixes one, the page
says "fixed upstream" and these tests still pass.
"""

import dataclasses
import importlib.util
import math
import pathlib
import sys
import types

import keras
import pytest

import kerasnotes

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs"


def _load(name):
    module_name = f"kerasnotes_docs_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            module_name, DOCS / "_build" / f"{name}.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]


@pytest.fixture(scope="module")
def facts():
    return _load("upstream_facts")


@pytest.fixture(scope="module")
def hook():
    return _load("facts_hook")


def _assert_checked(fact):
    assert isinstance(fact.still_true, bool), fact
    assert fact.observed.strip() and fact.versions.strip(), fact
    assert fact.command.strip() and fact.kerasnotes.strip(), fact
    assert fact.status.startswith(("still true in ", "fixed upstream in "))


# ------------------------------------------------------------------ the facts


def test_huber(facts, monkeypatch):
    fact = facts.huber_get_config()
    _assert_checked(fact)
    assert "1.125" in fact.kerasnotes  # 0.5 * 1.5**2: delta=2 survived

    # kerasnotes's Huber losing delta is caught, not reported.
    config = kerasnotes.losses.Huber.get_config
    monkeypatch.setattr(
        kerasnotes.losses.Huber,
        "get_config",
        lambda self: {k: v for k, v in config(self).items() if k != "delta"},
    )
    with pytest.raises(facts.KerasnotesRegression, match="delta"):
        facts.huber_get_config()


def test_restart_step_closed_form(facts):
    # Cycles of 10, 20, 40, ... steps start at 10 (2^k - 1); 81910 = 10 (2^13 - 1).
    assert facts.RESTART_STEP == 81910
    assert facts.sgdr_closed_form(81910, 1.0, 10, 2, 0.1) == (1.0, True)
    # Step 81909 is the last of cycle 12 (starts 40950, 40960 steps long).
    rate, restart = facts.sgdr_closed_form(81909, 1.0, 10, 2, 0.1)
    expected = 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * 40959 / 40960))
    assert not restart and rate == pytest.approx(expected, rel=1e-15)
    starts = [t for t in range(200) if facts.sgdr_closed_form(t, 1.0, 10, 2, 0.1)[1]]
    assert starts == [0, 10, 30, 70, 150]


def test_cosine_decay_restarts(facts, monkeypatch):
    fact = facts.cosine_decay_restarts()
    _assert_checked(fact)
    assert keras.config.backend() in fact.versions

    # A schedule that gives the minimum at the restart, as Keras's does, is caught.
    schedule = kerasnotes.schedules.CosineAnnealingWarmRestarts
    call = schedule.__call__
    monkeypatch.setattr(
        schedule,
        "__call__",
        lambda self, step: call(self, step - 1 if step == 81910 else step),
    )
    with pytest.raises(facts.KerasnotesRegression, match="CosineAnnealingWarmRestarts"):
        facts.cosine_decay_restarts()


def test_kerastuner_in_this_process(facts):
    if keras.config.backend() != "tensorflow":
        with pytest.raises(ValueError, match="Argument `isolated` must be True"):
            facts.kerastuner_without_tensorboard(isolated=False)
        return
    import tensorboard

    fact = facts.kerastuner_without_tensorboard(isolated=False)
    _assert_checked(fact)
    assert "trials failed" in fact.observed
    assert "tensorboard>=" in fact.kerasnotes
    # The tensorboard modules are back after the search.
    assert sys.modules["tensorboard"] is tensorboard


@pytest.mark.slow
@pytest.mark.one_backend
def test_kerastuner_in_a_python_without_tensorboard(facts):
    fact = facts.kerastuner_without_tensorboard(isolated=True)
    _assert_checked(fact)
    assert "a fresh Python without tensorboard" in fact.observed
    # A build on another backend shows this result (it does not start a Python).
    facts.save_cached(fact)


def test_imblearn_balanced_batch_generator(facts, monkeypatch):
    fact = facts.imblearn_balanced_batch_generator()
    _assert_checked(fact)
    assert "serves all 180 rows" in fact.kerasnotes  # 90 + 90, ceil(180 / 8) batches

    # A SMOTEDataset that dropped its partial batch is caught.
    monkeypatch.setattr(
        kerasnotes.data.SMOTEDataset,
        "__len__",
        lambda self: (self._n_original + self._n_synthetic) // self.batch_size,
    )
    with pytest.raises(facts.KerasnotesRegression, match="served 176 of 180"):
        facts.imblearn_balanced_batch_generator()


@pytest.mark.slow
@pytest.mark.one_backend
def test_tensorflow_addons(facts):
    try:
        fact = facts.tensorflow_addons_import()
    except facts.CheckUnavailable as error:
        pytest.skip(
            f"needs the package index (pip installs TensorFlow Addons): {error}"
        )
    _assert_checked(fact)
    # The page build shows this result (it never runs pip itself).
    facts.save_cached(fact)
    assert facts.load_cached("tensorflow-addons") == dataclasses.replace(
        fact, checked=facts.load_cached("tensorflow-addons").checked
    )


# ------------------------------------------------------- collect and cache


def _fact(facts, key="huber", still_true=True, versions="Keras 9.9"):
    return facts.Fact(
        key=key,
        title="A title",
        claim="A claim with `code`",
        still_true=still_true,
        observed="what | was seen",
        versions=versions,
        command="python -c 'print(1)'\n",
        kerasnotes="what kerasnotes does",
    )


def test_cache_round_trip_and_environment(facts, tmp_path, monkeypatch):
    monkeypatch.setenv("KERASNOTES_FACTS_CACHE", str(tmp_path / "facts.json"))
    assert facts.load_cached("tensorflow-addons") is None
    fact = _fact(facts, key="tensorflow-addons")
    facts.save_cached(fact)
    cached = facts.load_cached("tensorflow-addons")
    assert cached.checked.endswith(", cached")
    assert dataclasses.replace(cached, checked=fact.checked) == fact
    # Another TensorFlow (or Python) makes the cached result stale.
    environment = facts._environment()
    monkeypatch.setattr(
        facts, "_environment", lambda: {**environment, "tensorflow": "0.0"}
    )
    assert facts.load_cached("tensorflow-addons") is None


def test_collect_never_runs_pip(facts, tmp_path, monkeypatch):
    monkeypatch.setenv("KERASNOTES_FACTS_CACHE", str(tmp_path / "facts.json"))

    def no_pip(**kwargs):
        raise AssertionError("the build ran the TensorFlow Addons check")

    monkeypatch.setitem(facts.SLOW, "tensorflow-addons", no_pip)
    (fact,) = facts.collect(keys=["tensorflow-addons"])
    assert fact.still_true is None and fact.status == "not checked in this build"
    assert "--slow tensorflow-addons" in fact.observed
    assert "pip install" in fact.command


# ---------------------------------------------------------------- the hook


def test_status_says_fixed_upstream(facts, hook):
    fixed = _fact(facts, still_true=False)
    assert fixed.status == "fixed upstream in Keras 9.9"
    assert _fact(facts).status == "still true in Keras 9.9"
    page = hook.render([fixed], today="2026-01-01")
    assert "| **fixed upstream in Keras 9.9** |" in page
    assert "what \\| was seen" in page  # a pipe does not split the cell
    assert "### 1. A title {#fact-huber}" in page
    assert "```bash\npython -c 'print(1)'\n```" in page


def test_hook_fills_why_md_only(facts, hook, monkeypatch):
    monkeypatch.setattr(facts, "collect", lambda: [_fact(facts)])
    monkeypatch.setitem(sys.modules, "kerasnotes_docs_upstream_facts", facts)

    def page(uri):
        return types.SimpleNamespace(file=types.SimpleNamespace(src_uri=uri))

    markdown = (DOCS / "why.md").read_text()
    assert hook.PLACEHOLDER in markdown
    filled = hook.on_page_markdown(markdown, page("why.md"), None, None)
    assert hook.PLACEHOLDER not in filled and "still true in Keras 9.9" in filled
    other = "text " + hook.PLACEHOLDER
    assert hook.on_page_markdown(other, page("losses.md"), None, None) == other
    with pytest.raises(ValueError, match="placeholder"):
        hook.on_page_markdown("# Why", page("why.md"), None, None)


def test_why_md_links_every_fact(facts):
    markdown = (DOCS / "why.md").read_text()
    for key in [*facts.FAST, *facts.SLOW]:
        assert f"(#fact-{key})" in markdown, key


# ------------------------------------------------------- the page's commands


def _python_code(command):
    """The Python a page command runs: `python -c "..."` or a heredoc."""
    if command.startswith('python -c "'):
        return command[len('python -c "') : command.rindex('"')]
    lines = command.splitlines()
    assert lines[0] == "python - <<'EOF'" and lines[-1] == "EOF", command
    return "\n".join(lines[1:-1])


@pytest.mark.parametrize(
    "name, printed",
    [
        ("HUBER_COMMAND", "{'name': 'huber_loss'"),
        ("RESTARTS_COMMAND", "[0.1"),
        ("IMBLEARN_COMMAND", "samples per epoch:"),
    ],
)
def test_page_commands_run(facts, name, printed, capsys):
    # KERASTUNER_COMMAND is run by the fresh-Python test above.
    exec(compile(_python_code(getattr(facts, name)), name, "exec"), {})
    out = capsys.readouterr().out
    assert printed in out, out


# ------------------------------------------- the day upstream fixes a fact


def test_fixed_huber_reads_fixed_upstream(facts, monkeypatch):
    # A Keras Huber that keeps delta (ours stands in for it).
    monkeypatch.setattr(keras.losses, "Huber", kerasnotes.losses.Huber)
    fact = facts.huber_get_config()
    assert fact.still_true is False
    assert fact.status == f"fixed upstream in Keras {keras.__version__}"


def test_fixed_restarts_read_fixed_upstream(facts, monkeypatch):
    # A Keras CosineDecayRestarts right at the restarts (ours stands in for it).
    def fixed(initial_learning_rate, first_decay_steps, t_mul, alpha):
        return kerasnotes.schedules.CosineAnnealingWarmRestarts(
            initial_learning_rate,
            first_decay_steps,
            t_mul=float(t_mul),
            min_learning_rate=alpha * initial_learning_rate,
        )

    monkeypatch.setattr(keras.optimizers.schedules, "CosineDecayRestarts", fixed)
    fact = facts.cosine_decay_restarts()
    assert fact.still_true is False
    assert fact.status.startswith("fixed upstream in Keras")
