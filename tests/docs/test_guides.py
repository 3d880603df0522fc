"""The guides under docs/guides/ run as they read.

Every ```python block of a guide is extracted in order and the blocks run as
one script, in a fresh Python process whose working folder is a temporary
one (the guides write `.keras` files and search folders there), on the
backend of the test run (`KERAS_BACKEND`). A failing block is reported with
the guide, the block's number and the traceback, whose line numbers are the
guide's own (each block is compiled at its line in the Markdown file).
"""

import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

GUIDES_DIR = pathlib.Path(__file__).parents[2] / "docs" / "guides"
GUIDES = sorted(GUIDES_DIR.glob("*.md"))
TIMEOUT_S = 300

# The program each guide runs in: it reads the blocks from the guide itself, so
# the test and the page cannot disagree on what the code is.
_RUNNER = textwrap.dedent(
    r'''
    import re, sys, time, traceback

    def blocks(path):
        """(number, first line, code) of every ```python block, in order."""
        lines = open(path, encoding="utf-8").read().split("\n")
        found, start = [], None
        for i, line in enumerate(lines):
            if start is None and re.fullmatch(r"```python\s*", line):
                start = i + 1
            elif start is not None and line.strip() == "```":
                found.append((len(found) + 1, start + 1, "\n".join(lines[start:i])))
                start = None
        if start is not None:
            sys.exit(f"{path}: the ```python block at line {start} is not closed")
        return found

    path = sys.argv[1]
    namespace = {"__name__": "__main__"}
    for number, line, code in blocks(path):
        began = time.perf_counter()
        try:
            # Padded so that a traceback gives the guide's own line numbers.
            exec(compile("\n" * (line - 1) + code, path, "exec"), namespace)
        except BaseException:
            print(f"\n{path}: block {number} (line {line}) failed:", file=sys.stderr)
            traceback.print_exc()
            sys.exit(1)
        print(f"block {number}: {time.perf_counter() - began:.1f} s", file=sys.stderr)
    print(f"{len(blocks(path))} blocks ran")
    '''
)


def python_blocks(path):
    """The code of each ```python block of a Markdown file, in order."""
    text = pathlib.Path(path).read_text(encoding="utf-8")
    return re.findall(r"^```python[ \t]*\n(.*?)^```[ \t]*$", text, re.S | re.M)


def run_guide(path, cwd):
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["MPLBACKEND"] = "Agg"  # no window, whatever the machine has
    return subprocess.run(
        [sys.executable, "-c", _RUNNER, str(pathlib.Path(path).resolve())],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )


def test_every_guide_has_code():
    assert len(GUIDES) == 6, [g.name for g in GUIDES]
    for guide in GUIDES:
        assert python_blocks(guide), f"{guide.name} has no ```python block"


# TensorFlow only (`one_backend`): a guide's process spends most of its time
# importing the backend and fitting, about 3 minutes for the six per backend
# on CI's machine; the components the guides use are tested on every backend
# by their own tests. `KERAS_BACKEND=jax pytest tests/docs/test_guides.py`
# runs them on another backend.
@pytest.mark.slow
@pytest.mark.one_backend
@pytest.mark.parametrize("guide", GUIDES, ids=[g.stem for g in GUIDES])
def test_guide_runs(guide, tmp_path):
    result = run_guide(guide, tmp_path)
    assert result.returncode == 0, (
        f"docs/guides/{guide.name} failed (backend "
        f"{os.environ.get('KERAS_BACKEND', 'default')}):\n"
        f"{result.stderr[-6000:]}"
    )
    assert f"{len(python_blocks(guide))} blocks ran" in result.stdout


@pytest.mark.slow
def test_a_failing_block_is_named(tmp_path):
    # The runner reports the block and the guide's line, and stops there.
    guide = tmp_path / "broken.md"
    guide.write_text(
        "# A guide\n\n```python\nx = 1\n```\n\nText.\n\n"
        "```python\ny = x + 1\nraise ValueError(f'y={y}')\n```\n\n"
        "```python\nprint('never')\n```\n",
        encoding="utf-8",
    )
    result = run_guide(guide, tmp_path)
    assert result.returncode == 1
    assert "broken.md: block 2 (line 10) failed" in result.stderr
    assert f'File "{guide}", line 11' in result.stderr
    assert "ValueError: y=2" in result.stderr
    assert "never" not in result.stdout
