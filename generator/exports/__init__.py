"""Exports: what the edition offers besides its pages, for citation and reuse.

Pure functions from the indexed edition to text. `render_exports` yields (output path, text)
pairs that the build writes beside the pages; `template_globals` gives the theme what the
"Cite this document" block and the page head show.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from generator import paths
from generator.config import SiteConfig
from generator.dates import build_time, source_date_epoch
from generator.exports import citation, data, feeds, tei
from generator.exports.registers import registers_json
from generator.exports.text import TextExports, document_texts
from generator.facsimiles import facsimile_url
from generator.index import EditionIndex
from generator.markup import create_parser
from generator.model import Document
from generator.output import TextPieces, Written, stage_file
from generator.parallel import iter_chunks, shared
from generator.tracking import FileText, Made, Read, ReadLog, ReadResults, WholeFiles, bytes_digest, digest, tracked


@dataclass(frozen=True)
class KeptExports:
    """One document's exports: what they were made from, and the parts the edition-wide files reuse."""

    made: Made
    files: tuple[str, ...]  # the output paths
    text: str
    member: bytes  # encoded: held as a str, the members of real text took twice the room (see _document_exports_chunk)
    plain_versions: tuple[str, ...]
    texts_digest: str  # of the text and the plain versions, which the document's record in edition.json holds
    member_digest: str


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
    downloads = paths.downloads(document.id)
    cited = citation.chicago(document, index, config)
    return CitationView(
        note_html=Markup(cited.note_html),
        bibliography_html=Markup(cited.bibliography_html),
        bibliography_text=cited.bibliography_text,
        url=cited.url,
        meta=citation.head_meta(document, index, config, tei_href=posixpath.basename(downloads["tei"])),
        csl_json=Markup(citation.script_json([citation.csl_record(document, index, config)])),
        json_ld=Markup(citation.script_json(citation.json_ld(document, index, config))),
        downloads=[Download(label, downloads[key], media_type) for key, label, media_type in DOWNLOADS],
        tei_path=downloads["tei"],
    )


def edition_downloads(index: EditionIndex, config: SiteConfig) -> list[Download]:
    """The files of the whole edition that `render_exports` writes, for the theme to link."""
    files = [Download("TEI corpus", paths.CORPUS_TEI, "application/tei+xml")]
    if index.persons or index.places or index.organizations:
        files.append(Download("Persons and places (TEI)", paths.REGISTERS_TEI, "application/tei+xml"))
    if tei.letters(index) and config.base_url:
        files.append(Download("Correspondence (CMIF)", paths.CMIF, "application/tei+xml"))
    files.append(Download("Data (JSON)", paths.DATA, "application/json"))
    if config.base_url:
        files.append(Download("Atom feed", paths.FEED, "application/atom+xml"))
    return files


def template_globals(index: EditionIndex, config: SiteConfig, log: ReadLog | None = None) -> dict[str, Any]:
    """What the theme may use: `citation_of(document)` and `edition_downloads`.

    A document's page asks for its citation twice (the page head and the Cite block): it is made once a page, so
    that every page that shows it notes what it reads of `index` (`log.reads` is a new set for each page made),
    and the citations of every document are not all held until the build ends."""
    last: tuple[object, str, CitationView] | None = None  # the page's reads, the document's id, its citation

    def citation_of(document: Document) -> CitationView:
        nonlocal last
        page = log.reads if log is not None else None
        if last is None or last[0] is not page or last[1] != document.id:
            last = (page, document.id, citation_view(document, index, config))
        return last[2]

    return {"citation_of": citation_of, "edition_downloads": edition_downloads(index, config)}


@dataclass
class ExportMemory:
    """What makes one document's exports reusable (see incremental/memory.py): the last build's, and how to compare."""

    kept: Mapping[str, KeptExports]
    values_of: Callable[[Document], str]  # the digest of what the exports are made from besides the index
    read_results: ReadResults  # the reads repeated on this build's index
    now: dict[str, KeptExports] = field(default_factory=dict)  # this build's, for the next
    standing: list[str] = field(default_factory=list)  # the files of the reused exports, which stand in the output
    whole: WholeFiles | None = None  # the edition-wide files
    # The parts of the edition-wide files, made again only when what they are made from changed (see incremental/memory.py).
    kept_records: Mapping[str, tuple[str, bytes]] = field(default_factory=dict)  # each document's line of edition.json, encoded
    kept_entries: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    records_now: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    entries_now: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Destination:
    """Where `render_exports` puts what it makes, and whom it tells as it goes."""

    into: Path | None = None  # the staging folder, where the process that makes a file writes it (see output.place)
    later: list[Callable[[], Iterator[tuple[str, TextPieces]]]] | None = None  # see render_exports
    on_document: Callable[[], None] = lambda: None  # called as each document's files are made or reused


