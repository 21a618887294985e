"""Conventions as named, shipped sets of rules: `apparatus.conventions: frus`, matched on the text without its Markdown."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.build import BuildOptions, BuildResult, build
from tests.conftest import REPO_ROOT, build_elsewhere, document, parse_html
from tests.test_exports import jing_errors

FRUS_EDITION = REPO_ROOT / "tests" / "editions" / "frus"
TEI = "{http://www.tei-c.org/ns/1.0}"


@pytest.fixture(scope="module")
def frus_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    result = build_elsewhere(FRUS_EDITION, tmp_path_factory, "frus")
    assert not result.diagnostics.items, [d.format() for d in result.diagnostics.items]
    return result


def interventions(page: Path) -> list[tuple[str, str, str]]:
    """(type, display, text) of each bracket of a document page, in reading order."""
    soup = parse_html(page)
    return [
        (span["class"][1].removeprefix("ed-"), span["class"][2].removeprefix("ed-"), span.select_one(".ed-text").get_text()) for span in soup.select("span.ed")
    ]


def test_the_frus_set_tells_the_editor_s_statements_gaps_and_notes_from_supplied_text(frus_build: BuildResult) -> None:
    assert frus_build.output_dir is not None
    page = frus_build.output_dir / "documents" / "d12" / "index.html"
    assert interventions(page) == [
        ("date", "inline", "Saigon, undated."),
        ("omitted", "statement", "Here follows discussion of unrelated matters."),
        ("not-declassified", "statement", "less than 1 line of source text not declassified"),
        ("not-declassified", "statement", "2 paragraphs (10 lines of source text) not declassified"),
        ("source-gap", "statement", "garble"),
        ("sic", "inline", "sic"),
        ("uncertain", "inline", "the?"),
        ("supplied", "inline", "of"),
        ("heading", "statement", "Attachment"),
        ("source-note", "statement", "Footnote in the source text."),
    ]
    notes = parse_html(page).select(".apparatus li.note")
    assert [(note.select_one(".note-type").get_text(), note.select_one(".note-text").get_text()) for note in notes][1:5] == [
        ("Editorial statement.", "Here follows discussion of unrelated matters."),
        ("Not declassified.", "less than 1 line of source text not declassified"),
        ("Not declassified.", "2 paragraphs (10 lines of source text) not declassified"),
        ("Gap in the source text.", "garble"),
    ]


@pytest.mark.checkers
def test_the_frus_tei_says_gap_note_and_supplied_with_their_reasons_and_extents(frus_build: BuildResult) -> None:
    assert frus_build.output_dir is not None
    tei_file = frus_build.output_dir / "documents" / "d12" / "d12.xml"
    body = ET.parse(tei_file).getroot().find(f"{TEI}text/{TEI}body")
    assert [(gap.get("reason"), gap.get("extent"), gap.findtext(f"{TEI}desc")) for gap in body.iter(f"{TEI}gap")] == [
        ("editorial", None, "Here follows discussion of unrelated matters."),
        ("not-declassified", "less than 1 line", "less than 1 line of source text not declassified"),
        ("not-declassified", "2 paragraphs (10 lines of source text)", "2 paragraphs (10 lines of source text) not declassified"),
        ("garbled", None, "garble"),
    ]
    assert [(s.get("reason"), "".join(s.itertext())) for s in body.iter(f"{TEI}supplied")] == [
        ("date-not-in-original", "Saigon, undated."),
        ("omitted-in-original", "of"),
        ("heading-not-in-original", "Attachment"),
    ]
    footnote = next(note for note in body.iter(f"{TEI}note") if note.get("n") == "3")
    assert [(note.get("type"), note.text) for note in footnote.iter(f"{TEI}note") if note is not footnote] == [
        ("editorial", "Footnote in the source text."),
    ]
    assert ["".join(s.itertext()) for s in body.iter(f"{TEI}sic")] == ["Council"]
    assert ["".join(s.itertext()) for s in body.iter(f"{TEI}unclear")] == ["the"]
    assert jing_errors([tei_file, frus_build.output_dir / "edition.xml"]) == []


def test_rules_match_the_bracket_s_text_without_its_markdown(make_edition, tmp_path: Path) -> None:
    body = "a [*word?*] and [word?], b [**sic**] and [sic], c [*...*] and [...], d [*your*]\n"
    edition = make_edition({"content/documents/a.md": document(body=body)})
    result = build(edition, BuildOptions(tmp_path / "site"))
    assert not result.diagnostics.items
    assert interventions(tmp_path / "site" / "documents" / "a" / "index.html") == [
        ("uncertain", "inline", "word?"),
        ("uncertain", "inline", "word?"),
        ("sic", "inline", "sic"),
        ("sic", "inline", "sic"),
        ("omission", "marker", "..."),
        ("omission", "marker", "..."),
        ("supplied", "inline", "your"),
    ]


def test_sets_combine_in_order_and_an_own_rule_comes_first(make_edition, tmp_path: Path) -> None:
    site = (
        "title: Test Edition\napparatus:\n  conventions: [frus, default]\n"
        "  rules:\n    - {pattern: '^G-309$', type: telegram, label: Telegram number, display: statement}\n"
    )
    body = "[Stamp: SECRET] [Here follows a list.] [G-309] [May 27] [words]\n"
    edition = make_edition({"content/documents/a.md": document(body=body)}, site=site)
    result = build(edition, BuildOptions(tmp_path / "site"))
    assert not result.diagnostics.items
    assert [kind for kind, _, _ in interventions(tmp_path / "site" / "documents" / "a" / "index.html")] == [
        "stamp",
        "omitted",
        "telegram",
        "date",
        "supplied",
    ]
    tei = (tmp_path / "site" / "documents" / "a" / "a.xml").read_text(encoding="utf-8")
    assert '<supplied reason="omitted-in-original">words</supplied>' in tei  # the first set's rule for the rest


def test_an_unknown_set_is_an_error_at_its_line(make_edition, tmp_path: Path) -> None:
    edition = make_edition({"content/documents/a.md": document()}, site="title: Test Edition\napparatus:\n  conventions: [frus, chicago]\n")
    result = build(edition, BuildOptions(tmp_path / "site"))
    assert [d.format() for d in result.diagnostics.items] == [
        "site.yml:3:3: error: 'apparatus.conventions': 'chicago' is not a shipped set of rules: expected default or frus\n"
        "    hint: The shipped sets of rules to use, in order: default, frus, or a list of them."
    ]


def test_an_own_rule_names_its_tei_element_reason_and_extent(make_edition, tmp_path: Path) -> None:
    site = (
        "title: Test Edition\napparatus:\n  rules:\n"
        "    - pattern: '^(?P<extent>\\d+ words?) withheld$'\n      type: withheld\n      display: statement\n"
        "      tei: gap\n      reason: withheld by the archive\n"
    )
    edition = make_edition({"content/documents/a.md": document(body="Sent to [*3 words withheld*] today.\n")}, site=site)
    result = build(edition, BuildOptions(tmp_path / "site"))
    assert not result.diagnostics.items
    assert interventions(tmp_path / "site" / "documents" / "a" / "index.html") == [("withheld", "statement", "3 words withheld")]
    tei = (tmp_path / "site" / "documents" / "a" / "a.xml").read_text(encoding="utf-8")
    assert '<gap reason="withheld by the archive" extent="3 words"><desc>3 words withheld</desc></gap>' in tei


def test_an_own_rule_s_tei_element_must_be_one_the_exports_know(make_edition, tmp_path: Path) -> None:
    site = "title: Test Edition\napparatus:\n  rules:\n    - pattern: '^x$'\n      type: odd\n      tei: del\n"
    edition = make_edition({"content/documents/a.md": document()}, site=site)
    result = build(edition, BuildOptions(tmp_path / "site"))
    assert [d.format() for d in result.diagnostics.items] == ["site.yml:6:7: error: apparatus rule 1: tei must be supplied, gap or note, found 'del'"]
