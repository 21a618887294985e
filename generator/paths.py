"""Every output path of the site, in one place: Python code and the theme's templates (as `paths`) both use it.

A path is relative to the output folder, with forward slashes; a page's path ends in `index.html`
(the render stage makes each link relative to the page it is on). A name here that returns a
folder ends in `/`. `PAGE_PATTERNS` and `FILE_PATTERNS` describe every path a build
may write, so a test can check that nothing is written that this module does not name.
"""

from __future__ import annotations

import re

from generator.model import KIND_BY_NAME

INDEX = "index.html"  # a folder's page

# --------------------------------------------------------------------------- pages of the edition as a whole

HOME = INDEX  # the list of documents (its first page, when it is split)
NOT_FOUND = "404.html"
SEARCH = "search/index.html"
CHRONOLOGY = "chronology/index.html"
CORRESPONDENCE = "correspondence/index.html"
APPARATUS = "apparatus/index.html"
GLOSSARY = "terms/index.html"
SUBJECTS = "subjects/index.html"
COLLECTIONS = "collections/index.html"
TOPICS = {"subjects": SUBJECTS, "collection": COLLECTIONS}  # a document's field -> the page of its values

# --------------------------------------------------------------------------- files of the edition as a whole

ASSETS = "assets"  # the theme's files, copied as they are
FACSIMILES = "facsimiles"  # page images copied from the edition
THUMBNAILS = "facsimiles/thumbs"
SEARCH_BUNDLE = "pagefind"  # the search index
SEARCH_SCRIPT = f"{SEARCH_BUNDLE}/pagefind.js"  # the index of an edition searched as one bundle
ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"
FEED = "feed.xml"
CORPUS_TEI = "edition.xml"
REGISTERS_TEI = "registers.xml"
CMIF = "cmif.xml"
DATA = "edition.json"
DATA_SCHEMA = "edition.schema.json"
SITE_MARK = ".edition-site"  # marks a folder this generator wrote


def facsimile(name: str) -> str:
    """A page image copied from the edition's content/facsimiles/<name>."""
    return f"{FACSIMILES}/{name}"


def thumbnail(name: str) -> str:
    """The thumbnail of the page image facsimiles/<name>."""
    return f"{THUMBNAILS}/{name}"


def folder_of(page: str) -> str:
    """A page's folder, as a link to it reads: 'persons/index.html' -> 'persons/', 'index.html' -> ''."""
    return page.removesuffix(INDEX)


def section(page: str) -> str:
    """The first page of the top folder a page is in: 'subjects/cold-war/2/index.html' -> 'subjects/index.html'."""
    return f"{page.partition('/')[0]}/{INDEX}"


def is_within(page: str, section_page: str) -> bool:
    """Whether `page` lies in the folder of `section_page` (the navigation marks the section a page is in)."""
    return page.startswith(folder_of(section_page))


def asset(name: str) -> str:
    """One of the theme's files: 'edition.css' -> assets/edition.css."""
    return f"{ASSETS}/{name}"


def list_page(first: str, number: int) -> str:
    """Page `number` (from 1) of a list split into pages whose first page is `first`; the home list's
    further pages are list/<n>/index.html, the others' <first's folder>/<n>/index.html."""
    if number == 1:
        return first
    folder = folder_of(first) or "list/"
    return f"{folder}{number}/{INDEX}"


# --------------------------------------------------------------------------- a document


def document_folder(document_id: str) -> str:
    return f"documents/{document_id}/"


def document(document_id: str) -> str:
    """A document's page."""
    return f"{document_folder(document_id)}{INDEX}"


DOWNLOAD_SUFFIXES = {"tei": ".xml", "bibtex": ".bib", "ris": ".ris", "csl_json": ".csl.json", "markdown": ".md", "text": ".txt"}


def downloads(document_id: str) -> dict[str, str]:
    """The files written beside a document's page, by format."""
    folder = document_folder(document_id)
    return {name: f"{folder}{document_id}{suffix}" for name, suffix in DOWNLOAD_SUFFIXES.items()}


# --------------------------------------------------------------------------- registers and glossary


def register(kind: str) -> str:
    """The list of a register's entries ('person' -> persons/index.html); for terms, the glossary."""
    return f"{KIND_BY_NAME[kind].folder}/{INDEX}"


def register_letter(kind: str, number: int) -> str:
    """A long register's page of the entries under its `number`th initial (from 1)."""
    return f"{KIND_BY_NAME[kind].folder}/letter-{number}/{INDEX}"


def entry(kind: str, entry_id: str) -> str:
    """An entry's own page: persons/<id>/index.html; for a term, the page of all its documents."""
    return f"{KIND_BY_NAME[kind].folder}/{entry_id}/{INDEX}"


