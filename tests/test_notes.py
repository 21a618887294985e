"""The notes of a text: brackets inside footnotes, the source's own note numbers, and every in-page link's target."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build
from tests.conftest import REPO_ROOT, build_elsewhere, document, parse_html

TEST_EDITIONS = sorted(path for path in (REPO_ROOT / "tests" / "editions").iterdir() if (path / "site.yml").is_file())


def fragment_links_without_target(site: Path) -> list[str]:
    """Every `href="#x"` of every page whose page has no element with the id x, as 'page -> #x'."""
    missing = []
    for page in sorted(site.rglob("*.html")):
        soup = parse_html(page)
        ids = {element["id"] for element in soup.select("[id]")}
        for link in soup.select('[href^="#"]'):
            if link["href"][1:] not in ids:
                missing.append(f"{page.relative_to(site)} -> {link['href']}")
    return missing


@pytest.mark.parametrize("edition", [REPO_ROOT, *TEST_EDITIONS], ids=lambda path: path.name if path != REPO_ROOT else "sample")
def test_every_in_page_link_of_every_test_edition_has_its_target(edition: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    result = build_elsewhere(edition, tmp_path_factory, edition.name)
    assert result.output_dir is not None and not result.diagnostics.errors
    assert fragment_links_without_target(result.output_dir) == []


def test_a_bracket_in_a_footnote_has_its_note_in_the_apparatus_with_a_way_back(make_edition, tmp_path: Path) -> None:
    body = "The policy [draft] stands.[^2]\n\n[^2]: See Annex D. [Footnote in the source text.]\n"
    edition = make_edition({"content/documents/a.md": document(body=body)})
    result = build(edition, tmp_path / "site")
    assert not result.diagnostics.items
    page = parse_html(tmp_path / "site" / "documents" / "a" / "index.html")
    footnote_call = page.select_one(".footnotes li.note .note-text a.note-call")
    assert (footnote_call["id"], footnote_call["href"], footnote_call.get_text()) == ("call-b", "#note-b", "b")
    notes = page.select(".apparatus li.note")
    assert [note["id"] for note in notes] == ["note-a", "note-b"]
    assert notes[1].select_one("a.note-back")["href"] == "#call-b"
    assert notes[1].select_one(".note-text").get_text() == "Supplied by the editor: Footnote in the source text."
    assert fragment_links_without_target(tmp_path / "site") == []
