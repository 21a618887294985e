"""The reader's ways into the edition, checked in the built sample's HTML."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import parse_html

DOC = "documents/1951-10-18-mao-to-filippov/index.html"


def test_a_document_without_neighbours_has_no_empty_pager(sample_site: Path) -> None:
    assert parse_html(sample_site / DOC).select(".pager") == []
