"""The transcriber's own Markdown footnotes (`[^1]`) as calls in the edition's note series.

mdit-py-plugins' footnote plugin parses them; this plugin only changes how a call renders,
using the label the annotate stage gave the footnote (`env["footnote_calls"]`).

A footnote whose label is a number keeps it: a source's notes are often numbered from 2 (FRUS
gives number 1 to its source note) and its cross-references ("see footnote 7") name them so. Any
other label takes the next number that no such label has, in the order of its first call. The
page, the TEI and the plain text all number footnotes with `footnote_numbers`.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.markup.editorial import walk_tokens


def footnote_calls_plugin(md: MarkdownIt) -> None:
    md.add_render_rule("footnote_ref", render_footnote_call)


def written_numbers(tokens: Sequence[Token]) -> dict[int, str]:
    """The footnotes (by id) whose labels are numbers, with that number; a number two labels share goes to the first."""
    numbers: dict[int, str] = {}
    taken: set[str] = set()
    for token in walk_tokens(tokens):
        if token.type != "footnote_ref" or token.meta["id"] in numbers:
            continue
        label = str(token.meta.get("label", ""))
        if label.isascii() and label.isdigit() and str(int(label)) not in taken:
            numbers[token.meta["id"]] = str(int(label))
            taken.add(numbers[token.meta["id"]])
    return numbers


def numbers_besides(taken: Collection[str]) -> Iterator[str]:
    """1, 2, 3, ... as text, without the numbers `taken`."""
    return (str(n) for n in itertools.count(1) if str(n) not in taken)


def footnote_numbers(tokens: Sequence[Token]) -> dict[int, str]:
    """Each called footnote's number by its id, in the order of first call: a number as written, else the next free one."""
    written = written_numbers(tokens)
    free = numbers_besides(set(written.values()))
    numbers: dict[int, str] = {}
    for token in walk_tokens(tokens):
        if token.type == "footnote_ref" and token.meta["id"] not in numbers:
            numbers[token.meta["id"]] = written.get(token.meta["id"]) or next(free)
    return numbers


def render_footnote_call(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    meta = tokens[idx].meta
    label = env.get("footnote_calls", {}).get(meta["id"], str(meta["id"] + 1))
    if env.get("note_mode"):
        return ""
    prefix = env.get("id_prefix", "")
    call_id = f"call-{prefix}{label}" if meta.get("subId", 0) == 0 else f"call-{prefix}{label}-{meta['subId']}"
    return (
        f'<sup class="note-ref"><a class="note-call note-call-footnote" id="{call_id}" href="#note-{prefix}{label}" '
        f'role="doc-noteref" aria-label="{escape(env.get("footnote_label", "Footnote {call}").replace("{call}", label))}">{label}</a></sup>'
    )
