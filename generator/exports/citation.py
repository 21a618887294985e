"""Citation data for one document: the Chicago citation shown on its page, BibTeX, RIS, CSL-JSON,
and the metadata that reference managers read from the page head (Highwire, Dublin Core, schema.org).

Pure: every function takes the document, the index and the site settings and returns text or data.
A document is cited as a part of the edition, as a document in a published collection is: the
document's own author, title and date, then the edition, its editors and publisher. The formats
agree on that reading: CSL `chapter`, BibTeX `@incollection` (`@misc` without an author), RIS `CHAP`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from json.encoder import encode_basestring as encode_json_string
from typing import Any

from generator import paths
from generator.config import SiteConfig
from generator.dates import source_date_epoch
from generator.index import EditionIndex
from generator.model import Document, Organization, Person


def absolute_url(config: SiteConfig, path: str) -> str | None:
    """The published address of an output path, when site.yml gives base_url."""
    return config.base_url + path if config.base_url else None


def document_url(config: SiteConfig, document_id: str) -> str | None:
    return absolute_url(config, paths.document_folder(document_id))


# --------------------------------------------------------------------------- names


@dataclass(frozen=True)
class Name:
    """A name as citations need it: family and given names when the register's `sort_name` separates them with a
    comma ("Stalin, Joseph", "Ackerson, Garrett G., Jr."), else one name kept whole ("Mao Zedong", "Department of State")."""

    display: str  # "Joseph Stalin", "Mao Zedong"
    family: str | None = None
    given: str | None = None
    suffix: str | None = None  # "Jr.", "III"

    @property
    def split(self) -> bool:
        return bool(self.family and self.given)

    @property
    def inverted(self) -> str:
        """Family name first, as bibliographies and RIS write it: "Stalin, Joseph"; a whole name as it is."""
        if not self.split:
            return self.display
        return f"{self.family}, {self.given}" + (f", {self.suffix}" if self.suffix else "")

    def csl(self) -> dict[str, str]:
        if not self.split:
            return {"literal": self.display}
        parts = {"family": self.family, "given": self.given, "suffix": self.suffix}
        return {key: value for key, value in parts.items() if value}

    def bibtex(self) -> str:
        # Braces keep a name whole (BibTeX would otherwise split "Mao Zedong" into given and family).
        if not self.split:
            return "{" + _bibtex_escape(self.display) + "}"
        return _bibtex_escape(self.inverted)

    def highwire(self) -> str:
        """The content of a citation_author or citation_editor tag. Zotero (and Google Scholar) read "Family, Given";
        a name without a comma is split at its last space, so a whole name gets a trailing comma, which makes Zotero
        take all of it as the family name ("Mao Zedong," rather than given "Mao", family "Zedong")."""
        return self.inverted if self.split else self.display + ","


def name_of_sort_name(display: str, sort_name: str) -> Name:
    family, comma, rest = sort_name.partition(",")
    given, _, suffix = rest.partition(",")
    if comma and family.strip() and given.strip():
        return Name(display, family.strip(), given.strip(), suffix.strip() or None)
    return Name(display)


def person_name(person: Person) -> Name:
    return name_of_sort_name(person.name, person.sort_name)


def names_of(ids: Iterable[str], index: EditionIndex) -> list[Name]:
    persons = index.persons_by_id  # once: through the index's proxy each read costs a call
    organizations = index.organizations_by_id
    return [person_name(persons[i]) if i in persons else organization_name(organizations[i]) if i in organizations else Name(i) for i in ids]


def organization_name(organization: Organization) -> Name:
    """An organisation is one name, never split into given and family names (CSL's literal, BibTeX's braces)."""
    return Name(organization.name)


def editor_names(config: SiteConfig) -> list[Name]:
    """site.yml's editors, each kept whole: site.yml gives a name, not which part of it is the family name."""
    return [Name(editor) for editor in config.editors]


