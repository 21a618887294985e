"""In Chromium: two versions side by side with aligned rows and highlighted partners, and the facsimile viewer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.support.checkers import axe_violations, block_external_requests, format_violations, launch_chromium, serve_directory
from tests.test_versions import BILINGUAL_DOC

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser_page(bilingual_site: Path) -> Iterator[tuple[Page, str, list[str]]]:
    with sync_playwright() as playwright, serve_directory(bilingual_site) as base:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        blocked = block_external_requests(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page, base + BILINGUAL_DOC, errors
        assert blocked == []
        browser.close()


@pytest.fixture
def page(browser_page: tuple[Page, str, list[str]]) -> Iterator[Page]:
    page, url, errors = browser_page
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(url)
    yield page
    assert errors == []


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, selector
    return found


def test_versions_stand_side_by_side_with_aligned_paragraphs_in_rows(page: Page) -> None:
    assert page.locator(".version-picker").is_visible()
    main, russian = box(page, "#version-main"), box(page, "#version-ru")
    assert russian["x"] >= main["x"] + main["width"]
    for key in ("1", "2", "3"):
        left, right = box(page, f"#version-main .segment[data-align='{key}']"), box(page, f"#version-ru .segment[data-align='{key}']")
        assert abs(left["y"] - right["y"]) < 1 and abs(left["height"] - right["height"]) < 1


def test_hovering_or_focusing_a_paragraph_highlights_its_partner(page: Page) -> None:
    page.hover("#version-ru .segment[data-align='2']")
    assert page.locator(".segment.is-partner").evaluate_all("els => els.map(e => e.closest('.version').id + ':' + e.dataset.align)") == ["version-main:2"]
    page.mouse.move(0, 0)
    assert page.locator(".segment.is-partner, .segment.is-active").count() == 0
    page.locator("#version-main .segment[data-align='3']").focus()
    assert page.locator(".segment.is-active").get_attribute("data-align") == "3"
    assert page.locator(".segment.is-partner").evaluate_all("els => els.map(e => e.closest('.version').id + ':' + e.dataset.align)") == ["version-ru:3"]


def test_the_reader_picks_the_versions_shown(page: Page) -> None:
    page.select_option("select[data-side='right']", "")
    assert page.locator("#version-ru").is_hidden()
    assert "parallel" not in (page.locator("#versions").get_attribute("class") or "")
    page.select_option("select[data-side='left']", "ru")
    page.select_option("select[data-side='right']", "main")
    assert box(page, "#version-main")["x"] > box(page, "#version-ru")["x"]


def test_on_a_phone_the_versions_stack(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    main, russian = box(page, "#version-main"), box(page, "#version-ru")
    assert russian["y"] >= main["y"] + main["height"]


def test_the_viewer_zooms_and_turns_pages_with_buttons_and_keys(page: Page) -> None:
    image, status, stage = page.locator(".facsimile-image"), page.locator(".facsimile-status"), page.locator(".facsimile-stage")
    assert status.text_content() == "Page 1 of 2"
    assert image.get_attribute("src").endswith("test-cable-1.png")
    fitted = box(page, ".facsimile-image")["width"]
    page.click("button[data-action='zoom-in']")
    assert box(page, ".facsimile-image")["width"] > fitted * 1.4
    assert stage.evaluate("el => el.scrollWidth > el.clientWidth")
    page.click("button[data-action='reset']")
    assert abs(box(page, ".facsimile-image")["width"] - fitted) < 1
    page.click("button[data-action='next']")
    assert status.text_content() == "Page 2 of 2" and image.get_attribute("src").endswith("test-cable-2.png")
    assert page.locator("button[data-action='next']").is_disabled()
    stage.focus()
    page.keyboard.press("ArrowLeft")
    assert status.text_content() == "Page 1 of 2"
    page.keyboard.press("PageDown")
    assert status.text_content() == "Page 2 of 2"
    page.keyboard.press("+")
    assert box(page, ".facsimile-image")["width"] > fitted * 1.4
    page.keyboard.press("0")
    assert abs(box(page, ".facsimile-image")["width"] - fitted) < 1


def test_a_page_break_in_the_text_opens_its_page(page: Page) -> None:
    page.click("#version-ru a.pb[data-page='2']")
    assert page.locator(".facsimile-status").text_content() == "Page 2 of 2"
    assert page.locator("#facs-2 a").get_attribute("aria-current") == "page"
    page.click("#facs-1 a")
    assert page.locator(".facsimile-status").text_content() == "Page 1 of 2"


def test_the_page_has_no_accessibility_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def test_the_reading_view_applies_to_every_version(page: Page) -> None:
    page.click(".view-switch button[data-view='reading']")
    assert page.locator("#version-ru .ed-gap .ed-bracket").first.is_hidden()
    page.click(".view-switch button[data-view='diplomatic']")
    assert page.locator("#version-ru .ed-gap .ed-bracket").first.is_visible()
