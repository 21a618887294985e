"""The transcriber's own Markdown footnotes (`[^1]`) as calls in the edition's note series.

mdit-py-plugins' footnote plugin parses them; this plugin only changes how a call renders,
using the label the annotate stage gave the footnote (`env["footnote_calls"]`).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token


def footnote_calls_plugin(md: MarkdownIt) -> None:
    md.add_render_rule("footnote_ref", render_footnote_call)


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
