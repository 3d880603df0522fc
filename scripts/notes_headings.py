"""Writes tests/docs/notes_headings.json: the section headings of the five
notes files (../shared/notes/, or KERASNOTES_NOTES_DIR), found by the rules
of tests/docs/test_notes_map.py. The map's tests check docs/notes.md against
this file wherever the suite runs, and check the file against the notes
where the notes are at hand.

Run:  python scripts/notes_headings.py
"""

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from tests.docs import test_notes_map as rules  # noqa: E402


def main():
    headings = {key: sorted(rules.extract_headings(key)) for key in rules.FILES}
    rules.HEADINGS_FILE.write_text(
        json.dumps(headings, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    count = sum(map(len, headings.values()))
    print(f"{count} headings of {len(headings)} files -> {rules.HEADINGS_FILE}")


if __name__ == "__main__":
    main()