def _first_sentence(source: str | None) -> str | None:
    """The citation of an archival source: its first sentence, since what follows is a note on the source
    ("Secret; Priority. ...")."""
    if not source:
        return None
    return re.split(r"\.\s+(?=[A-Z])", source.strip(), maxsplit=1)[0].rstrip(".").strip() or None


def archive_parts(source: str | None) -> tuple[str | None, str | None]:
    """The archive and the place in it, from `source` written as the README asks ("Archive, collection, file"):
    of its first sentence, the repository before the first comma, the rest after it. A source without a comma is a
    place only."""
    if not source:
        return None, None
    citation = _first_sentence(source) or ""
    archive, comma, location = citation.partition(",")
    if comma and archive.strip() and location.strip():
        return archive.strip(), location.strip()
    return None, citation.strip()


def document_archive(document: Document) -> tuple[str | None, str | None]:
    """The archive that holds the document and the place in it: the front matter's `archive` with the first sentence
    of `source`, else both read from `source` (see archive_parts)."""
    if not document.archive:
        return archive_parts(document.source)
    location = _first_sentence(document.source)
    if location and location.startswith(document.archive + ","):  # the source names the archive as well
        location = location[len(document.archive) + 1 :].strip()
    return document.archive, location


def access_date(document: Document, config: SiteConfig) -> tuple[int, int, int] | None:
    """The access date of the document's URL, for the formats whose styles print one (CSL `accessed`, BibTeX
    `urldate`, RIS `Y2`): the day this version of the document was published, which is what the citation's data
    describes: its `updated` front-matter field, else site.yml's `published`, else SOURCE_DATE_EPOCH. Never the
    clock's time, so that the same sources give the same files; None without a URL or any of these."""
    if not config.base_url:
        return None
    moment = document.updated or config.published or source_date_epoch()
    if not moment:
        return None
    year, month, day = moment[:10].split("-")
    return int(year), int(month), int(day)


def translator_names(document: Document) -> list[Name]:
    """The document's translators, each kept whole (the front matter gives a name, not its parts)."""
    return [Name(translator) for translator in document.translator]


def document_number(document: Document) -> str | None:
    """The document's number in the edition as words ("document 10"): a position in the edition, which no
    format's volume, issue, series or report number means."""
    return f"document {document.number}" if document.number else None


