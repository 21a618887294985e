"""The versions of a document (original, translation, transcription) and how their paragraphs align.

Pure. Each version is annotated like the main text, with its own note series and an id
prefix so that two versions can share a page. Paragraphs align by order; a paragraph ending in
`{#name}` starts a segment of that name, and the paragraphs after it join that segment until
the next anchor, so versions whose paragraph counts differ can still be aligned. A segment
without a partner in the other version is a warning naming both files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt

from generator.annotate import AnnotatedText, Block, annotate_tokens, parse_text
from generator.config import SiteConfig
from generator.diagnostics import Diagnostic, Location, Severity
from generator.exports.tei import KnownEntries, XmlIds, surface_ids
from generator.exports.text import TextExports, text_exports, text_id
from generator.markup.pagebreaks import PAGE_BREAK
from generator.model import Document, TextVersion
from generator.registers import Mention


@dataclass(frozen=True)
class Segment:
    """Blocks of one version that correspond to a segment of the same key in another version."""

    key: str  # the anchor name, or the paragraph's number ("1", "2", ...) before the first anchor
    line: int
    html: str


@dataclass(frozen=True)
class VersionText:
    """A version with its annotated text, as the document page shows it."""

    version: TextVersion
    text: AnnotatedText
    segments: tuple[Segment, ...]
    main: bool = False

    @property
    def id_prefix(self) -> str:
        return id_prefix(self.version.key)


def id_prefix(key: str) -> str:
    """The prefix of every id a version puts on the page: "" for the main text, "ru-" for `name.ru.md`."""
    return f"{key.lower()}-" if key else ""


def main_version(document: Document, site_language: str) -> TextVersion:
    """The document's own body as a version: in `text_language` or the edition's language; the translation when an original is given."""
    role = "translation" if any(v.role == "original" for v in document.versions) else "transcription"
    language = document.text_language or site_language
    return TextVersion(key="", path=document.path, language=language, role=role, body=document.body, body_line=document.body_line)


def segments_of(blocks: Sequence[Block]) -> tuple[Segment, ...]:
    """Each block is a segment numbered in order until the first anchor; from there an anchor starts one and the rest join it."""
    segments: list[Segment] = []
    anchored = False
    for number, block in enumerate(blocks, start=1):
        anchored = anchored or block.anchor is not None
        if block.anchor is not None or not anchored or not segments:
            segments.append(Segment(block.anchor or str(number), block.line, block.html))
        else:
            last = segments[-1]
            segments[-1] = Segment(last.key, last.line, last.html + block.html)
    return tuple(segments)


def alignment_problems(main_path: str, main: Sequence[Segment], other_path: str, other: Sequence[Segment]) -> list[Diagnostic]:
    """A warning for each segment of either version that has no partner in the other."""
    problems: list[Diagnostic] = []
    for path, segments, partner_path, partners in ((main_path, main, other_path, other), (other_path, other, main_path, main)):
        keys = {s.key for s in partners}
        for segment in segments:
            if segment.key in keys:
                continue
            which = f"paragraph {segment.key}" if segment.key.isdigit() else f"the paragraph anchored {{#{segment.key}}}"
            problems.append(
                Diagnostic(
                    Severity.WARNING,
                    "unaligned",
                    f"{which} has no partner in {partner_path} ({len(segments)} segments here, {len(partners)} there)",
                    Location(path, segment.line, 1),
                    "paragraphs align by order; where the counts differ, end corresponding paragraphs in both files with the same anchor, e.g. {#p3}",
                )
            )
    return problems


def aligned_keys(left: Sequence[Segment], right: Sequence[Segment]) -> list[str]:
    """Every segment key of two versions in reading order: the left's, with the right's unmatched keys after their predecessor."""
    order = [s.key for s in left]
    for index, segment in enumerate(right):
        if segment.key in order:
            continue
        previous = right[index - 1].key if index else None
        order.insert(order.index(previous) + 1 if previous in order else len(order), segment.key)
    return order


def text_env(document: Document, id_prefix: str = "", labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What the parser's plugins need to know besides the text: the page images, the id prefix, the interface words."""
    return {"id_prefix": id_prefix, "facsimile_pages": {f.n for f in document.facsimiles}, **(labels or {})}


