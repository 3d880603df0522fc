"""The documentation site: `mkdocs build --strict` passes, and its API
reference has a heading for every public name, with the docstrings rendered
as written (doctest examples as code, formulas as code blocks, reference
links as links).

The site is built once for the module, into a temporary folder, by the same
command as `make docs` (mkdocs.yml's hooks run: the pictures, the upstream
facts). Where the site has just been built by `make docs` in the same run (as
in CI), `KERASNOTES_DOCS_SITE=site` checks that folder instead of building it
again.
"""

import html
import importlib
import inspect
import os
import pathlib
import re
import subprocess
import sys

import mkdocs  # noqa: F401  (the test extra installs the docs tools)
import pytest

import kerasnotes

ROOT = pathlib.Path(__file__).resolve().parents[2]

# kerasnotes.tuning is public but imported on its own (it loads KerasTuner).
MODULES = [
    "kerasnotes",
    *(f"kerasnotes.{name}" for name in kerasnotes.__all__ if name != "__version__"),
    "kerasnotes.plot",
    "kerasnotes.testing",
    "kerasnotes.tuning",
]

pytestmark = [pytest.mark.slow, pytest.mark.one_backend]


def _page_name(module):
    return "kerasnotes" if module == "kerasnotes" else module.split(".", 1)[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    prebuilt = os.environ.get("KERASNOTES_DOCS_SITE")
    if prebuilt:
        return ROOT / prebuilt
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-5000:]
    return out


def _api_page(site, module):
    return (site / "api" / _page_name(module) / "index.html").read_text("utf-8")


def _heading_ids(page):
    return set(re.findall(r'<h[1-6] id="([^"]+)"', page))


def _public_objects(module_name):
    module = importlib.import_module(module_name)
    for name in module.__all__:
        yield f"{module_name}.{name}", getattr(module, name)


def _missing_headings(site):
    # A subpackage's heading is on its own page (kerasnotes.__all__ names them).
    ids = set().union(*(_heading_ids(_api_page(site, m)) for m in MODULES))
    missing = [m for m in MODULES[1:] if m not in ids]
    for module in MODULES:
        missing += [path for path, _ in _public_objects(module) if path not in ids]
    return missing


def _sections(page):
    """The HTML of each object's entry, by its id (up to the next heading)."""
    marks = list(re.finditer(r'<h[1-6] id="([^"]+)" class="doc doc-heading"', page))
    ends = [m.start() for m in marks[1:]] + [len(page)]
    return {m.group(1): page[m.start() : end] for m, end in zip(marks, ends)}


def _docstring(obj):
    if inspect.ismodule(obj) or not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return ""
    return inspect.getdoc(obj) or ""


def _not_rendered(site, module):
    """What of the module's docstrings the page does not show as written."""
    page = _api_page(site, module)
    problems = []
    # Markdown turns an unindented `>>>` into three nested block quotes.
    if "<blockquote>" in page:
        problems.append(f"{module}: a block quote")
    # A fence that was not read as one shows up as its backticks.
    if "```" in html.unescape(re.sub(r"<[^>]+>", "", page)):
        problems.append(f"{module}: a fence shown as text")
    sections = _sections(page)
    for path, obj in _public_objects(module):
        doc = _docstring(obj)
        text = sections.get(path, "")
        prompts = len(re.findall(r"^>>>", doc, flags=re.M))
        rendered = text.count('<span class="gp">&gt;&gt;&gt; </span>')
        # A class's methods may add examples of their own, never remove one.
        if rendered < prompts:
            problems.append(f"{path}: {rendered} of {prompts} >>> lines as code")
        for url in re.findall(r"\]\((https?://[^)\s]+)\)", doc):
            if f'href="{html.escape(url)}"' not in text:
                problems.append(f"{path}: no link to {url}")
        if text.count("<pre>") < doc.count("```") // 2:
            problems.append(f"{path}: a code block missing")
    return problems


# One test for the whole site, so that pytest-xdist runs one build, on one
# worker (the pictures' hook writes docs/figures/).
def test_api_reference_has_every_public_name_rendered_as_written(site):
    assert not [m for m in MODULES if not (site / "api" / _page_name(m)).is_dir()]
    missing = _missing_headings(site)
    assert not missing, f"no heading in the API reference for {missing}"
    problems = [p for module in MODULES for p in _not_rendered(site, module)]
    assert not problems, "\n".join(problems)
    # One entry checked by hand: AdamW's update rule and example, as written.
    text = _sections(_api_page(site, "kerasnotes.optimizers"))[
        "kerasnotes.optimizers.AdamW"
    ]
    code = html.unescape(re.sub(r"<[^>]+>", "", text))
    assert '>>> opt.exclude_from_weight_decay(var_names=["bias"])' in code
    assert "theta = theta - learning_rate * weight_decay * theta" in code
