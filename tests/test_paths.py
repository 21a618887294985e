"""The output paths module names every file a build writes, and the theme links through it, never by hand."""

from __future__ import annotations

import re
from pathlib import Path

from generator import paths
from generator.build import BuildOptions, build
from generator.render import builtin_theme_dir
from tests.conftest import MINIMAL_PERSONS, document, write_files

TEMPLATES = builtin_theme_dir() / "templates"


def written(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file())


def test_every_file_the_sample_writes_is_named(sample_site: Path, bilingual_site: Path) -> None:
    for site in (sample_site, bilingual_site):
        files = written(site)
        assert files and [path for path in files if not paths.is_named(path)] == []


def test_the_sample_documents_and_entries_are_where_the_module_says(sample_site: Path) -> None:
    files = set(written(sample_site))
    documents = {path.split("/")[1] for path in files if path.startswith("documents/")}
    persons = {path.split("/")[1] for path in files if path.startswith("persons/") and path != paths.register("person")}
    assert documents and persons
    for document_id in documents:
        assert {paths.document(document_id), *paths.downloads(document_id).values()} <= files
    assert {paths.entry("person", person_id) for person_id in persons} <= files
    assert {paths.HOME, paths.NOT_FOUND, paths.CHRONOLOGY, paths.APPARATUS, paths.register("person"), paths.CORPUS_TEI, paths.DATA} <= files


def test_every_page_of_a_long_edition_is_named(tmp_path: Path) -> None:
    # Over paging.LIST_LIMIT documents: the home list, the chronology and a person's page are split into pages.
    files = {"site.yml": "title: T\nsearch:\n  enabled: false\n", "content/persons.yml": MINIMAL_PERSONS}
    for n in range(520):
        files[f"content/documents/d{n:03d}.md"] = document(f"Letter {n}", f"{1957 + n % 2}-0{1 + n % 9}-1{n % 10}", authors="[ann-author]")
    build(write_files(tmp_path / "edition", files), BuildOptions(tmp_path / "site"))
    pages = written(tmp_path / "site")
    assert {paths.list_page(paths.HOME, 2), paths.chronology_year(1957), paths.entry_year("person", "ann-author", 1958)} <= set(pages)
    assert [path for path in pages if not paths.is_named(path)] == []


def test_a_path_the_module_does_not_name_is_told_apart() -> None:
    assert paths.is_named(paths.document("a")) and paths.is_named(paths.downloads("a")["csl_json"])
    assert not paths.is_named("documents/a/b.xml")
    assert not paths.is_named("documents/a/notes/index.html")
    assert not paths.is_named("persons/p1/notes.txt")


def test_list_pages_follow_their_first_page() -> None:
    assert [paths.list_page(paths.HOME, n) for n in (1, 2)] == ["index.html", "list/2/index.html"]
    assert paths.list_page(paths.entry("term", "t1"), 3) == "terms/t1/3/index.html"
    assert paths.apparatus_type("sic", 2) == "apparatus/sic/2/index.html"
    assert paths.section("subjects/cold-war/2/index.html") == paths.SUBJECTS


# A quoted text in a template expression that is a path of the site: a folder of it followed by a slash, a page,
# or one of its files. Templates name these through `paths`, so that a path changes in one place.
HAND_BUILT = re.compile(
    r"""['"](?:[^'"]*/)?(?:"""
    + "|".join(re.escape(name) for name in sorted(paths.RESERVED_PAGE_IDS | {"list", "facsimiles"}))
    + r""")/|['"][^'"]*(?:index\.html|\.xml|\.json|\.css|\.js)['"]"""
)
EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
ASSET = re.compile(r"""paths\.asset\((['"])[^'"]*\1\)""")  # the theme's own files are named by the theme


def test_templates_build_no_path_by_hand() -> None:
    found = [
        f"{template.name}: {expression}"
        for template in sorted(TEMPLATES.glob("*.html"))
        for expression in EXPRESSION.findall(template.read_text(encoding="utf-8"))
        if HAND_BUILT.search(ASSET.sub("", expression))
    ]
    assert found == []


def test_the_check_of_templates_finds_a_path_built_by_hand() -> None:
    for expression in ("{{ url('documents/' ~ d.id ~ '/index.html') }}", "{{ url('persons/index.html') }}", "{{ url('assets/x.css') }}"):
        assert HAND_BUILT.search(expression), expression
    assert not HAND_BUILT.search("{{ url(paths.document(d.id)) }}")
    assert not HAND_BUILT.search(ASSET.sub("", "{{ url(paths.asset('edition.css')) }}"))