def _and_list(items: list[str]) -> str:
    """Chicago's series: "A", "A and B", "A, B, and C"."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


# --------------------------------------------------------------------------- the displayed citation


@dataclass(frozen=True)
class Citation:
    """The citation of one document, in the forms its page shows and its downloads hold."""

    note_html: str  # Chicago note form
    bibliography_html: str  # Chicago bibliography form
    bibliography_text: str
    url: str | None  # the stable absolute address, when base_url is set


def _end(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def chicago(document: Document, index: EditionIndex, config: SiteConfig) -> Citation:
    """Chicago notes-bibliography: the note and the bibliography entry; the reader adds the access date."""
    authors = names_of(document.authors, index)
    editors = list(config.editors)
    url = document_url(config, document.id)
    # Chicago puts a conjectured date in brackets: [October 1951?].
    date = f"[{document.date.display()}]" if document.date.uncertain else document.date.display()
    number = f"document {document.number}" if document.number else ""

    def render(parts: list[tuple[str, bool]]) -> tuple[str, str]:
        html = "".join(f"<i>{escape(t)}</i>" if italic else escape(t) for t, italic in parts)
        return html, "".join(t for t, _ in parts)

    # Bibliography: Author. "Title." Date. In Edition, edited by Editors, document N. Publisher. URL.
    bib: list[tuple[str, bool]] = []
    if authors:
        bib.append((_end(_and_list([authors[0].inverted] + [a.display for a in authors[1:]])) + " ", False))
    bib.append((f"“{_end(document.title)}” {date}. In ", False))
    bib.append((config.title, True))
    tail = ""
    if editors:
        # Chicago (18th ed.) lists up to six names in a bibliography, else the first three and "et al.".
        tail += ", edited by " + (_and_list(editors) if len(editors) <= 6 else ", ".join(editors[:3]) + ", et al.")
    if number:
        tail += ", " + number
    tail += ". "
    if config.publisher:
        tail += _end(config.publisher) + " "
    if url:
        tail += url + "."
    bib.append((tail.rstrip(), False))
    bibliography_html, bibliography_text = render(bib)

    # Note: Author, "Title," Date, in Edition, ed. Editors, document N (Publisher), URL.
    note: list[tuple[str, bool]] = []
    if authors:
        note.append((_and_list([a.display for a in authors]) + ", ", False))
    title = document.title if document.title.endswith(("?", "!")) else document.title + ","
    note.append((f"“{title}” {date}, in ", False))
    note.append((config.title, True))
    tail = ""
    if editors:
        # and in a note up to two, else the first and "et al.", as CSL's Chicago style does.
        tail += ", ed. " + (_and_list(editors) if len(editors) <= 2 else editors[0] + " et al.")
    if number:
        tail += ", " + number
    if config.publisher:
        tail += f" ({config.publisher})"
    tail += f", {url}." if url else "."
    note.append((tail, False))
    note_html, _ = render(note)
    return Citation(note_html=note_html, bibliography_html=bibliography_html, bibliography_text=bibliography_text, url=url)


# --------------------------------------------------------------------------- CSL-JSON


def text_language(document: Document, config: SiteConfig) -> str:
    """The language of the published text: the edition's when it is a translation, else the original's."""
    if document.text_language:
        return document.text_language
    if document.translation or not document.language:
        return config.language
    return document.language


def csl_record(document: Document, index: EditionIndex, config: SiteConfig) -> dict[str, Any]:
    """The CSL-JSON record: a `chapter` of the edition (Zotero's book section), so that importers keep the edition
    as the book title and its editors as editors.

    The recipients are left out: no CSL item type with a container has them in Zotero, which makes a recipient a
    co-author (the title names them). A document without an author has no `editor` either: CSL styles put the
    editors in the author's place then, and the citation should start with the title, as the page's does.
    """
    date = document.date
    issued: dict[str, Any] = {"date-parts": [[p for p in (date.year, date.month, date.day) if p]]}
    if date.approximate or date.uncertain:
        issued["circa"] = True
    authors = [n.csl() for n in names_of(document.authors, index)]
    archive, archive_location = document_archive(document)
    record: dict[str, Any] = {
        "id": document.id,
        "type": "chapter",
        "title": document.title,
        "author": authors,
        "issued": issued,
        "container-title": config.title,
        "editor": [n.csl() for n in editor_names(config)] if authors else [],
        "translator": [n.csl() for n in translator_names(document)],
        "publisher": config.publisher,
        # Text, not a number: styles print it before the container ("document 10 in ..."), never as a volume or series.
        "chapter-number": document_number(document),
        "archive": archive,
        "archive_location": archive_location,
        "abstract": document.summary,
        "language": text_language(document, config),
        "keyword": ", ".join(document.subjects) or None,
        "note": document.translation,
        "URL": document_url(config, document.id),
    }
    return {k: v for k, v in record.items() if v not in (None, [], "")}


def csl_json(document: Document, index: EditionIndex, config: SiteConfig) -> str:
    """A CSL-JSON file: a list with the one record, as reference managers import it, with the access date.

    The record in the page has none: whoever saves the page reads it that day, and Zotero notes the day itself."""
    record = csl_record(document, index, config)
    accessed = access_date(document, config)
    if accessed:
        record["accessed"] = {"date-parts": [list(accessed)]}
    return indented_json([record]) + "\n"


def script_json(data: Any) -> str:
    """JSON that can stand inside a <script> element: no '<', '>' or '&' that HTML would read."""
    text = indented_json(data)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def indented_json(data: Any) -> str:
    """`json.dumps(data, ensure_ascii=False, indent=2)`, sooner for plain data (every document page has two).

    Given an indent, the json module writes with its general encoder in Python; the records of a
    citation are only dicts, lists, strings, integers, booleans and None, and this writes those.
    """
    try:
        return _indented(data, "\n")
    except _NotPlain:
        return json.dumps(data, ensure_ascii=False, indent=2)


class _NotPlain(Exception):
    pass


def _indented(value: Any, newline: str) -> str:
    kind = type(value)
    if kind is str:
        return encode_json_string(value)
    if value is None or kind is bool:
        return "null" if value is None else "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    inner = newline + "  "
    if kind is dict:
        if not value:
            return "{}"
        if not all(type(key) is str for key in value):
            raise _NotPlain
        items = [f"{encode_json_string(key)}: {_indented(item, inner)}" for key, item in value.items()]
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join([_indented(item, inner) for item in value]) + newline + "]"
    raise _NotPlain


# --------------------------------------------------------------------------- BibTeX


# A command in braces, `{\textasciitilde}`, is what LaTeX prints as the character and what Zotero's BibTeX importer
# reads back as it (it leaves `\textasciitilde{}` as literal text).
_BIBTEX_SPECIAL = {
    "\\": r"{\textbackslash}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
}


_BIBTEX_TABLE = str.maketrans(_BIBTEX_SPECIAL)


def _bibtex_escape(text: str) -> str:
    return text.translate(_BIBTEX_TABLE)


def bibtex_key(document_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_:-]", "-", document_id)


def bibtex(document: Document, index: EditionIndex, config: SiteConfig) -> str:
    authors = " and ".join(n.bibtex() for n in names_of(document.authors, index))
    date = document.date
    fields: list[tuple[str, str | None]] = [
        ("author", authors or None),
        # Double braces keep the title's capitals as written.
        ("title", "{" + _bibtex_escape(document.title) + "}"),
        *(_bibtex_container(document, config) if authors else _bibtex_unsigned_container(document, config)),
        ("year", str(date.year)),
        ("month", (["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"][date.month - 1]) if date.month else None),
        ("date", date.edtf),  # biblatex reads EDTF, uncertain and approximate included
        # biblatex's `number` is a series number and `type` is not a field of @incollection: the document number
        # is a note in words, the archival source the addendum printed at the end, without its final full stop,
        # since biblatex adds its own punctuation after it ("Paris., https://..." otherwise).
        ("note", _bibtex_escape(_bibtex_note(document, authors)) or None),
        ("addendum", _bibtex_escape(document.source.strip().rstrip(".")) if document.source else None),
        ("abstract", _bibtex_escape(document.summary) if document.summary else None),
        ("keywords", _bibtex_escape(", ".join(document.subjects)) if document.subjects else None),
        ("url", document_url(config, document.id)),
        ("urldate", _iso_day(access_date(document, config))),
    ]
    lines = [f"@{_bibtex_entry_type(authors, config)}{{{bibtex_key(document.id)},"]
    # Months are BibTeX macros, written bare; everything else in braces.
    lines += [f"  {name} = {value if name == 'month' else '{' + value + '}'}," for name, value in fields if value]
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines) + "\n}\n"


def _bibtex_entry_type(authors: str, config: SiteConfig) -> str:
    """biblatex's data model has no part of a book without an author (@incollection, @inbook and @inreference all
    require one): an unsigned document is a @misc, which Zotero imports as a Document with the same editors. A
    signed one is an @incollection, whose editors biblatex requires, or an @inbook in an edition without editors;
    Zotero imports both as a Book Section."""
    if not authors:
        return "misc"
    return "incollection" if config.editors else "inbook"


def _bibtex_editors(config: SiteConfig) -> str | None:
    return " and ".join(n.bibtex() for n in editor_names(config)) or None


def _bibtex_container(document: Document, config: SiteConfig) -> list[tuple[str, str | None]]:
    return [
        ("booktitle", "{" + _bibtex_escape(config.title) + "}"),
        ("editor", _bibtex_editors(config)),
        ("translator", " and ".join(n.bibtex() for n in translator_names(document)) or None),
        ("publisher", _bibtex_escape(config.publisher) if config.publisher else None),
    ]


def _bibtex_unsigned_container(document: Document, config: SiteConfig) -> list[tuple[str, str | None]]:
    """@misc's fields for the edition: `howpublished` names it, `organization` is its publisher (both read by
    Zotero: "Published" and the publisher), and `useeditor=false` keeps the editors after the title, where
    @incollection prints them, rather than in the absent author's place."""
    editors = _bibtex_editors(config)
    return [
        ("editor", editors),
        ("options", "useeditor=false" if editors else None),
        ("howpublished", "{" + _bibtex_escape(config.title) + "}"),
        ("organization", _bibtex_escape(config.publisher) if config.publisher else None),
    ]


