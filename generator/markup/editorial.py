"""Editorial interventions in square brackets: `[your]`, `[Stamp: ...]`, `[illegible]`, `[sic]`.

Grammar (after markdown-it's link, image and footnote rules have had their chance at `[`):

    intervention := "[" content "]"
    content      := any text in which "[" and "]" balance; "\\[" and "\\]" are literal;
                    a code span is skipped whole; soft line breaks are allowed

The content is parsed as inline Markdown between an `editorial_open` and an `editorial_close`
token, so nesting works (`[Stamp: ... [illegible]]`). A `[` without its `]`, or a `]` without
its `[`, becomes an `editorial_unbalanced` token that renders the character literally and is
reported as a warning. Tokens carry their offset in the inline content; a core rule turns it
into a file line and column. The renderers print the diplomatic text (brackets as
transcribed) wrapped so that the theme can show the reading text instead.

Once the inline rules are done, another core rule classifies each intervention by its text
without the Markdown, so that `[*word?*]` is uncertain like `[word?]`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from html import escape
from typing import Any, TypedDict

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from generator.config import ApparatusRule, RuleTooSlow
from generator.markup.positions import BlockPositions

# The most interventions one text may have: the notes of each are listed on its page and in the apparatus
# overview, some hundreds of bytes each, so past this limit (two hundred times the most of any document of a real
# edition of 10,000) a page would be tens of megabytes that no browser shows well, made from some hundreds of
# kilobytes. annotate.py reports a text past it, and a text past MANY_INTERVENTIONS with a warning.
MAX_INTERVENTIONS = 20_000
MANY_INTERVENTIONS = 2_000


class Intervention(TypedDict):
    index: int
    raw: str  # the source text between the brackets
    text: str  # the same without its Markdown: what the rules are matched against
    type: str
    label: str  # the rule's label, e.g. "Supplied text"
    display: str
    note: str  # the rule's note wording, with {text} still to fill
    line: int
    col: int
    call: str  # the note call ("a", "b", ... or "1", "2", ...), set by the annotate stage
    tei: str  # the rule's TEI element and @reason, when it names them, and the extent its pattern found
    reason: str
    extent: str


class EditorialEnv(TypedDict, total=False):
    interventions: list[Intervention]
    unbalanced: list[tuple[str, int, int, bool]]  # (character, line, col, is an undefined footnote)
    first_line: int  # the file line of the body's first line
    source_lines: list[str]  # the body's lines, to turn offsets into columns


def editorial_plugin(md: MarkdownIt, *, classify: Callable[[str, set[int]], ApparatusRule]) -> None:
    anchor = "footnote_ref" if "footnote_ref" in [r.name for r in md.inline.ruler.__rules__] else "image"
    md.inline.ruler.after(anchor, "editorial", _make_rule())
    md.inline.ruler.after("editorial", "editorial_stray_close", _stray_close)
    md.core.ruler.after("inline", "editorial_locate", _locate)
    md.core.ruler.after("editorial_locate", "editorial_classify", _make_classify(classify))
    md.add_render_rule("editorial_open", render_open)
    md.add_render_rule("editorial_close", render_close)
    md.add_render_rule("editorial_unbalanced", render_unbalanced)
    md.add_render_rule("editorial_over", render_unbalanced)  # as written, brackets and all


def interventions_of(env: MutableMapping[str, Any]) -> list[Intervention]:
    found: list[Intervention] = env.setdefault("interventions", [])
    return found


def find_closing_bracket(src: str, start: int, end: int) -> int:
    """The index of the `]` that closes the `[` at `start`, or -1 if it is not closed before `end`."""
    closing = bracket_pairs(src).get(start, -1)
    return closing if closing < end else -1


_BRACKET_SPECIAL = re.compile(r"[\\`\[\]]")


@functools.lru_cache(maxsize=64)
def bracket_pairs(src: str) -> dict[int, int]:
    """Every `[` of the text that has its `]`, mapped to it: one pass, so that many brackets stay linear."""
    pairs: dict[int, int] = {}
    openings: list[int] = []
    pos, end = 0, len(src)
    while pos < end:
        special = _BRACKET_SPECIAL.search(src, pos)  # the characters between matter not: skip them in C
        if special is None:
            break
        pos = special.start()
        char = src[pos]
        if char == "\\":
            pos += 2
            continue
        if char == "`":
            run = 1
            while pos + run < end and src[pos + run] == "`":
                run += 1
            closing = _closing_backticks(src, pos + run, end, run)
            pos = closing if closing >= 0 else pos + run
            continue
        if char == "[":
            openings.append(pos)
        elif char == "]" and openings:
            pairs[openings.pop()] = pos
        pos += 1
    return pairs


def _closing_backticks(src: str, pos: int, end: int, run: int) -> int:
    """The index just past the backtick run of length `run` that closes a code span, or -1."""
    while pos < end:
        found = src.find("`" * run, pos, end)
        if found < 0:
            return -1
        after = found + run
        if after < end and src[after] == "`":
            pos = after
            while pos < end and src[pos] == "`":
                pos += 1
            continue
        if found > 0 and src[found - 1] == "`":
            pos = after
            continue
        return after
    return -1


def _make_rule() -> Callable[[StateInline, bool], bool]:
    def editorial(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if state.src[start] != "[":
            return False
        end = find_closing_bracket(state.src, start, state.posMax)
        if end < 0 or state.src.startswith("[^", start):
            if silent:
                return False
            token = state.push("editorial_unbalanced", "", 0)
            token.content = "["
            token.meta = {"offset": start, "footnote": state.src.startswith("[^", start) and end >= 0}
            state.pos += 1
            return True
        if not silent and len(interventions_of(state.env)) >= MAX_INTERVENTIONS:
            # Past the limit a bracket stays text, without a note: the text is an error (annotate.py), and the work
            # of a page of OCR noise stays in proportion to its file rather than to its hundreds of thousands of notes.
            over = state.push("editorial_over", "", 0)
            over.content = state.src[start : end + 1]
            over.meta = {"offset": start}
        elif not silent:
            raw = state.src[start + 1 : end]
            interventions = interventions_of(state.env)
            record: Intervention = {  # classified by the core rule editorial_classify, once its text is known
                "index": len(interventions),
                "raw": raw,
                "text": raw,
                "type": "",
                "label": "",
                "display": "inline",
                "note": "",
                "line": 0,
                "col": 0,
                "call": "",
                "tei": "",
                "reason": "",
                "extent": "",
            }
            interventions.append(record)
            opening = state.push("editorial_open", "span", 1)
            opening.meta = {"offset": start, "intervention": record}
            old_max = state.posMax
            state.pos, state.posMax = start + 1, end
            state.md.inline.tokenize(state)
            state.posMax = old_max
            closing = state.push("editorial_close", "span", -1)
            closing.meta = {"intervention": record}
        state.pos = end + 1
        return True

    return editorial


# What an inline token adds to the text of a bracket without its Markdown.
_TEXT_TOKENS = ("text", "text_special", "code_inline", "html_inline", "editorial_unbalanced")  # an image: its children
_LINE_BREAKS = ("softbreak", "hardbreak")


def _make_classify(classify: Callable[[str, set[int]], ApparatusRule]) -> Callable[[StateCore], None]:
    too_slow: set[int] = set()  # the rules of site.yml that ran out of time: passed over from then on, so each costs its limit once

    def classify_in_time(text: str, record: Intervention, env: MutableMapping[str, Any]) -> ApparatusRule:
        while True:
            try:
                return classify(text, too_slow)
            except RuleTooSlow as exc:
                too_slow.add(exc.rule.number)
                env.setdefault("stopped_rules", []).append((exc.rule, record))

    def editorial_classify(state: StateCore) -> None:
        """Match each intervention's text without its Markdown against the rules and record what the first that matches says."""
        for block in state.tokens:
            if block.type != "inline" or not block.children:
                continue
            pieces: list[str] = []  # the text so far of the block's children
            starts: list[int] = []  # where each open intervention's text starts in `pieces`
            for token in walk_tokens(block.children):
                if token.type == "editorial_open":
                    starts.append(len(pieces))
                    pieces.append("[")
                elif token.type == "editorial_close" and starts:
                    record = token.meta["intervention"]
                    text = "".join(pieces[starts.pop() + 1 :])
                    _classified(record, text, classify_in_time(text, record, state.env))
                    pieces.append("]")
                elif token.type in _TEXT_TOKENS:
                    pieces.append(token.content)
                elif token.type in _LINE_BREAKS:
                    pieces.append("\n")

    return editorial_classify