def render_exports(
    index: EditionIndex,
    config: SiteConfig,
    parse_env: Mapping[str, Any] | None = None,
    jobs: int | None = None,
    memory: ExportMemory | None = None,
    made_texts: Mapping[str, Sequence[TextExports]] | None = None,
    destination: Destination | None = None,
) -> Iterator[tuple[str, str | Written | TextPieces]]:
    """Every exported file, in a deterministic order; each document's files on every core (see parallel.py),
    written into the staging folder `destination.into`, when there is one, by the process that made them.

    `made_texts` are what the annotate stage made of each document's texts for the exports (see text.py).
    A document without them is parsed with the annotate stage's parser; `parse_env` is what that stage puts
    into the parser's env besides the defaults (e.g. the register matcher), so that the TEI sees
    the same tokens as the pages, names in the text included. With a `memory`, a document whose
    exports were made from the same values and reads is not made again, and its files are not
    yielded (they stand in the output). Given a `destination.later` list, the files that hold every document's
    text (TEXT_FILES) are not made here: a function that makes them is added to it, for the caller to run.
    The files made from the index alone are made by this process while the workers make the documents' files
    (see parallel.iter_chunks), each written at once when there is a staging folder, not held meanwhile.
    """
    destination = destination or Destination()
    into, later, on_document = destination.into, destination.later, destination.on_document
    ids = tei.XmlIds.of(index)
    entry_memo = tei.EntryMemo(memory.read_results.fingerprints.of, memory.kept_entries, memory.entries_now) if memory is not None else None
    entries = tei.RegisterXml.of(index, ids, entry_memo)  # once, for every document's standOff and the edition's
    if memory is not None:
        # Known by the keys its entries were made under: a fingerprint of their texts would read every one.
        entries_state = digest("\n".join(f"{kind}\0{entry_id}\0{key}" for (kind, entry_id), (key, _) in memory.entries_now.items()))
        memory.read_results.fingerprints.remember(entries, entries_state)
    # The annotate stage has already warned of near misses; searching for them again would cost time for nothing.
    parse_env = {**(parse_env or {}), "near_misses": False}
    parts = _DocumentParts()
    make_lines = memory is None or not memory.kept_records
    values: dict[str, str] = {}
    reused: dict[str, KeptExports] = {}
    if memory is not None:
        memory.read_results.add("entries", entries, entries_state)  # what each document's standOff reads of it is noted
        values, reused = _reusable_exports(index, memory, ids)
    to_make = [d for d in index.documents if d.id not in reused]
    log = ReadLog()
    chunk_data = (index, config, parse_env, ids, entries, to_make, log, made_texts or {}, into, make_lines)
    whole = memory.whole if memory is not None else None

    def edition_file(path: str, values: Any, function: Callable[[EditionIndex], FileText | None]) -> Iterator[tuple[str, FileText]]:
        text = function(index) if whole is None else whole.make(path, values, function)
        if text is not None:
            yield path, text

    index_files: list[tuple[str, str | Written]] = []

    def make_index_files() -> None:
        for made_file in (
            edition_file(paths.REGISTERS_TEI, entries, lambda index: tei.registers_xml(index, config, entries)),
            # These carry the build's time when site.yml gives none: made again only when what they show changed, or
            # SOURCE_DATE_EPOCH did, so a file that stands keeps its time.
            edition_file(paths.CMIF, os.environ.get("SOURCE_DATE_EPOCH"), lambda index: tei.cmif_xml(index, config, build_time())),
            edition_file(paths.FEED, os.environ.get("SOURCE_DATE_EPOCH"), lambda index: feeds.atom_feed(index, config)),
            edition_file(paths.register_data("person"), "person", lambda index: registers_json(index, "person")),
            edition_file(paths.register_data("place"), "place", lambda index: registers_json(index, "place")),
            edition_file(
                paths.register_data("organization"), "organization", lambda index: registers_json(index, "organization") if index.organizations else None
            ),
        ):
            index_files.extend((path, stage_file(into, path, text)) for path, text in made_file)

    made = iter_chunks(_document_exports_chunk, len(to_make), chunk_data, jobs, here_too=into is not None, meanwhile=make_index_files)
    for document in index.documents:
        if document.id in reused:
            kept = reused[document.id]
            files: list[tuple[str, str | Written]] = []
            text, member, plain_versions = kept.text, kept.member, list(kept.plain_versions)
            assert memory is not None, "documents are reused only with a memory"
            memory.standing.extend(kept.files)
        else:
            files, plain, member, reads, parts.lines[document.id] = next(made)
            if plain is None:  # made from the annotate stage's texts: this process has their plain texts
                plain = [annotated.plain_text for annotated in (made_texts or {})[document.id]]
            text, plain_versions = plain[0], plain[1:]
            yield from files
            if memory is not None:
                reads = log.shared(reads)  # one object for each read, however many documents make it
                record = Made(values[document.id], reads, memory.read_results.combined(reads))
                kept = KeptExports(
                    record, tuple(path for path, _ in files), text, member, tuple(plain_versions), _texts_digest(text, plain_versions), bytes_digest(member)
                )
        if memory is not None:
            assert kept is not None, "each document's exports are made or reused"
            memory.now[document.id] = kept
            parts.texts_digests[document.id] = kept.texts_digest
            parts.member_digests.append(kept.member_digest)
        parts.texts[document.id] = text
        parts.version_texts[document.id] = plain_versions
        parts.members.append(member)
        on_document()
    for _ in made:  # let the pool finish and close (and, with no document to make, do the work meant for meanwhile)
        pass
    yield from index_files
    if later is None:
        yield from _text_files(index, config, memory, edition_file, entries, parts)
    else:
        later.append(partial(_text_files, index, config, memory, edition_file, entries, parts))
    yield data.SCHEMA_PATH, data.edition_schema()


