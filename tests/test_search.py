"""Full-text search: Pagefind's bundle is built into the site, or the build says why not."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import build
from tests.conftest import document, parse_html

DOC = "documents/1951-10-18-mao-to-filippov/index.html"


def test_the_sample_has_a_search_page_and_a_pagefind_bundle(sample_site: Path) -> None:
    assert (sample_site / "pagefind" / "pagefind.js").is_file()
    assert list((sample_site / "pagefind").glob("pagefind-entry.json"))
    page = parse_html(sample_site / "search/index.html")
    form = page.select_one("form[role=search]")
    assert form is not None and form["data-bundle"] == "../pagefind/pagefind.js" and form["data-root"] == "../"
    assert {s["name"] for s in page.select("select")} == {"sort", "type", "year", "month", "author", "recipient", "person", "organization"}
    assert [o.text for o in page.select("#filter-recipient option")] == ["any", "Joseph Stalin"]
    home = parse_html(sample_site / "index.html")
    assert home.select_one(".site-nav a[href='search/index.html']") is not None


def test_only_the_document_text_and_metadata_are_indexed(sample_site: Path) -> None:
    page = parse_html(sample_site / DOC)
    body = page.select("[data-pagefind-body]")
    assert len(body) == 1 and body[0].name == "article"
    assert page.select_one(".site-header [data-pagefind-body], .site-footer [data-pagefind-body]") is None
    for ignored in (".apparatus", ".document-aside", ".view-switch", ".metadata"):
        assert page.select_one(ignored).has_attr("data-pagefind-ignore"), ignored
    filters = {(el["data-pagefind-filter"], el.get_text()) for el in page.select("[data-pagefind-filter]")}
    assert {("type", "cable"), ("year", "1951"), ("author", "Mao Zedong"), ("recipient", "Joseph Stalin"), ("person", "Kim Il Sung")} <= filters
    meta = {el["data-pagefind-meta"]: el.get_text() for el in page.select("[data-pagefind-meta]")}
    assert meta["date"] == "18 October 1951" and meta["type"] == "cable"
    for other in ("index.html", "persons/stalin/index.html", "about/index.html"):
        assert parse_html(sample_site / other).select("[data-pagefind-body]") == []


def test_search_can_be_turned_off(make_edition: Callable[..., Path], tmp_path: Path) -> None:
    site = "title: T\nsearch:\n  enabled: false\n"
    root = make_edition({"content/documents/a.md": document()}, site=site)
    result = build(root, tmp_path / "out")
    assert result.diagnostics.items == []
    assert not (tmp_path / "out" / "pagefind").exists() and not (tmp_path / "out" / "search").exists()
    assert parse_html(tmp_path / "out" / "documents/a/index.html").select("[data-pagefind-body], [data-pagefind-filter]") == []


def test_without_the_pagefind_binary_the_site_is_built_and_the_build_says_so(
    make_edition: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    root = make_edition({"content/documents/a.md": document()})
    result = build(root, tmp_path / "out")
    [warning] = result.diagnostics.warnings
    assert warning.format().startswith("site.yml") and "Pagefind binary is not installed" in warning.message
    assert (tmp_path / "out" / "documents/a/index.html").is_file()
    assert not (tmp_path / "out" / "search").exists()
    assert parse_html(tmp_path / "out" / "index.html").select_one("a[href='search/index.html']") is None


def test_a_failing_indexer_fails_the_build_and_keeps_the_previous_site(
    make_edition: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_edition({"content/documents/a.md": document(title="First")})
    out = tmp_path / "out"
    assert not build(root, out).diagnostics.items
    (root / "content/documents/a.md").write_text(document(title="Second"), encoding="utf-8")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")
    result = build(root, out)
    [error] = result.diagnostics.errors
    assert "Pagefind could not index the site" in error.message
    assert parse_html(out / "documents/a/index.html").h1.get_text() == "First"
    assert (out / "pagefind" / "pagefind.js").is_file()


def test_an_indexer_stopped_for_lack_of_memory_is_said_so(make_edition: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The kernel stops the largest process when memory runs out (SIGKILL): a bare "exit status -9" tells an editor nothing.
    killed = tmp_path / "pagefind"
    killed.write_text("#!/bin/sh\nkill -9 $$\n", encoding="utf-8")
    killed.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(killed))
    result = build(make_edition({"content/documents/a.md": document()}), tmp_path / "out")
    [error] = result.diagnostics.errors
    assert "stopped by the system, most likely for lack of memory" in error.message and "-9" not in error.message
    assert not (tmp_path / "out").exists()


def test_pagefind_reads_the_document_pages_or_those_the_settings_name(make_edition: Callable[..., Path], tmp_path: Path) -> None:
    # A theme that marks the edition's own pages for search too names them in search.pages.
    files = {
        "content/documents/a.md": document(),
        "content/pages/about.md": "---\ntitle: About\n---\nThe edition's own page, searchable in this theme.\n",
        "themes/default/templates/page.html": "{% extends 'base.html' %}{% block main %}<article data-pagefind-body>"
        "<h1>{{ page.title }}</h1>{{ body }}</article>{% endblock %}\n",
    }
    for pages, expected in ((None, 1), ("{documents,about}/**/*.html", 2)):
        site = "title: T\n" + (f"search:\n  pages: '{pages}'\n" if pages else "")
        root = make_edition(files, site=site)
        result = build(root, tmp_path / "out")
        assert not result.diagnostics.errors
        entry = json.loads((tmp_path / "out" / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["en"]["page_count"] == expected
