"""Letter parts: `{dateline}`, `{salute}` or `{signed}` at the start of a paragraph says that the paragraph is the
letter's or cable's dateline ("Saigon, February 8, 1961, 6 p.m."), its salutation ("Cde. FILIPPOV!") or its
signature.

The syntax is that of the page breaks and anchors: curly braces, apart from the editor's square brackets. A core
rule removes the marker from the paragraph's text and keeps the part in the paragraph's token (`meta["part"]`); the
page gives the paragraph the part as its class, and the TEI puts the parts that open the text into its <opener> and
those that end it into its <closer>.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

LETTER_PARTS = ("dateline", "salute", "signed")
_MARKER = re.compile(r"\{(" + "|".join(LETTER_PARTS) + r")\}[ \t]*")


def letter_parts_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before("inline", "letter_part", _letter_part)


def _letter_part(state: StateCore) -> None:
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.type != "paragraph_open" or token.level != 0:
            continue
        inline = tokens[index + 1]
        match = _MARKER.match(inline.content) if inline.content.startswith("{") else None
        if match:
            # Messages still point at the right column: positions.py finds the rest of the line in the file's line.
            inline.content = inline.content[match.end() :]
            token.meta = {**(token.meta or {}), "part": match[1]}
            token.attrJoin("class", match[1])
