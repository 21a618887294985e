"""Documents that point at each other: doc: links, related documents both ways, backlinks and "See also"."""

from __future__ import annotations

from pathlib import Path

from generator.build import BuildOptions, build
from tests.conftest import MINIMAL_SITE, document, parse_html
from tests.test_incremental import NO_SEARCH, assert_same_as_clean_build, edit

SITE = MINIMAL_SITE + NO_SEARCH


def related_lists(site: Path, document_id: str) -> dict[str, list[str]]:
    """Each group of the page's "Related documents" (heading -> the ids linked, in order)."""
    nav = parse_html(site / f"documents/{document_id}/index.html").select_one("nav.related-documents")
    if nav is None:
        return {}
    return {h3.get_text(): [a["href"].split("/")[-2] for a in h3.find_next_sibling("ul").select("a")] for h3 in nav.select("h3")}


def test_a_doc_link_leads_to_the_document_and_its_footnote(make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/documents/d1.md": document(title="First", body="Text.[^7]\n\n[^7]: A note numbered as in the source."),
            "content/documents/d2.md": document(title="Second", date="1951-10-19", body="See [Document 1](doc:d1) and [footnote 7, Document 1](doc:d1#7)."),
        },
        site=SITE,
    )
    result = build(root, BuildOptions(tmp_path / "out"))
    assert result.diagnostics.items == []
    links = parse_html(tmp_path / "out/documents/d2/index.html").select("#transcript-text a[href*='d1']")
    assert [a["href"] for a in links] == ["../../documents/d1/index.html", "../../documents/d1/index.html#note-7"]
    assert related_lists(tmp_path / "out", "d1")["Cited in"] == ["d2"]
    tei = (tmp_path / "out/documents/d2/d2.xml").read_text(encoding="utf-8")
    assert '<ref target="../../documents/d1/index.html">Document 1</ref>' in tei


def test_a_doc_link_to_no_document_is_an_error_at_its_place(make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/documents/cable-1.md": document(),
            "content/documents/d2.md": document(body="Text.\n\nAs [said](doc:cable-2) before."),
            "content/pages/about.md": "---\ntitle: About\n---\nRead [this](doc:cable) first.\n",
        },
        site=SITE,
    )
    result = build(root, BuildOptions(tmp_path / "out"))
    assert sorted(d.format().splitlines()[0] for d in result.diagnostics.errors) == [
        "content/documents/d2.md:7:4: error: 'doc:cable-2' names no document of the edition; did you mean 'cable-1'?",
        "content/pages/about.md:4:6: error: 'doc:cable' names no document of the edition; did you mean 'cable-1'?",
    ]
    assert not (tmp_path / "out").exists()


def test_related_documents_are_shown_both_ways_and_an_unknown_one_is_an_error(make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/documents/a.md": document(title="A", related="[b]"),
            "content/documents/b.md": document(title="B", date="1951-10-20"),
            "content/documents/c.md": document(title="C", date="1951-10-21"),
        },
        site=SITE,
    )
    build(root, BuildOptions(tmp_path / "out"))
    assert related_lists(tmp_path / "out", "a") == {"Related by the editor": ["b"]}
    assert related_lists(tmp_path / "out", "b") == {"Related by the editor": ["a"]}
    assert related_lists(tmp_path / "out", "c") == {}

    (root / "content/documents/c.md").write_text(document(title="C", related="[bb]"), encoding="utf-8")
    result = build(root, BuildOptions(tmp_path / "out"))
    assert [d.format().splitlines()[0] for d in result.diagnostics.errors] == [
        "content/documents/c.md:4:1: error: 'bb' in 'related' is not a document of the edition; did you mean 'b'?"
    ]


def test_see_also_offers_the_documents_that_share_most_names(make_edition, tmp_path: Path) -> None:
    persons = "".join(f"- id: p{n}\n  name: Person {n}\n" for n in range(4))
    root = make_edition(
        {
            "content/documents/a.md": document(title="A", persons="[p0, p1, p2]"),
            "content/documents/b.md": document(title="B", date="1951-11-01", persons="[p0, p1, p2]"),  # three shared
            "content/documents/c.md": document(title="C", date="1951-10-19", persons="[p0]"),  # one, near in date
            "content/documents/d.md": document(title="D", date="1951-12-01", persons="[p1]"),  # one, further
            "content/documents/e.md": document(title="E", date="1951-10-19", persons="[p3]"),  # none
        },
        site=SITE,
        persons=persons,
    )
    build(root, BuildOptions(tmp_path / "out"))
    assert related_lists(tmp_path / "out", "a") == {"See also": ["b", "c", "d"]}
    assert related_lists(tmp_path / "out", "e") == {}


def test_a_link_removed_leaves_no_backlink_in_an_incremental_build(make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/documents/a.md": document(title="A"),
            "content/documents/b.md": document(title="B", date="1951-10-20", body="See [A](doc:a)."),
        },
        site=SITE,
    )
    build(root, BuildOptions(root / "_site"))
    assert related_lists(root / "_site", "a") == {"Cited in": ["b"]}
    edit(root / "content/documents/b.md", "See [A](doc:a).", "See A.")
    build(root, BuildOptions(root / "_site"))
    assert related_lists(root / "_site", "a") == {}
    assert_same_as_clean_build(root, tmp_path)
