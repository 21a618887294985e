"""End to end: the sample edition and small editions built into temporary folders, checked by parsing the HTML."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.build import BuildOptions, build
from tests.conftest import REPO_ROOT, document, parse_html

SEED = REPO_ROOT / "tests" / "fixtures" / "seed-1951-10-18-mao-to-filippov.txt"  # the seed transcript as received
DOC = "documents/1951-10-18-mao-to-filippov/index.html"


def test_sample_edition_has_every_page_of_the_output_contract(sample_site: Path) -> None:
    for path in [
        "index.html",
        DOC,
        "persons/index.html",
        "persons/stalin/index.html",
        "places/index.html",
        "places/hamonten/index.html",
        "about/index.html",
        "editorial-principles/index.html",
        "404.html",
        "robots.txt",
        "assets/edition.css",
        "assets/edition.js",
    ]:
        assert (sample_site / path).is_file(), path
    assert not (sample_site / "sitemap.xml").exists()  # no base_url in the sample


def test_every_internal_link_and_asset_resolves(sample_site: Path) -> None:
    broken = []
    for page in sample_site.rglob("*.html"):
        soup = parse_html(page)
        ids = {el["id"] for el in soup.select("[id]")}
        for element in soup.select("[href], [src]"):
            target = element.get("href") or element.get("src")
            parts = urlsplit(target)
            if parts.scheme or target.startswith("//"):
                continue
            if not parts.path:
                if parts.fragment and parts.fragment not in ids:
                    broken.append(f"{page}: #{parts.fragment}")
                continue
            resolved = (page.parent / unquote(parts.path)).resolve()
            if not resolved.is_file() or (parts.fragment and resolved.suffix == ".html" and not parse_html(resolved).select_one(f"[id='{parts.fragment}']")):
                broken.append(f"{page.relative_to(sample_site)} -> {target}")
    assert broken == []


def test_links_are_relative(sample_site: Path) -> None:
    soup = parse_html(sample_site / DOC)
    hrefs = [a["href"] for a in soup.select("a[href], link[href]")]
    assert all(not h.startswith("/") for h in hrefs)
    assert "../../persons/stalin/index.html" in hrefs


def test_home_lists_documents_with_date_title_type_and_summary(sample_site: Path) -> None:
    soup = parse_html(sample_site / "index.html")
    cable, note = soup.select(".document-list li")
    assert cable.select_one("time")["datetime"] == "1951-10-18"
    assert "Mao Zedong" in cable.select_one(".document-item-title").get_text()
    assert cable.select_one(".document-type").get_text() == "cable"
    assert cable.select_one(".document-item-summary").get_text()
    assert note.select_one("time")["datetime"] == "1951-10-25"
    assert note.select_one(".document-type").get_text() == "editorial note"


def test_seed_transcript_is_published_word_for_word(sample_site: Path) -> None:
    soup = parse_html(sample_site / DOC)
    text = soup.select_one("#transcript-text")
    for call in text.select(".note-ref"):
        call.decompose()
    assert text.get_text().split() == SEED.read_text(encoding="utf-8").split()


def test_seed_interventions_have_notes_linked_both_ways(sample_site: Path) -> None:
    soup = parse_html(sample_site / DOC)
    calls = soup.select("#transcript-text a.note-call")
    notes = soup.select(".apparatus li.note")
    assert len(calls) == len(notes) == 6
    types = [note["class"][1].removeprefix("note-") for note in notes]
    assert types == ["supplied", "stamp", "supplied", "uncertain", "uncertain", "physical"]
    for call, note in zip(calls, notes, strict=True):
        assert call["href"] == f"#{note['id']}"
        assert note.select_one("a.note-back")["href"] == f"#{call['id']}"
    assert notes[1].select_one(".note-text").get_text().startswith("Stamp: SUBJECT TO RETURN to the IV Unit")


def test_document_page_shows_metadata_persons_and_neighbours(make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/documents/a.md": document(
                "First",
                "1951-01",
                authors="[ann-author]",
                recipients="[roy-recipient]",
                source="Archive, fond 1",
                language="ru",
                translation="Tr. X",
                rights="Public domain",
            ),
            "content/documents/b.md": document("Second", "1951-02-03"),
            "content/documents/c.md": document("Third", "1952"),
        }
    )
    result = build(root, BuildOptions(tmp_path / "out"))
    assert not result.diagnostics.items
    soup = parse_html(tmp_path / "out/documents/b/index.html")
    assert soup.select_one("a[rel=prev]")["href"] == "../a/index.html"
    assert soup.select_one("a[rel=next]")["href"] == "../c/index.html"
    first = parse_html(tmp_path / "out/documents/a/index.html")
    terms = {dt.get_text(): dt.find_next_sibling("dd").get_text(" ", strip=True) for dt in first.select(".metadata dt")}
    assert terms["From"] == "Ann Author" and terms["To"] == "Roy Recipient"
    assert terms["Source"] == "Archive, fond 1" and terms["Rights"] == "Public domain" and terms["Translation"] == "Tr. X"
    person = parse_html(tmp_path / "out/persons/ann-author/index.html")
    assert [li.select_one(".roles").get_text() for li in person.select(".document-list li")] == ["author"]


def test_theme_override_replaces_a_template(make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/documents/a.md": document(),
            "themes/default/templates/404.html": '{% extends "base.html" %}{% block main %}<h1>Lost</h1>{% endblock %}',
            "themes/default/assets/extra.css": "body{}",
        }
    )
    result = build(root, BuildOptions(tmp_path / "out"))
    assert not result.diagnostics.items
    assert parse_html(tmp_path / "out/404.html").h1.get_text() == "Lost"
    assert (tmp_path / "out/assets/extra.css").is_file() and (tmp_path / "out/assets/edition.css").is_file()


def test_sitemap_when_base_url_is_set(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document()}, site="title: T\nbase_url: https://example.org/ed\n")
    build(root, BuildOptions(tmp_path / "out"))
    sitemap = (tmp_path / "out/sitemap.xml").read_text()
    assert "<loc>https://example.org/ed/documents/a/</loc>" in sitemap
    assert "Sitemap: https://example.org/ed/sitemap.xml" in (tmp_path / "out/robots.txt").read_text()


def test_values_from_content_are_escaped(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document('"<script>alert(1)</script>"', body="<script>x()</script> text")})
    build(root, BuildOptions(tmp_path / "out"))
    html = (tmp_path / "out/documents/a/index.html").read_text()
    assert not re.search(r"<script>(alert|x\()", html)
    assert parse_html(tmp_path / "out/documents/a/index.html").select("script:not([src]):not([type$=json])") == []


def test_failed_build_leaves_previous_site_untouched(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document()})
    out = tmp_path / "out"
    assert not build(root, BuildOptions(out)).diagnostics.errors
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (root / "content/documents/b.md").write_text(document(authors="[nobody]"))
    assert build(root, BuildOptions(out)).diagnostics.errors
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edition", "out"]


def test_output_inside_the_sources_is_refused(make_edition) -> None:
    root = make_edition({"content/documents/a.md": document()})
    for bad in (root, root / "content", root.parent):
        result = build(root, BuildOptions(bad))
        assert any("output folder" in d.message for d in result.diagnostics.errors), bad
    assert (root / "content/documents/a.md").is_file()


def test_two_builds_are_byte_identical(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document(body="[x] text[^1]\n\n[^1]: n")})
    build(root, BuildOptions(tmp_path / "one"))
    build(root, BuildOptions(tmp_path / "two"))
    # Pagefind writes a page's filters in an order of its own from run to run: its bundle is left out.
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file() and "pagefind" not in p.parts}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file() and "pagefind" not in p.parts}
    assert one == two and len(one) > 20


def test_apparatus_overview_lists_every_intervention_by_type(sample_site: Path) -> None:
    soup = parse_html(sample_site / "apparatus/index.html")
    groups = {
        section.h2["id"]: [a["href"] for a in section.select("tbody a")] for section in soup.select("main section") if section.h2["id"].startswith("type-")
    }
    assert {k: len(v) for k, v in groups.items()} == {"type-supplied": 2, "type-stamp": 1, "type-uncertain": 2, "type-physical": 1}
    assert groups["type-stamp"] == ["../documents/1951-10-18-mao-to-filippov/index.html#ed-b"]


def test_document_metadata_counts_interventions_by_type(sample_site: Path) -> None:
    soup = parse_html(sample_site / DOC)
    counts = next(dt for dt in soup.select(".metadata dt") if dt.get_text() == "Interventions").find_next_sibling("dd")
    assert counts.get_text() == "Supplied text: 2; Uncertain reading: 2; Physical feature: 1; Stamp or seal: 1"
