"""The notes of a text: brackets inside footnotes, the source's own note numbers, and every in-page link's target."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from tests.conftest import REPO_ROOT, build_elsewhere, document, parse_html, write_files

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
    result = build(edition, BuildOptions(tmp_path / "site"))
    assert not result.diagnostics.items
    page = parse_html(tmp_path / "site" / "documents" / "a" / "index.html")
    footnote_call = page.select_one(".footnotes li.note .note-text a.note-call")
    assert (footnote_call["id"], footnote_call["href"], footnote_call.get_text()) == ("call-b", "#note-b", "b")
    notes = page.select(".apparatus li.note")
    assert [note["id"] for note in notes] == ["note-a", "note-b"]
    assert notes[1].select_one("a.note-back")["href"] == "#call-b"
    assert notes[1].select_one(".note-text").get_text() == "Supplied by the editor: Footnote in the source text."
    assert fragment_links_without_target(tmp_path / "site") == []


def test_footnotes_keep_the_numbers_of_their_labels_and_the_others_take_the_numbers_left(make_edition, tmp_path: Path) -> None:
    body = (
        "Telegram 1348.[^2] Not printed.[^note] See G-309.[^3] Again.[^2]\n\n"
        "[^2]: Telegram 1348, February 7.\n[^note]: An unnumbered note.\n[^3]: Not printed.\n"
    )
    edition = make_edition({"content/documents/d10.md": document(body=body)})
    result = build(edition, BuildOptions(tmp_path / "site"))
    assert not result.diagnostics.items
    folder = tmp_path / "site" / "documents" / "d10"
    page = parse_html(folder / "index.html")
    calls = page.select("#transcript-text a.note-call-footnote")
    assert [(call["id"], call["href"], call.get_text()) for call in calls] == [
        ("call-2", "#note-2", "2"),
        ("call-1", "#note-1", "1"),
        ("call-3", "#note-3", "3"),
        ("call-2-1", "#note-2", "2"),
    ]
    notes = page.select(".footnotes li.note")
    assert [(note["id"], note.select_one(".note-back").get_text(), note.select_one(".note-text").get_text()) for note in notes] == [
        ("note-1", "1", "An unnumbered note."),
        ("note-2", "2", "Telegram 1348, February 7."),
        ("note-3", "3", "Not printed."),
    ]
    assert (
        (folder / "d10.txt")
        .read_text(encoding="utf-8")
        .endswith(
            "Telegram 1348.[2] Not printed.[1] See G-309.[3] Again.[2]\n\nNotes\n\n"
            "[1] An unnumbered note.\n\n[2] Telegram 1348, February 7.\n\n[3] Not printed.\n"
        )
    )
    tei = (folder / "d10.xml").read_text(encoding="utf-8")
    assert [match for match in re.findall(r'<note place="foot" n="(\d+)" xml:id="([^"]+)"', tei)] == [
        ("2", "doc-d10-fn2"),
        ("1", "doc-d10-fn1"),
        ("3", "doc-d10-fn3"),
    ]
    assert '<ptr target="#doc-d10-fn2" />' in tei
    assert "Telegram 1348.[^2] Not printed.[^note] See G-309.[^3]" in (folder / "d10.md").read_text(encoding="utf-8")
    (record,) = json.loads((tmp_path / "site" / "edition.json").read_text(encoding="utf-8"))["documents"]
    assert record["text"].startswith("Telegram 1348.[2] Not printed.[1] See G-309.[3] Again.[2]")


def test_in_one_series_the_brackets_take_the_numbers_the_footnotes_leave(make_edition, tmp_path: Path) -> None:
    body = "a [x] b[^2] c [y] d[^n]\n\n[^2]: Two.\n[^n]: En.\n"
    site = "title: Test Edition\napparatus:\n  series: single\n"
    edition = make_edition({"content/documents/a.md": document(body=body)}, site=site)
    result = build(edition, BuildOptions(tmp_path / "site"))
    assert not result.diagnostics.items
    page = parse_html(tmp_path / "site" / "documents" / "a" / "index.html")
    assert [call.get_text() for call in page.select("#transcript-text a.note-call")] == ["1", "2", "3", "4"]
    body_with_source_numbers = "a [x] b[^3] c [y] d[^n]\n\n[^3]: Three.\n[^n]: En.\n"
    write_files(edition, {"content/documents/a.md": document(body=body_with_source_numbers)})
    build(edition, BuildOptions(tmp_path / "site"))
    page = parse_html(tmp_path / "site" / "documents" / "a" / "index.html")
    assert [call.get_text() for call in page.select("#transcript-text a.note-call")] == ["1", "3", "2", "4"]
    assert fragment_links_without_target(tmp_path / "site") == []
