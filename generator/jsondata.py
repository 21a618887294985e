"""JSON for the edition's data files, one record to a line.

`edition.json` and `persons.json` hold a record for each document or entry. Written one record
to a line, they are made by the JSON module's C encoder (an indented file is made by its Python
one, several times slower), stay readable, and a changed record shows as one changed line in a diff.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EncodedRecords:
    """A list whose items are encoded already, each as `record_line` encodes it (kept from an earlier build)."""

    lines: Sequence[str] | Sequence[bytes]  # (bytes: encoded in UTF-8 too)


def record_line(value: Any, sort_keys: bool = False) -> str:
    """One item of a list as `records_json` writes it."""
    return json.dumps(value, ensure_ascii=False, sort_keys=sort_keys)


def _records(values: list[Any] | EncodedRecords, indent: str, sort_keys: bool, pieces: list[str | bytes]) -> None:
    """Add the list's text to `pieces`, which are joined once or encoded one by one: a copy of each large record is
    all it costs."""
    lines = values.lines if isinstance(values, EncodedRecords) else [record_line(value, sort_keys) for value in values]
    if not lines:
        pieces.append("[]")
        return
    inner = indent + "  "
    separator = ",\n" + inner
    pieces += ("[\n", inner, lines[0])
    for line in lines[1:]:  # (not joined here: a caller may encode the pieces one by one, see records_json_pieces)
        pieces += (separator, line)
    pieces += ("\n", indent, "]")


def records_json(data: dict[str, Any] | list[Any] | EncodedRecords, *, sort_keys: bool = False) -> str:
    """`data` as JSON: a list with one item to a line, or an object with one member to a line and the items of its
    lists one to a line (a list's items may come encoded already, as `EncodedRecords`)."""
    return "".join(piece if isinstance(piece, str) else piece.decode("utf-8") for piece in records_json_pieces(data, sort_keys=sort_keys))


def records_json_pieces(data: dict[str, Any] | list[Any] | EncodedRecords, *, sort_keys: bool = False) -> list[str | bytes]:
    """`records_json`'s text in the pieces it is joined from: each record's line is one of them (as bytes, when
    `EncodedRecords` gave it so)."""
    pieces: list[str | bytes] = []
    if isinstance(data, (list, EncodedRecords)):
        _records(data, "", sort_keys, pieces)
        pieces.append("\n")
        return pieces
    members = sorted(data.items()) if sort_keys else data.items()
    if not members:
        return ["{}\n"]
    pieces.append("{\n")
    for number, (key, value) in enumerate(members):
        pieces += (",\n" if number else "", "  ", record_line(key, sort_keys), ": ")
        if isinstance(value, (list, EncodedRecords)):
            _records(value, "  ", sort_keys, pieces)
        else:
            pieces.append(record_line(value, sort_keys))
    pieces.append("\n}\n")
    return pieces
