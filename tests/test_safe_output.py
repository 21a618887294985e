"""Nothing unsafe is published: raw HTML is escaped unless the edition opts in, link targets are
limited to safe schemes, and no generated input puts a script or an event handler on a page."""

from __future__ import annotations

import re
import string
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import BuildOptions, build
from tests.conftest import MINIMAL_SITE, document, parse_html, write_files

UNSAFE_BODY = """\
A [safe](https://example.org/a?b=c) link, a [script](javascript:alert(1)) link and a [relative](../b/index.html) one.
Mail [us](mailto:ed@example.org), see [above](#top) or [Ann](person:ann-author); ![a pixel](data:image/png;base64,AAAA).
An autolink <vbscript:msgbox(1)>, an [entity](&#x6A;avascript:alert(2)) and a [file][f].

[f]: FILE:///etc/passwd
"""


def text_of(path: Path) -> BeautifulSoup:
    return parse_html(path).select_one("#transcript-text") or parse_html(path)


def test_links_with_unsafe_schemes_are_dropped_with_a_warning_at_their_position(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document(body=UNSAFE_BODY)})
    result = build(root, BuildOptions(tmp_path / "out"))
    warnings = [d.format() for d in result.diagnostics.warnings]
    assert [w.split(": warning:")[0] for w in warnings] == [
        "content/documents/a.md:5:45",
        "content/documents/a.md:6:82",
        "content/documents/a.md:7:13",
        "content/documents/a.md:7:38",
        "content/documents/a.md:7:79",
    ]
    assert "the link target 'javascript:alert(1)' is not allowed, so the link is dropped and only its text is kept" in warnings[0]
    assert "'FILE:///etc/passwd'" in warnings[4]
    text = text_of(tmp_path / "out/documents/a/index.html")
    hrefs = [a["href"] for a in text.select("a[href]")]
    assert hrefs[:4] == ["https://example.org/a?b=c", "../b/index.html", "mailto:ed@example.org", "#top"]
    assert len(hrefs) == 5  # and the link to the register entry, which the mentions rule may resolve
    assert text.select("img") == []
    assert "a script link" in text.get_text() and "a pixel" in text.get_text() and "a file." in text.get_text()


def test_unsafe_links_in_pages_and_the_introduction_are_dropped_too(make_edition, tmp_path: Path) -> None:
    site = MINIMAL_SITE + "introduction: 'Read [me](javascript:alert(1)).'\n"
    root = make_edition(
        {
            "content/documents/a.md": document(),
            "content/pages/about.md": "---\ntitle: About\n---\nThe [about](data:text/html,hi) page.\n",
        },
        site=site,
    )
    result = build(root, BuildOptions(tmp_path / "out"))
    assert [d.format().split(": warning:")[0] for d in result.diagnostics.warnings] == ["content/pages/about.md:4:5", "site.yml:3:21"]
    for page in ("index.html", "about/index.html"):
        html = (tmp_path / "out" / page).read_text(encoding="utf-8")
        assert "javascript:" not in html and "data:text" not in html


def test_raw_html_is_escaped_unless_the_edition_allows_it(make_edition, tmp_path: Path) -> None:
    body = 'Before <b onclick="steal()">bold</b> <script>alert(1)</script> after.'
    root = make_edition({"content/documents/a.md": document(body=body)})
    build(root, BuildOptions(tmp_path / "escaped"))
    text = text_of(tmp_path / "escaped/documents/a/index.html")
    assert text.select("b, script") == []
    assert '<b onclick="steal()">bold</b>' in text.get_text()

    (root / "site.yml").write_text(MINIMAL_SITE + "markdown:\n  allow_html: true\n", encoding="utf-8")
    build(root, BuildOptions(tmp_path / "allowed"))
    text = text_of(tmp_path / "allowed/documents/a/index.html")
    assert text.select_one("b").get_text() == "bold" and text.select_one("b")["onclick"] == "steal()"
    assert text.select_one("script").get_text() == "alert(1)"


# --------------------------------------------------------------------------- property-based

ATTACKS = [
    "<script>alert(1)</script>",
    "<script src=x>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><b onmouseover=alert(1)>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "[x](javascript:alert(1))",
    "[x](  javascript:alert(1) )",
    "<javascript:alert(1)>",
    "![i](data:text/html,<script>)",
    "[x](vbscript:msgbox)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x](&#106;avascript:alert(1))",
    "[x](java%0ascript:y)",
    "<a href='javascript:alert(1)'>a</a>",
    "<!-- <script> -->",
    "<style>*{}</style>",
    "{{ site }}",
    "{% raw %}",
    "[",
    "]",
    "[[",
    "]]",
    "[^1]",
    "[^1]: note",
    "`",
    "``[`",
    "\\[",
    "*",
    "_",
    "<",
    ">",
    "&",
    "&amp;",
    "\n",
    "\n\n",
    "---",
    "> ",
    "- ",
    "# ",
    "    code",
    "|a|b|\n|-|-|\n|1|2|",
    "\t",
    " ",
    "é",
    "\u202e",
]
CONTROL_CHARACTERS = ["\x00", "\x0c", "\x1b", "\x7f"]  # from PDFs and scans; an error in a field, U+FFFD in a body
fragment = st.one_of(st.sampled_from(ATTACKS), st.text(alphabet=string.ascii_letters + " .,:;()[]<>\"'=/&#!*_`\\", max_size=12))
text_value = st.lists(fragment, min_size=1, max_size=6).map(lambda parts: "A " + "".join(parts))  # never blank: a blank title is an error
body_value = st.lists(st.one_of(fragment, st.sampled_from(CONTROL_CHARACTERS)), max_size=25).map("".join)


