"""The interface language: every theme string from a message catalogue, dates in the edition's language."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from generator.build import BuildOptions, build
from tests.conftest import REPO_ROOT, document, parse_html

LOCALE = REPO_ROOT / "themes" / "default" / "locale"


def load_catalogue_tool():
    spec = importlib.util.spec_from_file_location("catalogues", REPO_ROOT / "tools" / "catalogues.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_catalogue_template_holds_every_message_of_the_theme() -> None:
    tool = load_catalogue_tool()
    extracted = {m.id for m in tool.extract() if m.id}
    assert "Textual apparatus" in extracted and "Facsimile" in extracted and "author" in extracted
    assert tool.messages_of((LOCALE / "messages.pot").read_bytes()) == extracted, "run python tools/catalogues.py"


@pytest.mark.parametrize("language", ["ru", "zh"])
def test_russian_and_chinese_translate_every_message(language: str) -> None:
    template = {m.id for m in read_po(io.BytesIO((LOCALE / "messages.pot").read_bytes())) if m.id}
    catalogue = read_po(io.BytesIO((LOCALE / language / "LC_MESSAGES" / "messages.po").read_bytes()))
    untranslated = [m.id for m in catalogue if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)]
    assert untranslated == []
    assert {m.id for m in catalogue if m.id} == template


def three_documents(site: str, make_edition) -> Path:
    root = make_edition(
        {
            f"content/documents/{name}.md": document(title=name.upper(), date=date, body="Text [sic].", authors="[ann-author]")
            for name, date in (("a", "1951-10-18"), ("b", "1951-10"), ("c", "1952~"))
        }
        | {"content/pages/about.md": "---\ntitle: About\n---\nAbout.\n"},
        site=site,
    )
    result = build(root, BuildOptions(root / "_site"))
    assert not result.diagnostics.items, [d.format() for d in result.diagnostics.items]
    return root / "_site"


def test_language_ru_gives_a_russian_interface_and_russian_dates(make_edition) -> None:
    site = three_documents("title: Издание\nlanguage: ru\n", make_edition)
    home = parse_html(site / "index.html")
    assert home.html["lang"] == "ru"
    assert [a.get_text() for a in home.select(".site-nav a")] == ["Документы", "Хронология", "Лица", "Поиск", "About"]
    assert [t.get_text() for t in home.select(".document-item time")] == ["октябрь 1951\u202fг.", "18 октября 1951\u202fг.", "ок. 1952"]
    page = parse_html(site / "documents/a/index.html")
    assert page.select_one("#transcript-heading").get_text() == "Текст"
    assert page.select_one("a.note-call")["aria-label"] == "Sic, примечание a"
    assert page.select_one(".metadata dt").get_text() == "Дата"
    person = parse_html(site / "persons/index.html")
    assert person.select_one(".entry-count").get_text() == "3 документа"
    assert parse_html(site / "persons/ann-author/index.html").select_one(".roles").get_text() == "автор"
    assert home.select_one(".filter-status")["data-shown"] == "Показано документов: {shown} из {total}."  # the scripts' words
    assert parse_html(site / "search/index.html").select_one("#search-status")["data-searching"] == "Поиск…"
    chronology = parse_html(site / "chronology/index.html")
    assert [h.get_text() for h in chronology.select("h3")] == ["октябрь 1951\u202fг.", "1952, месяц неизвестен"]
    assert chronology.select_one(".chronology-year .entry-count").get_text() == "2 документа"


def test_language_zh_gives_a_chinese_interface_and_chinese_dates(make_edition) -> None:
    site = three_documents("title: 版本\nlanguage: zh-Hans\n", make_edition)
    home = parse_html(site / "index.html")
    assert [t.get_text() for t in home.select(".document-item time")] == ["1951年10月", "1951年10月18日", "约 1952"]
    assert home.select_one(".skip-link").get_text() == "跳到正文"


def test_english_keeps_its_day_month_year_dates(make_edition) -> None:
    site = three_documents("title: Edition\nlanguage: en\n", make_edition)
    assert [t.get_text() for t in parse_html(site / "index.html").select(".document-item time")] == ["October 1951", "18 October 1951", "c. 1952"]
    assert parse_html(site / "persons/index.html").select_one(".entry-count").get_text() == "3 documents"


def test_an_unknown_language_falls_back_to_english(make_edition) -> None:
    site = three_documents("title: Edition\nlanguage: tlh\n", make_edition)
    assert parse_html(site / "index.html").select_one(".skip-link").get_text() == "Skip to content"


def test_an_edition_catalogue_overrides_messages_and_missing_ones_show_in_english(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/a.md": document(),
            "themes/default/locale/ru/LC_MESSAGES/messages.po": 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            'msgid "Documents"\nmsgstr "Бумаги"\n\n#, fuzzy\nmsgid "Persons"\nmsgstr "Персоны"\n',
            "themes/default/templates/home.html": (
                "{% extends 'base.html' %}{% block main %}<p id='new'>{{ _('Words no catalogue has yet') }}</p>{% endblock %}"
            ),
        },
        site="title: Издание\nlanguage: ru\n",
    )
    result = build(root, BuildOptions(root / "_site"))
    assert not result.diagnostics.items
    home = parse_html(root / "_site" / "index.html")
    assert home.select_one("#new").get_text() == "Words no catalogue has yet"
    assert [a.get_text() for a in home.select(".site-nav a")] == ["Бумаги", "Хронология", "Лица", "Поиск"]  # fuzzy: the shipped one
