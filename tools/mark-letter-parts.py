#!/usr/bin/env python3
"""Mark the datelines and signatures of a FRUS-style edition as letter parts ({dateline}, {signed}).

    python tools/mark-letter-parts.py EDITION_DIR   # rewrites the documents in place: run it on a copy

FRUS prints a document's place and date as an italic line above its text ("*Saigon, February 8,
1961, 6 p.m.*") and its signature as the last line, a name. A first paragraph that is one italic
line naming a year becomes `{dateline} ...`; a last paragraph (before the footnotes) that is only a
link to a person becomes `{signed} ...`. Anything else is left as it is. Prints what it marked.
"""

from __future__ import annotations

import re
from pathlib import Path

DATELINE = re.compile(r"\*[^*\n]*\b1[89]\d\d\b[^*\n]*\*")
SIGNATURE = re.compile(r"\[[^\]\n]+\]\(person:[^)\s]+\)")
FOOTNOTE = re.compile(r"^\[\^[^\]]+\]:", re.MULTILINE)


def mark_body(body: str) -> tuple[str, bool, bool]:
    """The body with its dateline and signature marked, and whether each was found."""
    notes = FOOTNOTE.search(body)
    text, notes_part = (body[: notes.start()], body[notes.start() :]) if notes else (body, "")
    paragraphs = text.split("\n\n")
    filled = [i for i, paragraph in enumerate(paragraphs) if paragraph.strip()]
    if not filled:
        return body, False, False
    first, last = filled[0], filled[-1]
    dated = DATELINE.fullmatch(paragraphs[first].strip()) is not None
    signed = last != first and SIGNATURE.fullmatch(paragraphs[last].strip()) is not None
    if dated:
        paragraphs[first] = _marked(paragraphs[first], "{dateline} ")
    if signed:
        paragraphs[last] = _marked(paragraphs[last], "{signed} ")
    return "\n\n".join(paragraphs) + notes_part, dated, signed


def _marked(paragraph: str, marker: str) -> str:
    """The paragraph with the marker before its first character, its surrounding blank space kept."""
    start = len(paragraph) - len(paragraph.lstrip())
    return paragraph[:start] + marker + paragraph[start:]


def main(edition: Path) -> int:
    datelines = signatures = 0
    files = sorted((edition / "content" / "documents").rglob("*.md"))
    for path in files:
        source = path.read_text(encoding="utf-8")
        if not source.startswith("---\n") or "\n---\n" not in source[4:]:
            continue
        end = source.index("\n---\n", 4) + len("\n---\n")
        body, dated, signed = mark_body(source[end:])
        if dated or signed:
            path.write_text(source[:end] + body, encoding="utf-8")
        datelines += dated
        signatures += signed
    print(f"{len(files)} documents: {datelines} datelines and {signatures} signatures marked")
    return 0


if __name__ == "__main__":
    from edition_copies import run

    run(__doc__, main)
