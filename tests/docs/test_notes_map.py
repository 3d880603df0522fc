"""docs/notes.md maps every section of the notes, and every name it cites exists.

The notes (`../shared/notes/`, or the folder in `KERASNOTES_NOTES_DIR`) are
five files written in three styles, so each has its own rule for what a
section heading is (`RULES` below, one line per file):

- 000, 001, 002, 003 are Markdown: ATX headings (`#` to `###`) outside fenced
  code blocks. 001's emoji arrive as mojibake (UTF-8 read as cp1252: "ğŸ§ ")
  and 000/003 wrap headings in `**...**`; `clean` drops both.
- 004 is a word-processor export: its own table of contents (the lines after
  "Contents", each "title<TAB>page") plus the `#`/`##` headings of its
  Markdown second half (which the table of contents does not list in full).

A few sub-headings only structure their parent ("Benefits", "How It Works",
"Summary"); `STRUCTURAL` lists them per file, the parent's row covers them,
and a test checks each one is still a heading there (so the list cannot go
stale). Every other heading must appear in the "section" column of that
file's table in docs/notes.md; a section cell names one or more headings,
separated by `<br>`, each possibly as a path `parent › child`; every part
of every path must itself be a heading of that file, so a typo or a heading
that the notes no longer have fails too.

Every `kerasnotes.…`, `keras.…`, `sklearn.…` and `imblearn.…` name in a code
span of the map must resolve (import the longest module prefix, then getattr
the rest).
"""

import importlib
import json
import os
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).parents[2]
MAP = ROOT / "docs" / "notes.md"
NOTES_DIR = pathlib.Path(
    os.environ.get("KERASNOTES_NOTES_DIR", ROOT.parent / "shared" / "notes")
)
FILES = {
    "000": "000_4eea9c6fb8f7d0fa.txt",
    "001": "001_d836e91730cbf033.txt",
    "002": "002_adac6bd47b20ddb1.txt",
    "003": "003_f19db16c3df8507a.txt",
    "004": "004_12653d541c0d23ee.txt",
}
needs_notes = pytest.mark.skipif(
    not all((NOTES_DIR / name).is_file() for name in FILES.values()),
    reason=f"the notes are not at {NOTES_DIR} (set KERASNOTES_NOTES_DIR to "
    "the folder holding the five notes files)",
)

FENCE = re.compile(r"^\s*(?:[-*•]\s+)?```")  # 004 opens one fence as "- ```"
THEMATIC_BREAK = re.compile(r"^\s*---+\s*$")
ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*\S)\s*$")
TOC_LINE = re.compile(r"^([^\t]*\S)\s*\t\s*(\d+)\s*$")
PATH_SEPARATOR = " › "


def clean(text):
    """A heading as the map writes it, for comparison: mojibake and emoji
    before the first ASCII letter or digit dropped, Markdown emphasis, math
    dollars and backticks removed, leading numbering ("2.", "1.1.") and
    trailing colons and dots dropped, spaces collapsed, case folded."""
    text = re.sub(r"^[^A-Za-z0-9$\\]+", "", text)
    text = re.sub(r"[*`$]", "", text)
    text = re.sub(r"^\d+(\.\d+)*[.)]\s+", "", text)
    text = re.sub(r"[\s:.]+$", "", text)
    return " ".join(text.split()).casefold()


def atx_headings(text, levels):
    """The ATX headings of `levels` outside fenced code, cleaned.

    A fence ends at its closing ``` or, if it has none, at the next thematic
    break (`---`): 003 is a notebook export whose code cells lost their
    closing fences (and hold Python comments such as "# L1")."""
    headings, in_code = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            in_code = not in_code
            continue
        if in_code and THEMATIC_BREAK.match(line):
            in_code = False
        match = ATX.match(line)
        if not in_code and match and len(match.group(1)) in levels:
            headings.append(clean(match.group(2)))
    return headings


