"""MkDocs hook: docs/why.md's `<!-- upstream-facts -->` becomes the facts
checked in this build.

The checks are docs/_build/upstream_facts.py's; the fast ones run here, in
the build's process (0.2 s in `make docs`, where the picture hook has
imported Keras), the slow one (TensorFlow Addons, which needs the package
index) comes from the cache a `slow` test recorded, or reads "not checked
in this build". A kerasnotes side that does not hold raises and fails the
build.
"""

import datetime
import importlib.util
import logging
import pathlib
import sys
import time

PAGE = "why.md"
PLACEHOLDER = "<!-- upstream-facts -->"

log = logging.getLogger("mkdocs.hooks.facts")


def _upstream_facts():
    """docs/_build/upstream_facts.py (docs/_build is not a package)."""
    name = "kerasnotes_docs_upstream_facts"
    if name not in sys.modules:
        path = pathlib.Path(__file__).with_name("upstream_facts.py")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _cell(text):
    return " ".join(str(text).split()).replace("|", "\\|")


def render(facts, today=None):
    """The facts as Markdown: a table, then per fact what kerasnotes does
    instead and the command that shows the upstream behaviour."""
    today = today or datetime.date.today().isoformat()
    lines = [
        f"Checked when this page was built ({today}):",
        "",
        "| Fact | Versions checked | Observed | Status |",
        "| --- | --- | --- | --- |",
    ]
    for number, fact in enumerate(facts, 1):
        status = fact.status
        if fact.still_true is not None and fact.checked != "this build":
            status += f" (checked {fact.checked})"
        lines.append(
            f"| {number}. [{_cell(fact.claim)}](#fact-{fact.key}) "
            f"| {_cell(fact.versions) or '-'} | {_cell(fact.observed)} "
            f"| **{_cell(status)}** |"
        )
    lines.append("")
    for number, fact in enumerate(facts, 1):
        lines += [
            f"### {number}. {fact.title} {{#fact-{fact.key}}}",
            "",
            f"{fact.claim}.",
            "",
        ]
        if fact.kerasnotes:
            lines += [f"**kerasnotes instead:** {fact.kerasnotes}.", ""]
        lines += ["The command that shows it:", "", "```bash", fact.command.rstrip()]
        lines += ["```", ""]
    return "\n".join(lines)


def on_page_markdown(markdown, page, config, files, **kwargs):
    if page.file.src_uri != PAGE:
        return markdown
    if PLACEHOLDER not in markdown:
        raise ValueError(f"docs/{PAGE} lacks its {PLACEHOLDER} placeholder")
    module = _upstream_facts()
    start = time.perf_counter()
    facts = module.collect()
    total = time.perf_counter() - start
    checks = sum(fact.seconds for fact in facts)
    timings = ", ".join(f"{fact.key} {fact.seconds:.2f} s" for fact in facts)
    log.info(
        "upstream facts: %.1f s (checks %.1f s: %s; imports the rest)",
        total,
        checks,
        timings,
    )
    return markdown.replace(PLACEHOLDER, render(facts))
