"""Names of persons, organisations, places and terms in the text, linked to their register entries.

Two ways in:

- explicit: `[Filippov](person:stalin)`, `[the Embassy](org:embassy)`, `[Hamonten](place:hamonten)`, `[Cde.](term:cde)` are
  ordinary Markdown links whose address names a register and an id. They are always linked;
  an id that the register lacks is an error with a did-you-mean.
- automatic: every registered name and alias in a text token (not inside code, a link or an
  image) is found by the build's one `NameMatcher` (see `generator.registers`). Whether a
  found name is linked follows `registers.link`: the first mention of each entry in the
  document, all of them, or none; every mention is recorded either way.

The plugin works only when the annotate stage puts the matcher into the parser's env as
`env["registers"]` (with `link_prefix`, the way from the page to the output root), so a parser
without registers renders Markdown as before. A core rule, run after all the others, replaces
text tokens by `mention_open` / text / `mention_close`; it never changes the text itself, only
wraps it. The mentions found are left in `env["mentions"]`, the problems in
`env["mention_problems"]` and `env["near_miss_places"]` for `mention_diagnostics`. With
`env["near_misses"] = False` the rule does not look for near misses (words almost spelling a
registered name), for a parse whose warnings nobody reads.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from html import escape, unescape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from generator import paths
from generator.diagnostics import Diagnostic, Location, Severity
from generator.markup.positions import BlockPositions
from generator.model import RegisterEntry
from generator.registers import (
    KIND_OF_SCHEME,
    NOT_A_NAME,
    REGISTER_FILES,
    SCHEMES,
    Mention,
    NameMatcher,
    NearMiss,
    find_near_misses,
    near_miss_warning,
    short_identification,
)


def mentions_plugin(md: MarkdownIt, *, link_mode: str = "first") -> None:
    def rule(state: StateCore) -> None:
        _find_mentions(state, link_mode)

    md.core.ruler.push("mentions", rule)
    md.add_render_rule("mention_open", render_mention_open)
    md.add_render_rule("mention_close", render_mention_close)


def mention_diagnostics(env: dict[str, Any], path: str) -> list[Diagnostic]:
    """The problems of the names in one text; each near miss at each place (the build merges them: see merge_near_misses)."""
    return [
        Diagnostic(severity, code, message, Location(path, line, col), hint) for severity, code, message, line, col, hint in env.get("mention_problems", [])
    ] + [near_miss_warning(words, near, Location(path, line, col)) for words, near, line, col in env.get("near_miss_places", [])]


def tooltip(kind: str, entry: RegisterEntry) -> str:
    """The entry's name and short identification, as a tooltip shows them."""
    name = f"{entry.name} ({entry.dates})" if entry.dates and kind != "term" else entry.name
    about = short_identification(kind, entry)
    if kind != "term" and about == entry.dates:
        about = ""
    return f"{name}: {textwrap.shorten(about, 200, placeholder=' …')}" if about else name


# --------------------------------------------------------------------------- the core rule


class _Walk:
    """One document's state: the matcher, the body's lines, what was found, and which entries are linked."""

    def __init__(self, state: StateCore, link_mode: str) -> None:
        self.matcher: NameMatcher = state.env["registers"]
        self.link_mode = link_mode
        self.lines: list[str] = state.env.get("source_lines") or state.src.split("\n")
        self.first_line: int = state.env.get("first_line", 1)
        self.mentions: list[Mention] = state.env.setdefault("mentions", [])
        self.problems: list[tuple[Severity, str, str, int, int, str]] = state.env.setdefault("mention_problems", [])
        self.near_miss_places: list[tuple[str, NearMiss, int, int]] = state.env.setdefault("near_miss_places", [])
        self.linked: set[tuple[str, str]] = state.env.setdefault("linked_entries", set())
        # Off where only the tokens matter and the warnings would be thrown away (the exports' parse).
        self.near_misses: bool = state.env.get("near_misses", True)


def _find_mentions(state: StateCore, link_mode: str) -> None:
    if "registers" not in state.env:
        return
    walk = _Walk(state, link_mode)
    for block in state.tokens:
        if block.type == "inline" and block.children:
            block.children = _annotate_inline(block, walk)


