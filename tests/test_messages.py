"""A message for everything: hostile input to every command ends in `path:line:col` messages or a usage error, never a traceback.

Most cases run in-process through the command's entry point (generator.cli.main), which returns an exit
status or raises; one runs as a separate process, and files that cannot be read are read by an unprivileged
user where the tests run as root.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.cli import main
from tests.conftest import MINIMAL_SITE, REPO_ROOT, document, write_files
from tests.support.users import as_unprivileged_user, shared_folder

RU_SITE = "title: Test Edition\nlanguage: ru\ntheme: mine\n"
CATALOGUE = "themes/mine/locale/ru/LC_MESSAGES/messages.po"
PO_HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n"Plural-Forms: nplurals=2; plural={plural};\\n"\n\n'
PO_MESSAGES = 'msgid "Documents"\nmsgstr "Документы"\n'


def catalogue(charset: str = "UTF-8", plural: str = "(n != 1)", messages: str = PO_MESSAGES) -> str:
    return PO_HEADER.format(charset=charset, plural=plural) + messages


# name -> (files of the edition, the line the check must print); every case is also built.
HOSTILE_EDITIONS: dict[str, tuple[dict[str, str | bytes], str]] = {
    "template not in UTF-8": (
        {"site.yml": "title: Test Edition\ntheme: mine\n", "themes/mine/templates/base.html": b"<html>\n{{ site.title }}\n<p>Caf\xe9</p>\n"},
        "themes/mine/templates/base.html:3:1: error: template error: the template is not UTF-8 (byte 30 cannot be read as UTF-8)",
    ),
    "catalogue with an unknown charset": (
        {"site.yml": RU_SITE, CATALOGUE: catalogue(charset="x-no-such-charset")},
        f"{CATALOGUE}:3:1: error: the catalogue's charset is not known: unknown encoding: x-no-such-charset",
    ),
    "catalogue line not in its charset": (
        {"site.yml": RU_SITE, CATALOGUE: catalogue().encode() + b'\nmsgid "Year"\nmsgstr "\xff\xfe"\n'},
        f"{CATALOGUE}:10:1: error: this line of the catalogue is not in its charset, utf-8",
    ),
    "catalogue with a plural rule that is code": (
        {"site.yml": RU_SITE, CATALOGUE: catalogue(plural='__import__(\\"os\\").getpid()')},
        f"{CATALOGUE}:4:1: error: the catalogue cannot be used: invalid token in plural form: __import__",
    ),
    "catalogue with an unbalanced plural rule": (
        {"site.yml": RU_SITE, CATALOGUE: catalogue(plural="(n != 1")},
        f"{CATALOGUE}:4:1: error: the catalogue cannot be used: unbalanced parenthesis in plural form",
    ),
    "catalogue with a plural rule nested too deep": (
        {"site.yml": RU_SITE, CATALOGUE: catalogue(plural="(" * 3000 + "n" + ")" * 3000)},
        f"{CATALOGUE}:4:1: error: the catalogue cannot be used: plural form expression is too long",
    ),
    "translation asking for a value it is not given": (
        {"site.yml": RU_SITE, CATALOGUE: catalogue(messages='msgid "Page %(page)s"\nmsgstr "Страница %(number)s"\n')},
        f"{CATALOGUE}:6:1: error: the translation of 'Page %(page)s' asks for the value 'number', which it is not given",
    ),
    "translation with a lone percent sign": (
        {"site.yml": RU_SITE, CATALOGUE: catalogue(messages='msgid "Documents"\nmsgstr "100% документов"\n')},
        f"{CATALOGUE}:6:1: error: the translation of 'Documents' has a % that starts no placeholder such as %(name)s (write a literal % as %%)",
    ),
    "whole number of thousands of digits": (
        {"site.yml": "title: " + "1" * 5000 + "\n"},
        "site.yml:1:1: error: invalid YAML: a value cannot be read (Exceeds the limit (4300 digits) for integer string conversion: "
        "value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit)",
    ),
    "base_url with an unclosed bracket": (
        {"site.yml": "title: Test Edition\nbase_url: 'https://[::1/'\n"},
        "site.yml:2:1: error: 'base_url': 'https://[::1/' is not an http(s) address such as https://example.org/edition/",
    ),
    "document id too long for a file name": (
        {"content/documents/" + "a" * 240 + ".md": document()},
        f"content/documents/{'a' * 240}.md:1:1: error: the id 'aaaaaaaaaaaaaaaaaaaa…' is 240 characters long; an id may have at most "
        "200, so that a file system can hold the files named after it",
    ),
    "two pages with one id": (
        {"content/pages/about.md": "---\ntitle: About\n---\nText.\n", "content/pages/more/about.md": "---\ntitle: More\n---\nText.\n"},
        "content/pages/more/about.md:1:1: error: the page id 'about' is already used by content/pages/about.md",
    ),
    "language that is not a language tag": (
        {"content/documents/a.md": document(language="Russian"), "content/documents/b.md": document(text_language="'en us'")},
        "content/documents/a.md:4:11: error: 'language': 'Russian' is not a language tag such as en, ru or zh-Hans",
    ),
    "version language that is not a language tag": (
        {"content/documents/a.md": document(), "content/documents/a.ru.md": "---\nlanguage: ru_RU\n---\nТекст.\n"},
        "content/documents/a.ru.md:2:11: error: 'language': 'ru_RU' is not a language tag such as en, ru or zh-Hans",
    ),
    "authority record that is a script": (
        {"content/persons.yml": "- id: ann\n  name: Ann\n  authority: {homepage: 'javascript:alert(1)'}\n"},
        "content/persons.yml:3:14: error: 'authority': 'javascript:alert(1)' of 'homepage' is an address that is not http(s)",
    ),
    "authority scheme with a space": (
        {"content/persons.yml": "- id: ann\n  name: Ann\n  authority: {my scheme: x1}\n"},
        "content/persons.yml:3:14: error: 'authority': 'my scheme' is not a name of an authority scheme: use letters, digits, '-' and '_', e.g. wikidata",
    ),
    "page image with a space in its address": (
        {"content/documents/a.md": document(facsimiles="['https://iiif.example.org/page 1/info.json']")},
        "content/documents/a.md:4:13: error: 'facsimiles': page 1: 'https://iiif.example.org/page 1/info.json' has a space; write it as %20",
    ),
    "page image address without a host": (
        {"content/documents/a.md": document(facsimiles="['https://[::1/info.json']")},
        "content/documents/a.md:4:13: error: 'facsimiles': page 1: 'https://[::1/info.json' is not an address such as https://example.org/iiif/p1/info.json",
    ),
    "page labels that make one xml:id": (
        {"content/documents/a.md": document(facsimiles="[{image: 'https://e.org/1.png', n: '1 r'}, {image: 'https://e.org/2.png', n: '1-r'}]")},
        "content/documents/a.md:4:13: error: 'facsimiles': the pages '1 r' and '1-r' differ only in signs and spaces; give each page a label "
        "that differs in letters or digits",
    ),
    "the year 0000": (
        {"content/documents/a.md": document(date="0000")},
        "content/documents/a.md:3:7: error: '0000' has the year 0000, which TEI and XML dates do not allow: the years run from 0001",
    ),
}


def run_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The command run in this process: its exit status and what it printed (an exception fails the test, as a traceback would)."""
    status = main(argv)
    printed = capsys.readouterr()
    return status, printed.out + printed.err


