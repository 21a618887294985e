"""The Atom feed of the documents. Atom needs absolute addresses, so there is a feed only when
site.yml gives base_url.

Pure. Atom asks when each entry was last updated; a static build knows no such time that would
keep two builds identical, so the document's own date stands for it (the feed lists the
documents in their order in time).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from generator.config import SiteConfig
from generator.dates import PartialDate
from generator.exports.citation import absolute_url, document_url, download_paths, names_of
from generator.exports.tei import xml_text
from generator.index import EditionIndex

ATOM_NS = "http://www.w3.org/2005/Atom"


def _timestamp(date: PartialDate) -> str:
    return f"{date.year:04d}-{date.month or 1:02d}-{date.day or 1:02d}T00:00:00Z"


def atom_feed(index: EditionIndex, config: SiteConfig) -> str | None:
    if not config.base_url:
        return None

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
    sub(feed, "link", rel="self", type="application/atom+xml", href=config.base_url + "feed.xml")
    sub(feed, "link", rel="alternate", type="text/html", href=config.base_url)
    latest = max((d.date for d in index.documents), key=lambda d: d.sort_key, default=None)
    sub(feed, "updated", _timestamp(latest) if latest else "1970-01-01T00:00:00Z")
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
        sub(entry, "link", rel="alternate", type="application/tei+xml", href=absolute_url(config, download_paths(document.id)["tei"]) or "")
        sub(entry, "updated", _timestamp(document.date))
        for author in names_of(document.authors, index):
            sub(sub(entry, "author"), "name", author.display)
        if document.summary:
            sub(entry, "summary", document.summary)
        for subject in document.subjects:
            sub(entry, "category", term=subject)
    ET.indent(feed, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml_text(ET.tostring(feed, encoding="unicode")) + "\n"
