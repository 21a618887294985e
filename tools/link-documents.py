#!/usr/bin/env python3
"""Turn a FRUS-style edition's references to documents of the same volume into doc: links.

    python tools/link-documents.py EDITION_DIR   # rewrites the documents in place: run it on a copy

A document of a volume lives in `content/documents/<volume>/` with its FRUS number in `number:`.
In its text, "Document 80" becomes `[Document 80](doc:<id of number 80>)` and "footnote 7,
Document 80" becomes `[footnote 7, Document 80](doc:<id>#7)` when document 80 is of the same
volume: a reference just after another volume's title ("…, 1958–1960, Volume II, …, Document 80")
is left as text. References inside links and code are left alone. Prints what it linked.
"""

from __future__ import annotations

import re
from pathlib import Path

REFERENCE = re.compile(r"(?:(?P<footnote>[Ff]ootnote (?P<note>\d+), )?Document (?P<number>\d+))(?![\d\]])")
VOLUME = re.compile(r"(\d{4})[–-](\d{4}),? (?:Volume|vol\.) ([IVXLC]+)")
LINK_OR_CODE = re.compile(r"\[[^\]]*\]\([^)]*\)|`[^`]*`")
BEFORE = 160  # how far back a volume's title counts for a reference


def front_matter_number(text: str) -> str | None:
    found = re.search(r"^number: *\"?([^\"\n]+)\"?$", text.split("\n---", 1)[0], re.MULTILINE)
    return found.group(1).strip() if found else None


def own_volume(text: str) -> tuple[str, str, str] | None:
    found = re.search(r"^collection: *\"?(.*?)\"?$", text.split("\n---", 1)[0], re.MULTILINE)
    volume = VOLUME.search(found.group(1)) if found else None
    return volume.groups() if volume else None  # type: ignore[return-value]


def link_body(body: str, ids: dict[str, str], volume: tuple[str, str, str] | None) -> tuple[str, int]:
    protected = [(m.start(), m.end()) for m in LINK_OR_CODE.finditer(body)]
    pieces: list[str] = []
    last = linked = 0
    for match in REFERENCE.finditer(body):
        if any(start <= match.start() < end for start, end in protected):
            continue
        target = ids.get(match.group("number"))
        named = VOLUME.findall(body[max(0, match.start() - BEFORE) : match.start()])
        if target is None or (named and tuple(named[-1]) != volume):
            continue  # no such document here, or a reference to another volume
        fragment = f"#{match.group('note')}" if match.group("footnote") else ""
        pieces += [body[last : match.start()], f"[{match.group(0)}](doc:{target}{fragment})"]
        last = match.end()
        linked += 1
    return "".join(pieces) + body[last:], linked


def main(edition: Path) -> int:
    total = 0
    for volume_dir in sorted(p for p in (edition / "content" / "documents").iterdir() if p.is_dir()):
        files = sorted(volume_dir.glob("*.md"))
        texts = {path: path.read_text(encoding="utf-8") for path in files}
        ids = {number: path.stem for path, text in texts.items() if (number := front_matter_number(text))}
        linked_here = 0
        for path, text in texts.items():
            head, separator, body = text.partition("\n---\n")
            new_body, linked = link_body(body, ids, own_volume(text))
            if linked:
                path.write_text(head + separator + new_body, encoding="utf-8")
                linked_here += linked
        print(f"{volume_dir.name}: {linked_here} references linked")
        total += linked_here
    print(f"in all: {total} references linked")
    return 0


if __name__ == "__main__":
    from edition_copies import run

    run(__doc__, main)
