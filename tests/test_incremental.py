"""Incremental builds: after each kind of change, a rebuild gives the very bytes of a clean build, and rewrites only what changed."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from generator import edition_files, output, search
from generator.bench import write_corpus
from generator.build import BuildOptions, build
from generator.exports import TEXT_FILES
from generator.incremental import memory
from generator.incremental.session import BuildSession
from generator.model import Document
from tests.conftest import BILINGUAL

NO_SEARCH = "search:\n  enabled: false\n"


def snapshot(site: Path) -> dict[str, bytes]:
    """Every file of a built site but the search index (Pagefind's bytes differ from run to run)."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file() and "pagefind" not in p.relative_to(site).parts}


def assert_same_as_clean_build(edition: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    result = build(edition, BuildOptions(clean, use_cache=False))
    assert not result.diagnostics.errors
    incremental, expected = snapshot(edition / "_site"), snapshot(clean)
    assert sorted(incremental) == sorted(expected)
    differing = [path for path in expected if incremental[path] != expected[path]]
    assert not differing


def synthetic_edition(root: Path) -> Path:
    """Twelve documents naming persons of a small register, with places, terms, a page and footnotes."""
    write_corpus(root, 12, persons_count=30)
    site = root / "site.yml"
    site.write_text(site.read_text(encoding="utf-8") + NO_SEARCH, encoding="utf-8")
    (root / "content" / "terms.yml").write_text("- id: cde\n  term: Cde.\n  expansion: Comrade\n", encoding="utf-8")
    (root / "content" / "pages").mkdir()
    (root / "content" / "pages" / "about.md").write_text("---\ntitle: About\n---\nAbout the edition.\n", encoding="utf-8")
    return root


def documents(edition: Path) -> list[Path]:
    return sorted((edition / "content" / "documents").glob("*.md"))


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def change_body(edition: Path) -> None:
    path = documents(edition)[3]
    path.write_text(path.read_text(encoding="utf-8") + "\nA sentence added [in pencil] by the editor.\n", encoding="utf-8")


def change_title_and_date(edition: Path) -> None:
    path = documents(edition)[5]
    text = path.read_text(encoding="utf-8")
    title_line = next(line for line in text.splitlines() if line.startswith("title:"))
    date_line = next(line for line in text.splitlines() if line.startswith("date:"))
    edit(path, title_line, "title: A retitled cable")
    edit(path, date_line, "date: '1949-01-02'")  # it moves to the start of the chronology


def change_persons_and_recipient(edition: Path) -> None:
    # The document's first mentioned person becomes its recipient: the register pages, correspondents and side panel follow.
    path = documents(edition)[3]
    text = path.read_text(encoding="utf-8")
    persons_line = next(line for line in text.splitlines() if line.startswith("persons:"))
    recipients_line = next(line for line in text.splitlines() if line.startswith("recipients:"))
    first, *others = persons_line.removeprefix("persons: [").removesuffix("]").split(", ")
    edit(path, recipients_line, f"recipients: [{first}]")
    edit(path, persons_line, f"persons: [{', '.join(others)}]")


def change_person_sort_name(edition: Path) -> None:
    # The entries are read again; the texts that do not name the person keep their annotations, and the side panels re-sort.
    edit(edition / "content" / "persons.yml", 'sort_name: "Gripekov, Grisu"', 'sort_name: "Aaron, Grisu"')


def change_person_description(edition: Path) -> None:
    edit(edition / "content" / "persons.yml", "  description: ", "  description: Revised. ")


def rename_person(edition: Path) -> None:
    # Its register entry (registers.xml, edition.xml, every naming document's standOff) and its record change.
    edit(edition / "content" / "persons.yml", "name: Sutar Elan\n", "name: Sutar Elanov\n")


def add_person_with_a_places_id(edition: Path) -> None:
    # The place keeps its entry but loses its id as xml:id ("place-l0001"): its serialized entry must be made again.
    with (edition / "content" / "persons.yml").open("a", encoding="utf-8") as stream:
        stream.write("- id: l0001\n  name: Lone Namesake\n")


def add_person_alias(edition: Path) -> None:
    # A word that opens sentences of many documents: the matcher now finds it in those texts.
    with (edition / "content" / "persons.yml").open("a", encoding="utf-8") as stream:
        stream.write("- id: committee\n  name: Concerning Committee\n  aliases: [Concerning]\n")


def change_place(edition: Path) -> None:
    edit(edition / "content" / "places.yml", "name: Place 1\n", "name: Place One\n  modern_name: Placeville\n")


def add_document(edition: Path) -> None:
    source = documents(edition)[0].read_text(encoding="utf-8")
    (edition / "content" / "documents" / "zz-new.md").write_text(source.replace('title: "', 'title: "New ', 1), encoding="utf-8")


def relate_documents(edition: Path) -> None:
    """A document names as related the first it was offered to read next ("See also"), and another's first such
    document links to it: both leave the see-also that they are now related or cited by (read from the built site)."""
    paths = documents(edition)

    def first_seen_also(path: Path) -> Path:
        page = (edition / "_site" / "documents" / path.stem / "index.html").read_text(encoding="utf-8")
        found = re.search(r"See also</h3>\s*<ul[^>]*>\s*<li><a href=\"\.\./([^/]+)/index\.html", page)
        assert found, f"{path.stem} offers no see-also"
        return path.with_name(f"{found.group(1)}.md")

    edit(paths[6], "---\n", f"---\nrelated: [{first_seen_also(paths[6]).stem}]\n")
    citing = first_seen_also(paths[8])
    citing.write_text(citing.read_text(encoding="utf-8") + f"\nSee [this one](doc:{paths[8].stem}).\n", encoding="utf-8")


def remove_document(edition: Path) -> None:
    documents(edition)[7].unlink()


def change_page(edition: Path) -> None:
    edit(edition / "content" / "pages" / "about.md", "title: About", "title: About this edition")


def change_settings(edition: Path) -> None:
    edit(edition / "site.yml", "title: Synthetic", "title: Revised Synthetic")


BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "themes" / "default" / "templates"


def edit_template(edition: Path, name: str, old: str, new: str) -> None:
    """The edition's own copy of a built-in template, with `old` replaced by `new`."""
    folder = edition / "themes" / "default" / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    text = (folder / name if (folder / name).exists() else BUILTIN_TEMPLATES / name).read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {name}"
    (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")


def override_template(edition: Path) -> None:
    edit_template(edition, "404.html", "</h1>", " (edited)</h1>")


def edit_person_template(edition: Path) -> None:
    edit_template(edition, "person.html", '{% include "correspondents.html" %}', '<p>Letters</p>{% include "correspondents.html" %}')


def override_included_template(edition: Path) -> None:
    edit_template(edition, "entry-names.html", "{% if entry.aliases %}", "<p>Registered names</p>{% if entry.aliases %}")


BUILTIN_ASSETS = Path(__file__).resolve().parent.parent / "themes" / "default" / "assets"


def override_stylesheet(edition: Path) -> None:
    folder = edition / "themes" / "default" / "assets"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "edition.css").write_text((BUILTIN_ASSETS / "edition.css").read_text(encoding="utf-8") + "\nh1 { color: #333; }\n", encoding="utf-8")


def add_and_remove_assets(edition: Path) -> None:
    folder = edition / "themes" / "default" / "assets"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fonts").mkdir(exist_ok=True)
    (folder / "fonts" / "readme.txt").write_text("Fonts of the edition's own theme.\n", encoding="utf-8")
    (folder / "edition.css").unlink(missing_ok=True)  # the built-in theme's stylesheet is back


CHANGES: dict[str, Callable[[Path], None]] = {
    "document body": change_body,
    "document title and date": change_title_and_date,
    "document's persons and recipient": change_persons_and_recipient,
    "person description": change_person_description,
    "person sort name": change_person_sort_name,
    "person added with a common name": add_person_alias,
    "person renamed": rename_person,
    "person added with a place's id": add_person_with_a_places_id,
    "place": change_place,
    "document added": add_document,
    "document removed": remove_document,
    "page": change_page,
    "settings": change_settings,
    "theme template": override_template,
    "theme template that others include": override_included_template,
    "theme stylesheet": override_stylesheet,
}


@pytest.mark.parametrize("change", CHANGES)
def test_rebuild_after_a_change_equals_a_clean_build(change: str, tmp_path: Path) -> None:
    edition = synthetic_edition(tmp_path / "edition")
    assert not build(edition).diagnostics.errors
    CHANGES[change](edition)
    assert not build(edition).diagnostics.errors
    assert_same_as_clean_build(edition, tmp_path)


def test_changes_one_after_another_stay_equal_to_clean_builds(tmp_path: Path) -> None:
    edition = synthetic_edition(tmp_path / "edition")
    build(edition)
    for change in (change_body, change_person_description, add_document, change_title_and_date, remove_document, change_body):
        change(edition)
        assert not build(edition).diagnostics.errors
        assert_same_as_clean_build(edition, tmp_path)


def test_a_changed_body_rewrites_its_own_files_and_the_edition_wide_ones_only(tmp_path: Path) -> None:
    edition = synthetic_edition(tmp_path / "edition")
    build(edition)
    before = {path: (edition / "_site" / path).stat().st_mtime_ns for path in snapshot(edition / "_site")}
    changed = documents(edition)[3]
    document_id = changed.stem
    change_body(edition)
    result = build(edition)
    after = {path: (edition / "_site" / path).stat().st_mtime_ns for path in snapshot(edition / "_site")}
    rewritten = sorted(path for path in after if after[path] != before.get(path))
    assert f"documents/{document_id}/index.html" in rewritten
    assert f"documents/{document_id}/{document_id}.xml" in rewritten
    assert "edition.json" in rewritten
    others = [path for path in rewritten if path.startswith("documents/") and not path.startswith(f"documents/{document_id}/")]
    assert not others  # no other document's page or exports
    assert result.pages_written == len(rewritten)
    assert len(rewritten) < len(after) // 4
    # Lists and registers show the documents' metadata, which the body leaves as it was.
    for untouched in ("index.html", "chronology/index.html", "persons/index.html", "persons.json", "cmif.xml"):
        assert untouched not in rewritten


def test_a_changed_stylesheet_of_the_theme_is_written_alone(tmp_path: Path) -> None:
    edition = synthetic_edition(tmp_path / "edition")
    build(edition)
    for change, expected in ((override_stylesheet, ["assets/edition.css"]), (add_and_remove_assets, ["assets/edition.css", "assets/fonts/readme.txt"])):
        before = {path: (edition / "_site" / path).stat().st_mtime_ns for path in snapshot(edition / "_site")}
        change(edition)
        result = build(edition)
        assert not result.diagnostics.errors
        after = {path: (edition / "_site" / path).stat().st_mtime_ns for path in snapshot(edition / "_site")}
        assert sorted(path for path in after if after[path] != before.get(path)) == expected  # no page is made again
        assert result.pages_written == len(expected)
    assert (edition / "_site" / "assets" / "edition.css").read_bytes() == (BUILTIN_ASSETS / "edition.css").read_bytes()
    assert_same_as_clean_build(edition, tmp_path)


def test_a_changed_template_makes_again_only_the_pages_that_load_it(tmp_path: Path) -> None:
    edition = synthetic_edition(tmp_path / "edition")
    build(edition)
    entries = ("persons/", "places/", "terms/")
    for change, kinds in ((override_included_template, entries), (edit_person_template, ("persons/",))):
        before = {path: (edition / "_site" / path).stat().st_mtime_ns for path in snapshot(edition / "_site")}
        change(edition)
        result = build(edition)
        assert not result.diagnostics.errors
        after = {path: (edition / "_site" / path).stat().st_mtime_ns for path in snapshot(edition / "_site")}
        rewritten = sorted(path for path in after if after[path] != before.get(path))
        assert rewritten and all(path.startswith(kinds) and path.endswith("/index.html") and path.count("/") == 2 for path in rewritten)
        assert sorted(result.work.rendered) == rewritten  # the register's entry pages, made again and changed; no other page is even made
    edit_template(edition, "base.html", "</footer>", "<p>A footer line of our own.</p></footer>")
    made = build(edition).work.rendered
    assert any(path.startswith("documents/") for path in made) and all(path.endswith(".html") for path in made)  # pages, not the exports
    assert_same_as_clean_build(edition, tmp_path)


def test_a_changed_person_plans_again_only_the_document_pages_that_show_it(tmp_path: Path) -> None:
    # A register entry is part of the index; a document's page is planned from the document, its neighbours and its text,
    # and its template's reads tell whether it shows the entry. The pages that do not stand without being planned.
    edition = synthetic_edition(tmp_path / "edition")
    build(edition)
    pages = {path.stem: edition / "_site" / "documents" / path.stem / "index.html" for path in documents(edition)}
    before = {document_id: page.read_bytes() for document_id, page in pages.items()}
    change_person_description(edition)
    result = build(edition)
    assert not result.diagnostics.errors
    planned = result.work.planned
    changed = {f"documents/{document_id}/index.html" for document_id, page in pages.items() if page.read_bytes() != before[document_id]}
    planned_documents = {path for path in planned if path.startswith("documents/")}
    assert changed and changed <= planned_documents
    assert len(planned_documents) < len(pages)
    assert_same_as_clean_build(edition, tmp_path)


def test_a_body_changed_around_its_notes_leaves_the_apparatus_overview_alone(tmp_path: Path) -> None:
    edition = synthetic_edition(tmp_path / "edition")
    build(edition)
    overview = edition / "_site" / "apparatus" / "index.html"
    before = overview.stat().st_mtime_ns
    path = documents(edition)[3]
    path.write_text(path.read_text(encoding="utf-8") + "\nA sentence added without a note.\n", encoding="utf-8")
    assert build(edition).pages_written
    assert overview.stat().st_mtime_ns == before
    assert_same_as_clean_build(edition, tmp_path)


def test_a_body_that_now_names_a_person_remakes_the_register_pages(tmp_path: Path) -> None:
    # Only a text changed, yet the index did: the person's page and register lists must follow.
    edition = synthetic_edition(tmp_path / "edition")
    build(edition)
    person = edition / "_site" / "persons" / "p00001-elan" / "index.html"
    path = documents(edition)[3]
    assert "Elan" not in path.read_text(encoding="utf-8")
    before = person.read_bytes()
    path.write_text(path.read_text(encoding="utf-8") + "\nSutar Elan agreed.\n", encoding="utf-8")
    assert not build(edition).diagnostics.errors
    assert person.read_bytes() != before
    assert_same_as_clean_build(edition, tmp_path)


def test_a_rebuild_reads_only_the_documents_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edition = synthetic_edition(tmp_path / "edition")
    monkeypatch.setattr(edition_files, "RACY_NS", 0)  # the files were written a moment ago: take them as settled
    assert len(build(edition).work.files_read) == len(documents(edition))
    change_body(edition)
    result = build(edition)
    assert result.pages_written
    assert [Path(path).name for path in result.work.files_read] == [documents(edition)[3].name]
    assert result.work.annotated == (documents(edition)[3].stem,) and result.work.parsed == 1
    monkeypatch.undo()
    assert_same_as_clean_build(edition, tmp_path)


def test_a_memory_made_by_another_generator_is_not_used(tmp_path: Path) -> None:
    # Another version of the generator may parse the same text otherwise: nothing it kept is reused, its parses included.
    edition = synthetic_edition(tmp_path / "edition")
    build(edition)
    cache = edition / ".edition-cache"
    kept = memory.read_memory(cache)
    assert kept is not None
    kept.parsed = {
        key: (replace(value, title="As another version read it") if isinstance(value, Document) else value, problems)
        for key, (value, problems) in kept.parsed.items()
    }
    kept.code = "another version"
    memory.save_memory(cache, kept)
    change_body(edition)
    assert not build(edition).diagnostics.errors
    assert "As another version read it" not in (edition / "_site" / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(edition, tmp_path)


def override_theme(edition: Path, name: str, old: str, new: str) -> None:
    folder = edition / "themes" / "default" / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    builtin = Path(__file__).resolve().parent.parent / "themes" / "default" / "templates" / name
    text = builtin.read_text(encoding="utf-8")
    assert old in text
    (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_theme_that_shows_bodies_in_lists_follows_a_changed_body(tmp_path: Path) -> None:
    # Lists know documents by their metadata; a template reading a body, however, is made again when it changes.
    edition = synthetic_edition(tmp_path / "edition")
    override_theme(edition, "document-item.html", "</li>", '<p class="excerpt">{{ document.body[-60:] }}</p></li>')
    override_theme(edition, "404.html", "</h1>", " {{ index.documents | map(attribute='body') | map('length') | sum }}</h1>")
    build(edition)
    change_body(edition)
    assert not build(edition).diagnostics.errors
    assert "in pencil" in (edition / "_site" / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(edition, tmp_path)


def test_a_read_that_cannot_be_compared_makes_its_pages_again_in_a_new_process(tmp_path: Path) -> None:
    # A call with named arguments is not noted as a read that a rebuild can repeat: the pages that make it are made
    # again by every rebuild. From the command line each build is a new process, whose tokens for such reads must
    # not be the last build's (they were, from a count that started again at 0).
    edition = synthetic_edition(tmp_path / "edition")
    first = sorted((edition / "content" / "persons.yml").read_text(encoding="utf-8").split("- id: ")[1:])[0].split("\n")[0]
    override_theme(
        edition,
        "person.html",
        '{% extends "entry.html" %}',
        '{% extends "entry.html" %}{% block entry_details %}<p class="probe">'
        f"{{{{ index.appearances_of(kind='person', entry_id='{first}') | length }}}}</p>{{% endblock %}}",
    )
    command = [sys.executable, "-m", "generator", "build", str(edition)]
    subprocess.run(command, check=True, capture_output=True)
    # A new document names the first person alone: the other persons' pages read nothing else that changed.
    (edition / "content" / "documents" / "d999999.md").write_text(
        f"---\ntitle: A note\ndate: '1950-01-01'\npersons: [{first}]\n---\nA short note.\n", encoding="utf-8"
    )
    subprocess.run(command, check=True, capture_output=True)
    assert_same_as_clean_build(edition, tmp_path)


def test_the_memory_is_not_trusted_when_the_output_was_replaced(tmp_path: Path) -> None:
    edition = synthetic_edition(tmp_path / "edition")
    build(edition)
    shutil.rmtree(edition / "_site")
    (edition / "_site").mkdir()  # an empty folder where the site was
    change_body(edition)
    build(edition)
    assert_same_as_clean_build(edition, tmp_path)


def test_versions_and_facsimiles_rebuild_like_a_clean_build(tmp_path: Path) -> None:
    edition = tmp_path / "bilingual"
    shutil.copytree(BILINGUAL, edition, ignore=shutil.ignore_patterns("_site", ".edition-cache"))
    site = edition / "site.yml"
    site.write_text(site.read_text(encoding="utf-8") + NO_SEARCH, encoding="utf-8")
    assert not build(edition).diagnostics.errors
    version = next(p for p in sorted((edition / "content" / "documents").glob("*.*.md")))
    version.write_text(version.read_text(encoding="utf-8") + "\nОдна фраза добавлена.\n", encoding="utf-8")
    assert not build(edition).diagnostics.errors
    assert_same_as_clean_build(edition, tmp_path)


@pytest.mark.parametrize("limit", [0, 10_000], ids=["swapped in whole", "in place"])
def test_both_ways_of_updating_the_output_give_a_clean_build(limit: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # How many changed files an update writes in place before it makes a new folder and swaps it in.
    monkeypatch.setattr(output, "IN_PLACE_LIMIT", limit)
    monkeypatch.setattr(output, "IN_PLACE_SHARE", 10**9)
    edition = synthetic_edition(tmp_path / "edition")
    build(edition)
    folder = (edition / "_site").stat().st_ino
    change_body(edition)
    remove_document(edition)
    assert not build(edition).diagnostics.errors
    assert ((edition / "_site").stat().st_ino == folder) == (limit > 0)
    assert_same_as_clean_build(edition, tmp_path)


def test_search_index_follows_an_update(tmp_path: Path) -> None:
    edition = synthetic_edition(tmp_path / "edition")
    site = edition / "site.yml"
    site.write_text(site.read_text(encoding="utf-8").replace(NO_SEARCH, ""), encoding="utf-8")
    first = build(edition)
    if not (edition / "_site" / "pagefind").is_dir():
        pytest.skip("Pagefind is not installed")
    assert first.search_seconds > 0
    change_body(edition)
    again = build(edition)
    assert again.search_seconds > 0 and 0 < again.pages_written < 40
    bundle = sorted(p.name for p in (edition / "_site").iterdir() if p.name.startswith("pagefind"))
    assert bundle == ["pagefind"]  # the new bundle replaced the old one whole
    assert (edition / "_site" / "pagefind" / "pagefind-entry.json").is_file()


def search_part_addresses(site: Path) -> dict[str, set[str]]:
    """Each part of a search index made in parts, and the addresses of the pages Pagefind indexed in it."""
    addresses: dict[str, set[str]] = {}
    for part in json.loads((site / "pagefind" / "parts.json").read_text(encoding="utf-8"))["parts"]:
        fragments = (site / "pagefind" / part["name"] / "fragment").iterdir()
        addresses[part["name"]] = {json.loads(gzip.decompress(f.read_bytes()).removeprefix(b"pagefind_dcd"))["url"] for f in fragments}
    return addresses


def pages_per_search_part(site: Path) -> dict[str, int]:
    """Each part of a search index made in parts, and the pages Pagefind says it indexed in it."""
    parts = json.loads((site / "pagefind" / "parts.json").read_text(encoding="utf-8"))["parts"]
    entries = {part["name"]: json.loads((site / "pagefind" / part["name"] / "pagefind-entry.json").read_text(encoding="utf-8")) for part in parts}
    return {name: sum(language["page_count"] for language in entry["languages"].values()) for name, entry in entries.items()}


def test_a_search_index_in_parts_makes_again_only_the_parts_a_change_reaches(tmp_path: Path) -> None:
    edition = synthetic_edition(tmp_path / "edition")
    site = edition / "site.yml"
    site.write_text(site.read_text(encoding="utf-8").replace(NO_SEARCH, "search:\n  part_size: 3\n"), encoding="utf-8")
    assert not build(edition).diagnostics.errors
    bundle = edition / "_site" / "pagefind"
    if not bundle.is_dir():
        pytest.skip("Pagefind is not installed")
    assert list(pages_per_search_part(edition / "_site").values()) == [3, 3, 3, 3]
    # A changed text makes its part again; a date, a new or a removed document may move the parts after it (and its
    # neighbours' pages, which link to it, change too): all of them, here, where every part is full.
    for change, parts_made_again in ((change_body, 1), (change_title_and_date, None), (add_document, None), (remove_document, None), (change_body, 1)):
        entries = {part.name: (part / "pagefind-entry.json").stat().st_ino for part in bundle.iterdir() if part.is_dir()}
        change(edition)
        result = build(edition)
        assert not result.diagnostics.errors and result.search_seconds > 0
        # The clean build is made from a copy: one into another folder would have the next build start afresh.
        copy = tmp_path / "copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(edition, copy, ignore=shutil.ignore_patterns("_site", ".edition-cache"))
        assert not build(copy).diagnostics.errors
        assert snapshot(edition / "_site") == snapshot(copy / "_site")
        assert pages_per_search_part(edition / "_site") == pages_per_search_part(copy / "_site")
        # A clean build indexes each part from a folder of its own (see search.index_part_apart), an update in place:
        # the same pages, at their addresses in the site, and the site as it was.
        addresses = search_part_addresses(edition / "_site")
        assert addresses == search_part_addresses(copy / "_site")
        pages = {f"/documents/{folder.name}/" for folder in (edition / "_site" / "documents").iterdir()}
        assert sorted(address for part in addresses.values() for address in part) == sorted(pages)
        assert not [p for p in (edition / "_site").iterdir() if p.name.startswith(search.PART_FOLDER_PREFIX)]
        made_again = [name for name in pages_per_search_part(edition / "_site") if entries.get(name) != (bundle / name / "pagefind-entry.json").stat().st_ino]
        assert parts_made_again is None or len(made_again) == parts_made_again, (change.__name__, made_again)
    # The preview server's way: the part follows the pages, in the background.
    session = BuildSession()
    build(edition, session=session)
    session.pages_first = True
    entries = {part.name: (part / "pagefind-entry.json").stat().st_ino for part in bundle.iterdir() if part.is_dir()}
    change_body(edition)
    result = build(edition, session=session)
    assert session.follow_up is not None
    session.follow_up()
    made_again = [name for name in pages_per_search_part(edition / "_site") if entries.get(name) != (bundle / name / "pagefind-entry.json").stat().st_ino]
    assert len(made_again) == 1 and result.search_seconds > 0


def test_rebuilds_with_the_memory_kept_in_the_process_equal_clean_builds(tmp_path: Path) -> None:
    # What the preview server does: the memory is handed from one build to the next, never read from disk.
    edition = synthetic_edition(tmp_path / "edition")
    session = BuildSession()
    build(edition, session=session)
    # The memory also keeps parts of the edition-wide files (edition.json's lines, the registers' TEI entries), which a file
    # that stands (after a page changed) hands on; and the register matcher, which a new name must make again.
    for change in (
        change_body,
        change_person_description,
        add_document,
        change_persons_and_recipient,
        change_title_and_date,
        change_person_sort_name,
        add_person_alias,
        relate_documents,
        remove_document,
        change_page,
        change_body,
        rename_person,
        add_person_with_a_places_id,
        change_body,
    ):
        change(edition)
        shutil.rmtree(edition / ".edition-cache")
        result = build(edition, session=session)
        assert not result.diagnostics.errors and 0 < result.pages_written < len(snapshot(edition / "_site")) // 2  # an update
        assert_same_as_clean_build(edition, tmp_path)


def test_a_rebuild_makes_the_index_parts_of_changed_documents_only(tmp_path: Path) -> None:
    edition = synthetic_edition(tmp_path / "edition")
    session = BuildSession()
    build(edition, session=session)
    first = session.memory
    change_body(edition)
    build(edition, session=session)
    again = session.memory
    assert first is not None and first.index is not None and again is not None and again.index is not None
    kept, now = first.index.parts.documents, again.index.parts.documents
    assert sorted(now) == sorted(kept)
    assert [document_id for document_id in now if now[document_id] is not kept[document_id]] == [documents(edition)[3].stem]


def test_the_files_that_hold_every_text_follow_the_pages_of_an_update(tmp_path: Path) -> None:
    # The preview server writes a changed document's pages first; edition.json and edition.xml follow, before its next build.
    edition = synthetic_edition(tmp_path / "edition")
    session = BuildSession()
    build(edition, session=session)
    session.pages_first = True
    for change in (change_body, change_title_and_date, change_body):
        before = {name: (edition / "_site" / name).read_bytes() for name in TEXT_FILES}
        change(edition)
        result = build(edition, session=session)
        assert not result.diagnostics.errors and session.follow_up is not None
        assert {name: (edition / "_site" / name).read_bytes() for name in TEXT_FILES} == before  # not yet
        session.follow_up()
        assert_same_as_clean_build(edition, tmp_path)


def test_the_preview_server_leaves_the_search_index_of_an_update_to_follow(tmp_path: Path) -> None:
    edition = synthetic_edition(tmp_path / "edition")
    site = edition / "site.yml"
    site.write_text(site.read_text(encoding="utf-8").replace(NO_SEARCH, ""), encoding="utf-8")
    session = BuildSession()
    build(edition, session=session)
    session.pages_first = True
    if not (edition / "_site" / "pagefind").is_dir():
        pytest.skip("Pagefind is not installed")
    entry = (edition / "_site" / "pagefind" / "pagefind-entry.json").stat().st_ino
    change_body(edition)
    result = build(edition, session=session)
    assert result.search_seconds == 0 and session.follow_up is not None
    assert (edition / "_site" / "pagefind" / "pagefind-entry.json").stat().st_ino == entry  # not yet
    session.follow_up()
    assert (edition / "_site" / "pagefind" / "pagefind-entry.json").stat().st_ino != entry
    assert result.search_seconds > 0
    # The new bundle's arrival is not taken for an output folder changed by hand: the next rebuild is an update too.
    change_person_description(edition)
    again = build(edition, session=session)
    assert 0 < again.pages_written < 60
