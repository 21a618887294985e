#!/usr/bin/env python3
"""Derive an organisations register from a FRUS-style edition's document headings.

    python tools/derive-organizations.py EDITION_DIR   # rewrites the edition in place: run it on a copy

FRUS headings name the sender and the recipient: "Telegram From the Embassy in France to the
Department of State", "Circular Telegram From the Department of State to the Mission at the United
Nations". Each side that is an institution (the Department of State or of Defense, an embassy,
legation, consulate, mission or delegation, the Joint Chiefs of Staff, ...) becomes an entry of
`content/organizations.yml`; the posts abroad and the delegations are `part_of` the Department of
State. A document whose `authors` (or `recipients`) are empty gets the organisation there; one that
already names a person there gets it in `organizations` instead, as the institution the person wrote
for. A heading whose sides are persons ("Letter From President Eisenhower to Prime Minister
Macmillan") is left alone. Prints what it did: how many documents gained a sender or a recipient.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

HEADING = re.compile(r" From (?P<sides>.+)$")
# An institution as FRUS headings name it, after "the"; a post abroad or a delegation is the Department of State's.
POSTS = re.compile(r"(?:Embassy|Legation|Consulate General|Consulate|Mission|Delegation|Consulate-General) (?:in|at|to) (?:the )?[A-Z].*")
INSTITUTIONS = re.compile(
    r"Department of (?:State|Defense|the Treasury|the Army|the Navy|the Air Force|Commerce|Agriculture|Justice)"
    r"|Joint Chiefs of Staff|National Security Council|Central Intelligence Agency|Operations Coordinating Board"
    r"|International Cooperation Administration|Agency for International Development|United States Information Agency"
    r"|Atomic Energy Commission|(?:[A-Z][a-z]+ )(?:Embassy|Legation|Foreign Ministry|Foreign Office|Government)"
)
STATE = ("department-of-state", "Department of State")


def organization_name(side: str) -> str | None:
    """The institution a side of a heading names ("the Embassy in France" -> "Embassy in France"), or None."""
    if not side.startswith("the ") or "(" in side or " and " in side:
        return None
    name = side[4:].strip().rstrip(",;:").strip()  # "the Embassy in Benghazi, Libya, to ..."
    return name if POSTS.fullmatch(name) or INSTITUTIONS.fullmatch(name) else None


def sender_and_recipient(title: str) -> tuple[str | None, str | None]:
    """The institutions a heading names as sender and recipient; of its splits at " to ", the one naming most."""
    found = HEADING.search(title)
    if found is None:
        return None, None
    sides = found.group("sides")
    best: tuple[int, str | None, str | None] = (0, None, None)
    for split in re.finditer(" to ", sides):
        sender, recipient = organization_name(sides[: split.start()]), organization_name(sides[split.end() :])
        score = (sender is not None) + (recipient is not None)
        if score > best[0]:
            best = (score, sender, recipient)
    return best[1], best[2]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold().replace("’", "").replace("'", "")).strip("-")


def split_front_matter(text: str) -> tuple[str, str]:
    """The front matter's text (between the first two '---' lines) and everything after it."""
    _, front, rest = text.split("---\n", 2)
    return front, rest


def with_ids(front: str, field: str, ids: list[str]) -> str:
    """`front` with `ids` added to the list `field` (made, at the end, when there is none)."""
    existing = re.search(rf"^{field}:\n((?:  - .*\n)*)", front, re.MULTILINE)
    lines = "".join(f'  - "{i}"\n' for i in ids)
    if existing is None:
        return front + f"{field}:\n{lines}"
    return front[: existing.end()] + lines + front[existing.end() :]


def main(edition: Path) -> int:
    person_ids = {entry["id"] for entry in yaml.load((edition / "content/persons.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or []}
    register: dict[str, str] = {}  # name -> id
    gained: Counter[str] = Counter()
    documents = 0
    for path in sorted((edition / "content/documents").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        front, rest = split_front_matter(text)
        data = yaml.load(front, Loader=yaml.CSafeLoader) or {}
        documents += 1
        sender, recipient = sender_and_recipient(str(data.get("title", "")))
        if sender is None and recipient is None:
            continue
        mentioned: list[str] = []
        for name, field in ((sender, "authors"), (recipient, "recipients")):
            if name is None:
                continue
            entry_id = register.get(name) or slug(name)
            if entry_id in person_ids:
                entry_id = f"org-{entry_id}"  # ids are unique across persons and organisations
            register[name] = entry_id
            if data.get(field):
                mentioned.append(entry_id)
            else:
                front = with_ids(front, field, [entry_id])
                gained[field] += 1
        new = [i for i in dict.fromkeys(mentioned) if i not in (data.get("organizations") or [])]
        if new:
            front = with_ids(front, "organizations", new)
        if (sender and not data.get("authors")) or (recipient and not data.get("recipients")):
            gained["documents"] += 1
        path.write_text(f"---\n{front}---\n{rest}", encoding="utf-8")
    if any(POSTS.fullmatch(name) for name in register):
        register.setdefault(STATE[1], STATE[0])
    # One entry per id: names that differ only in signs ("Benghazi, Libya" and "Benghazi Libya") are aliases.
    by_id: dict[str, dict[str, str]] = {}
    aliases: dict[str, list[str]] = {}
    for name, entry_id in sorted(register.items(), key=lambda item: (item[1], len(item[0]), item[0])):
        if entry_id in by_id:
            aliases.setdefault(entry_id, []).append(name)
            continue
        by_id[entry_id] = {"id": entry_id, "name": name}
        if POSTS.fullmatch(name):
            by_id[entry_id]["part_of"] = register[STATE[1]]
    entries = [{**entry, "aliases": aliases[entry_id]} if entry_id in aliases else entry for entry_id, entry in by_id.items()]
    header = "# Derived from the documents' headings by tools/derive-organizations.py.\n"
    body = yaml.dump(entries, allow_unicode=True, sort_keys=False, width=120)
    (edition / "content/organizations.yml").write_text(header + body, encoding="utf-8")
    print(
        f"{len(entries)} organisations; of {documents} documents, {gained['documents']} gained a sender or a recipient "
        f"({gained['authors']} a sender, {gained['recipients']} a recipient)"
    )
    return 0


if __name__ == "__main__":
    from edition_copies import run

    run(__doc__, main)
