"""The edition as data: each document's plain text and Markdown source, and `edition.json` with the
JSON Schema that documents it.

Pure: functions from the model and the token stream to text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import yaml

try:  # libyaml's emitter is several times faster; PyYAML falls back to pure Python without it.
    from yaml import CSafeDumper as _SafeDumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _SafeDumper  # type: ignore[assignment]
from markdown_it.token import Token

from generator import paths
from generator.config import CREDIT_ROLES, SiteConfig
from generator.exports.citation import document_url, text_language
from generator.facsimiles import facsimile_url
from generator.index import EditionIndex
from generator.jsondata import EncodedRecords, record_line, records_json, records_json_pieces
from generator.markup.footnotes import footnote_numbers
from generator.model import Document

SCHEMA_PATH = paths.DATA_SCHEMA
FRONT_MATTER_FIELDS = (
    "number",
    "type",
    "authors",
    "recipients",
    "persons",
    "organizations",
    "places",
    "source",
    "archive",
    "translator",
    "summary",
    "language",
    "translation",
    "rights",
    "subjects",
    "collection",
    "updated",
)


# --------------------------------------------------------------------------- plain text and Markdown


def plain_text(tokens: Sequence[Token]) -> str:
    """The transcript as plain text: paragraphs separated by blank lines, the editor's brackets as
    transcribed, footnote calls as [1] with the footnotes at the end."""
    block_end = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    numbers = footnote_numbers(tokens)
    paragraphs = _plain_blocks(tokens[:block_end], numbers)
    footnotes = {footnote_id: _plain_blocks(blocks, numbers) for footnote_id, blocks in _footnote_tokens(tokens[block_end:]).items()}
    if footnotes:
        paragraphs.append("Notes")
        for footnote_id, number in sorted(numbers.items(), key=lambda item: int(item[1])):  # as the page lists them
            paragraphs.append(f"[{number}] " + "\n".join(footnotes.get(footnote_id, [])))
    return "\n\n".join(p.strip() for p in paragraphs if p.strip()) + "\n"


_PLAIN_CONTENT = frozenset(("text", "code_inline", "html_inline", "editorial_unbalanced", "image"))  # given as they are
_PLAIN_MARKS = {"softbreak": "\n", "hardbreak": "\n", "editorial_open": "[", "editorial_close": "]"}


def _plain_inline(children: Sequence[Token], numbers: Mapping[int, str]) -> str:
    out: list[str] = []
    for token in children:
        if token.type in _PLAIN_CONTENT:
            out.append(token.content)
        elif token.type in _PLAIN_MARKS:
            out.append(_PLAIN_MARKS[token.type])
        elif token.type == "footnote_ref":
            out.append(f"[{numbers.get(token.meta['id'], token.meta['id'] + 1)}]")
    return "".join(out)


def _plain_blocks(block_tokens: Sequence[Token], numbers: Mapping[int, str]) -> list[str]:
    paragraphs: list[str] = []
    prefix = ""
    for token in block_tokens:
        if token.type == "list_item_open":
            prefix = "- "
        elif token.type == "inline":
            paragraphs.append(prefix + _plain_inline(token.children or [], numbers))
            prefix = ""
        elif token.type in ("code_block", "fence", "html_block"):
            paragraphs.append(token.content.rstrip("\n"))
    return paragraphs


def _footnote_tokens(tokens: Sequence[Token]) -> dict[int, list[Token]]:
    """The block tokens of each footnote, by its id, from the tokens of the footnote block."""
    footnotes: dict[int, list[Token]] = {}
    current: int | None = None
    collected: list[Token] = []
    for token in tokens:
        if token.type == "footnote_open":
            current, collected = token.meta["id"], []
        elif token.type == "footnote_close" and current is not None:
            footnotes[current] = collected
            current = None
        elif current is not None:
            collected.append(token)
    return footnotes


def front_matter(document: Document) -> dict[str, Any]:
    data: dict[str, Any] = {"id": document.id, "title": document.title, "date": document.date.edtf}
    for name in FRONT_MATTER_FIELDS:
        value = getattr(document, name)
        if value:
            data[name] = list(value) if isinstance(value, tuple) else value
    return data


def markdown_source(document: Document, url: str | None = None) -> str:
    """The document as a Markdown file with YAML front matter, as an editor would write it; the `url` of its page,
    when it has one, in a comment, which a build of the file passes over."""
    header = yaml.dump(front_matter(document), Dumper=_SafeDumper, allow_unicode=True, sort_keys=False, width=100)
    comment = f"# {url}\n" if url else ""
    return f"---\n{comment}{header}---\n{document.body.rstrip()}\n"


def text_file(text: str, url: str | None = None) -> str:
    """The plain-text download: the transcript, then the address of its page, when it has one."""
    return f"{text}\n{url}\n" if url else text


# --------------------------------------------------------------------------- edition.json


def _drop_empty(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, [], {}, "")}


def document_record(document: Document, config: SiteConfig, text: str, version_texts: Sequence[str] = ()) -> dict[str, Any]:
    """A document's record in edition.json: its metadata, `text` and the plain text of each of its other versions
    (`version_texts`, in the order of `document.versions`). It reads nothing of the index."""
    record = front_matter(document)
    record["date"] = _drop_empty(
        {
            "edtf": document.date.edtf,
            "iso": document.date.iso,
            "display": document.date.display(),
            "uncertain": document.date.uncertain or None,
            "approximate": document.date.approximate or None,
        }
    )
    record["text_language"] = text_language(document, config)
    record["page"] = paths.document(document.id)
    record["url"] = document_url(config, document.id)
    record["files"] = paths.downloads(document.id)
    record["text"] = text
    record["versions"] = [
        _drop_empty({"key": v.key, "language": v.language, "role": v.role, "translator": v.translator, "title": v.title, "text": version_text})
        for v, version_text in zip(document.versions, version_texts, strict=False)
    ]
    record["facsimiles"] = [
        _drop_empty({"n": f.n, "label": f.label, "image": facsimile_url(f), "width": f.width, "height": f.height}) for f in document.facsimiles
    ]
    return _drop_empty(record)


def document_line(document: Document, config: SiteConfig, text: str, version_texts: Sequence[str] = ()) -> str:
    """The document's record as its line in edition.json."""
    return record_line(document_record(document, config, text, version_texts))


