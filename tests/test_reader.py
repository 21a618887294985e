"""The reader's ways into the edition, checked in the built sample's HTML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.build import BuildOptions, build
from tests.conftest import document, parse_html

DOC = "documents/1951-10-18-mao-to-filippov/index.html"


def test_a_document_without_neighbours_has_no_empty_pager(make_edition: Callable[..., Path], tmp_path: Path) -> None:
    edition = make_edition({"content/documents/only.md": document()})
    build(edition, BuildOptions(output_dir=tmp_path / "site"))
    assert parse_html(tmp_path / "site/documents/only/index.html").select(".pager") == []