def _annotate_inline(block: Token, walk: _Walk) -> list[Token]:
    content = block.content
    positions = BlockPositions(block, walk.lines, walk.first_line)
    cursor = 0  # how far into the block's content the tokens so far reach
    out: list[Token] = []
    link_ends: list[int] = []  # for each open ordinary link, where its address ends: names inside are not linked
    explicit: tuple[Token, int, int, int] | None = None  # the open register link: href offset, href end, out index
    for token in block.children or []:
        if token.meta and "offset" in token.meta:
            cursor = token.meta["offset"] + 1
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            scheme, _, entry_id = href.partition(":")
            kind = KIND_OF_SCHEME.get(scheme)
            found = content.find(href, cursor)
            if kind is not None and explicit is None and not link_ends:
                explicit = (token, found if found >= 0 else cursor, found + len(href) if found >= 0 else cursor, len(out))
                token.type, token.tag, token.meta = "mention_open", "", {"kind": kind, "id": entry_id}
            else:
                link_ends.append(found + len(href) if found >= 0 else cursor)
            out.append(token)
            continue
        if token.type == "link_close":
            if explicit is not None and not link_ends:
                opening, href_offset, href_end, index = explicit
                surface = "".join(t.content for t in out[index + 1 :] if t.type in ("text", "code_inline"))
                _explicit_mention(positions, walk, opening, token, surface, href_offset)
                cursor = max(cursor, href_end)
                explicit = None
            elif link_ends:
                cursor = max(cursor, link_ends.pop())
            out.append(token)
            continue
        if token.type in ("softbreak", "hardbreak"):
            newline = content.find("\n", cursor)
            cursor = newline + 1 if newline >= 0 else cursor
        if token.type != "text" or not token.content:
            if token.type == "code_inline":
                found = content.find(token.content, cursor)
                cursor = found + len(token.content) if found >= 0 else cursor
            out.append(token)
            continue
        found = content.find(token.content, cursor)
        if found > cursor and any(char in content[cursor:found] for char in "\\&"):
            found = -1  # the words may stand here spelt otherwise (`\\[`), and the match further on be another copy
        # Where the source spells some characters otherwise (`\\[`, `&amp;`), align character by character.
        source_offsets = range(found, found + len(token.content) + 1) if found >= 0 else _align(token.content, content, cursor)
        cursor = source_offsets[-1]
        if link_ends or explicit is not None:
            out.append(token)
            continue
        out.extend(_split_text(positions, walk, token, source_offsets))
    return out


def _align(text: str, content: str, start: int) -> list[int]:
    """For each character of `text`, and for its end, its offset in the source `content` from `start`."""
    offsets: list[int] = []
    pos = start
    i = 0
    while i < len(text):
        run = _literal_run(text, i, content, pos)
        if run:  # (most of the text stands in the source as it is: only escapes and entities are spelt otherwise)
            offsets.extend(range(pos, pos + run))
            i, pos = i + run, pos + run
            continue
        char = text[i]
        while pos < len(content) and content[pos] != char and _source_length(content, pos, char) == 1:
            pos += 1  # markup that the parser removed
        offsets.append(min(pos, len(content)))
        pos += _source_length(content, pos, char)
        i += 1
    offsets.append(min(pos, len(content)))
    return offsets


def _literal_run(text: str, i: int, content: str, pos: int) -> int:
    """How many characters of `text` from `i` stand as they are in `content` from `pos`, up to the first backslash
    or ampersand (which the source may spell as an escape or an entity: see _source_length)."""
    limit = len(text)
    for special in "\\&":
        found = text.find(special, i, limit)
        if found >= 0:
            limit = found
    low, high = 0, limit - i  # the longest run is found by halving: each test compares in C
    while low < high:
        middle = (low + high + 1) // 2
        if content.startswith(text[i : i + middle], pos):
            low = middle
        else:
            high = middle - 1
    return low


def _source_length(content: str, pos: int, char: str) -> int:
    """How many source characters at `pos` stand for `char`: 2 for an escape, more for an entity."""
    if content.startswith("\\" + char, pos):
        return 2
    if content.startswith("&", pos):
        semicolon = content.find(";", pos, pos + 33)
        if semicolon > 0 and unescape(content[pos : semicolon + 1]) == char:
            return semicolon + 1 - pos
    return 1


