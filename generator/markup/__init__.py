"""Markdown with the edition's own plugins (the annotate stage's parser)."""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from generator.config import SiteConfig
from generator.markup.anchors import anchor_plugin
from generator.markup.crossrefs import crossrefs_plugin
from generator.markup.editorial import editorial_plugin
from generator.markup.footnotes import footnote_calls_plugin
from generator.markup.letterparts import letter_parts_plugin
from generator.markup.links import link_scheme_plugin
from generator.markup.mentions import mentions_plugin
from generator.markup.pagebreaks import page_break_plugin


def create_parser(config: SiteConfig) -> MarkdownIt:
    """One parser per build: CommonMark, tables, footnotes, editorial brackets, safe link targets and register mentions."""
    md = MarkdownIt("commonmark", {"html": config.markdown.allow_html, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False)
    md.use(footnote_calls_plugin)
    md.use(editorial_plugin, classify=config.apparatus.classify)
    md.use(link_scheme_plugin)  # before mentions: unsafe targets are dropped before names are linked
    md.use(crossrefs_plugin)
    md.use(mentions_plugin, link_mode=config.registers.link)
    md.use(anchor_plugin)
    md.use(letter_parts_plugin)
    md.use(page_break_plugin)
    return md
