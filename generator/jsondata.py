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

    lines: Sequence[str]


def record_line(value: Any, sort_keys: bool = False) -> str:
    """One item of a list as `records_json` writes it."""
    return json.dumps(value, ensure_ascii=False, sort_keys=sort_keys)


def _records(values: list[Any] | EncodedRecords, indent: str, sort_keys: bool) -> str:
    lines = values.lines if isinstance(values, EncodedRecords) else [record_line(value, sort_keys) for value in values]
    if not lines:
        return "[]"
    inner = indent + "  "
    return "[\n" + ",\n".join(inner + line for line in lines) + "\n" + indent + "]"


def records_json(data: dict[str, Any] | list[Any], *, sort_keys: bool = False) -> str:
    """`data` as JSON: a list with one item to a line, or an object with one member to a line and the items of its
    lists one to a line (a list's items may come encoded already, as `EncodedRecords`)."""
    if isinstance(data, list):
        return _records(data, "", sort_keys) + "\n"
    members = sorted(data.items()) if sort_keys else data.items()
    lines = [f"  {record_line(key, sort_keys)}: " + (_records(value, "  ", sort_keys) if isinstance(value, (list, EncodedRecords))
                                               else record_line(value, sort_keys))
             for key, value in members]
    return "{\n" + ",\n".join(lines) + "\n}\n" if lines else "{}\n"
