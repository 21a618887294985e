"""The registers as data: `persons.json`, `organizations.json`, `places.json`, each entry with the documents it appears in."""

from __future__ import annotations

from typing import Any

from generator import paths
from generator.index import EditionIndex
from generator.jsondata import EncodedRecords, record_line, records_json
from generator.model import Organization, Place, Term


def registers_json(index: EditionIndex, kind: str) -> str:
    """`persons.json`, `organizations.json` or `places.json`: every entry with the documents it appears in (sorted keys, stable order)."""
    entries = index.entries(kind)
    lines: list[str] = []  # each record encoded as soon as it is made: all of them at once, as dicts, added 10 MiB to a build's peak
    for entry in entries:
        record: dict[str, Any] = {
            "id": entry.id,
            "name": entry.name,
            "sort_name": entry.sort_name or entry.name,
            "aliases": list(entry.aliases),
            "dates": entry.dates,
            "description": entry.description,
            "authority": dict(entry.authority),
            "url": paths.entry_link(kind, entry.id),
            "documents": [
                {
                    "id": a.document.id,
                    "title": a.document.title,
                    "date": a.document.date.iso,
                    "roles": list(a.roles),
                    "mentions": a.mentions,
                    "surfaces": dict(a.surfaces),
                    "url": paths.document(a.document.id),
                }
                for a in index.appearances_of(kind, entry.id)
            ],
        }
        if isinstance(entry, Place):
            record["modern_name"] = entry.modern_name
            record["coordinates"] = list(entry.coordinates) if entry.coordinates else None
        if isinstance(entry, Organization):
            record["part_of"] = entry.part_of
        if isinstance(entry, Term):
            record["expansion"] = entry.expansion
        lines.append(record_line(record, sort_keys=True))
    return records_json(EncodedRecords(lines), sort_keys=True)