def _bibtex_note(document: Document, authors: str) -> str:
    """The document number in words; for @misc, which has no `translator`, the translators as well."""
    parts = [document_number(document) or ""]
    if not authors and document.translator:
        parts.append("translated by " + _and_list([n.display for n in translator_names(document)]))
    return "; ".join(part for part in parts if part)


def _iso_day(day: tuple[int, int, int] | None) -> str | None:
    return "-".join(f"{part:02d}" for part in day) if day else None


# --------------------------------------------------------------------------- RIS


def ris(document: Document, index: EditionIndex, config: SiteConfig) -> str:
    date = document.date
    # RIS dates are YYYY/MM/DD/other, the unknown parts left empty: 1951/10//.
    ris_date = f"{date.year}/{f'{date.month:02d}' if date.month else ''}/{f'{date.day:02d}' if date.day else ''}/"
    tags: list[tuple[str, str | None]] = [("TY", "CHAP"), ("ID", document.id)]
    tags += [("AU", n.inverted) for n in names_of(document.authors, index)]
    tags += [("TI", document.title), ("T2", config.title)]
    tags += [("A2", n.inverted) for n in editor_names(config)]
    tags += [("A4", n.display) for n in translator_names(document)]  # (A4: Zotero's translator)
    archive, archive_location = document_archive(document)
    # SE is a chapter's section in RIS; M1 would be read as a number of volumes. DB and AN are Zotero's archive and
    # its location.
    tags += [
        ("PY", str(date.year)),
        ("DA", ris_date),
        ("PB", config.publisher),
        ("SE", document_number(document)),
        ("AB", document.summary),
        ("DB", archive),
        ("AN", archive_location),
        ("LA", text_language(document, config)),
    ]
    tags += [("KW", s) for s in document.subjects]
    accessed = access_date(document, config)
    tags += [("UR", document_url(config, document.id)), ("Y2", "/".join(f"{part:02d}" for part in accessed) if accessed else None), ("ER", "")]
    # One field per line: a value's own line breaks would end the field early.
    return "".join(f"{tag}  - {' '.join(value.split())}\n" for tag, value in tags if value is not None)