def edition_data(
    index: EditionIndex,
    config: SiteConfig,
    texts: Mapping[str, str],
    version_texts: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """The whole edition: site metadata, every document with its metadata and plain text, the registers.

    `version_texts` holds the plain text of each of a document's other versions, in the order of `document.versions`.
    """
    documents = [document_record(document, config, texts[document.id], (version_texts or {}).get(document.id, ())) for document in index.documents]
    return _edition_data(index, config, documents)


def _edition_data(index: EditionIndex, config: SiteConfig, documents: list[dict[str, Any]] | EncodedRecords) -> dict[str, Any]:
    site = _drop_empty(
        {
            "title": config.title,
            "subtitle": config.subtitle,
            "editors": list(config.editors),
            "publisher": config.publisher,
            "language": config.language,
            "license": config.license,
            "base_url": config.base_url,
            "credits": [{"name": credit.name, "role": credit.role} for credit in config.credits],
        }
    )

    def entry(data: Any, **extra: Any) -> dict[str, Any]:
        return _drop_empty(
            {
                "id": data.id,
                "name": data.name,
                "sort_name": data.sort_name,
                "aliases": list(data.aliases),
                "dates": data.dates,
                "description": data.description,
                "authority": dict(data.authority),
                **extra,
            }
        )

    return {
        "$schema": SCHEMA_PATH,
        "site": site,
        "documents": documents,
        "persons": [entry(p, page=paths.entry("person", p.id)) for p in index.persons],
        "places": [
            entry(p, page=paths.entry("place", p.id), modern_name=p.modern_name, coordinates=list(p.coordinates) if p.coordinates else None)
            for p in index.places
        ],
        "terms": [entry(t, expansion=t.expansion) for t in index.terms],
        **(
            {"organizations": [entry(o, page=paths.entry("organization", o.id), part_of=o.part_of) for o in index.organizations]} if index.organizations else {}
        ),
    }


def edition_json(index: EditionIndex, config: SiteConfig, texts: Mapping[str, str], version_texts: Mapping[str, Sequence[str]] | None = None) -> str:
    return records_json(edition_data(index, config, texts, version_texts))


def edition_json_pieces(index: EditionIndex, config: SiteConfig, line_of: Callable[[Document], bytes]) -> list[str | bytes]:
    """edition.json's text in pieces (see records_json_pieces), with each document's line given by `line_of`
    (a `document_line` encoded in UTF-8, made now or kept): the same text as edition_json's."""
    return records_json_pieces(_edition_data(index, config, EncodedRecords([line_of(document) for document in index.documents])))


_TEXT = {"type": "string", "minLength": 1}
_TEXTS = {"type": "array", "items": _TEXT}
_IDS = {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}}
_PATH = {"type": "string", "pattern": "^[^/].*"}


def _entry_schema(description: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "required": ["id", "name"],
        "properties": {
            "id": {"type": "string"},
            "name": _TEXT,
            "sort_name": _TEXT,
            "aliases": _TEXTS,
            "dates": _TEXT,
            "description": _TEXT,
            "authority": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": 'Identifiers in authority files, e.g. {"wikidata": "Q855"}.',
            },
            "page": {**_PATH, "description": "The entry's page, relative to the site root."},
            **extra,
        },
    }