@st.composite
def editions(draw: st.DrawFn) -> dict[str, str]:
    """An edition whose every free-text field, in every file, and every body is drawn from the attacks. (Fields of a
    checked form, a language tag or an authority's identifier, refuse them where they are read: see test_messages.)"""
    value = lambda: draw(text_value)  # noqa: E731
    front = {
        "title": value(),
        "date": "1951-10-18",
        "summary": value(),
        "source": value(),
        "subjects": [value()],
        "type": value(),
        "number": value(),
        "language": "en",
        "translation": value(),
        "rights": value(),
        "collection": value(),
        "authors": ["ann"],
        "places": ["here"],
    }
    persons = [
        {
            "id": "ann",
            "name": value(),
            "sort_name": value(),
            "description": value(),
            "aliases": [value()],
            "dates": value(),
            "authority": {"viaf": "101787139", "wikidata": draw(st.sampled_from(["Q855", "Q5816"]))},
        }
    ]
    places = [{"id": "here", "name": value(), "modern_name": value(), "description": value(), "coordinates": [1.5, 2.5]}]
    site = {"title": value(), "subtitle": value(), "introduction": draw(body_value), "editors": [value()], "publisher": value(), "license": value()}
    dump = lambda data: yaml.safe_dump(data, allow_unicode=True)  # noqa: E731
    return {
        "site.yml": dump(site),
        "content/persons.yml": dump(persons),
        "content/places.yml": dump(places),
        "content/documents/a.md": "---\n" + dump(front) + "---\n" + draw(body_value) + "\n",
        "content/pages/about.md": "---\n" + dump({"title": value()}) + "---\n" + draw(body_value) + "\n",
    }


DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}


def executable_parts(html: str) -> list[str]:
    """Scripts without src, event-handler attributes, javascript:/vbscript:/data: URLs and control characters on a page."""
    soup = BeautifulSoup(html, "html.parser")
    found = [f"control character U+{ord(c):04X}" for c in html if c in CONTROL_CHARACTERS]
    for script in soup.find_all("script"):
        kind = (script.get("type") or "text/javascript").lower()
        if kind in DATA_SCRIPT_TYPES:  # not run by the browser; values must not be able to close the element
            if "<" in script.get_text():
                found.append(f"unescaped '<' in a {kind} block: {script}")
        elif not script.get("src"):
            found.append(f"inline script: {script}")
    for element in soup.find_all(True):
        for attribute, value in element.attrs.items():
            if attribute.lower().startswith("on"):
                found.append(f"handler: {element.name} {attribute}")
            if attribute.lower() in ("href", "src", "action", "formaction", "xlink:href"):
                target = re.sub(r"[\x00-\x20\x7f]", "", str(value)).lower()
                if target.startswith(("javascript:", "vbscript:", "data:")):
                    found.append(f"url: {element.name} {attribute}={value}")
    return found


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=editions())
def test_no_generated_input_puts_a_script_or_handler_on_any_page(tmp_path: Path, files: dict[str, str]) -> None:
    root = tmp_path / "edition"
    write_files(root, files)
    result = build(root, BuildOptions(write=False))  # raises on a bug; problems in the input are diagnostics
    assert {"documents/a/index.html", "persons/ann/index.html", "places/here/index.html", "about/index.html"} <= set(result.files), result.diagnostics.errors
    for path, data in result.files.items():
        if path.endswith(".html"):
            assert executable_parts(data.decode("utf-8")) == [], path


def test_a_misspelt_register_scheme_is_dropped_with_a_suggestion(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document(body="See [Stalin](persons:stalin).")})
    (warning,) = build(root, BuildOptions(tmp_path / "out")).diagnostics.warnings
    assert warning.format().startswith("content/documents/a.md:5:5: warning: the link target 'persons:stalin' is not allowed")
    assert warning.message.endswith("did you mean 'person:stalin'?")


def test_translations_are_text_with_only_the_markup_of_their_english_message(make_edition) -> None:
    link_message = 'There is no page at this address. The <a href=\\"%(link)s\\">list of documents</a> leads to every document of the edition.'
    root = make_edition(
        {
            "content/documents/a.md": document(),
            "themes/default/locale/ru/LC_MESSAGES/messages.po": (
                'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                'msgid "Documents"\nmsgstr "<script>alert(1)</script>Бумаги & <b>Co</b>"\n\n'
                f'msgid "{link_message}"\n'
                'msgstr "<img src=x onerror=alert(2)>Нет страницы. <a href=\\"%(link)s\\">Список документов</a> ведёт ко всем."\n'
            ),
        },
        site="title: Издание\nlanguage: ru\n",
    )
    result = build(root, BuildOptions(root / "_site"))
    assert not result.diagnostics.items
    home = parse_html(root / "_site" / "index.html")
    assert home.select("script:-soup-contains('alert')") == [] and home.select(".site-nav b") == []
    assert home.select(".site-nav a")[0].get_text() == "<script>alert(1)</script>Бумаги & <b>Co</b>"
    missing = parse_html(root / "_site" / "404.html")
    assert missing.select("img") == []
    paragraph = missing.find("a", string="Список документов").parent
    assert paragraph.get_text() == "<img src=x onerror=alert(2)>Нет страницы. Список документов ведёт ко всем."
    assert paragraph.a["href"] == "index.html"
