"""Link targets that may be published: http, https, mailto, relative paths, #fragments and the
edition's own person:, org:, place:, term: and doc: schemes.

Any other scheme (javascript:, data:, vbscript:, file:, ...) would run code or reach outside
the site, so its link is dropped: the link text stays as plain text, the image becomes its alt
text, and a warning points at the link. markdown-it's own check would instead leave such a link
as literal brackets that the editorial rule then reads as an intervention, silently; so every
link is parsed and this rule decides. Resolving person:/place:/term: targets is not done here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from generator.diagnostics import Diagnostic, Location, Severity, did_you_mean
from generator.markup.positions import BlockPositions
from generator.model import REGISTER_KINDS

REGISTER_SCHEMES = tuple(kind.scheme for kind in REGISTER_KINDS)  # links to register entries, resolved by the mentions rule
# doc: links to another document of the edition, resolved by the crossrefs rule
EDITION_SCHEMES = ("doc", *REGISTER_SCHEMES)
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", *EDITION_SCHEMES})
SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
# Browsers ignore tabs and line breaks anywhere in a URL and control characters and spaces
# around it, so "java\tscript:" is javascript:.
IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]")
SHOWN_LENGTH = 60


def is_allowed_target(url: str) -> bool:
    scheme = SCHEME.match(IGNORED_BY_BROWSERS.sub("", url))
    return scheme is None or scheme.group(1).lower() in ALLOWED_SCHEMES


# A link to an entry or a document as editors write it (`person:stalin`, `doc:frus1961-63v01-d80#7`): nothing in it
# for markdown-it to percent-encode, which it otherwise does to every link, through a full URL parse.
PLAIN_EDITION_LINK = re.compile(rf"(?:{'|'.join(EDITION_SCHEMES)}):[a-z0-9][a-z0-9-]*(?:#[0-9]+)?")


def link_scheme_plugin(md: MarkdownIt) -> None:
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # decided by _drop_unsafe_links, with a warning
    normalize = md.normalizeLink
    md.normalizeLink = lambda url: url if PLAIN_EDITION_LINK.fullmatch(url) else normalize(url)  # type: ignore[method-assign]
    for name in ("link", "image", "autolink"):
        rule = next(r.fn for r in md.inline.ruler.__rules__ if r.name == name)
        md.inline.ruler.at(name, _recording_offset(rule))
    md.core.ruler.after("inline", "link_schemes", _drop_unsafe_links)


def unsafe_link_warnings(env: dict[str, Any], path: str) -> list[Diagnostic]:
    """The warnings for the links dropped while parsing with `env`."""
    return [
        Diagnostic(
            Severity.WARNING,
            "unsafe-link",
            f"the link target '{_shown(url)}' is not allowed, so the link is dropped and only its text is kept{_register_suggestion(url)}",
            Location(path, line, col),
            "link to http:, https:, mailto:, person:, org:, place:, term: or doc:, a relative path or a #fragment",
        )
        for url, line, col in env.get("unsafe_links", [])
    ]


def _register_suggestion(url: str) -> str:
    """`persons:stalin` is most likely a misspelt register link."""
    scheme, _, rest = url.partition(":")
    suggestion = did_you_mean(scheme.lower(), REGISTER_SCHEMES)
    return suggestion.replace("'?", f":{rest}'?") if suggestion and rest else ""


def _shown(url: str) -> str:
    url = IGNORED_BY_BROWSERS.sub(" ", url)
    return url if len(url) <= SHOWN_LENGTH else url[:SHOWN_LENGTH] + "…"


def _recording_offset(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """The inline rule, which also notes on its link token where the link starts."""

    def recording(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent:
            token = next((t for t in state.tokens[count:] if t.type in ("link_open", "image")), None)
            if token is not None:
                token.meta = {**(token.meta or {}), "link_offset": start}
        return True

    return recording


def _drop_unsafe_links(state: StateCore) -> None:
    lines: list[str] = state.env.get("source_lines") or state.src.split("\n")
    first_line = state.env.get("first_line", 1)
    dropped = state.env.setdefault("unsafe_links", [])
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        kept: list[Token] = []
        closing_to_drop = False
        positions: BlockPositions | None = None
        for token in block.children:
            target = token.attrGet("href") if token.type == "link_open" else token.attrGet("src") if token.type == "image" else None
            if target is not None and not is_allowed_target(str(target)):
                positions = positions or BlockPositions(block, lines, first_line)
                line, col = positions.position((token.meta or {}).get("link_offset", 0))
                dropped.append((str(target), line, col))
                if token.type == "image":
                    alt = Token("text", "", 0)
                    alt.content = token.content
                    kept.append(alt)
                else:
                    closing_to_drop = True  # links do not nest, so the next link_close is this one's
                continue
            if token.type == "link_close" and closing_to_drop:
                closing_to_drop = False
                continue
            kept.append(token)
        block.children = kept
