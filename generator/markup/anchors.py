"""Alignment anchors: `{#name}` at the end of a paragraph names it, so versions can be aligned by name.

The syntax is that of attribute lists (mdit-py-plugins' attrs), limited to an id on a
paragraph. A core rule removes the anchor from the paragraph's text and keeps its name in
the paragraph's token (`meta["anchor"]`); the HTML shows nothing of it.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

ANCHOR_NAME = re.compile(r"[A-Za-z0-9][\w-]*")


def trailing_anchor(content: str) -> tuple[int, str] | None:
    """(where the text before the anchor ends, the anchor's name) when `content` ends in `{#name}`, else None.

    Read from the end with string methods rather than a pattern searched through the text: a
    search for blanks before `{#` restarts at every blank and grows with the square of a long run of them.
    """
    text = content.rstrip(" \t")
    if not text.endswith("}"):
        return None
    start = text.rfind("{#")  # a name has no '{' or '#', so only the last one can open the anchor
    if start < 0 or not ANCHOR_NAME.fullmatch(text, start + 2, len(text) - 1):
        return None
    return len(text[:start].rstrip(" \t")), text[start + 2 : -1]


def anchor_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before("inline", "paragraph_anchor", _paragraph_anchor)


def _paragraph_anchor(state: StateCore) -> None:
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.type != "paragraph_open" or token.level != 0:
            continue
        inline = tokens[index + 1]
        found = trailing_anchor(inline.content) if "{#" in inline.content else None
        if found:
            end, name = found
            inline.content = inline.content[:end]
            token.meta = {**(token.meta or {}), "anchor": name}