@pytest.mark.parametrize("case", HOSTILE_EDITIONS)
def test_hostile_edition_is_reported_by_check_and_build(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files, expected = HOSTILE_EDITIONS[case]
    root = write_files(tmp_path / "edition", {"site.yml": MINIMAL_SITE, "content/documents/good.md": document(), **files})
    for argv in (["check", str(root)], ["build", str(root), "--out", str(tmp_path / "site")]):
        status, printed = run_command(argv, capsys)
        assert status == 1, printed
        assert "Traceback" not in printed
        assert expected in printed.splitlines(), printed
    assert not (tmp_path / "site").exists()


def test_the_hostile_editions_have_what_the_corpus_needs() -> None:
    # (each case differs from a good edition by its files alone, and names the line it expects)
    assert all(expected.count(":") >= 3 for _, expected in HOSTILE_EDITIONS.values())


def test_a_hostile_edition_in_a_separate_process(tmp_path: Path) -> None:
    files, expected = HOSTILE_EDITIONS["catalogue with a plural rule that is code"]
    root = write_files(tmp_path / "edition", {"content/documents/good.md": document(), **files})
    result = subprocess.run([sys.executable, "-m", "generator", "check", str(root)], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert expected in result.stderr.splitlines()


# --------------------------------------------------------------------------- files that cannot be read


@pytest.fixture
def readable_folder() -> Iterator[Path]:
    with shared_folder("edition-messages-") as folder:
        yield folder


UNREADABLE: dict[str, tuple[dict[str, str | bytes], str, str]] = {
    # name -> (files, the file made unreadable, the line expected)
    "site.yml": ({}, "site.yml", "site.yml:1:1: error: cannot read site.yml: Permission denied"),
    "template": (
        {"site.yml": "title: Test Edition\ntheme: mine\n", "themes/mine/templates/base.html": "<html>{{ site.title }}</html>\n"},
        "themes/mine/templates/base.html",
        "themes/mine/templates/base.html:1:1: error: template error: cannot read the template: Permission denied",
    ),
    "catalogue": ({"site.yml": RU_SITE, CATALOGUE: catalogue()}, CATALOGUE, f"{CATALOGUE}:1:1: error: cannot read this catalogue: Permission denied"),
}


@pytest.mark.parametrize("case", UNREADABLE)
def test_a_file_that_cannot_be_read_is_reported(case: str, readable_folder: Path) -> None:
    prefix = as_unprivileged_user()
    if prefix is None:
        pytest.skip("running as root without setpriv: every file can be read")
    files, unreadable, expected = UNREADABLE[case]
    root = write_files(readable_folder / "edition", {"site.yml": MINIMAL_SITE, "content/documents/good.md": document(), **files})
    for folder, _, names in os.walk(root):
        Path(folder).chmod(0o755)
        for name in names:
            (Path(folder) / name).chmod(0o644)
    (root / unreadable).chmod(0)
    result = subprocess.run([*prefix, sys.executable, "-m", "generator", "check", str(root)], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert expected in result.stderr.splitlines(), result.stderr


# --------------------------------------------------------------------------- the command line


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    return write_files(tmp_path / "edition", {"site.yml": MINIMAL_SITE, "content/documents/good.md": document()})


def test_serve_on_a_port_in_use_is_a_usage_error(edition: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, printed = run_command(["serve", str(edition), "--port", str(port)], capsys)
    assert status == 2
    assert f"edition serve: cannot serve on 127.0.0.1 port {port}: Address already in use" in printed.splitlines()
    assert not (edition / "_site").exists()  # refused before the build


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--port", "99999", "edition serve: error: argument --port: '99999' is not a port number (0 to 65535)"),
        ("--port", "-1", "edition serve: error: argument --port: '-1' is not a port number (0 to 65535)"),
        ("--port", "http", "edition serve: error: argument --port: 'http' is not a port number (0 to 65535)"),
        ("--host", "no such host!", "edition serve: cannot serve on no such host! port 0: Name or service not known"),
        ("--host", "\x00", "edition serve: cannot serve on \x00 port 0: host name must not contain null character"),
    ],
)
def test_serve_with_an_invalid_address_is_a_usage_error(option: str, value: str, expected: str, edition: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = [] if option == "--port" else ["--port", "0"]
    status, printed = run_command(["serve", str(edition), f"{option}={value}", *extra], capsys)
    assert status == 2 and "Traceback" not in printed
    assert expected in printed.splitlines(), printed


def test_new_refuses_a_file_a_folder_in_use_and_a_place_it_cannot_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("notes\n", encoding="utf-8")
    (tmp_path / "used").mkdir()
    (tmp_path / "used/keep.txt").write_text("kept\n", encoding="utf-8")
    expected = {
        str(a_file): f"edition: '{a_file}' already exists and is not a folder; choose a new folder",
        str(tmp_path / "used"): f"edition: '{tmp_path / 'used'}' already exists and is not empty; choose a new folder",
        str(a_file / "edition"): f"edition: cannot create the edition in '{a_file / 'edition'}': Not a directory ({a_file / 'edition'})",
    }
    for target, message in expected.items():
        status, printed = run_command(["new", target], capsys)
        assert status == 2 and message in printed.splitlines(), printed
    assert a_file.read_text(encoding="utf-8") == "notes\n" and (tmp_path / "used/keep.txt").read_text(encoding="utf-8") == "kept\n"


def test_new_in_a_folder_it_may_not_write_is_reported(readable_folder: Path) -> None:
    prefix = as_unprivileged_user()
    if prefix is None:
        pytest.skip("running as root without setpriv: every folder can be written")
    locked = readable_folder / "locked"
    locked.mkdir(mode=0o555)
    locked.chmod(0o555)  # (mkdir's mode is masked by the umask)
    result = subprocess.run(
        [*prefix, sys.executable, "-m", "generator", "new", str(locked / "edition")], capture_output=True, text=True, timeout=60, cwd=REPO_ROOT
    )
    assert result.returncode == 2 and "Traceback" not in result.stdout + result.stderr
    assert result.stderr.splitlines() == [f"edition: cannot create the edition in '{locked / 'edition'}': Permission denied ({locked / 'edition'})"]
    assert stat.S_IMODE(locked.stat().st_mode) == 0o555 and list(locked.iterdir()) == []


# --------------------------------------------------------------------------- check refuses what build refuses


def test_an_incremental_build_refuses_a_page_that_collides_as_a_clean_one_does(edition: Path) -> None:
    write_files(edition, {"site.yml": MINIMAL_SITE + "search:\n  enabled: false\n", "content/pages/about.md": "---\ntitle: About\n---\nA.\n"})
    assert not build(edition, BuildOptions(edition / "_site")).diagnostics.errors
    before = (edition / "_site/about/index.html").read_bytes()
    write_files(edition, {"content/pages/more.md": "---\ntitle: More about it\nid: about\n---\nB.\n"})
    expected = "content/pages/more.md:1:1: error: the page id 'about' is already used by content/pages/about.md"
    for run in (
        lambda: build(edition, BuildOptions(edition / "_site")),
        lambda: build(edition, BuildOptions(edition / "_site", use_cache=False)),
        lambda: build(edition, BuildOptions(write=False)),
    ):
        result = run()
        assert expected in [d.format().splitlines()[0] for d in result.diagnostics.errors]
    assert (edition / "_site/about/index.html").read_bytes() == before


# --------------------------------------------------------------------------- positions


@pytest.mark.parametrize(
    ("introduction", "line", "col"),
    [
        ("|\n  This edition publishes cables.\n\n  Its [script](javascript:x) is not run.\n", 6, 7),
        (">\n  This edition publishes\n  cables, and its [script](javascript:x)\n  is not run.\n", 5, 19),
        ("|\n\n\n    Indented [script](javascript:x).\n", 6, 14),
        ("'One line [script](javascript:x)'\n", 3, 25),
        ("A plain line that goes on\n  to a [script](javascript:x).\n", 4, 8),
    ],
)
def test_a_problem_in_the_introduction_is_placed_in_site_yml(introduction: str, line: int, col: int, make_edition: Callable[..., Path]) -> None:
    site = "title: Test Edition\nlanguage: en\nintroduction: " + introduction + "subtitle: After the introduction\n"
    root = make_edition({"content/documents/a.md": document()}, site=site)
    result = build(root, BuildOptions(write=False))
    found = [d for d in result.diagnostics.warnings if d.code == "unsafe-link"]
    assert [str(d.location) for d in found] == [f"site.yml:{line}:{col}"]
    assert site.split("\n")[line - 1][col - 1 :].startswith("[script]")


def test_a_template_of_the_editions_theme_is_named_as_its_own_file(make_edition: Callable[..., Path]) -> None:
    root = make_edition(
        {"content/documents/a.md": document(), "themes/mine/templates/base.html": b"<html>\n\xff</html>\n"}, site="title: Test Edition\ntheme: mine\n"
    )
    errors = [d.format() for d in build(root, BuildOptions(write=False)).diagnostics.errors]
    assert errors == [
        "themes/mine/templates/base.html:2:1: error: template error: the template is not UTF-8 (byte 7 cannot be read as UTF-8)"
        "\n    hint: save the template in UTF-8"
    ]


# --------------------------------------------------------------------------- what is accepted makes valid TEI


def test_values_at_the_edge_of_what_is_accepted_make_valid_tei(make_edition: Callable[..., Path], tmp_path: Path) -> None:
    from tests.test_exports import jing_errors

    files: dict[str, str | bytes] = {
        "content/documents/1-first.md": document(
            "A letter of the year 1",
            date="0001-01-01?",
            language="zh-Hans-CN",
            text_language="en-GB",
            number="'No. 1 <&>'",
            type="'cable \"urgent\"'",
            authors="[ann-author, 9-digits]",
            recipients="[roy-recipient]",
            places="[p1, person-9-digits]",
            persons="[doc-1-first]",
            facsimiles="[{image: 'https://iiif.example.org/a%20b/info.json', n: '2 v', label: 'verso & recto'}]",
            body='Dear [Roy](person:roy-recipient), {pb n="2 v"} see [this](https://example.org/a%20b?x=1&y=2) and [that](notes.html#x).',
        ),
        "content/documents/1-first.sr-Latn.md": "---\ntitle: Pismo\ntranslator: 'A. \"T\" & Co'\n---\nDragi [Roy].\n",
        "content/persons.yml": "- id: ann-author\n  name: Ann Author\n  authority: {wikidata: Q855, viaf: '101787139', gnd: 118616242-X,"
        " my-scheme: 'A B <c>', homepage: 'https://example.org/ann'}\n"
        "- id: roy-recipient\n  name: Roy\n- id: 9-digits\n  name: Nine\n"
        "- id: doc-1-first\n  name: Named as the document's xml:id\n",
        "content/places.yml": "- id: p1\n  name: Place One\n  authority: {geonames: '1816670'}\n  coordinates: [-90, 180]\n"
        "- id: person-9-digits\n  name: Named as a person's xml:id\n",
    }
    root = make_edition(
        files, site="title: Edge <&> Edition\nlanguage: en-US\nlicense: CC BY 4.0\nbase_url: https://example.org/e/\nsearch:\n  enabled: false\n"
    )
    result = build(root, BuildOptions(tmp_path / "site"))
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    xml_files = [f for f in sorted((tmp_path / "site").rglob("*.xml")) if f.name not in ("sitemap.xml", "feed.xml")]
    assert {f.name for f in xml_files} >= {"edition.xml", "registers.xml", "1-first.xml"}
    assert jing_errors(xml_files) == []


def test_a_folder_name_too_long_for_the_file_system_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    too_long = tmp_path / ("x" * 300)
    for argv, expected in (
        (["check", str(too_long)], f"edition: '{too_long}' cannot be a folder: File name too long"),
        (["build", str(too_long)], f"edition: '{too_long}' cannot be a folder: File name too long"),
        (["new", str(too_long)], f"edition: cannot create the edition in '{too_long}': File name too long ({too_long})"),
    ):
        status, printed = run_command(argv, capsys)
        assert status == 2 and printed.splitlines() == [expected], printed


@pytest.mark.parametrize("case", ["catalogue with a plural rule that is code", "template not in UTF-8", "two pages with one id"])
def test_serve_reports_a_hostile_edition_and_stops(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files, expected = HOSTILE_EDITIONS[case]
    root = write_files(tmp_path / "edition", {"site.yml": MINIMAL_SITE, "content/documents/good.md": document(), **files})
    status, printed = run_command(["serve", str(root), "--port", "0"], capsys)
    assert status == 1 and "Traceback" not in printed
    assert expected in printed.splitlines() and "Fix the problems above, then run 'edition serve' again." in printed.splitlines()


def test_a_register_that_is_a_loop_of_symbolic_links_is_reported(edition: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (edition / "content/places.yml").symlink_to("terms.yml")
    (edition / "content/terms.yml").symlink_to("places.yml")
    status, printed = run_command(["check", str(edition)], capsys)
    assert status == 1 and "Traceback" not in printed
    for register in ("places", "terms"):
        assert f"content/{register}.yml:1:1: error: this file is a symbolic link that leads round in a loop and is not read" in printed.splitlines()
