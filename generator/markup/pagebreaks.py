"""Page breaks: `{pb n=2}` in the text marks where page 2 of the original begins.

Curly braces keep the syntax apart from the editor's square-bracket interventions. The break
renders as a small marker linking to the page image (`#facs-2`) when the document has a
facsimile of that page; the annotate stage reports breaks to pages the document does not list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

PAGE_BREAK = re.compile(r"\{pb n=(?P<n>[^\s{}\[\]]+)\}")


def page_break_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("text", "page_break", _page_break)
    md.add_render_rule("page_break", render_page_break)


def _page_break(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "{":
        return False
    match = PAGE_BREAK.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("page_break", "", 0)
        token.meta = {"n": match["n"]}
        state.env.setdefault("page_breaks", []).append(match["n"])
    state.pos = match.end()
    return True


def render_page_break(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    n = tokens[idx].meta["n"]
    if env.get("note_mode"):
        return ""
    label = escape(env.get("page_label", "Page {n}").replace("{n}", n))
    marker = f'<span class="pb-mark" aria-hidden="true">|</span><span class="pb-n">{escape(n)}</span>'
    prefix = env.get("id_prefix", "")
    used: set[str] = env.setdefault("page_break_ids", set())
    if n in used:  # the same page marked twice: one id only, so the page stays valid
        return f'<span class="pb" data-page="{escape(n)}" title="{label}">{marker}</span>'
    used.add(n)
    if n in env.get("facsimile_pages", ()):
        return f'<a class="pb" id="pb-{prefix}{escape(n)}" href="#facs-{escape(n)}" data-page="{escape(n)}" aria-label="{label}">{marker}</a>'
    return f'<span class="pb" id="pb-{prefix}{escape(n)}" data-page="{escape(n)}" title="{label}">{marker}</span>'
