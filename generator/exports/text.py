"""What the exports take from each text's tokens, made from the annotate stage's parse.

The annotate stage parses every text (a document's body and each of its other versions) once;
from the same tokens it also makes what the exports need of them, the TEI <body> and the plain
text, so the exports put their files together without parsing any text again. The one thing
in these that depends on the registers is which names of the text are registered persons and
places (and their xml:ids): the exports check it against their index, through the proxy that
notes reads, and encode the text again from a new parse where it differs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from generator.exports import data, tei
from generator.index import EditionIndex
from generator.model import Document, TextVersion


@dataclass(frozen=True)
class TextExports:
    """One text's part of its document's exports (strings, cheap to send between processes and to keep)."""

    tei_body: tei.EncodedBody
    plain_text: str


def text_id(document: Document, version: TextVersion | None = None) -> str:
    """What the TEI of a text prefixes its notes' xml:ids with: the document's id, and a version's key."""
    return document.id if version is None else f"{document.id}-{version.key}"


def text_exports(tokens: Sequence[Token], text_id: str, index: EditionIndex | tei.KnownEntries, ids: tei.XmlIds, surfaces: Mapping[str, str]) -> TextExports:
    """A text's exports from its tokens (as the annotate stage's parser makes them); `surfaces` from `tei.surface_ids`."""
    return TextExports(tei.encode_body(tokens, text_id, index, ids, surfaces), data.plain_text(tokens))


def document_texts(
    document: Document, made: Sequence[TextExports] | None, index: EditionIndex, ids: tei.XmlIds, parse: Callable[[str], Sequence[Token]]
) -> Sequence[TextExports]:
    """The exports of the document's main text and of each of its versions: those `made` by the annotate stage while
    their names resolve in `index` as they did there, else made again from `parse`."""
    if made is not None and len(made) == 1 + len(document.versions) and all(text.tei_body.holds_for(index, ids) for text in made):
        return made
    surfaces = tei.surface_ids(document)
    return [text_exports(parse(document.body), text_id(document), index, ids, surfaces)] + [
        text_exports(parse(version.body), text_id(document, version), index, ids, surfaces) for version in document.versions
    ]