def _reusable_exports(index: EditionIndex, memory: ExportMemory, ids: tei.XmlIds) -> tuple[dict[str, str], dict[str, KeptExports]]:
    """The values each document's exports are made from, and the kept exports of the documents whose values and reads
    are the same as when they were made."""
    values: dict[str, str] = {}
    reused: dict[str, KeptExports] = {}
    # The citations' access date may be SOURCE_DATE_EPOCH's (see citation.access_date).
    shared_values = "|" + memory.read_results.fingerprints.of(ids) + "|" + (source_date_epoch() or "")
    for document in index.documents:
        values[document.id] = memory.values_of(document) + shared_values
        kept = memory.kept.get(document.id)
        if kept is not None and kept.made.values == values[document.id] and memory.read_results.same_as(kept.made):
            reused[document.id] = kept
    return values, reused


@dataclass
class _DocumentParts:
    """What each document's exports give the TEXT_FILES, made or reused, gathered in the edition's order."""

    members: list[bytes] = field(default_factory=list)  # each document's <TEI> in the teiCorpus, encoded
    member_digests: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # the plain text of each document's main text
    version_texts: dict[str, list[str]] = field(default_factory=dict)  # and of its other versions
    texts_digests: dict[str, str] = field(default_factory=dict)  # of each document's plain texts, which its line in edition.json holds
    # Each made document's line of edition.json, made by the worker that made its files; an update keeps the lines
    # of the last build and makes a line only where its document's record changed (see _text_files).
    lines: dict[str, bytes | None] = field(default_factory=dict)  # (encoded, as the members are: see _document_exports_chunk)


TEXT_FILES = (paths.CORPUS_TEI, paths.DATA)  # the edition-wide files that hold every document's text


