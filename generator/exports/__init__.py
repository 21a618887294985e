"""Exports: what the edition offers besides its pages, for citation and reuse.

Pure functions from the indexed edition to text. `render_exports` yields (output path, text)
pairs that the build writes beside the pages; `template_globals` gives the theme what the
"Cite this document" block and the page head show.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator.config import SiteConfig
from generator.exports import citation, data, feeds, tei
from generator.facsimiles import facsimile_url
from generator.index import EditionIndex
from generator.markup import create_parser
from generator.model import Document
from generator.parallel import map_chunks, shared


@dataclass(frozen=True)
class Download:
    label: str
    path: str  # output path, for the theme's url()
    media_type: str


@dataclass(frozen=True)
class CitationView:
    """What the theme needs to show a document's citation and to fill its page head."""

    note_html: Markup
    bibliography_html: Markup
    bibliography_text: str
    url: str | None
    meta: list[tuple[str, str]]
    csl_json: Markup  # to embed in a <script type="application/json">
    json_ld: Markup  # to embed in a <script type="application/ld+json">
    downloads: list[Download]
    tei_path: str


DOWNLOADS = (
    ("tei", "TEI P5 XML", "application/tei+xml"),
    ("bibtex", "BibTeX", "application/x-bibtex"),
    ("ris", "RIS", "application/x-research-info-systems"),
    ("csl_json", "CSL-JSON", "application/vnd.citationstyles.csl+json"),
    ("markdown", "Markdown source", "text/markdown"),
    ("text", "Plain text", "text/plain"),
)


def citation_view(document: Document, index: EditionIndex, config: SiteConfig) -> CitationView:
    paths = citation.download_paths(document.id)
    cited = citation.chicago(document, index, config)
    return CitationView(
        note_html=Markup(cited.note_html),
        bibliography_html=Markup(cited.bibliography_html),
        bibliography_text=cited.bibliography_text,
        url=cited.url,
        meta=citation.head_meta(document, index, config, tei_href=f"{document.id}.xml"),
        csl_json=Markup(citation.script_json([citation.csl_record(document, index, config)])),
        json_ld=Markup(citation.script_json(citation.json_ld(document, index, config))),
        downloads=[Download(label, paths[key], media_type) for key, label, media_type in DOWNLOADS],
        tei_path=paths["tei"],
    )


def edition_downloads(index: EditionIndex, config: SiteConfig) -> list[Download]:
    """The files of the whole edition that `render_exports` writes, for the theme to link."""
    files = [Download("TEI corpus", "edition.xml", "application/tei+xml")]
    if index.persons or index.places:
        files.append(Download("Persons and places (TEI)", "registers.xml", "application/tei+xml"))
    if tei.letters(index):
        files.append(Download("Correspondence (CMIF)", "cmif.xml", "application/tei+xml"))
    files.append(Download("Data (JSON)", "edition.json", "application/json"))
    if config.base_url:
        files.append(Download("Atom feed", "feed.xml", "application/atom+xml"))
    return files


def template_globals(index: EditionIndex, config: SiteConfig) -> dict[str, Any]:
    """What the theme may use: `citation_of(document)` and `edition_downloads`."""

    computed: dict[str, CitationView] = {}  # the page head and the Cite block both ask for it

    def citation_of(document: Document) -> CitationView:
        if document.id not in computed:
            computed[document.id] = citation_view(document, index, config)
        return computed[document.id]

    return {"citation_of": citation_of, "edition_downloads": edition_downloads(index, config)}


def render_exports(
    index: EditionIndex, config: SiteConfig, parse_env: Mapping[str, Any] | None = None, jobs: int | None = None,
) -> Iterator[tuple[str, str]]:
    """Every exported file, in a deterministic order; each document's files on every core (see parallel.py).

    The documents are parsed with the annotate stage's parser; `parse_env` is what that stage puts
    into the parser's env besides the defaults (e.g. the register matcher), so that the TEI sees
    the same tokens as the pages, names in the text included.
    """
    ids = tei.XmlIds.of(index)
    texts: dict[str, str] = {}
    version_texts: dict[str, list[str]] = {}
    members: list[str] = []
    # The annotate stage has already warned of near misses; searching for them again would cost time for nothing.
    parse_env = {**(parse_env or {}), "near_misses": False}
    entries = tei.RegisterXml.of(index, ids)  # once, for every document's standOff and the edition's
    made = map_chunks(_document_exports_chunk, len(index.documents), (index, config, parse_env, ids, entries), jobs)
    for document, (files, text, member, plain_versions) in zip(index.documents, made, strict=True):
        texts[document.id] = text
        version_texts[document.id] = plain_versions
        members.append(member)
        yield from files
    yield "edition.xml", tei.corpus_xml(members, index, config, entries)
    for path, text in (("registers.xml", tei.registers_xml(index, config, entries)), ("cmif.xml", tei.cmif_xml(index, config)),
                       ("feed.xml", feeds.atom_feed(index, config))):
        if text is not None:
            yield path, text
    yield "edition.json", data.edition_json(index, config, texts, version_texts)
    yield data.SCHEMA_PATH, data.edition_schema()


def _document_exports_chunk(numbers: Sequence[int]) -> list[tuple[list[tuple[str, str]], str, str, list[str]]]:
    """One document's own files, its plain text, its member of the TEI corpus and its versions' plain texts, for each document numbered."""
    index, config, parse_env, ids, entries = shared()
    md = create_parser(config)  # one parser per worker
    results = []
    for number in numbers:
        document = index.documents[number]
        tokens = md.parse(document.body, {**parse_env})
        paths = citation.download_paths(document.id)
        text = data.plain_text(tokens)
        # Every version of the text goes into the TEI; page breaks point at the page images beside the file.
        versions = [(version, md.parse(version.body, {**parse_env})) for version in document.versions]
        plain_versions = [data.plain_text(version_tokens) for _, version_tokens in versions]
        pages = [(f.n, facsimile_url(f)) for f in document.facsimiles]
        standalone, member = tei.document_files(document, tokens, index, config, ids, versions, pages, entries)
        files = [
            (paths["tei"], standalone),
            (paths["bibtex"], citation.bibtex(document, index, config)),
            (paths["ris"], citation.ris(document, index, config)),
            (paths["csl_json"], citation.csl_json(document, index, config)),
            (paths["markdown"], data.markdown_source(document)),
            (paths["text"], text),
        ]
        results.append((files, text, member, plain_versions))
    return results