def annotate_versions(
    documents: Sequence[Document],
    annotated: Mapping[str, AnnotatedText],
    *,
    md: MarkdownIt,
    config: SiteConfig,
    labels: Mapping[str, str] | None = None,
    env_extra: Mapping[str, Any] | None = None,
    registers: tuple[KnownEntries, XmlIds],
) -> tuple[dict[str, tuple[VersionText, ...]], dict[str, tuple[TextExports, ...]], list[Diagnostic]]:
    """Every version of every document that has more than one, the main text first; what the exports take from
    each other version (made from the same parse, with the `registers`' persons and places); the alignment warnings.

    `env_extra` is what the main texts' parser got besides `text_env` (the register matcher), so versions link names alike.
    """
    result: dict[str, tuple[VersionText, ...]] = {}
    exports: dict[str, tuple[TextExports, ...]] = {}
    problems: list[Diagnostic] = []
    for document in documents:
        problems += page_break_problems(document, document.body, document.body_line, document.path)
        if not document.versions:
            continue
        main_text = annotated[document.id]
        main = VersionText(main_version(document, config.language), main_text, segments_of(main_text.blocks), main=True)
        problems += duplicate_anchor_problems(document.path, main_text.blocks)
        texts = [main]
        surfaces = surface_ids(document)
        for version in document.versions:
            tokens, env = parse_text(
                version.body, md=md, first_line=version.body_line, env_extra={**(env_extra or {}), **text_env(document, id_prefix(version.key), labels)}
            )
            # before annotating changes the tokens
            exports[document.id] = (*exports.get(document.id, ()), text_exports(tokens, text_id(document, version), *registers, surfaces))
            text, found = annotate_tokens(tokens, env, md=md, config=config, path=version.path, first_line=version.body_line)
            problems += found
            problems += page_break_problems(document, version.body, version.body_line, version.path)
            other = VersionText(version, text, segments_of(text.blocks))
            problems += duplicate_anchor_problems(version.path, text.blocks)
            problems += alignment_problems(document.path, main.segments, version.path, other.segments)
            texts.append(other)
        result[document.id] = tuple(texts)
    return result, exports, problems


def duplicate_anchor_problems(path: str, blocks: Sequence[Block]) -> list[Diagnostic]:
    """An anchor names one paragraph of a file; a second use is a warning at its line."""
    first: dict[str, int] = {}
    problems = []
    for block in blocks:
        if block.anchor is None:
            continue
        if block.anchor in first:
            problems.append(
                Diagnostic(
                    Severity.WARNING,
                    "duplicate-anchor",
                    f"the anchor {{#{block.anchor}}} is already used at line {first[block.anchor]}",
                    Location(path, block.line, 1),
                    "give each aligned paragraph its own anchor",
                )
            )
        else:
            first[block.anchor] = block.line
    return problems


def mentions_with_versions(annotated: Mapping[str, AnnotatedText], versions: Mapping[str, tuple[VersionText, ...]]) -> dict[str, tuple[Mention, ...]]:
    """The register mentions of each document's texts: its main text's, then those of its other versions."""
    # A text's own mentions when it has no other version: the very object, by which the index knows it is the same.
    return {
        doc_id: (*text.mentions, *(m for version in versions[doc_id][1:] for m in version.text.mentions))
        if len(versions.get(doc_id, ())) > 1
        else text.mentions
        for doc_id, text in annotated.items()
    }


def page_break_problems(document: Document, body: str, first_line: int, path: str) -> list[Diagnostic]:
    """A warning for each page break `{pb n=...}` to a page that the document's facsimiles do not list."""
    if not document.facsimiles:
        return []
    pages = {f.n for f in document.facsimiles}
    problems = []
    for number, line in enumerate(body.split("\n")):
        for match in PAGE_BREAK.finditer(line):
            if match["n"] not in pages:
                problems.append(
                    Diagnostic(
                        Severity.WARNING,
                        "unknown-page",
                        f"page {match['n']} is not among the facsimiles of {document.path}",
                        Location(path, first_line + number, match.start() + 1),
                        "facsimile pages are numbered 1, 2, ... in the order listed, or by their 'n'",
                    )
                )
    return problems
