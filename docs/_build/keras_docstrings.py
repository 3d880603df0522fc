"""A griffe extension: reads Keras-style `Example:` sections as examples.

kerasnotes writes its docstrings as Keras does: the section title
`Example:`, a blank line, then the doctest at the docstring's own indentation::

    Example:

    >>> import kerasnotes
    >>> kerasnotes.activations.relu([-1.0, 3.0])

Griffe's Google-style parser wants `Examples:` with the block indented under
it and no blank line between, and otherwise hands the lines to Markdown, which
renders `>>>` as three nested block quotes and an output such as
`[0.0, 0.4142, 2.1623]` as a broken reference link. This extension rewrites
each such section, before griffe parses the docstring, into the form griffe
reads: the doctest (and the prose between its blocks) becomes an examples
section, rendered as highlighted console code. Prose after the last code
block stays outside the section. The docstrings themselves stay as they are,
so `help()` and the doctests see what the source says.

mkdocs.yml loads it (plugins > mkdocstrings > handlers > python > options >
extensions).
"""

import re

import griffe

_TITLE = re.compile(r"^Examples?:\s*$")
# A Google-style section title at the docstring's indentation ("References:").
_SECTION = re.compile(r"^[A-Z][A-Za-z ]*:\s*$")


def _last_code_line(block):
    """The index in `block` of the last line of its last code block, or -1."""
    last = -1
    in_fence = False
    in_doctest = False
    for i, line in enumerate(block):
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
            last = i
        elif in_fence:
            last = i
        elif line.startswith((">>>", "...")):
            in_doctest = True
            last = i
        elif not stripped:
            in_doctest = False
        elif in_doctest:  # the expected output of the statement above
            last = i
    return last


def rewrite_examples(text):
    """Returns `text` with each Keras-style example section in Google form."""
    lines = text.split("\n")
    out = []
    i = 0
    while i < len(lines):
        if not _TITLE.match(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        end = i + 1
        while end < len(lines) and not _SECTION.match(lines[end]):
            end += 1
        block = lines[i + 1 : end]
        last = _last_code_line(block)
        first = next((k for k, line in enumerate(block) if line.strip()), None)
        if last < 0 or first is None or block[first].startswith(" "):
            # No code, or already indented (griffe reads it as it is).
            out.append(lines[i])
            i += 1
            continue
        out.append("Examples:")
        out.extend(
            "    " + line if line.strip() else "" for line in block[first : last + 1]
        )
        out.extend(block[last + 1 :])
        i = end
    return "\n".join(out)


class KerasExamples(griffe.Extension):
    """Rewrites each object's docstring's `Example:` sections (see the module)."""

    def on_instance(self, *, obj, **kwargs):
        if obj.docstring is not None and "xample:" in obj.docstring.value:
            obj.docstring.value = rewrite_examples(obj.docstring.value)
