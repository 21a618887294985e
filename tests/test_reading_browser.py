"""Reading a large edition in Chromium at 390 and 1280 px: 1,000 documents within one year, searched and filtered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from generator.build import BuildOptions, build
from tests.support.checkers import axe_violations, block_external_requests, format_violations, serve_directory
from tests.support.large_edition import write_one_year_edition

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def year_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_one_year_edition(tmp_path_factory.mktemp("reading") / "edition", 1_000, search=True)
    out = root.parent / "site"
    result = build(root, BuildOptions(out))
    assert result.documents == 1_000 and not result.diagnostics.errors
    assert (out / "pagefind").is_dir()
    return out


@pytest.fixture(scope="module")
def base_url(year_site: Path) -> Iterator[str]:
    with serve_directory(year_site) as url:
        yield url


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": request.param, "height": 800})
    blocked = block_external_requests(context)
    yield context.new_page()
    context.close()
    assert blocked == []


def shown_documents(page: Page) -> list[str]:
    return page.locator("#document-list .document-item:not([hidden]) .document-item-title a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def test_a_filter_is_kept_in_the_address_through_back_and_reload(page: Page, base_url: str) -> None:
    page.goto(base_url + "list/2/")
    page.select_option("#filter-type", "letter")
    expect(page).to_have_url(base_url + "list/2/?type=letter")
    page.select_option("#filter-month", index=1)
    filtered = shown_documents(page)
    assert 0 < len(filtered) < 200
    address = page.url
    assert "type=letter" in address and "month=" in address
    page.reload()
    assert page.input_value("#filter-type") == "letter"
    assert shown_documents(page) == filtered
    page.locator("#document-list .document-item:not([hidden]) .document-item-title a").first.click()
    page.wait_for_url("**/documents/**")
    page.go_back()
    expect(page).to_have_url(address)
    assert page.input_value("#filter-type") == "letter"
    assert shown_documents(page) == filtered
    expect(page.locator(".filter-status")).to_contain_text(f"{len(filtered)} of 200 documents shown")


def test_a_filtered_address_opens_filtered(page: Page, base_url: str) -> None:
    page.goto(base_url + "?type=memorandum")
    assert page.input_value("#filter-type") == "memorandum"
    types = page.locator("#document-list .document-item:not([hidden])").evaluate_all("items => items.map(i => i.dataset.type)")
    assert types and set(types) == {"memorandum"}
    page.goto(base_url + "?type=no-such-type")
    assert page.input_value("#filter-type") == ""
    assert len(shown_documents(page)) == 200


def test_month_navigation_leads_to_each_month(page: Page, base_url: str) -> None:
    page.goto(base_url)
    page.get_by_role("link", name="July 1958").first.click()
    page.wait_for_load_state()
    target = page.locator(":target")
    expect(target).to_have_count(1)
    assert target.locator("time").get_attribute("datetime").startswith("1958-07")
    page.goto(base_url + "chronology/")
    page.get_by_role("link", name="March 1958: ").click()
    page.wait_for_url("**/chronology/1958/03/**")
    dates = page.locator(".chronology-list time").evaluate_all("times => times.map(t => t.getAttribute('datetime'))")
    assert dates and all(d.startswith("1958-03") for d in dates)


LIST_PAGES = [
    "",
    "list/3/",
    "chronology/",
    "chronology/1958/",
    "chronology/1958/05/",
    "collections/",
    "collections/central-files/",
    "terms/",
    "terms/nato/",
    "apparatus/",
    "apparatus/sic/",
    "correspondence/",
    "persons/",
    "documents/d000001/",
    "search/?q=NATO&sort=date&page=2",
]


@pytest.mark.parametrize("path", LIST_PAGES)
def test_no_page_is_wider_than_the_screen_and_axe_finds_nothing(page: Page, base_url: str, path: str) -> None:
    page.goto(base_url + path)
    page.wait_for_load_state("load")
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def result_links(page: Page) -> list[str]:
    return page.locator("#search-results .document-item-title a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def found_count(page: Page) -> int:
    expect(page.locator("#search-status")).to_contain_text("documents found")
    return int(page.locator("#search-status").inner_text().split(" ")[0])


def test_every_search_hit_is_reachable_page_by_page(page: Page, base_url: str) -> None:
    page.goto(base_url + "search/?q=SEATO")
    count = found_count(page)
    assert count > 100
    seen: list[str] = []
    while True:
        expect(page.locator("#search-results li").first).to_be_visible()
        seen += result_links(page)
        following = page.locator("#search-pages a[rel=next]")
        if following.count() == 0:
            break
        following.click()
        page.wait_for_url("**page=*")
        expect(page.locator("#search-status")).to_contain_text(" are shown")
    assert len(seen) == count and len(set(seen)) == count
    page.go_back()
    expect(page.locator("#search-status")).to_contain_text(" are shown")
    assert "page=" in page.url


def test_results_show_labelled_fields_and_clean_excerpts(page: Page, base_url: str) -> None:
    page.goto(base_url + "search/?q=NATO")
    found_count(page)
    first = page.locator("#search-results li").first
    labels = first.locator("dt").all_inner_texts()
    assert [label.casefold() for label in labels] == ["date", "type", "number", "collection"]
    assert first.locator(".search-field-date").inner_text().endswith("1958")
    assert first.locator(".search-field-collection").inner_text() in ("Central Files", "Conference Files", "Presidential Papers")
    excerpts = page.locator(".search-excerpt").all_inner_texts()
    assert excerpts and not any(word in text for text in excerpts for word in ("Date1958", "Type", "Collection"))


def test_results_sort_by_date_and_filters_apply_as_they_change(page: Page, base_url: str) -> None:
    from datetime import datetime

    page.goto(base_url + "search/?q=SEATO")
    found_count(page)
    page.select_option("#search-sort", "date")
    page.wait_for_url("**sort=date*")
    expect(page.locator("#search-status")).to_contain_text("documents found")
    dates = [datetime.strptime(text, "%d %B %Y") for text in page.locator(".search-field-date").all_inner_texts()]
    assert dates and dates == sorted(dates)
    page.select_option("#filter-type", "letter")
    page.wait_for_url("**type=letter*")
    assert "sort=date" in page.url and "q=SEATO" in page.url
    expect(page.locator("#search-status")).to_contain_text("documents found")
    types = page.locator(".search-field-type").all_inner_texts()
    assert types and set(types) == {"letter"}
    page.reload()
    assert page.input_value("#filter-type") == "letter" and page.input_value("#search-sort") == "date"


def test_tooltips_stay_on_the_screen_and_note_calls_preview_their_notes(page: Page, base_url: str) -> None:
    page.goto(base_url + "documents/d000002/")
    width = page.viewport_size["width"]
    targets = page.locator("#transcript-text a.mention, #transcript-text a.note-call")
    assert targets.count() > 5
    for i in range(targets.count()):
        target = targets.nth(i)
        target.focus()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, target.inner_text()
        target.hover()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, target.inner_text()
    call = page.locator("#transcript-text a.note-call").first
    note = page.locator(call.get_attribute("href") + " .note-text")
    assert note.inner_text().strip()[:20] in call.get_attribute("data-tooltip")
    call.focus()
    shown = page.evaluate("el => getComputedStyle(el, '::after').content", call.element_handle())
    assert note.inner_text().strip()[:10] in shown
    assert page.url.endswith("/documents/d000002/")  # the preview did not follow the link


def test_note_calls_and_controls_are_targets_of_at_least_24_px(page: Page, base_url: str) -> None:
    page.goto(base_url + "documents/d000002/")
    for call in page.locator("#transcript-text a.note-call").all():
        call.evaluate("el => el.scrollIntoView({block: 'center'})")
        box = call.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        for dx, dy in ((0, -11.5), (0, 11.5), (-11.5, 0), (11.5, 0)):
            hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('a')?.id", [x + dx, y + dy])
            assert hit == call.get_attribute("id")
    page.goto(base_url + "list/2/")
    for control in page.locator(".site-nav a, .list-pager a, .month-list a, #document-filters select").all():
        box = control.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24, control.inner_text()


def test_with_link_all_only_the_first_mention_of_an_entry_is_a_tab_stop(page: Page, base_url: str) -> None:
    page.goto(base_url + "documents/d000002/")
    entries = page.locator("#transcript-text a.mention").evaluate_all("links => links.map(a => a.dataset.entry)")
    assert len(entries) > len(set(entries))  # some entry is named more than once
    stops = page.locator("#transcript-text a.mention").evaluate_all("links => links.filter(a => a.tabIndex >= 0).map(a => a.dataset.entry)")
    assert sorted(stops) == sorted(set(entries))


def test_a_document_shows_its_date_once_and_its_type_as_written(page: Page, base_url: str) -> None:
    page.goto(base_url + "documents/d000002/")
    date = page.locator(".metadata time").first.inner_text()
    top = page.locator(".document-header").inner_text() + page.locator(".metadata").inner_text()
    assert top.count(date) == 1
    assert page.locator(".metadata-type").evaluate("el => getComputedStyle(el).textTransform") == "none"  # not "Memorandum Of ..."
    page.goto(base_url)
    shown = page.locator(".document-list .document-type").first
    assert shown.inner_text() == shown.evaluate("el => el.textContent")


def test_search_of_one_year_filters_by_month(page: Page, base_url: str) -> None:
    page.goto(base_url + "search/?q=SEATO")
    found_count(page)
    assert page.locator("#filter-month option").nth(3).inner_text() == "March 1958"
    page.select_option("#filter-month", "1958-03")
    page.wait_for_url("**month=1958-03*")
    expect(page.locator("#search-status")).to_contain_text("found")
    dates = page.locator(".search-field-date").all_inner_texts()
    assert dates and all(d.endswith("March 1958") for d in dates)


@pytest.fixture(scope="module")
def split_base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same edition with its search index in parts of at most 300 documents (by month)."""
    root = write_one_year_edition(tmp_path_factory.mktemp("split") / "edition", 1_000, search=True)
    (root / "site.yml").write_text((root / "site.yml").read_text(encoding="utf-8") + "  part_size: 300\n", encoding="utf-8")
    out = root.parent / "site"
    assert not build(root, BuildOptions(output_dir=out)).diagnostics.errors
    assert len([part for part in (out / "pagefind").iterdir() if part.is_dir()]) > 3
    with serve_directory(out) as url:
        yield url


@pytest.mark.parametrize("address", ["search/?q=SEATO", "search/?q=SEATO&sort=date", "search/?q=SEATO&sort=date-desc", "search/?type=letter"])
def test_a_search_index_in_parts_finds_what_one_index_finds_in_the_same_order(page: Page, base_url: str, split_base_url: str, address: str) -> None:
    # By relevance, each part scores by its own word counts: the same number of documents, not the same order.
    found = []
    for url in (base_url, split_base_url):
        page.goto(url + address)
        expect(page.locator("#search-status")).to_contain_text("found")
        found.append((page.locator("#search-status").inner_text(), result_links(page), page.locator(".search-field-date").all_inner_texts()))
    (one_status, one_links, one_dates), (split_status, split_links, split_dates) = found
    assert one_status == split_status and len(one_links) == len(split_links) > 0
    if "sort=" in address or "q=" not in address:
        assert split_dates == one_dates