def _classified(record: Intervention, text: str, rule: ApparatusRule) -> None:
    record["text"], record["type"], record["label"], record["display"], record["note"] = text, rule.type, rule.label, rule.display, rule.note
    record["tei"], record["reason"], record["extent"] = rule.tei, rule.reason, rule.extent(text) or ""


def _stray_close(state: StateInline, silent: bool) -> bool:
    # Balanced brackets never reach here: link labels and interventions stop before their `]`.
    if state.src[state.pos] != "]" or silent:
        return False
    token = state.push("editorial_unbalanced", "", 0)
    token.content = "]"
    token.meta = {"offset": state.pos}
    state.pos += 1
    return True


def walk_tokens(tokens: Sequence[Token]) -> Iterator[Token]:
    """Every token, depth first: block tokens and the inline tokens inside them. (With a stack of the lists under
    way, not a generator for each: every text of the edition is walked so several times.)"""
    under_way = [iter(tokens)]
    while under_way:
        for token in under_way[-1]:
            yield token
            if token.children:
                under_way.append(iter(token.children))
                break
        else:
            under_way.pop()


def _locate(state: StateCore) -> None:
    """Give each bracket token its file line and column, and record the unbalanced ones."""
    first_line = state.env.get("first_line", 1)
    lines: list[str] = state.env.get("source_lines") or state.src.split("\n")
    unbalanced = state.env.setdefault("unbalanced", [])
    over_limit = state.env.setdefault("over_limit", [])  # where each bracket past MAX_INTERVENTIONS is
    for block in state.tokens:
        if block.type != "inline" or not block.map or not block.children:
            continue
        positions = BlockPositions(block, lines, first_line)
        for token in walk_tokens(block.children):
            if not token.meta or "offset" not in token.meta:
                continue
            line, col = positions.position(token.meta["offset"])
            if token.type == "editorial_open":
                token.meta["intervention"]["line"] = line
                token.meta["intervention"]["col"] = col
            elif token.type == "editorial_unbalanced":
                unbalanced.append((token.content, line, col, bool(token.meta.get("footnote"))))
            elif token.type == "editorial_over":
                over_limit.append((line, col))


# --------------------------------------------------------------------------- renderers


def render_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    record: Intervention = tokens[idx].meta["intervention"]
    if env.get("note_mode"):
        return "["
    label = env.get("id_prefix", "") + record["call"]
    return f'<span class="ed ed-{escape(record["type"])} ed-{record["display"]}" id="ed-{label}"><span class="ed-bracket">[</span><span class="ed-text">'


def render_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    if env.get("note_mode"):
        return "]"
    record: Intervention = tokens[idx].meta["intervention"]
    label = record["call"]
    target = env.get("id_prefix", "") + label
    call = (
        f'<a class="note-call" id="call-{target}" href="#note-{target}" role="doc-noteref" '
        f'aria-label="{escape(env.get("note_label", "{type}, note {call}").replace("{type}", record["label"]).replace("{call}", label))}">{label}</a>'
    )
    return f'</span><span class="ed-bracket">]</span></span><sup class="note-ref">{call}</sup>'


def render_unbalanced(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    return escape(tokens[idx].content)
