"""An editorial statement in a real browser: in its brackets and set apart from the text in both views."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright
from pytest import TempPathFactory

from tests.conftest import REPO_ROOT, build_elsewhere
from tests.support.checkers import axe_violations, block_external_requests, format_violations, launch_chromium, serve_directory

pytestmark = pytest.mark.browser

STYLE = "el => { const style = getComputedStyle(el); return [style.display, style.fontStyle]; }"


def test_an_editorial_statement_keeps_its_brackets_and_stands_apart_in_both_views(tmp_path_factory: TempPathFactory) -> None:
    result = build_elsewhere(REPO_ROOT / "tests" / "editions" / "frus", tmp_path_factory, "frus-browser")
    assert result.output_dir is not None
    with serve_directory(result.output_dir) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context()
        blocked = block_external_requests(context)
        page = context.new_page()
        page.goto(base + "documents/d12/index.html")
        text = page.locator("#transcript-text")
        statement = text.locator(".ed-omitted")
        supplied = text.locator(".ed-supplied")
        for view in ("Diplomatic", "Reading"):
            page.get_by_role("button", name=view).click()
            expect(page.get_by_role("button", name=view)).to_have_attribute("aria-pressed", "true")
            assert [bracket.evaluate(STYLE)[0] for bracket in statement.locator(".ed-bracket").all()] == ["inline", "inline"], view
            assert statement.locator(".ed-text").evaluate(STYLE) == ["inline", "italic"], view
            assert statement.inner_text() == "[Here follows discussion of unrelated matters.]", view
        # The reading view still drops the brackets of the editor's supplied words, as before.
        assert supplied.inner_text() == "of"
        violations = axe_violations(page)
        assert violations == [], format_violations(violations)
        browser.close()
    assert blocked == []
