"""The data files' JSON: the same data as the JSON module reads it, one record to a line."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from generator.jsondata import EncodedRecords, record_line, records_json

plain = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
values = st.recursive(plain, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20)
records = st.lists(st.dictionaries(st.text(), values, max_size=4), max_size=5)


@given(records)
def test_a_list_reads_back_as_the_same_data_one_record_to_a_line(data: list[dict[str, Any]]) -> None:
    text = records_json(data)
    assert json.loads(text) == data
    assert text.endswith("\n")
    assert text.count("\n") == (len(data) + 2 if data else 1)  # (U+2028 and the like stay in their record)


@given(st.dictionaries(st.text(), records | values, max_size=5))
def test_an_object_reads_back_as_the_same_data(data: dict[str, Any]) -> None:
    assert json.loads(records_json(data)) == data
    assert json.loads(records_json(data, sort_keys=True)) == data


@given(st.dictionaries(st.text(), records | values, max_size=5))
def test_records_encoded_before_give_the_same_text(data: dict[str, Any]) -> None:
    encoded = {key: EncodedRecords([record_line(item) for item in value]) if isinstance(value, list) else value for key, value in data.items()}
    assert records_json(encoded) == records_json(data)
    # encoded in UTF-8 too, as edition.json's lines are kept
    in_bytes = {key: EncodedRecords([record_line(item).encode() for item in value]) if isinstance(value, list) else value for key, value in data.items()}
    assert records_json(in_bytes) == records_json(data)


def test_each_record_of_a_member_list_is_a_line_of_its_own() -> None:
    text = records_json({"title": "Cables", "documents": [{"id": "a", "text": "One\ntwo"}, {"id": "b"}], "persons": []})
    assert text.splitlines() == [
        "{",
        '  "title": "Cables",',
        '  "documents": [',
        '    {"id": "a", "text": "One\\ntwo"},',
        '    {"id": "b"}',
        "  ],",
        '  "persons": []',
        "}",
    ]
