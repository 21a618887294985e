"""The Atom feed of the documents. Atom needs absolute addresses, so there is a feed only when
site.yml gives base_url.

Pure but for the fallback of `dates.build_time`. Atom asks when each entry was last updated: a document's
own date is when it was written, decades ago, and feed readers would file a new document as old.
So an entry is as new as the document's `updated` front-matter field, else the edition's
`published` date in site.yml, else the time of the build (SOURCE_DATE_EPOCH when set, as
reproducible builds expect).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from generator import paths
from generator.config import SiteConfig
from generator.dates import build_time
from generator.exports.citation import absolute_url, document_url, names_of
from generator.exports.tei import xml_text
from generator.index import EditionIndex
from generator.model import Document

ATOM_NS = "http://www.w3.org/2005/Atom"


def atom_feed(index: EditionIndex, config: SiteConfig) -> str | None:
    """The feed, when site.yml gives base_url."""
    if not config.base_url:
        return None
    fallback = config.published or build_time()

    def updated(document: Document) -> str:
        return document.updated or fallback

    def sub(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
        node = ET.SubElement(parent, name, attributes)
        node.text = text
        return node

    # Unqualified names under a declared default namespace: no prefixes, no global prefix table.
    feed = ET.Element("feed", {"xmlns": ATOM_NS, "{http://www.w3.org/XML/1998/namespace}lang": config.language})
    sub(feed, "id", config.base_url)
    sub(feed, "title", config.title)
    if config.subtitle:
        sub(feed, "subtitle", config.subtitle)
    sub(feed, "link", rel="self", type="application/atom+xml", href=config.base_url + paths.FEED)
    sub(feed, "link", rel="alternate", type="text/html", href=config.base_url)
    # The feed changed when its newest entry did.
    sub(feed, "updated", max((updated(d) for d in index.documents), key=_utc, default=fallback))
    for editor in config.editors or (config.publisher or config.title,):
        sub(sub(feed, "author"), "name", editor)
    if config.license:
        sub(feed, "rights", config.license)
    sub(feed, "generator", "edition")
    for document in reversed(index.documents):  # newest first, as feed readers expect
        entry = sub(feed, "entry")
        url = document_url(config, document.id) or ""
        sub(entry, "id", url)
        sub(entry, "title", document.title)
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        sub(entry, "link", rel="alternate", type="application/tei+xml", href=absolute_url(config, paths.downloads(document.id)["tei"]) or "")
        sub(entry, "updated", updated(document))
        for author in names_of(document.authors, index):
            sub(sub(entry, "author"), "name", author.display)
        if document.summary:
            sub(entry, "summary", document.summary)
        for subject in document.subjects:
            sub(entry, "category", term=subject)
    ET.indent(feed, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml_text(ET.tostring(feed, encoding="unicode")) + "\n"


def _utc(moment: str) -> dt.datetime:
    return dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))