def table_of_contents(text):
    """004's table of contents: the "title<TAB>page" lines after the line
    "Contents", up to the first non-blank line that is not one."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "Contents")
    entries = []
    for line in lines[start + 1 :]:
        match = TOC_LINE.match(line)
        if match:
            entries.append(clean(match.group(1)))
        elif line.strip():
            break
    return entries


RULES = {
    "000": lambda text: atx_headings(text, {1, 2, 3}),
    "001": lambda text: atx_headings(text, {1, 2, 3}),
    "002": lambda text: atx_headings(text, {1, 2, 3}),
    "003": lambda text: atx_headings(text, {1, 2, 3}),
    "004": lambda text: table_of_contents(text) + atx_headings(text, {1, 2}),
}

# Sub-headings that only structure their parent section (whose row covers
# them). Each must still be a heading of its file.
STRUCTURAL = {
    "000": {"benefits", "limitation"},
    "001": set(),
    "002": {
        "index",  # the file's own table of contents
        # a note to self restating the derivation above it:
        "w^{m + 1\\top} is weight of previous layer from backward perspective"
        "...so it considers previous weights to and similarly for bias too",
        "summary",
    },
    "003": set(),
    "004": set(),
}


# The headings the rules find, per file, kept in the repository
# (scripts/notes_headings.py writes it from the notes), so the map is checked
# against them wherever the suite runs; where the notes are at hand, a test
# checks the file is what the rules find in them now.
HEADINGS_FILE = pathlib.Path(__file__).with_name("notes_headings.json")


def extract_headings(key):
    """The cleaned headings `RULES` finds in the notes file `key`."""
    text = (NOTES_DIR / FILES[key]).read_text(encoding="utf-8")
    return set(RULES[key](text))


def notes_headings(key):
    """The headings of notes file `key`: from the notes where they are at
    hand, from notes_headings.json otherwise."""
    if (NOTES_DIR / FILES[key]).is_file():
        return extract_headings(key)
    return set(json.loads(HEADINGS_FILE.read_text(encoding="utf-8"))[key])


def map_tables():
    """File key -> list of rows (lists of cells) of that file's tables in
    docs/notes.md: the tables under the `## Notes <key>` heading."""
    tables, key = {}, None
    for line in MAP.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^##\s+Notes\s+(\d{3})\b", line)
        if heading:
            key = heading.group(1)
            tables.setdefault(key, [])
        elif line.startswith("## "):
            key = None
        elif key and line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if cells[0] in ("section", "---") or set(cells[0]) <= {"-", ":"}:
                continue
            tables[key].append(cells)
    return tables


def section_parts(cell):
    """The cleaned headings a section cell names (every part of every path)."""
    return {
        clean(part)
        for entry in re.split(r"<br\s*/?>", cell)
        for part in entry.split(PATH_SEPARATOR)
        if part.strip()
    }


def cited_names():
    """Every dotted kerasnotes / keras / sklearn / imblearn name in a code
    span of the map, up to the first character that is not part of a name
    (`keras.layers.Dense(use_bias=False)` cites `keras.layers.Dense`)."""
    text = MAP.read_text(encoding="utf-8")
    names = set()
    for span in re.findall(r"`([^`]+)`", text):
        match = re.match(r"(?:kerasnotes|keras|sklearn|imblearn)(?:\.\w+)+", span)
        if match:
            names.add(match.group(0))
    return sorted(names)


def resolve(name):
    """Imports the longest importable module prefix of `name`, then gets the
    remaining attributes; raises if any step fails."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attribute in parts[i:]:
            obj = getattr(obj, attribute)
        return obj
    raise ImportError(name)


def test_the_map_has_a_table_for_each_notes_file():
    tables = map_tables()
    assert sorted(tables) == sorted(FILES)
    for key, rows in tables.items():
        assert rows, f"no rows for notes {key}"
        for cells in rows:
            assert len(cells) == 4, (
                f"notes {key}: a row has {len(cells)} cells: {cells}"
            )
            assert cells[0] and cells[1] and cells[2], (
                f"notes {key}: empty cell: {cells}"
            )


@pytest.mark.parametrize("key", sorted(FILES))
def test_every_heading_of_the_notes_is_in_the_map(key):
    headings = notes_headings(key)
    covered = set().union(*(section_parts(cells[0]) for cells in map_tables()[key]))
    missing = sorted(headings - covered - STRUCTURAL[key])
    assert not missing, f"notes {key}: headings missing from docs/notes.md: {missing}"


@pytest.mark.parametrize("key", sorted(FILES))
def test_every_section_the_map_names_is_a_heading_of_the_notes(key):
    headings = notes_headings(key)
    named = set().union(*(section_parts(cells[0]) for cells in map_tables()[key]))
    unknown = sorted(named - headings)
    assert not unknown, f"notes {key}: not headings of {FILES[key]}: {unknown}"
    stale = sorted(STRUCTURAL[key] - headings)
    assert not stale, f"notes {key}: STRUCTURAL names no heading: {stale}"


@needs_notes
@pytest.mark.parametrize("key", sorted(FILES))
def test_the_kept_headings_are_the_notes_headings(key):
    kept = json.loads(HEADINGS_FILE.read_text(encoding="utf-8"))
    assert sorted(extract_headings(key)) == kept[key], (
        "the notes changed: rerun python scripts/notes_headings.py"
    )


@needs_notes
def test_the_notes_readme_indexes_the_five_files():
    readme = (NOTES_DIR / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\|\s*(\d{3}_[0-9a-f]+\.txt)\s*\|", readme, re.M))
    assert listed == set(FILES.values())


def test_the_heading_rules_read_each_style():
    # 001's mojibake emoji and numbering; 000/003's bold; 002's math.
    assert clean("ğŸŒŸ 1. What is a Neural Network?") == "what is a neural network?"
    assert clean("âœ… **Dropout Layer**") == "dropout layer"
    assert clean("1.1. Pre-activation $$ z^2 $$ for Hidden Layer") == (
        "pre-activation z^2 for hidden layer"
    )
    assert clean("Step Function:.....") == "step function"
    assert clean("5 fold cross validation") == "5 fold cross validation"
    text = "# A\n```python\n# not a heading\n\n---\n## B\n- ```\n# C\n```\n#D\n"
    assert atx_headings(text, {1, 2}) == ["a", "b"]
    toc = "x\nContents\n\nOne:\t3\nTwo\t14\n\nBody\nThree\t5\n"
    assert table_of_contents(toc) == ["one", "two"]


def test_every_name_the_map_cites_exists():
    names = cited_names()
    assert len(names) > 50  # the extraction found the map's names
    failures = []
    for name in names:
        try:
            resolve(name)
        except (ImportError, AttributeError) as error:
            failures.append(f"{name}: {error!r}")
    assert not failures, "names in docs/notes.md that do not resolve:\n" + "\n".join(
        failures
    )