# --------------------------------------------------------------------------- page head


def highwire_dates(document: Document) -> str:
    date = document.date
    return "/".join(str(p) if i == 0 else f"{p:02d}" for i, p in enumerate((date.year, date.month, date.day)) if p)


def head_meta(document: Document, index: EditionIndex, config: SiteConfig, tei_href: str) -> list[tuple[str, str]]:
    """(name, content) of the <meta> elements that reference managers read: Highwire, then Dublin Core."""
    authors = names_of(document.authors, index)
    meta: list[tuple[str, str | None]] = [("citation_title", document.title)]
    meta += [("citation_author", a.highwire()) for a in authors]
    meta += [("citation_editor", e.highwire()) for e in editor_names(config)]
    meta += [
        ("citation_publication_date", highwire_dates(document)),
        ("citation_date", highwire_dates(document)),
        ("citation_inbook_title", config.title),
        ("citation_publisher", config.publisher),
        ("citation_language", text_language(document, config)),
        ("citation_public_url", document_url(config, document.id)),
        ("citation_xml_url", absolute_url(config, paths.downloads(document.id)["tei"]) or tei_href),
    ]
    meta += [("citation_keywords", s) for s in document.subjects]
    meta += [("DC.title", document.title)]
    meta += [("DC.creator", a.display) for a in authors]
    meta += [
        ("DC.date", document.date.iso),
        ("DC.type", "Text"),
        ("DC.format", "text/html"),
        ("DC.language", text_language(document, config)),
        ("DC.publisher", config.publisher),
        ("DC.rights", document.rights or config.license),
        ("DC.source", document.source),
        ("DC.description", document.summary),
        ("DC.identifier", document_url(config, document.id)),
        ("DC.relation.isPartOf", config.title),
    ]
    meta += [("DC.subject", s) for s in document.subjects]
    return [(name, " ".join(value.split())) for name, value in meta if value]


