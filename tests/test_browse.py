"""The chronology, the timeline and correspondence charts, and the home page's filters."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from tests.conftest import document, parse_html

PERSONS = """\
- id: ann-author
  name: Ann Author
  sort_name: Author, Ann
- id: roy-recipient
  name: Roy Recipient
- id: mia-mentioned
  name: Mia Mentioned
"""


@pytest.fixture
def browse_site(make_edition: Callable[..., Path], tmp_path: Path) -> Path:
    root = make_edition(
        {
            "content/documents/a.md": document(
                "Letter of October",
                "1951-10-18",
                type="letter",
                authors="[ann-author]",
                recipients="[roy-recipient]",
                subjects="[Armistice talks, Korean War]",
                collection="Cables & letters",
            ),
            "content/documents/b.md": document("Undated note of 1951", "1951", type="memorandum", persons="[mia-mentioned]"),
            "content/documents/c.md": document("Cable of about October", "1951-10~", type="cable", authors="[ann-author]", recipients="[roy-recipient]"),
            "content/documents/d.md": document(
                "Reply, uncertain date", "1953-02-01?", type="letter", authors="[roy-recipient]", recipients="[ann-author]", subjects="[Korean War]"
            ),
        },
        persons=PERSONS,
        site="title: T\nsearch:\n  enabled: false\n",
    )
    result = build(root, BuildOptions(tmp_path / "out"))
    assert not result.diagnostics.items, [d.format() for d in result.diagnostics.items]
    return tmp_path / "out"


def test_the_chronology_groups_by_year_and_month_with_partial_dates_shown_as_such(browse_site: Path) -> None:
    page = parse_html(browse_site / "chronology/index.html")
    years = [h.get_text(" ", strip=True) for h in page.select(".chronology-year h2")]
    assert years == ["1951 3 documents", "1953 1 document"]
    months = [h.get_text() for h in page.select(".chronology-year h3")]
    assert months == ["1951, month not known", "October 1951", "February 1953"]
    items = [li.get_text(" ", strip=True) for li in page.select(".chronology-list li")]
    assert items[0] == "1951 (known to the year) memorandum Undated note of 1951"
    assert items[1].startswith("c. October 1951 (approximate date) (known to the month)") and "Cable of about October" in items[1]
    assert items[2].startswith("18 October 1951") and "Letter of October" in items[2]
    assert items[3].startswith("1 February 1953? (uncertain date)")


def test_the_timeline_has_a_bar_per_year_linked_to_the_chronology(browse_site: Path) -> None:
    page = parse_html(browse_site / "chronology/index.html")
    svg = page.select_one("figure.timeline svg")
    links = {a["href"]: a["aria-label"] for a in svg.select("a")}
    assert links == {"#year-1951": "1951: 3 documents", "#year-1953": "1953: 1 document"}
    for href in links:
        assert page.select_one(f"[id='{href[1:]}']") is not None
    heights = [float(rect["height"]) for rect in svg.select("rect.chart-bar")]
    assert heights[0] == pytest.approx(3 * heights[1])
    assert [t.get_text() for t in svg.select(".chart-label")] == ["1951", "1952", "1953"]  # the empty year shows as a gap


def test_the_correspondence_links_each_writer_and_recipient(browse_site: Path) -> None:
    page = parse_html(browse_site / "correspondence/index.html")
    svg = page.select_one("figure.correspondence svg")
    names = sorted((a.get_text(strip=True), a["href"]) for a in svg.select("a"))
    assert names == [
        ("Ann Author", "../persons/ann-author/index.html"),
        ("Ann Author", "../persons/ann-author/index.html"),
        ("Roy Recipient", "../persons/roy-recipient/index.html"),
        ("Roy Recipient", "../persons/roy-recipient/index.html"),
    ]
    lines = svg.select("line.chart-line")
    assert [line.title.get_text() for line in lines] == ["Ann Author to Roy Recipient: 2 documents", "Roy Recipient to Ann Author: 1 document"]
    assert float(lines[0]["stroke-width"]) > float(lines[1]["stroke-width"])
    rows = [[td.get_text() for td in tr.select("td")] for tr in page.select(".correspondence-table tbody tr")]
    assert rows == [["Ann Author", "Roy Recipient", "2"], ["Roy Recipient", "Ann Author", "1"]]


def test_the_home_page_items_carry_what_the_filters_need(browse_site: Path) -> None:
    page = parse_html(browse_site / "index.html")
    form = page.select_one("form#document-filters")
    assert form.has_attr("hidden")  # shown by the script only
    assert {s["data-filter"] for s in form.select("select")} == {"type", "year", "persons"}
    items = {li.select_one("a").get_text(): li for li in page.select("#document-list .document-item")}
    note = items["Undated note of 1951"]
    assert (note["data-type"], note["data-year"], note["data-persons"]) == ("memorandum", "1951", "mia-mentioned")
    assert items["Letter of October"]["data-persons"] == "ann-author roy-recipient"


def test_an_edition_without_letters_has_no_correspondence_page(make_edition: Callable[..., Path], tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document()}, site="title: T\nsearch:\n  enabled: false\n")
    build(root, BuildOptions(tmp_path / "out"))
    assert (tmp_path / "out" / "chronology/index.html").is_file()
    assert not (tmp_path / "out" / "correspondence").exists()
    assert parse_html(tmp_path / "out" / "index.html").select_one("a[href='correspondence/index.html']") is None


def test_subjects_and_collections_have_index_pages_linked_from_the_documents(browse_site: Path) -> None:
    page = parse_html(browse_site / "subjects/index.html")
    sections = {h["id"]: h.get_text(" ", strip=True) for h in page.select(".topic h2")}
    assert sections == {"armistice-talks": "Armistice talks 1 document", "korean-war": "Korean War 2 documents"}
    assert [a.get_text() for a in page.select("#korean-war ~ ol a")] == ["Letter of October", "Reply, uncertain date"]
    letter = parse_html(browse_site / "documents/a/index.html")
    assert [a["href"] for a in letter.select(".metadata a[href*='subjects']")] == [
        "../../subjects/index.html#armistice-talks",
        "../../subjects/index.html#korean-war",
    ]
    assert letter.select_one(".metadata a[href*='collections']")["href"] == "../../collections/index.html#cables-letters"
    collections = parse_html(browse_site / "collections/index.html")
    assert collections.select_one("[id='cables-letters']") is not None
    home = parse_html(browse_site / "index.html")
    assert {a.get_text() for a in home.select(".browse-links a")} == {"By date", "By writer and recipient", "By subject", "By collection"}


def test_documents_of_one_year_are_charted_by_month_in_the_edition_language(make_edition: Callable[..., Path], tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/documents/a.md": document("First", "1951-10-18"),
            "content/documents/b.md": document("Second", "1951-11-02"),
            "content/documents/c.md": document("Third", "1951-11-20"),
        },
        site="title: T\nlanguage: ru\nsearch:\n  enabled: false\n",
    )
    build(root, BuildOptions(tmp_path / "out"))
    svg = parse_html(tmp_path / "out" / "chronology/index.html").select_one("figure.timeline svg")
    labels = {a["href"]: a["aria-label"] for a in svg.select("a")}
    assert list(labels) == ["#year-1951-10", "#year-1951-11"]
    assert "October" not in labels["#year-1951-10"] and labels["#year-1951-11"].startswith("ноябрь 1951")
    assert [t.get_text() for t in svg.select(".chart-label")][9:] == ["10", "11", "12"]
