"""Links from one document to another: `[Document 80](doc:frus1961-63v01-d80)`, and to its footnote 7
with `doc:frus1961-63v01-d80#7`.

The address of a document's page follows from its id alone, so the link is resolved here without
knowing the edition's documents: `env["link_prefix"]` is the way from the page being made to the
site's root. Each link is recorded in `env["document_links"]` as (id, footnote, line, col); the
index stage, which knows every document, reports an id that names none (see
`generator.index.document_link_problems`). The token keeps the target in `meta["document_link"]`,
for the TEI.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from generator import paths
from generator.diagnostics import Diagnostic, Location, Severity, did_you_mean
from generator.markup.positions import BlockPositions
from generator.model import Edition

SCHEME = "doc"
# An id as documents have them (see content._slug), then an optional footnote label.
TARGET = re.compile(r"doc:([^#\s/?]+)(?:#([^\s#/?]+))?")


def document_url(document_id: str, footnote: str | None = None) -> str:
    """The page of a document, from the site's root; with a footnote, its note there."""
    return paths.document(document_id) + (f"#note-{footnote}" if footnote else "")


def unknown_document_links(env: dict[str, Any], path: str, edition: Edition) -> list[Diagnostic]:
    """Errors for the doc: links found while parsing with `env` (a page of the editor's) that name no document.
    (A document's own links are checked by the index stage, with the other cross references.)"""
    ids = {document.id for document in edition.documents}
    return [
        Diagnostic(
            Severity.ERROR,
            "unknown-document",
            f"'doc:{target}' names no document of the edition{did_you_mean(target, ids)}",
            Location(path, line, col),
            "use the id of a document in content/documents/",
        )
        for target, _footnote, line, col in env.get("document_links", [])
        if target not in ids
    ]


def crossrefs_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("document_links", _resolve_document_links)


def _resolve_document_links(state: StateCore) -> None:
    prefix = str(state.env.get("link_prefix", ""))
    found: list[tuple[str, str | None, int, int]] = state.env.setdefault("document_links", [])
    lines: list[str] = state.env.get("source_lines") or state.src.split("\n")
    first_line = state.env.get("first_line", 1)
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        positions: BlockPositions | None = None
        for token in block.children:
            if token.type != "link_open":
                continue
            href = str(token.attrGet("href") or "")
            if not href.lower().startswith(SCHEME + ":"):
                continue
            target = TARGET.fullmatch(href)
            positions = positions or BlockPositions(block, lines, first_line)
            line, col = positions.position((token.meta or {}).get("link_offset", 0))
            document_id, footnote = (target.group(1), target.group(2)) if target else (href[len(SCHEME) + 1 :], None)
            found.append((document_id, footnote, line, col))
            token.attrSet("href", prefix + document_url(document_id, footnote))
            token.meta = {**(token.meta or {}), "document_link": (document_id, footnote)}