def json_ld(document: Document, index: EditionIndex, config: SiteConfig) -> dict[str, Any]:
    """schema.org: the document as an ArchiveComponent that is part of the edition (a Collection); a document with
    recipients is a Message as well, the type that has `recipient` (and `sender`)."""

    persons, places = index.persons_by_id, index.places_by_id

    def person(entry_id: str) -> dict[str, Any]:
        if entry_id in index.organizations_by_id:
            return organization_json_ld(index.organizations_by_id[entry_id])
        found = persons.get(entry_id)
        data: dict[str, Any] = {"@type": "Person", "name": found.name if found else entry_id}
        if found and found.authority.get("wikidata"):
            data["sameAs"] = f"http://www.wikidata.org/entity/{found.authority['wikidata']}"
        return data

    edition: dict[str, Any] = {"@type": "Collection", "name": config.title}
    if config.base_url:
        edition["url"] = config.base_url
    if config.editors:
        edition["editor"] = [{"@type": "Person", "name": e} for e in config.editors]
    if config.publisher:
        edition["publisher"] = {"@type": "Organization", "name": config.publisher}
    # schema.org's license is a URL (or a CreativeWork); a licence known only by its name is a copyright notice.
    rights = document.rights or config.license
    rights_url = licence_url(rights) if rights else None
    archive, archive_location = document_archive(document)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": ["ArchiveComponent", "Message"] if document.recipients else "ArchiveComponent",
        "@id": document_url(config, document.id),
        "url": document_url(config, document.id),
        "name": document.title,
        "dateCreated": document.date.iso,
        "author": [person(i) for i in document.authors],
        "recipient": [person(i) for i in document.recipients],
        "translator": [{"@type": "Person", "name": name} for name in document.translator],
        "mentions": [person(i) for i in (*document.persons, *document.organizations) if i not in document.authors + document.recipients]
        + [{"@type": "Place", "name": places[i].name if i in places else i} for i in document.places],
        "genre": document.type,
        "description": document.summary,
        "inLanguage": text_language(document, config),
        "keywords": list(document.subjects),
        "license": rights_url,
        "copyrightNotice": rights if rights and not rights_url else None,
        "holdingArchive": {"@type": "ArchiveOrganization", "name": archive} if archive else None,
        "itemLocation": archive_location,
        "position": document.number,
        "isPartOf": edition,
        "encoding": [
            {"@type": "MediaObject", "encodingFormat": "application/tei+xml", "contentUrl": absolute_url(config, paths.downloads(document.id)["tei"])},
        ]
        if config.base_url
        else None,
    }
    return {k: v for k, v in data.items() if v not in (None, [], "")}


def organization_json_ld(organization: Organization) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Organization", "name": organization.name}
    if organization.authority.get("wikidata"):
        data["sameAs"] = f"http://www.wikidata.org/entity/{organization.authority['wikidata']}"
    return data


def licence_url(licence: str) -> str | None:
    """The address of a Creative Commons licence named as 'CC BY 4.0', 'CC BY-SA 4.0' or 'CC0'."""
    text = licence.strip().upper()
    if text in ("CC0", "CC0 1.0", "CC ZERO"):
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    match = re.fullmatch(r"CC[ -]?(BY(?:-(?:NC|ND|SA))*)[ -]?(\d\.\d)?", text)
    if not match:
        return None
    return f"https://creativecommons.org/licenses/{match[1].lower()}/{match[2] or '4.0'}/"
