"""The sample edition in a real browser: Debian's Chromium driven by Playwright over 127.0.0.1.

One browser and one local server serve the whole module; each test opens a fresh context whose
external requests are aborted and listed, so a page that reaches for a font or a CDN fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from generator.build import BuildOptions, build
from tests.conftest import MINIMAL_PERSONS, REPO_ROOT, document, write_files
from tests.support.checkers import axe_violations, block_external_requests, format_violations, serve_directory

pytestmark = pytest.mark.browser

DOC = "documents/1951-10-18-mao-to-filippov/"
SCREENSHOTS = REPO_ROOT / "test-output" / "screenshots"
PAGE_TYPES = {
    "home": "",
    "document": DOC,
    "persons index": "persons/",
    "person": "persons/stalin/",
    "places index": "places/",
    "place": "places/kaesong/",
    "page": "about/",
    "404": "404.html",
    "search": "search/?q=Kaesong",
    "chronology": "chronology/",
    "correspondence": "correspondence/",
    "subjects": "subjects/",
    "apparatus": "apparatus/",
    "glossary": "terms/",
}


@pytest.fixture(scope="module")
def base_url(sample_site: Path) -> Iterator[str]:
    with serve_directory(sample_site) as url:
        yield url


class Visit:
    """A browser context whose requests may only go to this machine."""

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        self.context = context
        self.base_url = base_url
        self.blocked = block_external_requests(context)
        self.page = context.new_page()

    def open(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        return self.page


@pytest.fixture
def visit(browser: Browser, base_url: str) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    visit = Visit(context, base_url)
    yield visit
    blocked = list(visit.blocked)
    context.close()
    assert blocked == [], f"requests left the machine: {blocked}"


def test_a_note_call_leads_to_its_note_and_back(visit: Visit) -> None:
    page = visit.open(DOC)
    call = page.locator("a.note-call").first
    call_id = call.get_attribute("id")
    note_id = call.get_attribute("href").removeprefix("#")
    call.click()
    assert page.url.endswith(f"#{note_id}")
    note = page.locator(f"[id='{note_id}']")
    expect(note).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target').id") == note_id
    # The fragment moves the keyboard's starting point: Tab reaches the note's own link back.
    page.keyboard.press("Tab")
    expect(note.locator("a.note-back")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.url.endswith(f"#{call_id}")
    expect(page.locator(f"[id='{call_id}']")).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target').id") == call_id


def test_the_reading_view_hides_brackets_and_markers_and_is_remembered(visit: Visit) -> None:
    page = visit.open(DOC)
    text = page.locator("#transcript-text")
    bracket = text.locator(".ed-bracket").first
    marker_text = text.locator(".ed-marker > .ed-text").first
    expect(bracket).to_be_visible()
    expect(marker_text).to_be_visible()
    reading = page.get_by_role("button", name="Reading")
    reading.click()
    expect(reading).to_have_attribute("aria-pressed", "true")
    expect(bracket).to_be_hidden()
    expect(marker_text).to_be_hidden()
    expect(text.locator(".ed-inline > .ed-text").first).to_be_visible()
    page.reload()
    expect(page.get_by_role("button", name="Reading")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#transcript-text .ed-bracket").first).to_be_hidden()
    page.get_by_role("button", name="Diplomatic").click()
    page.reload()
    expect(page.locator("#transcript-text .ed-bracket").first).to_be_visible()


def test_a_person_opens_from_a_mention_and_from_the_metadata(visit: Visit) -> None:
    page = visit.open(DOC)
    page.locator("#transcript-text").get_by_role("link", name="Peng Dehuai").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Peng Dehuai")
    page.go_back()
    page.locator(".metadata").get_by_role("link", name="Joseph Stalin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Joseph Stalin")
    expect(page.locator(".document-list").get_by_role("link").first).to_have_attribute("href", f"../../{DOC}index.html")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_has_no_serious_accessibility_violations(visit: Visit, scheme: str) -> None:
    visit.page.emulate_media(color_scheme=scheme)
    problems = {}
    for name, path in PAGE_TYPES.items():
        violations = axe_violations(visit.open(path))
        if violations:
            problems[name] = format_violations(violations)
    assert problems == {}


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_of_home_document_and_person(visit: Visit, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.set_viewport_size({"width": width, "height": 900})
    for name, path in (("home", ""), ("document", DOC), ("person", "persons/stalin/")):
        page = visit.open(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        target = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 0


def test_words_typed_before_the_search_script_runs_are_kept(visit: Visit) -> None:
    # On a slow connection a reader may type into the box before the page's script has run: it must not empty it.
    held: list[Route] = []
    # The page's script waits until the words are typed; the next page's is let through.
    visit.context.route("**/assets/search.js", lambda route: route.continue_() if held else held.append(route))
    page = visit.page
    page.goto(visit.base_url + "search/", wait_until="commit")
    box = page.get_by_label("Words in the documents")
    box.fill("concession")
    for _ in range(500):  # (10 s at most: a page that never asks for the script fails below rather than hangs)
        if held:
            break
        page.wait_for_timeout(20)
    held[0].continue_()
    page.wait_for_load_state("load")
    assert page.evaluate("document.querySelector('.search-form').elements.q.value") == "concession"
    box.press("Enter")
    expect(page.locator("#search-status")).to_contain_text("1 document found")


def test_search_finds_a_word_of_the_seed_and_opens_the_document_under_a_sub_path(browser: Browser, sample_site: Path) -> None:
    # Serving the folder above the site puts the edition under /site/, as on a project host.
    with serve_directory(sample_site.parent) as parent_url:
        context = browser.new_context()
        visit = Visit(context, f"{parent_url}{sample_site.name}/")
        page = visit.open("")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
        page.get_by_label("Words in the documents").fill("concession")  # (a word of the cable alone)
        page.get_by_label("Words in the documents").press("Enter")
        expect(page.locator("#search-status")).to_contain_text("1 document found")
        result = page.locator("#search-results li").first
        expect(result.locator("mark").first).to_contain_text("concession")
        expect(result.locator(".search-field-date")).to_have_text("18 October 1951")
        result.get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Cable from Mao Zedong to Filippov")
        assert page.url.startswith(f"{parent_url}{sample_site.name}/{DOC}")
        assert axe_violations(visit.open("search/?q=Kaesong&type=cable")) == []
        expect(page.locator("#filter-type")).to_have_value("cable")
        expect(page.locator("#search-results li")).to_have_count(1)
        blocked = list(visit.blocked)
        context.close()
    assert blocked == []


@pytest.fixture(scope="session")
def filtered_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_files(
        tmp_path_factory.mktemp("filters") / "edition",
        {
            "site.yml": "title: Filters\nsearch:\n  enabled: false\n",
            "content/persons.yml": MINIMAL_PERSONS,
            "content/documents/a.md": document("First letter", "1950-05-01", type="letter", authors="[ann-author]"),
            "content/documents/b.md": document("A cable", "1951-06", type="cable", recipients="[roy-recipient]"),
            "content/documents/c.md": document("Second letter", "1951-07-02", type="letter", authors="[ann-author]", recipients="[roy-recipient]"),
        },
    )
    result = build(root, BuildOptions(root.parent / "site"))
    assert not result.diagnostics.errors
    return root.parent / "site"


def test_home_page_filters_narrow_the_list_without_a_server_round_trip(browser: Browser, filtered_site: Path) -> None:
    with serve_directory(filtered_site) as url:
        context = browser.new_context()
        visit = Visit(context, url)
        page = visit.open("")
        titles = page.locator("#document-list .document-item:visible .document-item-title")
        expect(titles).to_have_count(3)
        page.get_by_label("Type").select_option("letter")
        expect(titles).to_have_text(["First letter", "Second letter"])
        page.get_by_label("Year").select_option("1951")
        expect(titles).to_have_text(["Second letter"])
        expect(page.locator(".filter-status")).to_have_text("1 of 3 documents shown.")
        page.get_by_label("Type").select_option("")
        page.get_by_label("Person").select_option("roy-recipient")
        expect(titles).to_have_text(["A cable", "Second letter"])
        assert axe_violations(page) == []
        context.close()
        assert visit.blocked == []


def test_without_scripts_the_home_page_lists_every_document(browser: Browser, filtered_site: Path) -> None:
    with serve_directory(filtered_site) as url:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(url)
        expect(page.locator("#document-list .document-item:visible")).to_have_count(3)
        expect(page.locator("#document-filters")).to_be_hidden()
        context.close()


def test_a_document_page_weighs_under_60_kb_with_everything_it_loads(visit: Visit) -> None:
    sizes: dict[str, int] = {}
    visit.page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    visit.open(DOC).wait_for_load_state("networkidle")
    kinds = {url.rsplit("/", 1)[-1] or "index.html" for url in sizes}
    assert {"edition.css", "edition.js"} <= kinds, sizes
    assert sum(sizes.values()) < 60 * 1024, sizes


def test_printing_a_document_keeps_the_text_and_its_notes_and_drops_the_controls(visit: Visit) -> None:
    page = visit.open(DOC)
    page.emulate_media(media="print")
    for kept in ("#transcript-text", ".apparatus .note", ".metadata"):
        expect(page.locator(kept).first).to_be_visible()
    for dropped in (".site-nav", ".view-switch", ".skip-link"):
        expect(page.locator(dropped)).to_be_hidden()


def test_the_skip_link_comes_first_shows_when_focused_and_leads_to_the_main_content(visit: Visit) -> None:
    page = visit.open(DOC)
    for role in ("banner", "navigation", "main", "contentinfo"):
        expect(page.get_by_role(role).first).to_be_attached()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))  # (the jump to the fragment is not instant: wait for it)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_no_page_scrolls_sideways_on_a_320_px_phone(visit: Visit) -> None:
    visit.page.set_viewport_size({"width": 320, "height": 640})
    overflowing = {}
    for name, path in PAGE_TYPES.items():
        page = visit.open(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            overflowing[name] = overflow
    assert overflowing == {}


def test_pagefind_files_names_with_commas_and_colons_whole(browser: Browser, tmp_path: Path) -> None:
    root = write_files(
        tmp_path / "edition",
        {
            "site.yml": "title: Commas\n",
            "content/persons.yml": "- id: smith\n  name: 'Smith, John: the elder'\n",
            "content/documents/a.md": document(type="'letter, draft'", authors="[smith]"),
        },
    )
    assert not build(root, BuildOptions(tmp_path / "site")).diagnostics.items
    with serve_directory(tmp_path / "site") as url:
        context = browser.new_context()
        visit = Visit(context, url)
        page = visit.open("search/")
        filters = page.evaluate("""async () => {
            const pagefind = await import(new URL('../pagefind/pagefind.js', location.href).href);
            return await pagefind.filters();
        }""")
        context.close()
    assert filters["author"] == {"Smith, John: the elder": 1}
    assert filters["type"] == {"letter, draft": 1}
