"""The annotate stage: a document's Markdown body becomes HTML with its apparatus of notes.

Pure: takes text and a parser, returns data. Editorial brackets become the lettered textual
apparatus, the transcriber's footnotes the numbered notes (or one numbered series when
`apparatus.series: single`).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from generator.config import CONFIG_FILE, SiteConfig
from generator.diagnostics import Diagnostic, Location, Severity
from generator.markup.editorial import MANY_INTERVENTIONS, MAX_INTERVENTIONS, Intervention, walk_tokens
from generator.markup.footnotes import numbers_besides, written_numbers
from generator.markup.links import unsafe_link_warnings
from generator.markup.mentions import mention_diagnostics
from generator.registers import Mention


@dataclass(frozen=True)
class Note:
    call: str  # what the call shows and the note is numbered by: "a", "b", ... or "1", "2", ...
    series: str  # "apparatus" (editorial brackets) or "footnotes" (the transcriber's notes)
    type: str  # the intervention type ("supplied", "stamp", ...) or "footnote"
    type_label: str
    html: str  # the note's text as HTML
    call_ids: tuple[str, ...]  # the ids of the calls that point to this note
    line: int = 0
    col: int = 0
    display: str = "inline"
    source: str = ""  # the bracketed text as transcribed
    id_prefix: str = ""  # "ru-" for the notes of a document's Russian version, so ids never collide on the page

    @property
    def id(self) -> str:
        return f"note-{self.id_prefix}{self.call}"


@dataclass(frozen=True)
class Block:
    """A top-level block of the text (a paragraph, a list, a table, ...), for aligning versions."""

    html: str
    line: int  # the file line on which it starts
    anchor: str | None = None  # the name given by `{#name}` at the end of a paragraph


@dataclass(frozen=True)
class AnnotatedText:
    html: str
    notes: tuple[Note, ...]  # every note, in document order of their first call
    mentions: tuple[Mention, ...] = ()  # the register entries the text names, in reading order
    # Where each top-level block of `html` ends, with its line and anchor: the blocks are slices of
    # `html` made when asked for, so that a build of many texts does not hold their HTML twice.
    block_ends: tuple[tuple[int, int, str | None], ...] = ()
    # Each link to another document: (its id, the footnote linked or None, line, col), checked by the index stage.
    document_links: tuple[tuple[str, str | None, int, int], ...] = ()

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The top-level blocks whose HTML makes up `html`."""
        starts = (0, *(end for end, _, _ in self.block_ends))
        return tuple(Block(self.html[start:end], line, anchor) for start, (end, line, anchor) in zip(starts, self.block_ends, strict=False))

    @property
    def apparatus(self) -> tuple[Note, ...]:
        return tuple(n for n in self.notes if n.series == "apparatus")

    @property
    def footnotes(self) -> tuple[Note, ...]:
        return tuple(n for n in self.notes if n.series == "footnotes")

    def counts_by_type(self) -> list[tuple[str, str, int]]:
        """(type, label, count) of the editorial interventions, most frequent first."""
        counts = Counter((n.type, n.type_label) for n in self.apparatus)
        return [(t, label, n) for (t, label), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def letter_label(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa: the bijective base-26 of critical apparatus sigla."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("a") + rest) + label
    return label


def annotate_text(
    body: str, *, md: MarkdownIt, config: SiteConfig, path: str, first_line: int, env_extra: dict[str, Any] | None = None
) -> tuple[AnnotatedText, list[Diagnostic]]:
    tokens, env = parse_text(body, md=md, first_line=first_line, env_extra=env_extra)
    return annotate_tokens(tokens, env, md=md, config=config, path=path, first_line=first_line)


def parse_text(body: str, *, md: MarkdownIt, first_line: int, env_extra: dict[str, Any] | None = None) -> tuple[list[Token], dict[str, Any]]:
    """The tokens of a text and the parser's env, for `annotate_tokens` and whatever else reads the same tokens (the exports)."""
    env: dict[str, Any] = {"first_line": first_line, "source_lines": body.split("\n"), **(env_extra or {})}
    return md.parse(body, env), env


def annotate_tokens(
    tokens: list[Token], env: dict[str, Any], *, md: MarkdownIt, config: SiteConfig, path: str, first_line: int
) -> tuple[AnnotatedText, list[Diagnostic]]:
    """`parse_text`'s tokens as the annotated text (numbering the calls changes the tokens' records)."""
    single = config.apparatus.series == "single"

    # Number the calls in reading order: editorial brackets by letter, footnotes by number (a footnote
    # labelled with a number keeps it; the others, and brackets in one series, take the numbers left).
    footnote_calls: dict[int, str] = {}
    written = written_numbers(tokens)
    free_numbers = numbers_besides(set(written.values()))
    letters = 0
    for token in walk_tokens(tokens):
        if token.type == "editorial_open":
            record: Intervention = token.meta["intervention"]
            if single:
                record["call"] = next(free_numbers)
            else:
                record["call"] = letter_label(letters)
                letters += 1
        elif token.type == "footnote_ref" and token.meta["id"] not in footnote_calls:
            footnote_calls[token.meta["id"]] = written.get(token.meta["id"]) or next(free_numbers)
    env["footnote_calls"] = footnote_calls

    block_start = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    blocks = tuple(
        Block(md.renderer.render(tokens[start:end], md.options, env), first_line + (tokens[start].map or [0])[0], tokens[start].meta.get("anchor"))
        for start, end in _top_level_blocks(tokens[:block_start])
    )
    html = "".join(block.html for block in blocks)
    prefix = env.get("id_prefix", "")

    notes: list[tuple[tuple[int, int], Note]] = []
    # The text's brackets and those in its footnotes, whose calls stand in the footnote and lead to the apparatus.
    for token, inner_tokens in _interventions(tokens):
        if token.type == "editorial_open":
            record = token.meta["intervention"]
            inner = _renderer(md).renderInline(inner_tokens, md.options, {**env, "note_mode": True})
            wording = escape(record["note"]).replace("{text}", inner)
            notes.append(
                (
                    (record["line"], record["col"]),
                    Note(
                        call=record["call"],
                        series="footnotes" if single else "apparatus",
                        type=record["type"],
                        type_label=record["label"],
                        html=wording,
                        call_ids=(f"call-{prefix}{record['call']}",),
                        line=record["line"],
                        col=record["col"],
                        display=record["display"],
                        source=record["raw"],
                        id_prefix=prefix,
                    ),
                )
            )
    footnote_order = {fid: index for index, fid in enumerate(footnote_calls)}
    for footnote_id, note_html, sub_count in _footnote_bodies(md, tokens[block_start:], env):
        call = footnote_calls.get(footnote_id, str(footnote_id + 1))
        call_ids = tuple(f"call-{prefix}{call}" if sub == 0 else f"call-{prefix}{call}-{sub}" for sub in range(sub_count))
        notes.append(
            (
                (10**9, footnote_order.get(footnote_id, 0)),
                Note(
                    call=call,
                    series="footnotes",
                    type="footnote",
                    type_label="Footnote",
                    html=note_html,
                    call_ids=call_ids,
                    id_prefix=prefix,
                ),
            )
        )
    ordered = [note for _, note in sorted(notes, key=lambda item: _note_order(item[1], single))]

    diagnostics: list[Diagnostic] = []
    for char, line, col, is_footnote in env.get("unbalanced", []):
        if is_footnote:
            diagnostics.append(
                Diagnostic(
                    Severity.WARNING,
                    "undefined-footnote",
                    "this footnote call has no definition",
                    Location(path, line, col),
                    "add a line '[^label]: text' below the paragraph",
                )
            )
        else:
            diagnostics.append(
                Diagnostic(
                    Severity.WARNING,
                    "unbalanced-bracket",
                    f"'{char}' has no matching '{']' if char == '[' else '['}'; it is shown as it stands",
                    Location(path, line, col),
                    "close the bracket, or write \\" + char + " for a literal bracket",
                )
            )
    interventions, over_limit = env.get("interventions", []), env.get("over_limit", [])
    if over_limit:
        diagnostics.append(
            Diagnostic(
                Severity.ERROR,
                "too-many-interventions",
                f"this text has {len(interventions) + len(over_limit):,} editorial interventions, more than the {MAX_INTERVENTIONS:,} one page "
                "can list (the first past the limit is here)",
                Location(path, *over_limit[0]),
                "brackets that are not interventions (OCR noise, a table drawn with brackets) can be written \\[ and \\]; or split the document",
            )
        )
    elif len(interventions) > MANY_INTERVENTIONS:
        diagnostics.append(
            Diagnostic(
                Severity.WARNING,
                "many-interventions",
                f"this text has {len(interventions):,} editorial interventions, which make a page of a megabyte or more",
                Location(path, interventions[0]["line"], interventions[0]["col"]),
                "brackets that are not interventions (OCR noise, a table drawn with brackets) can be written \\[ and \\]; or split the document",
            )
        )
    for rule, record in env.get("stopped_rules", []):
        diagnostics.append(
            Diagnostic(
                Severity.ERROR,
                "rule-too-slow",
                f"apparatus rule {rule.number} ('{rule.pattern.pattern}') was stopped after {rule.time_limit:g} s on the bracket at "
                f"{path}:{record['line']}:{record['col']}",
                Location(CONFIG_FILE, *rule.position),
                "a repeat inside a repeat whose parts can match the same text, such as (a|aa)+ or (\\w+\\s?)+$, takes time that grows "
                "exponentially with the text; write the pattern so that each character can be matched one way only",
            )
        )
    diagnostics.extend(mention_diagnostics(env, path))
    diagnostics.extend(unsafe_link_warnings(env, path))
    block_ends = tuple(zip(itertools.accumulate(len(b.html) for b in blocks), (b.line for b in blocks), (b.anchor for b in blocks), strict=True))
    return AnnotatedText(
        html=html, notes=tuple(ordered), mentions=tuple(env.get("mentions", ())), block_ends=block_ends, document_links=tuple(env.get("document_links", ()))
    ), diagnostics


def _top_level_blocks(tokens: Sequence[Token]) -> Iterator[tuple[int, int]]:
    """(start, end) of each top-level block: an opening token at level 0 up to its closing token."""
    start = 0
    while start < len(tokens):
        end = start + 1
        if tokens[start].nesting == 1:
            while end < len(tokens) and not (tokens[end].level == 0 and tokens[end].nesting == -1):
                end += 1
            end += 1
        yield start, end
        start = end


def _note_order(note: Note, single: bool) -> tuple[int, int]:
    if single:
        return (0, int(note.call))
    return (0 if note.series == "apparatus" else 1, _call_rank(note.call))


def _call_rank(call: str) -> int:
    if call.isdigit():
        return int(call)
    rank = 0
    for char in call:
        rank = rank * 26 + (ord(char) - ord("a") + 1)
    return rank


def _interventions(tokens: Sequence[Token]) -> Iterator[tuple[Token, list[Token]]]:
    """Each editorial_open token with the tokens of its content, in document order."""
    for block in tokens:
        children = block.children or []
        for start, token in enumerate(children):
            if token.type != "editorial_open":
                continue
            record = token.meta["intervention"]
            end = next(i for i in range(start + 1, len(children)) if children[i].type == "editorial_close" and children[i].meta["intervention"] is record)
            yield token, children[start + 1 : end]


def _footnote_bodies(md: MarkdownIt, tokens: Sequence[Token], env: dict[str, Any]) -> Iterator[tuple[int, str, int]]:
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "footnote_open":
            start = index + 1
            while tokens[index].type != "footnote_close":
                index += 1
            content = [t for t in tokens[start:index] if t.type != "footnote_anchor"]
            for t in content:
                if t.children:
                    t.children = [c for c in t.children if c.type != "footnote_anchor"]
            html = md.renderer.render(content, md.options, {**env, "note_mode": False}).strip()
            # A one-paragraph note reads better without its <p>.
            if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
                html = html[3:-4]
            footnote_id = token.meta["id"]
            subs = env.get("footnotes", {}).get("list", {}).get(footnote_id, {}).get("count", 1)
            yield footnote_id, html, subs
        index += 1


def _renderer(md: MarkdownIt) -> RendererHTML:
    """The parser's HTML renderer (markdown-it types its renderer by a protocol without renderInline)."""
    assert isinstance(md.renderer, RendererHTML)
    return md.renderer