def _explicit_mention(positions: BlockPositions, walk: _Walk, opening: Token, closing: Token, surface: str, href_offset: int) -> None:
    kind, entry_id = opening.meta["kind"], opening.meta["id"]
    line, col = positions.position(href_offset)
    entry = walk.matcher.entries.get((kind, entry_id))
    if entry is None:
        register = REGISTER_FILES[kind]
        walk.problems.append(
            (
                Severity.ERROR,
                "unknown-" + kind,
                f"'{entry_id}' in the link '{SCHEMES[kind]}:{entry_id}' is not in {register}{walk.matcher.did_you_mean(kind, entry_id)}",
                line,
                col,
                f"add an entry with 'id: {entry_id}' to {register}, or correct the id",
            )
        )
        opening.meta = closing.meta = {"mention": None, "entry": None}
    else:
        mention = Mention(kind, entry_id, surface, line, col, linked=True, explicit=True)
        walk.mentions.append(mention)
        walk.linked.add((kind, entry_id))
        opening.meta = closing.meta = {"mention": mention, "entry": entry}
    closing.type, closing.tag = "mention_close", ""


def _split_text(positions: BlockPositions, walk: _Walk, token: Token, source_offsets: Sequence[int]) -> list[Token]:
    text = token.content
    found = walk.matcher.scan(text)
    for start, words, near in find_near_misses(text, walk.matcher, found) if walk.near_misses else ():
        line, col = positions.position(source_offsets[start])
        walk.near_miss_places.append((words, near, line, col))
    matches = [match for match in found if match.kind != NOT_A_NAME]
    if not matches:
        return [token]
    out: list[Token] = []
    done = 0
    for match in matches:
        key = (match.kind, match.id)
        linked = walk.link_mode == "all" or (walk.link_mode == "first" and key not in walk.linked)
        if linked:
            walk.linked.add(key)
        line, col = positions.position(source_offsets[match.start])
        mention = Mention(match.kind, match.id, text[match.start : match.end], line, col, linked=linked)
        walk.mentions.append(mention)
        if match.start > done:
            out.append(_text(text[done : match.start]))
        meta = {"mention": mention, "entry": walk.matcher.entries[key]}
        out.append(_marker("mention_open", meta))
        out.append(_text(mention.surface))
        out.append(_marker("mention_close", meta))
        done = match.end
    if done < len(text):
        out.append(_text(text[done:]))
    return out


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _marker(kind: str, meta: dict[str, Any]) -> Token:
    token = Token(kind, "", 0)
    token.meta = meta
    return token


# --------------------------------------------------------------------------- renderers


def _wrapper(meta: dict[str, Any], env: dict[str, Any]) -> str:
    """The element a mention is wrapped in: "a", "abbr" or "" for none."""
    mention: Mention | None = meta["mention"]
    if env.get("note_mode") or mention is None:
        return ""
    if mention.linked:
        return "a"
    return "abbr" if mention.kind == "term" else ""


def render_mention_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    meta = tokens[idx].meta
    wrapper = _wrapper(meta, env)
    if not wrapper:
        return ""
    mention: Mention = meta["mention"]
    matcher: NameMatcher | None = env.get("registers")
    if matcher is None:
        return _opening_tag(wrapper, mention, meta["entry"], env.get("link_prefix", ""))
    # The same entries are named on page after page: each tag is made once per build.
    key = (wrapper, mention.kind, mention.id, env.get("link_prefix", ""))
    tag = matcher.mention_tags.get(key)
    if tag is None:
        tag = matcher.mention_tags[key] = _opening_tag(wrapper, mention, meta["entry"], key[3])
    return tag


def _opening_tag(wrapper: str, mention: Mention, entry: RegisterEntry, link_prefix: str) -> str:
    tip = escape(tooltip(mention.kind, entry))
    if wrapper == "abbr":
        return f'<abbr class="mention mention-term" title="{tip}">'
    href = escape(link_prefix + paths.entry_link(mention.kind, mention.id))
    described = f' aria-describedby="about-{mention.kind}-{mention.id}"' if short_identification(mention.kind, entry) else ""
    return f'<a class="mention mention-{mention.kind}" href="{href}" data-entry="{mention.kind}:{mention.id}" data-tooltip="{tip}"{described}>'


def render_mention_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    wrapper = _wrapper(tokens[idx].meta, env)
    return f"</{wrapper}>" if wrapper else ""