def entry_year(kind: str, entry_id: str, year: int) -> str:
    """The page of one year's documents of an entry that appears in many."""
    return f"{folder_of(entry(kind, entry_id))}{year}/{INDEX}"


def glossary_term(term_id: str) -> str:
    """A term's place in the glossary: terms share its page."""
    return f"{GLOSSARY}#term-{term_id}"


def entry_link(kind: str, entry_id: str) -> str:
    """Where a mention of an entry leads: its page, or for a term its place in the glossary."""
    return glossary_term(entry_id) if kind == "term" else entry(kind, entry_id)


# --------------------------------------------------------------------------- browsing


def chronology_year(year: int) -> str:
    return f"chronology/{year}/{INDEX}"


def chronology_month(year: int, month: int | None) -> str:
    """The page of a month of a year with many documents; month None: those known only to the year."""
    return f"chronology/{year}/{f'{month:02d}' if month else 'undated'}/{INDEX}"


def topic(topics_page: str, anchor: str) -> str:
    """The first page of one subject's (or collection's) documents, when they are listed apart."""
    return f"{folder_of(topics_page)}{anchor}/{INDEX}"


def apparatus_type(type_: str, number: int = 1) -> str:
    """Page `number` (from 1) of the interventions of one type."""
    return list_page(f"apparatus/{type_}/{INDEX}", number)


def found_names(number: int = 1) -> str:
    """Page `number` (from 1) of the names the matcher found."""
    return apparatus_type("found-names", number)


def edition_page(page_id: str) -> str:
    """One of the edition's own pages (about, editorial principles, ...)."""
    return f"{page_id}/{INDEX}"


def to_root(page: str) -> str:
    """The relative link from `page` to the site's root: "../../" from documents/<id>/index.html."""
    return "../" * page.count("/")


def register_data(kind: str) -> str:
    """A register's entries as JSON: persons.json."""
    return f"{KIND_BY_NAME[kind].folder}.json"


# --------------------------------------------------------------------------- what a build may write

# The top folders the edition writes and the names of its own top pages: an edition's page of one of these ids
# would collide with them.
RESERVED_PAGE_IDS = frozenset(
    {
        "documents",
        *(kind.folder for kind in KIND_BY_NAME.values()),
        ASSETS,
        SEARCH_BUNDLE,
        *(section_page.partition("/")[0] for section_page in (APPARATUS, CHRONOLOGY, SEARCH, CORRESPONDENCE, SUBJECTS, COLLECTIONS)),
        HOME.removesuffix(".html"),
        NOT_FOUND.removesuffix(".html"),
    }
)

_ID = r"[^/]+"
_N = r"[0-9]+"
_REGISTER_FOLDERS = "|".join(kind.folder for kind in KIND_BY_NAME.values())

PAGE_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        re.escape(HOME),
        rf"list/{_N}/index\.html",
        re.escape(NOT_FOUND),
        re.escape(SEARCH),
        rf"chronology/index\.html|chronology/{_N}/index\.html|chronology/{_N}/([0-9]{{2}}|undated)/index\.html",
        re.escape(CORRESPONDENCE),
        rf"apparatus/index\.html|apparatus/[a-z-]+/index\.html|apparatus/[a-z-]+/{_N}/index\.html",
        rf"(subjects|collections)/index\.html|(subjects|collections)/{_ID}/index\.html|(subjects|collections)/{_ID}/{_N}/index\.html",
        rf"documents/{_ID}/index\.html",
        rf"({_REGISTER_FOLDERS})/index\.html|({_REGISTER_FOLDERS})/letter-{_N}/index\.html",
        rf"({_REGISTER_FOLDERS})/{_ID}/index\.html|({_REGISTER_FOLDERS})/{_ID}/{_N}/index\.html",
        rf"{_ID}/index\.html",  # the edition's own pages
    )
)

FILE_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        "|".join(re.escape(name) for name in (ROBOTS, SITEMAP, FEED, CORPUS_TEI, REGISTERS_TEI, CMIF, DATA, DATA_SCHEMA, SITE_MARK)),
        rf"({_REGISTER_FOLDERS})\.json",
        rf"documents/(?P<id>{_ID})/(?P=id)({'|'.join(re.escape(suffix) for suffix in DOWNLOAD_SUFFIXES.values())})",
        rf"{ASSETS}/.+",
        rf"{FACSIMILES}/.+",
        rf"{SEARCH_BUNDLE}/.+",
    )
)


def is_named(path: str) -> bool:
    """Whether `path` is one that this module names: a page or another file a build writes."""
    return any(pattern.fullmatch(path) for pattern in (*PAGE_PATTERNS, *FILE_PATTERNS))
