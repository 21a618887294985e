"""Names in the text, in a real browser: the tooltip shows on hover and on keyboard focus; the pages pass axe."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.support.checkers import axe_violations, block_external_requests, format_violations, launch_chromium, serve_directory

pytestmark = pytest.mark.browser

DOC = "documents/1951-10-18-mao-to-filippov/index.html"
TOOLTIP = "el => getComputedStyle(el, '::after').content"


def test_mention_tooltips_show_on_hover_and_focus_and_pages_pass_axe(sample_site: Path) -> None:
    with serve_directory(sample_site) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context()
        blocked = block_external_requests(context)
        page = context.new_page()
        page.goto(base + DOC)
        mention = page.locator("#transcript-text a.mention-person").first
        assert mention.evaluate(TOOLTIP) == "none"
        mention.hover()
        assert mention.evaluate(TOOLTIP).startswith('"Mao Zedong (1893–1976): Chairman')
        page.mouse.move(0, 0)
        assert mention.evaluate(TOOLTIP) == "none"
        page.locator("body").focus()
        for _ in range(40):  # reach the first mention with the keyboard, as a keyboard user would
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('mention')"):
                break
        focused = page.evaluate_handle("document.activeElement")
        # The cable's first line names the directorate that deciphered it, an organisation of the register.
        assert focused.evaluate(TOOLTIP).startswith('"Second Main Directorate of the General Staff')
        for _ in range(40):  # on to the first person
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('mention-person')"):
                break
        assert page.evaluate_handle("document.activeElement").evaluate(TOOLTIP).startswith('"Mao Zedong')
        for path in (
            DOC,
            "persons/stalin/index.html",
            "persons/index.html",
            "terms/index.html",
            "organizations/index.html",
            "organizations/second-main-directorate/index.html",
        ):
            page.goto(base + path)
            violations = axe_violations(page)
            assert violations == [], format_violations(violations)
        browser.close()
    assert blocked == []