def _text_files(
    index: EditionIndex,
    config: SiteConfig,
    memory: ExportMemory | None,
    edition_file: Callable[..., Iterator[tuple[str, TextPieces]]],
    entries: tei.RegisterXml,
    parts: _DocumentParts,
) -> Iterator[tuple[str, TextPieces]]:
    """The TEXT_FILES: the TEI corpus and edition.json, each made again only when a text or what it reads changed.
    `parts.lines` are the lines of edition.json made with the documents' exports (see _document_exports_chunk)."""
    # The members and the documents' texts are known by their digests: fingerprints of the texts would read them all.
    yield from edition_file(
        paths.CORPUS_TEI, (digest("".join(parts.member_digests)), entries), lambda index: TextPieces(tei.corpus_pieces(parts.members, index, config, entries))
    )
    record_keys: dict[str, str] = {}
    if memory is not None:
        # A document's line holds its metadata (what its fingerprint knows it by) and its plain texts, and reads nothing of the index.
        known = memory.read_results.fingerprints.of
        record_keys = {document.id: known(document) + parts.texts_digests[document.id] for document in index.documents}

    def made_line(document: Document) -> bytes:
        line = parts.lines.get(document.id)
        if line is not None:
            return line
        return data.document_line(document, config, parts.texts[document.id], parts.version_texts[document.id]).encode("utf-8")

    def line_of(document: Document) -> bytes:
        if memory is None:
            return made_line(document)
        key = record_keys[document.id]
        kept = memory.kept_records.get(document.id)
        line = kept[1] if kept is not None and kept[0] == key else made_line(document)
        memory.records_now[document.id] = (key, line)
        return line

    yield from edition_file(
        paths.DATA,
        digest("".join(f"{document_id}\0{key}\n" for document_id, key in record_keys.items())),
        lambda index: TextPieces(data.edition_json_pieces(index, config, line_of)),
    )
    if memory is not None:  # a file that stands keeps its lines for the next build
        for document_id, key in record_keys.items():
            kept_record = memory.kept_records.get(document_id)
            if document_id not in memory.records_now and kept_record is not None and kept_record[0] == key:
                memory.records_now[document_id] = kept_record


def _texts_digest(text: str, plain_versions: Sequence[str]) -> str:
    return digest("".join(f"{len(part)}:{part}" for part in (text, *plain_versions)))


def _document_exports_chunk(
    numbers: Sequence[int],
) -> list[tuple[list[tuple[str, str | Written]], list[str] | None, bytes, tuple[Read, ...], bytes | None]]:
    """One document's own files, the plain texts of its main text and versions when it had to parse them again
    (else None), its member of the TEI corpus (encoded), what it read of the index and, with `make_lines` (when there are no
    kept lines to reuse), its line of edition.json, for each document numbered. (The line is made here, on every
    core, rather than with edition.json, on one.)"""
    real_index, config, parse_env, ids, real_entries, documents, log, made_texts, into, make_lines = shared()
    index = tracked(real_index, "index", log)
    tracked_entries = tracked(real_entries, "entries", log)
    entries = tei.RegisterXml(tracked_entries.persons, tracked_entries.places)  # each entry a document's standOff takes is noted
    parsers: list[MarkdownIt] = []  # made when a text must be parsed again, one per worker

    def parse(body: str) -> list[Token]:
        if not parsers:
            parsers.append(create_parser(config))
        return parsers[0].parse(body, {**parse_env})

    results = []
    for number in numbers:
        document = documents[number]
        log.reads = set()
        annotated = made_texts.get(document.id)
        texts = document_texts(document, annotated, index, ids, parse)
        downloads = paths.downloads(document.id)
        text = texts[0].plain_text
        # Every version of the text goes into the TEI; page breaks point at the page images beside the file.
        pages = [(f.n, facsimile_url(f)) for f in document.facsimiles]
        standalone, member = tei.document_files(document, [t.tei_body for t in texts], index, config, ids, document.versions, pages, entries)
        files = [
            (downloads["tei"], standalone),
            (downloads["bibtex"], citation.bibtex(document, index, config)),
            (downloads["ris"], citation.ris(document, index, config)),
            (downloads["csl_json"], citation.csl_json(document, index, config)),
            (downloads["markdown"], data.markdown_source(document, citation.document_url(config, document.id))),
            (downloads["text"], data.text_file(text, citation.document_url(config, document.id))),
        ]
        reads, log.reads = log.reads, None
        # The plain texts the annotate stage made are in the build's process already: they need not come back (and be held twice).
        placed = [(path, stage_file(into, path, content)) for path, content in files]
        line = data.document_line(document, config, text, [t.plain_text for t in texts[1:]]).encode("utf-8") if make_lines else None
        # The member and the line are encoded here, on every core: the build's process keeps every document's until the
        # build ends, and as UTF-8 they take half the room of a str of real text (two bytes a character, for its dashes).
        results.append((placed, None if texts is annotated else [t.plain_text for t in texts], member.encode("utf-8"), log.in_order(reads), line))
    return results