EDITION_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_PATH,
    "title": "A digital critical edition",
    "description": "edition.json: the site's metadata, every document with its metadata and plain text, and the registers. "
    "Paths are relative to the site root.",
    "type": "object",
    "additionalProperties": False,
    "required": ["site", "documents", "persons", "places", "terms"],
    "properties": {
        "$schema": {"type": "string"},
        "site": {
            "type": "object",
            "additionalProperties": False,
            "required": ["title", "language"],
            "properties": {
                "title": _TEXT,
                "subtitle": _TEXT,
                "editors": _TEXTS,
                "publisher": _TEXT,
                "language": {**_TEXT, "description": "BCP 47 tag of the interface and text."},
                "license": _TEXT,
                "base_url": {"type": "string", "format": "uri"},
                "credits": {
                    "type": "array",
                    "description": "The edition's funders and sponsors, as site.yml lists them.",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["name", "role"],
                        "properties": {"name": _TEXT, "role": {"enum": list(CREDIT_ROLES)}},
                    },
                },
            },
        },
        "documents": {
            "type": "array",
            "description": "In date order.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "title", "date", "text", "page", "files"],
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                    "title": _TEXT,
                    "date": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["edtf", "iso", "display"],
                        "properties": {
                            "edtf": {
                                "type": "string",
                                "pattern": "^\\d{4}(-\\d{2}(-\\d{2})?)?[?~%]?$",
                                "description": "The date as written, in EDTF: ? uncertain, ~ approximate, % both.",
                            },
                            "iso": {"type": "string", "pattern": "^\\d{4}(-\\d{2}(-\\d{2})?)?$"},
                            "display": _TEXT,
                            "uncertain": {"const": True},
                            "approximate": {"const": True},
                        },
                    },
                    "number": _TEXT,
                    "type": _TEXT,
                    "authors": {**_IDS, "description": "Ids in persons or organizations."},
                    "recipients": {**_IDS, "description": "Ids in persons or organizations."},
                    "persons": {**_IDS, "description": "Ids in persons."},
                    "organizations": {**_IDS, "description": "Ids in organizations."},
                    "places": {**_IDS, "description": "Ids in places."},
                    "source": _TEXT,
                    "archive": {**_TEXT, "description": "The archive that holds the document."},
                    "translator": _TEXTS,
                    "summary": _TEXT,
                    "language": {**_TEXT, "description": "The language of the original."},
                    "text_language": {**_TEXT, "description": "The language of the text given here."},
                    "translation": _TEXT,
                    "rights": _TEXT,
                    "subjects": _TEXTS,
                    "collection": _TEXT,
                    "updated": {
                        "type": "string",
                        "format": "date-time",
                        "description": "When the edition last changed the document (not the document's own date).",
                    },
                    "page": _PATH,
                    "url": {"type": "string", "format": "uri"},
                    "files": {
                        "type": "object",
                        "description": "Downloads beside the page.",
                        "additionalProperties": _PATH,
                        "required": ["tei", "bibtex", "ris", "csl_json", "markdown", "text"],
                    },
                    "text": {"type": "string", "description": "The transcript as plain text, the editor's brackets as transcribed."},
                    "versions": {
                        "type": "array",
                        "description": "The document's other texts (its original, translations), from <name>.<lang>.md.",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["key", "language", "role", "text"],
                            "properties": {
                                "key": {**_TEXT, "description": "The language tag of the file name; it prefixes the version's ids on the page."},
                                "language": _TEXT,
                                "role": {"enum": ["original", "translation", "transcription"]},
                                "translator": _TEXT,
                                "title": _TEXT,
                                "text": {"type": "string"},
                            },
                        },
                    },
                    "facsimiles": {
                        "type": "array",
                        "description": "The page images, in page order.",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["n", "image"],
                            "properties": {
                                "n": {**_TEXT, "description": "The page label that {pb n=...} in the text refers to."},
                                "label": _TEXT,
                                "image": {**_TEXT, "description": "A path from the site's root, or a URL."},
                                "width": {"type": "integer"},
                                "height": {"type": "integer"},
                            },
                        },
                    },
                },
            },
        },
        "persons": {"type": "array", "items": _entry_schema("A person in the register.")},
        "places": {
            "type": "array",
            "items": _entry_schema(
                "A place in the register.",
                modern_name=_TEXT,
                coordinates={"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2, "description": "[latitude, longitude]"},
            ),
        },
        "terms": {"type": "array", "items": _entry_schema("An abbreviation or term.", expansion={"type": "string"})},
        "organizations": {"type": "array", "items": _entry_schema("An organisation in the register.", part_of={"type": "string"})},
    },
}


def edition_schema() -> str:
    return json.dumps(EDITION_SCHEMA, ensure_ascii=False, indent=2) + "\n"
