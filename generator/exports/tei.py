"""TEI P5: each document as a TEI file, the registers as listPerson and listPlace, the edition as
one teiCorpus, and the correspondence metadata as CMIF.

Pure: the text is encoded by walking the markdown-it token stream of the document (the same
parser as the pages), so every editorial intervention arrives as an `editorial_open` token
whose type says what TEI element it becomes. The tree is built with ElementTree, which escapes
every value.
"""

from __future__ import annotations

import functools
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token

from generator import paths
from generator.config import SiteConfig
from generator.dates import PartialDate
from generator.exports.citation import absolute_url, document_archive, document_url, licence_url, text_language
from generator.index import EditionIndex
from generator.markup.footnotes import footnote_numbers
from generator.model import Document, Edition, Organization, Person, Place, TextVersion

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"

WIKIDATA = "http://www.wikidata.org/entity/"
CMIF_LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def _tag(name: str) -> str:
    # Elements are built without a namespace and the root declares TEI's as the default one, so the
    # output has no prefixes and ElementTree's global prefix table is left alone.
    return name


def _attrs(attributes: Mapping[str, str | None]) -> dict[str, str]:
    return {(f"{{{XML_NS}}}{k[4:]}" if k.startswith("xml:") else k): v for k, v in attributes.items() if v is not None}


@functools.cache
def _attribute_name(keyword: str) -> str:
    """The attribute a keyword argument of `element` names (xml_id -> xml:id, as ElementTree spells it)."""
    name = keyword.replace("xml_", "xml:", 1).replace("_", "-")
    return f"{{{XML_NS}}}{name[4:]}" if name.startswith("xml:") else name


def element(name: str, text: str | None = None, /, *children: ET.Element, **attributes: str | None) -> ET.Element:
    """A TEI element; attribute names use `_` for `-` and `xml_` for `xml:` (xml_id -> xml:id)."""
    # A TEI file has some hundred elements: the attribute names are worked out once, not for each.
    node = ET.Element(_tag(name), {_attribute_name(k): v for k, v in attributes.items() if v is not None} if attributes else {})
    node.text = text
    node.extend(children)
    return node


def sub(parent: ET.Element, name: str, text: str | None = None, /, **attributes: str | None) -> ET.Element:
    node = element(name, text, **attributes)
    parent.append(node)
    return node


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text that XML 1.0 can hold: the control characters it forbids become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def serialize(root: ET.Element) -> str:
    root.attrib = {"xmlns": TEI_NS, **root.attrib}
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml_text(ET.tostring(root, encoding="unicode")) + "\n"


# --------------------------------------------------------------------------- ids


_NCNAME = re.compile(r"[A-Za-z_][\w.-]*")
_MADE_PREFIXES = ("doc-", "person-", "place-", "org-")


@dataclass(frozen=True)
class XmlIds:
    """xml:id values: register ids as they are when XML allows them and persons and places do not clash."""

    persons: Mapping[str, str]
    places: Mapping[str, str]

    @staticmethod
    def of(index: EditionIndex | Edition) -> XmlIds:
        # An id that begins as the ids made here do (doc-, person-, place-) is prefixed too, so that none can be made twice.
        persons = {p.id: p.id if _NCNAME.fullmatch(p.id) and not p.id.startswith(_MADE_PREFIXES) else f"person-{p.id}" for p in index.persons}
        taken = set(persons.values())
        places = {
            p.id: p.id if _NCNAME.fullmatch(p.id) and p.id not in taken and not p.id.startswith(_MADE_PREFIXES) else f"place-{p.id}" for p in index.places
        }
        return XmlIds(persons, places)

    def person(self, entry_id: str) -> str:
        return self.persons.get(entry_id) or f"person-{entry_id}"

    def place(self, entry_id: str) -> str:
        return self.places.get(entry_id) or f"place-{entry_id}"


def document_xml_id(document_id: str) -> str:
    return f"doc-{document_id}"


def surface_ids(document: Document) -> dict[str, str]:
    """Each facsimile page label -> the xml:id of its <surface>, which the text's <pb facs> points to."""
    return {f.n: f"{document_xml_id(document.id)}-page-{slug(f.n)}" for f in document.facsimiles}


def slug(text: str) -> str:
    """A TEI data word (no spaces): 'text missing' -> 'text-missing'."""
    return re.sub(r"[^\w]+", "-", re.sub(r"['’]", "", text.strip().casefold())).strip("-") or "unspecified"


# --------------------------------------------------------------------------- shared header parts


def publication_stmt(config: SiteConfig, path: str, document: Document | None = None) -> ET.Element:
    stmt = element("publicationStmt")
    sub(stmt, "publisher", config.publisher or config.title)
    if document is not None and document.number:
        sub(stmt, "idno", document.number, type="number")
    url = absolute_url(config, path)
    if url:
        sub(stmt, "idno", url, type="URI")
    if config.license or (document is not None and document.rights):
        availability = sub(stmt, "availability")
        if config.license:
            sub(availability, "licence", config.license, target=licence_url(config.license))
        if document is not None and document.rights:
            sub(availability, "p", f"The original: {document.rights}")
    return stmt


def tei_date(date: PartialDate, name: str = "date", text: str | None = None) -> ET.Element:
    """`<date when="1951-10-18">`; an uncertain date has @cert, an approximate one a <precision>."""
    node = element(name, text if text is not None else date.display(), when=date.iso, cert="medium" if date.uncertain else None)
    if date.approximate:
        node.text = None
        node.append(element("precision", match="@when", precision="low"))
        node[-1].tail = text if text is not None else date.display()
    return node


# --------------------------------------------------------------------------- registers


def _names_and_identifiers(node: ET.Element, tag: str, entry: Person | Organization) -> None:
    """A person's or organisation's names (main, sort, aliases) as `tag` elements, then its authority ids."""
    sub(node, tag, entry.name, type="main")
    if entry.sort_name and entry.sort_name != entry.name:
        sub(node, tag, entry.sort_name, type="sort")
    for alias in entry.aliases:
        if alias not in (entry.name, entry.sort_name):
            sub(node, tag, alias, type="alias")
    for authority, value in entry.authority.items():
        sub(node, "idno", value, type=authority)


def person_element(person: Person, ids: XmlIds) -> ET.Element:
    node = element("person", xml_id=ids.person(person.id))
    _names_and_identifiers(node, "persName", person)
    if person.dates:
        sub(node, "note", person.dates, type="dates")
    if person.description:
        sub(node, "note", person.description)
    return node


def place_element(place: Place, ids: XmlIds) -> ET.Element:
    node = element("place", xml_id=ids.place(place.id))
    sub(node, "placeName", place.name, type="main")
    if place.modern_name:
        sub(node, "placeName", place.modern_name, type="modern")
    for alias in place.aliases:
        if alias not in (place.name, place.modern_name):
            sub(node, "placeName", alias, type="alias")
    if place.coordinates:
        location = sub(node, "location")
        sub(location, "geo", f"{place.coordinates[0]} {place.coordinates[1]}")
    for authority, value in place.authority.items():
        sub(node, "idno", value, type=authority)
    if place.description:
        sub(node, "note", place.description)
    return node


# Where a <standOff> stands in every file that has one: a child of the root, indented as the root's header.
_STAND_OFF_LEVEL = 1


def _serialized(node: ET.Element) -> str:
    ET.indent(node, space="  ", level=_STAND_OFF_LEVEL + 2)
    return ET.tostring(node, encoding="unicode")


@dataclass
class EntryMemo:
    """The serialized entries of the last build, by (kind, id), with the key each was made under: the entry's digest
    (`digest_of`, which must tell every field apart) and its xml:id. `now` collects this build's."""

    digest_of: Callable[[Any], str]
    earlier: Mapping[tuple[str, str], tuple[str, str]]
    now: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class RegisterXml:
    """Every person's and place's <person> or <place>, serialized once per build.

    Each document's file repeats the entries it refers to, and registers.xml and the teiCorpus
    hold them all: building and serializing the same elements for every document was a good
    part of the exports' time. `stand_off` puts them together, indented as ElementTree indents
    a child of the root.
    """

    persons: Mapping[str, str]
    places: Mapping[str, str]

    @staticmethod
    def of(index: EditionIndex, ids: XmlIds, memo: EntryMemo | None = None) -> RegisterXml:
        """Every entry serialized; with a `memo`, an entry serialized by the last build from the same entry and xml:id
        is taken as it was."""

        def serialized(kind: str, entry: Person | Place, xml_id: str, make: Callable[[Any, XmlIds], ET.Element]) -> str:
            if memo is None:
                return _serialized(make(entry, ids))
            key = memo.digest_of(entry) + " " + xml_id
            kept = memo.earlier.get((kind, entry.id))
            text = kept[1] if kept is not None and kept[0] == key else _serialized(make(entry, ids))
            memo.now[(kind, entry.id)] = (key, text)
            return text

        return RegisterXml(
            {p.id: serialized("person", p, ids.person(p.id), person_element) for p in index.persons},
            {p.id: serialized("place", p, ids.place(p.id), place_element) for p in index.places},
        )

    def stand_off(self, persons: Iterable[str], places: Iterable[str]) -> str | None:
        """The <standOff> (without its tail) holding the entries of these ids in this order; None if there are none."""
        outer, inner, entry = ("\n" + "  " * (_STAND_OFF_LEVEL + n) for n in range(3))
        lists = [
            f"<{name}>" + "".join(entry + serialized[i] for i in entry_ids) + f"{inner}</{name}>"
            for name, serialized, entry_ids in (("listPerson", self.persons, list(persons)), ("listPlace", self.places, list(places)))
            if entry_ids
        ]
        return "<standOff>" + "".join(inner + part for part in lists) + f"{outer}</standOff>" if lists else None


# --------------------------------------------------------------------------- the text


_LABEL_PREFIX = re.compile(r"^\s*([A-Z][\w'’ ]{0,40}?):\s*")


@dataclass(frozen=True)
class KnownEntries:
    """The persons and places a text's names may refer to: the index's, or the edition's before there is an index."""

    persons_by_id: Mapping[str, Person]
    places_by_id: Mapping[str, Place]
    organizations_by_id: Mapping[str, Organization] = field(default_factory=dict)

    @staticmethod
    def of(edition: Edition) -> KnownEntries:
        return KnownEntries({p.id: p for p in edition.persons}, {p.id: p for p in edition.places}, {o.id: o for o in edition.organizations})


@dataclass(frozen=True)
class EncodedBody:
    """A text's TEI <body>, serialized, made where the text's tokens are (the annotate stage).

    What it says of the registers is kept apart: each person or place a name of the text was
    looked up as, with the xml:id it got (None: not in the register), so that the exports can
    check it against their index.
    """

    xml: str
    names: tuple[tuple[str, str, str | None], ...]  # (kind, id, xml:id or None), in the order first looked up

    def named(self, kind: str) -> list[str]:
        """The ids of the registered persons or places (`kind`) the text names, in order."""
        return [entry_id for name_kind, entry_id, xml_id in self.names if name_kind == kind and xml_id is not None]

    def holds_for(self, index: EditionIndex | KnownEntries, ids: XmlIds) -> bool:
        """Whether every name resolves in `index` (a tracked index notes the reads) as it did when the body was made."""
        for kind, entry_id, xml_id in self.names:
            if kind == "organization":
                if xml_id != (organization_xml_id(entry_id) if entry_id in index.organizations_by_id else None):
                    return False
                continue
            register = index.persons_by_id if kind == "person" else index.places_by_id
            if entry_id not in register:
                if xml_id is not None:
                    return False
            elif xml_id != (ids.person(entry_id) if kind == "person" else ids.place(entry_id)):
                return False
        return True


def encode_body(tokens: Sequence[Token], text_id: str, index: EditionIndex | KnownEntries, ids: XmlIds, surfaces: Mapping[str, str]) -> EncodedBody:
    """A text's <body> (`text_id` prefixes its notes' xml:ids), with its lines broken as in the document's file."""
    encoder = TextEncoder(text_id, index, ids)
    encoder.surfaces = dict(surfaces)
    body = encoder.encode(tokens)
    _break_lines(body)
    return EncodedBody(ET.tostring(body, encoding="unicode"), tuple((kind, entry_id, xml_id) for (kind, entry_id), xml_id in encoder.looked_up.items()))


# The block tokens that open a container in a <div> (or a note), the element and its attributes.
_BLOCK_STARTS: dict[str, tuple[str, dict[str, str]]] = {
    "bullet_list_open": ("list", {"rend": "bulleted"}),
    "ordered_list_open": ("list", {"rend": "numbered"}),
    "blockquote_open": ("quote", {}),
    "table_open": ("table", {}),
}
_BLOCK_ENDS = frozenset(
    ("heading_close", "bullet_list_close", "ordered_list_close", "list_item_close", "blockquote_close", "table_close", "tr_close", "th_close", "td_close")
)
_INLINE_TEXT = frozenset(("text", "editorial_unbalanced", "html_inline"))
_INLINE_STARTS: dict[str, tuple[str, dict[str, str]]] = {
    "em_open": ("hi", {"rend": "italic"}),
    "strong_open": ("hi", {"rend": "bold"}),
    "s_open": ("del", {"rend": "strikethrough"}),
    "editorial_open": ("seg", {}),  # a placeholder: what it becomes is known at its close
}
_INLINE_ENDS = frozenset(("em_close", "strong_close", "s_close", "link_close", "mention_close"))


class TextEncoder:
    """Walks a document's tokens and builds the TEI <body>: blocks, inline markup and the apparatus."""

    def __init__(self, document_id: str, index: EditionIndex | KnownEntries, ids: XmlIds) -> None:
        self.document_id = document_id
        self.index = index
        self.ids = ids
        self.looked_up: dict[tuple[str, str], str | None] = {}  # (kind, id) -> its xml:id, None when not in the register
        self.body = element("body")
        self.stack: list[ET.Element] = [self.body]
        self.division: ET.Element | None = None
        self.footnotes: dict[int, list[Token]] = {}
        self.footnote_numbers: dict[int, str] = {}
        self.in_note = False  # encoding the blocks of a footnote, which go into its <note>
        self.surfaces: dict[str, str] = {}  # facsimile page label -> the xml:id of its <surface>, for <pb facs>
        self.letter_parts: dict[int, str] = {}  # id() of a marked paragraph's token -> "opener" or "closer"

    # -- the tree under construction

    @property
    def current(self) -> ET.Element:
        return self.stack[-1]

    def start(self, name: str, **attributes: str | None) -> ET.Element:
        node = element(name, **attributes)
        self.current.append(node)
        self.stack.append(node)
        return node

    def end(self) -> ET.Element:
        return self.stack.pop()

    def empty(self, name: str, **attributes: str | None) -> ET.Element:
        node = element(name, **attributes)
        self.current.append(node)
        return node

    def data(self, text: str) -> None:
        parent = self.current
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    def block_container(self) -> ET.Element:
        """Blocks go into a <div>; a heading opens a new one."""
        if len(self.stack) == 1:
            if self.division is None:
                self.division = sub(self.body, "div")
            self.stack.append(self.division)
        return self.current

    # -- the walk

    def encode(self, tokens: Sequence[Token]) -> ET.Element:
        block_end = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
        self._collect_footnotes(tokens[block_end:])
        self.footnote_numbers = footnote_numbers(tokens)
        self.letter_parts = letter_parts(tokens[:block_end])
        self.blocks(tokens[:block_end])
        if not len(self.body):
            sub(self.body, "p")
        for division in self.body.iter(_tag("div")):
            if all(child.tag in _DIVISION_FRAME for child in division):  # a division needs some content
                closers = [i for i, child in enumerate(division) if child.tag == _tag("closer")]
                division.insert(closers[0] if closers else len(division), element("p"))
        return self.body

    def _collect_footnotes(self, tokens: Sequence[Token]) -> None:
        current: list[Token] | None = None
        for token in tokens:
            if token.type == "footnote_open":
                current = self.footnotes.setdefault(token.meta["id"], [])
            elif token.type == "footnote_close":
                current = None
            elif current is not None:
                current.append(token)

    def blocks(self, tokens: Sequence[Token]) -> None:
        in_header = False  # in a table's head, whose rows are labels
        for token in tokens:
            kind = token.type
            if kind == "inline":
                self.inline(token.children or [])
            elif kind in ("thead_open", "thead_close"):
                in_header = kind == "thead_open"
            elif kind == "tr_open":
                self.start("row", role="label" if in_header else None)
            else:
                self.block(token)

    def block(self, token: Token) -> None:
        """Open or close the TEI element of a block token (other than a table's head and rows)."""
        kind = token.type
        if kind in _BLOCK_STARTS:
            name, attributes = _BLOCK_STARTS[kind]
            self.block_container()
            self.start(name, **attributes)
        elif kind in _BLOCK_ENDS:
            self.end()
        elif kind == "heading_open":
            self.heading()
        elif kind == "paragraph_open":
            if id(token) in self.letter_parts:
                self.letter_part(self.letter_parts[id(token)], token.meta["part"])
            elif not token.hidden:
                self.block_container()
                self.start("p")
        elif kind == "paragraph_close":
            if not token.hidden:
                self.end()
        elif kind == "list_item_open":
            self.start("item")
        elif kind in ("th_open", "td_open"):
            self.start("cell")
        elif kind in ("code_block", "fence", "html_block"):
            self.block_container()
            sub(self.current, "ab", token.content.rstrip("\n"), type="code" if kind != "html_block" else "html")
        elif kind == "hr":
            self.block_container()
            self.empty("milestone", unit="section")

    def letter_part(self, frame: str, part: str) -> None:
        """Open the <dateline>, <salute> or <signed> of a marked paragraph in its division's <opener> or <closer>
        (`frame`), which the paragraphs marked one after the other share."""
        division = self.block_container()
        holder = division[-1] if len(division) and division[-1].tag == _tag(frame) else sub(division, frame)
        node = sub(holder, part)
        self.stack.append(node)

    def heading(self) -> None:
        # A heading starts a new division, at the top level only; deeper it is a labelled block.
        if not self.in_note and (len(self.stack) == 1 or (len(self.stack) == 2 and self.current is self.division)):
            del self.stack[1:]
            self.division = sub(self.body, "div")
            self.stack.append(self.division)
            self.start("head")
        else:
            self.start("label")

    def inline(self, tokens: Sequence[Token]) -> None:
        for token in tokens:
            kind = token.type
            if kind in _INLINE_TEXT:
                self.data(token.content)
            elif kind in _INLINE_STARTS:
                name, attributes = _INLINE_STARTS[kind]
                self.start(name, **attributes)
            elif kind in _INLINE_ENDS:
                node = self.end()
                if node.tag == _tag("seg") and not node.attrib:  # a link or name that is no person or place
                    self._unwrap(self.current, node)
            else:
                self.inline_token(token)

    def inline_token(self, token: Token) -> None:
        """Encode an inline token that is neither text nor a plain start or end of markup."""
        kind = token.type
        if kind == "softbreak":
            self.data("\n")
        elif kind == "hardbreak":
            self.empty("lb")
        elif kind == "link_open":
            entry = str(token.attrs.get("href", "")).partition(":")
            if not self.name(entry[0], entry[2]):
                self.start("ref", target=str(token.attrs.get("href", "")))
        elif kind == "mention_open":
            # A name the register stage found in the text (or an explicit [name](person:id) link).
            mention = (token.meta or {}).get("mention")
            if not self.name(str(getattr(mention, "kind", "")), str(getattr(mention, "id", ""))):
                self.start("seg")  # not a person or place: unwrapped at its close
        elif kind == "code_inline":
            sub(self.current, "code", token.content)
        elif kind == "image":
            graphic = self.empty("graphic", url=str(token.attrs.get("src", "")))
            if token.content:
                sub(graphic, "desc", token.content)
        elif kind == "footnote_ref":
            self.footnote(token)
        elif kind == "editorial_close":
            self.intervention(self.end(), token.meta["intervention"])
        elif kind == "page_break":
            page = str(token.meta["n"])
            self.empty("pb", n=page, facs=f"#{self.surfaces[page]}" if page in self.surfaces else None)

    def name(self, kind: str, entry_id: str) -> bool:
        """Open <persName ref>, <orgName ref> or <placeName ref> for a registered person, organisation or place; False
        for anything else."""
        if kind == "org":  # an explicit [name](org:id) link
            kind = "organization"
        if kind == "organization":
            return self.organization_name(entry_id)
        register = {"person": self.index.persons_by_id, "place": self.index.places_by_id}.get(kind)
        if register is None:
            return False
        if entry_id not in register:
            self.looked_up.setdefault((kind, entry_id), None)
            return False
        xml_id = self.ids.person(entry_id) if kind == "person" else self.ids.place(entry_id)
        self.looked_up.setdefault((kind, entry_id), xml_id)
        self.start("persName" if kind == "person" else "placeName", ref=f"#{xml_id}")
        return True

    def organization_name(self, entry_id: str) -> bool:
        xml_id = organization_xml_id(entry_id) if entry_id in self.index.organizations_by_id else None
        self.looked_up.setdefault(("organization", entry_id), xml_id)
        if xml_id is not None:
            self.start("orgName", ref=f"#{xml_id}")
        return xml_id is not None

    @staticmethod
    def _unwrap(parent: ET.Element, node: ET.Element) -> None:
        """Replace the (last) child `node` by its content."""
        position = list(parent).index(node)
        before = parent[position - 1] if position else None
        text = node.text or ""
        if before is not None:
            before.tail = (before.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        children = list(node)
        parent.remove(node)
        for offset, child in enumerate(children):
            parent.insert(position + offset, child)
        tail_holder = children[-1] if children else before
        if node.tail:
            if tail_holder is not None:
                tail_holder.tail = (tail_holder.tail or "") + node.tail
            else:
                parent.text = (parent.text or "") + node.tail

    def footnote(self, token: Token) -> None:
        number = self.footnote_numbers.get(token.meta["id"], str(token.meta["id"] + 1))
        note_id = f"{document_xml_id(self.document_id)}-fn{number}"
        if token.meta.get("subId", 0):
            self.empty("ptr", target=f"#{note_id}")
            return
        note = self.start("note", place="foot", n=number, xml_id=note_id)
        body = [t for t in self.footnotes.get(token.meta["id"], []) if t.type != "footnote_anchor"]
        if [t.type for t in body] in ([], ["paragraph_open", "inline", "paragraph_close"]):  # one paragraph: inline in the note
            for inline in body[1:2]:
                self.inline([c for c in inline.children or [] if c.type != "footnote_anchor"])
        else:
            saved = (self.stack, self.division)
            self.stack, self.division, self.in_note = [note], note, True  # blocks inside the note go straight into it
            self.blocks(body)
            (self.stack, self.division), self.in_note = saved, False
        self.end()

    def intervention(self, node: ET.Element, record: Mapping[str, object]) -> None:
        """Turn the placeholder into the TEI element for the intervention's type."""
        kind = str(record["type"])
        raw = str(record.get("text", record["raw"]))  # without its Markdown
        element_name = str(record.get("tei") or "")  # what the rule says it is, if it says
        parent = self.current
        prefix = _LABEL_PREFIX.match(raw)
        if element_name == "note":
            node.tag = _tag("note")
            node.attrib["type"] = "editorial"
        elif kind == "supplied" or element_name == "supplied":
            node.tag = _tag("supplied")
            node.attrib.update(_attrs({"reason": str(record.get("reason") or "") or None}))
        elif kind in ("stamp", "note", "handwritten"):
            if prefix and node.text and node.text.lstrip().startswith(prefix[1]):
                node.text = node.text.lstrip()[len(prefix[1]) :].lstrip(":").lstrip()
            label = slug(prefix[1]) if prefix else kind
            subtype = label if label != kind else None  # "Seal: ..." as a stamp, "Translator's note: ..." as a note
            if kind == "stamp":
                node.tag = _tag("stamp")
                node.attrib.update(_attrs({"type": subtype}))
            elif kind == "note":
                node.tag = _tag("note")
                node.attrib.update(_attrs({"type": "editorial", "subtype": subtype}))
            else:
                node.tag = _tag("add")
                node.attrib.update(_attrs({"rend": "handwritten", "type": subtype}))
        elif kind in ("gap", "omission") or element_name == "gap":
            node.tag = _tag("gap")
            node.attrib["reason"] = str(record.get("reason") or "") or ("editorial" if kind == "omission" else slug(raw))
            node.attrib.update(_attrs({"extent": str(record.get("extent") or "") or None}))
            node.text = None
            del node[:]
            sub(node, "desc", raw)
        elif kind == "physical":
            node.tag = _tag("figure")
            node.attrib["type"] = slug(raw)
            node.text = None
            del node[:]
            sub(node, "figDesc", raw)
        elif kind == "sic" or (kind == "uncertain" and raw.strip() in ("?", "")):
            # `word [sic]`, `word [?]`: the mark is about the word before it.
            parent.remove(node)
            self._wrap_previous_word(parent, "sic" if kind == "sic" else "unclear")
        elif kind == "uncertain":
            node.tag = _tag("unclear")
            if len(node) and node[-1].tail:
                node[-1].tail = node[-1].tail.rstrip().removesuffix("?")
            elif len(node) and not len(node[-1]) and node[-1].text:  # `[*word?*]`: the mark is in the emphasis
                node[-1].text = node[-1].text.rstrip().removesuffix("?")
            elif node.text:
                node.text = node.text.rstrip().removesuffix("?")
        else:
            node.attrib["type"] = slug(kind)

    @staticmethod
    def _wrap_previous_word(parent: ET.Element, name: str) -> None:
        text = (parent[-1].tail if len(parent) else parent.text) or ""
        word = last_word(text)
        wrapper = element(name)
        if word is not None:
            start, end = word
            if len(parent):
                parent[-1].tail = text[:start]
            else:
                parent.text = text[:start]
            wrapper.text = text[start:end]  # the space between the word and its mark goes with the mark
        parent.append(wrapper)


def letter_parts(tokens: Sequence[Token]) -> dict[int, str]:
    """The paragraphs marked as letter parts (see markup/letterparts.py) that open the text, after its first heading if
    it begins with one, and those that end it: id() of each paragraph's token -> "opener" or "closer". A marked
    paragraph between other blocks is an ordinary paragraph: TEI has an opener only at the start and a closer only at
    the end of a division."""
    blocks = [token for token in tokens if token.level == 0 and token.nesting != -1]
    start = 1 if blocks and blocks[0].type == "heading_open" else 0

    def marked(token: Token) -> bool:
        return token.type == "paragraph_open" and bool((token.meta or {}).get("part"))

    parts: dict[int, str] = {}
    end = start
    while end < len(blocks) and marked(blocks[end]):
        parts[id(blocks[end])] = "opener"
        end += 1
    for token in reversed(blocks[end:]):
        if not marked(token):
            break
        parts[id(token)] = "closer"
    return parts


def last_word(text: str) -> tuple[int, int] | None:
    """Where the last word of `text` starts and ends (what `(\\S+)\\s*$` finds), or None when it has none.

    From the end, without a regex: searching a long paragraph for that pattern tries it at every word."""
    stripped = text.rstrip()
    if not stripped:
        return None
    return len(stripped) - len(stripped.rsplit(None, 1)[-1]), len(stripped)


# --------------------------------------------------------------------------- documents


def _persons(ids: Iterable[str], index: EditionIndex) -> list[Person]:
    return [index.persons_by_id[i] for i in dict.fromkeys(ids) if i in index.persons_by_id]


def _places(ids: Iterable[str], index: EditionIndex) -> list[Place]:
    return [index.places_by_id[i] for i in dict.fromkeys(ids) if i in index.places_by_id]


def _person_name(entry_id: str, index: EditionIndex, ids: XmlIds) -> ET.Element:
    person = index.persons_by_id.get(entry_id)
    return element("persName", person.name if person else entry_id, ref=f"#{ids.person(entry_id)}" if person else None)


# --------------------------------------------------------------------------- organisations


def organization_xml_id(entry_id: str) -> str:
    return f"org-{entry_id}"


def _agent_name(entry_id: str, index: EditionIndex, ids: XmlIds) -> ET.Element:
    """An author's or recipient's name: <orgName> for an organisation, else <persName>."""
    organization = index.organizations_by_id.get(entry_id)
    if organization is None:
        return _person_name(entry_id, index, ids)
    return element("orgName", organization.name, ref=f"#{organization_xml_id(entry_id)}")


def organization_element(organization: Organization) -> ET.Element:
    node = element("org", xml_id=organization_xml_id(organization.id))
    _names_and_identifiers(node, "orgName", organization)
    if organization.description:
        sub(node, "desc", organization.description)
    if organization.dates:
        sub(node, "note", organization.dates, type="dates")
    return node


def document_organizations(document: Document, bodies: Sequence[EncodedBody], index: EditionIndex) -> list[str]:
    """The ids of the organisations a document's metadata and texts name, in order, each once."""
    named = (entry_id for body in bodies for entry_id in body.named("organization"))
    return [i for i in dict.fromkeys((*document.authors, *document.recipients, *document.organizations, *named)) if i in index.organizations_by_id]


def with_organizations(stand_off: str | None, organization_ids: Sequence[str], index: EditionIndex) -> str | None:
    """`stand_off` (as RegisterXml.stand_off makes it) with a <listOrg> of these organisations, made if there was none."""
    if not organization_ids:
        return stand_off
    inner, entry = ("\n" + "  " * (_STAND_OFF_LEVEL + n) for n in range(1, 3))
    organizations = [index.organizations_by_id[i] for i in organization_ids]
    # An organisation's parent, where both are listed: <relation>s follow the <org>s in a <listOrg>.
    relations = [
        element("relation", name="partOf", active=f"#{organization_xml_id(o.id)}", passive=f"#{organization_xml_id(o.part_of)}")
        for o in organizations
        if o.part_of is not None and o.part_of in organization_ids
    ]
    listed = "<listOrg>" + "".join(entry + _serialized(node) for node in [*map(organization_element, organizations), *relations]) + f"{inner}</listOrg>"
    if stand_off is None:
        return "<standOff>" + inner + listed + "\n" + "  " * _STAND_OFF_LEVEL + "</standOff>"
    head, closing, tail = stand_off.rpartition("</standOff>")
    before, _, indent = head.rpartition("\n")
    return before + inner + listed + "\n" + indent + closing + tail


def credit_elements(config: SiteConfig) -> list[ET.Element]:
    """site.yml's credits as <funder> and <sponsor>, in their order."""
    return [element(credit.role, credit.name) for credit in config.credits]


def _cmif_agent(entry_id: str, index: EditionIndex) -> ET.Element:
    """A CMIF correspAction's name: <orgName> for an organisation (with its authority URIs), else <persName>."""
    organization = index.organizations_by_id.get(entry_id)
    if organization is None:
        return _cmif_person(entry_id, index)
    refs = [base + organization.authority[scheme] for scheme, base in AUTHORITY_URIS.items() if organization.authority.get(scheme)]
    return element("orgName", organization.name, ref=" ".join(refs) or None)


# --------------------------------------------------------------------------- documents' headers


def document_header(document: Document, index: EditionIndex, config: SiteConfig, ids: XmlIds) -> ET.Element:
    downloads = paths.downloads(document.id)
    title_stmt = element("titleStmt", None, element("title", document.title, type="main"))
    for author in document.authors:
        title_stmt.append(element("author", None, _agent_name(author, index, ids)))
    for editor in config.editors:
        sub(title_stmt, "editor", editor)
    title_stmt.extend(credit_elements(config))
    for translator in document.translator:
        title_stmt.append(element("respStmt", None, element("resp", "Translation"), element("name", translator)))
    file_desc = element("fileDesc", None, title_stmt, publication_stmt(config, downloads["tei"], document))
    notes = [(k, v) for k, v in (("translation", document.translation), ("collection", document.collection)) if v]
    if notes:
        file_desc.append(element("notesStmt", None, *(element("note", v, type=k) for k, v in notes)))
    file_desc.append(source_desc(document))
    return element("teiHeader", None, file_desc, editorial_conventions(config), profile_desc(document, index, config, ids))


def source_desc(document: Document) -> ET.Element:
    """<sourceDesc>: the archival source as written, after its structured <msDesc> when the archive is known."""
    source = element("sourceDesc")
    archive, location = document_archive(document)
    if archive:
        # The source written as "Archive, collection, file": the repository, its collections and the file's number.
        identifier = element("msIdentifier", None, element("repository", archive))
        if location:
            *collections, file_id = [part.strip() for part in location.split(",")]
            identifier.extend(element("collection", name) for name in collections)
            sub(identifier, "idno", file_id)
        source.append(element("msDesc", None, identifier))
    if document.source or document.archive:  # (the archive is in msIdentifier; the bibl is the source as written)
        sub(source, "bibl", document.source or document.archive)
    else:
        sub(source, "p", "The source of this document is not recorded.")
    return source


def profile_desc(document: Document, index: EditionIndex, config: SiteConfig, ids: XmlIds) -> ET.Element:
    """<profileDesc>: the editor's summary, when and by whom to whom the document was written, its languages and
    its classification."""
    profile = element("profileDesc")
    if document.summary:  # the editor's summary describes the document and is no part of it
        sub(profile, "abstract").append(element("p", document.summary))
    creation = sub(profile, "creation")
    creation.append(tei_date(document.date))
    if document.authors or document.recipients:
        profile.append(correspondence_desc(document, index, ids))
    languages = sub(profile, "langUsage")
    text_lang = text_language(document, config)
    sub(languages, "language", "The language of this text", ident=text_lang)
    if document.language and document.language != text_lang:
        sub(languages, "language", "The language of the original", ident=document.language)
    persons = [p for p in document.persons if p in index.persons_by_id]
    organizations = [o for o in document.organizations if o in index.organizations_by_id]
    if persons or organizations:
        # The persons and bodies the document concerns, as TEI describes them: participants "named or otherwise
        # referred to".
        participation = sub(profile, "particDesc")
        if persons:
            listed = sub(participation, "listPerson", type="mentioned")
            listed.extend(element("person", None, _person_name(entry_id, index, ids)) for entry_id in persons)
        if organizations:
            listed = sub(participation, "listOrg", type="mentioned")
            listed.extend(element("org", None, _agent_name(entry_id, index, ids)) for entry_id in organizations)
    places = [p for p in document.places if p in index.places_by_id]
    if document.type or document.subjects or places:
        keywords = sub(sub(profile, "textClass"), "keywords")
        if document.type:
            sub(keywords, "term", document.type, type="genre")
        for subject in document.subjects:
            sub(keywords, "term", subject, type="subject")
        for entry_id in document.places:
            if entry_id in index.places_by_id:
                sub(keywords, "term", type="mentioned").append(element("placeName", index.places_by_id[entry_id].name, ref=f"#{ids.place(entry_id)}"))
    return profile


def correspondence_desc(document: Document, index: EditionIndex, ids: XmlIds) -> ET.Element:
    """<correspDesc>: the authors who sent the document, with its date, and the recipients who received it."""
    correspondence = element("correspDesc")
    if document.authors:
        sent = sub(correspondence, "correspAction", type="sent")
        sent.extend(_agent_name(a, index, ids) for a in document.authors)
        sent.append(tei_date(document.date))
    if document.recipients:
        received = sub(correspondence, "correspAction", type="received")
        received.extend(_agent_name(r, index, ids) for r in document.recipients)
    return correspondence


def editorial_conventions(config: SiteConfig) -> ET.Element:
    """<encodingDesc> with the <editorialDecl> that states the bracket conventions: site.yml's apparatus rules (or the
    shipped ones), in the order they are tried, each with the label and note the apparatus gives it."""
    declaration = element(
        "editorialDecl",
        None,
        element(
            "p",
            "Square brackets in the transcript are the editor's interventions. The first of these rules whose pattern "
            "matches the bracketed text decides its kind; text that no rule matches is supplied by the editor.",
        ),
    )
    conventions = sub(sub(declaration, "p"), "list", type="gloss")  # editorialDecl holds paragraphs, a list only in one
    for rule in config.apparatus.rules:
        sub(conventions, "label", rule.label)
        item = sub(conventions, "item", None, n=rule.type)
        note = rule.note.replace("{text}", "…")
        if rule.pattern.pattern:
            item.append(element("code", rule.pattern.pattern, lang="regex"))
            item[-1].tail = f" (note: {note})"
        else:
            item.text = f"any text (note: {note})"
    series = (
        "one numbered series holds the interventions and the transcriber's footnotes"
        if config.apparatus.series == "single"
        else "the interventions are lettered a, b, c, and the transcriber's footnotes numbered 1, 2, 3"
    )
    sub(declaration, "p", f"In the apparatus {series}.")
    return element("encodingDesc", None, declaration)


_BLOCKS = {_tag(n) for n in ("front", "argument", "body", "div", "head", "p", "ab", "list", "item", "table", "row", "quote", "milestone", "opener", "closer")}
_DIVISION_FRAME = {_tag(n) for n in ("head", "opener", "closer")}  # what a division holds besides its content
_CONTAINERS = {_tag(n) for n in ("text", "front", "argument", "body", "div", "list", "table", "quote")}


def _break_lines(text: ET.Element, made: Iterable[ET.Element] = ()) -> None:
    """A line break after each block of the text, where whitespace carries no meaning (element-only content);
    the inside of the elements `made` already has them."""
    done = set(made)
    for parent in text.iter():
        if parent.tag not in _CONTAINERS or (parent.text or "").strip() or parent in done:
            continue
        blocks = [child for child in parent if child.tag in _BLOCKS and not (child.tail or "").strip()]
        if len(blocks) == len(parent):
            parent.text = "\n"
            for child in blocks:
                child.tail = "\n"


def document_tei(
    document: Document,
    bodies: Sequence[EncodedBody],
    index: EditionIndex,
    config: SiteConfig,
    ids: XmlIds,
    versions: Sequence[TextVersion] = (),
    pages: Sequence[tuple[str, str]] = (),
) -> tuple[ET.Element, tuple[list[str], list[str]]]:
    """One document as <TEI>, and apart the ids of the persons and places it refers to, for its <standOff>
    (a file of its own carries it; in the teiCorpus the edition's registers serve every document).

    `bodies` are the encoded texts: the main text's, then those of the other `versions`. Each stands
    in the tree as an empty `<body n="0">` (1, 2, ...) that `document_files` replaces by it.
    With other versions (original, translation), <text> holds a <group> of one <text> per version;
    with page images (`pages`: label and URL), a <facsimile> of surfaces that the text's <pb facs> point to.
    """
    language = text_language(document, config)
    root = element("TEI", xml_id=document_xml_id(document.id), xml_lang=language)
    root.append(document_header(document, index, config, ids))
    surfaces = {n: f"{document_xml_id(document.id)}-page-{slug(n)}" for n, _ in pages}
    if pages:
        facsimile = sub(root, "facsimile")
        for n, url in pages:
            sub(facsimile, "surface", n=n, xml_id=surfaces[n]).append(element("graphic", url=url))
    text = sub(root, "text")
    placeholders = [element("body", n=str(number)) for number in range(len(bodies))]
    if not versions:
        text.append(placeholders[0])
    else:
        group = sub(text, "group")
        main_role = "translation" if any(v.role == "original" for v in versions) else "transcription"
        for placeholder, (role, lang) in zip(placeholders, [(main_role, language)] + [(v.role, v.language) for v in versions], strict=True):
            sub(group, "text", type=role, xml_lang=lang).append(placeholder)
    _break_lines(text, placeholders)
    # The persons and places of the front matter and of the text, so that every ref="#id" resolves.
    named_persons = tuple(p for body in bodies for p in body.named("person"))
    named_places = tuple(p for body in bodies for p in body.named("place"))
    persons = document.authors + document.recipients + document.persons + named_persons
    return root, ([p.id for p in _persons(persons, index)], [p.id for p in _places(document.places + named_places, index)])


def _indent_header(root: ET.Element) -> None:
    # Only the metadata is indented: whitespace inside the transcript's mixed content is text.
    for child in root:
        if child.tag in (_tag("teiHeader"), _tag("standOff")):
            ET.indent(child, space="  ", level=1)
            child.tail = "\n  "
    if len(root):
        root.text = "\n  "
        root[-1].tail = "\n"


def document_files(
    document: Document,
    bodies: Sequence[EncodedBody],
    index: EditionIndex,
    config: SiteConfig,
    ids: XmlIds,
    versions: Sequence[TextVersion] = (),
    pages: Sequence[tuple[str, str]] = (),
    entries: RegisterXml | None = None,
) -> tuple[str, str]:
    """The document's own TEI file, and the same <TEI> as a member of the teiCorpus (no standOff).

    `bodies` as for `document_tei`; `entries` (from `RegisterXml.of(index, ids)`) is best made once for all the documents.
    """
    entries = entries if entries is not None else RegisterXml.of(index, ids)
    root, (persons, places) = document_tei(document, bodies, index, config, ids, versions, pages)
    registers = with_organizations(entries.stand_off(persons, places), document_organizations(document, bodies, index), index)
    _indent_header(root)
    # The two differ only in the root's xmlns, the standOff and the facsimile's xml:base: each child is
    # serialized once (with its tail) and the two files are put together from the pieces.
    children = {child: ET.tostring(child, encoding="unicode") for child in root}
    text = root.find(_tag("text"))
    if text is not None:  # the texts' bodies in place of their placeholders
        serialized = children[text]
        for number, body in enumerate(bodies):
            before, placeholder, after = serialized.partition(f'<body n="{number}" />')
            assert placeholder, "every body has its placeholder"
            serialized = before + body.xml + after
        children[text] = serialized
    # Each piece is made fit for XML once (xml_text changes single characters), though it goes into both files.
    children = {child: xml_text(piece) for child, piece in children.items()}
    member = xml_text(_start_tag(root)) + "".join(children.values()) + "</TEI>"
    facsimile = root.find(_tag("facsimile"))
    if facsimile is not None:  # the page images' paths are from the site's root, where the teiCorpus is; the file is two folders down
        facsimile.set(f"{{{XML_NS}}}base", "../../")
        children[facsimile] = xml_text(ET.tostring(facsimile, encoding="unicode"))
    if registers is not None:
        stand_off = element("standOff")
        root.insert(1, stand_off)
        children[stand_off] = xml_text(registers) + "\n  "
    root.attrib = {"xmlns": TEI_NS, **root.attrib}
    standalone = xml_text(_start_tag(root)) + "".join(children[child] for child in root) + "</TEI>"
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + standalone + "\n", member + "\n"


def _start_tag(root: ET.Element) -> str:
    """`root`'s start tag and its text, as ElementTree writes them before the first child."""
    shell = ET.Element(root.tag, root.attrib)
    shell.text = root.text
    return ET.tostring(shell, encoding="unicode", short_empty_elements=False).removesuffix(f"</{root.tag}>")


# --------------------------------------------------------------------------- the edition


def edition_header(config: SiteConfig, title: str, path: str, source: str) -> ET.Element:
    title_stmt = element("titleStmt", None, element("title", title, type="main"))
    for editor in config.editors:
        sub(title_stmt, "editor", editor)
    title_stmt.extend(credit_elements(config))
    return element(
        "teiHeader",
        None,
        element("fileDesc", None, title_stmt, publication_stmt(config, path), element("sourceDesc", None, element("p", source))),
    )


def _edition_stand_off(index: EditionIndex, entries: RegisterXml | None) -> str | None:
    entries = entries if entries is not None else RegisterXml.of(index, XmlIds.of(index))
    return with_organizations(entries.stand_off([p.id for p in index.persons], [p.id for p in index.places]), [o.id for o in index.organizations], index)


def registers_xml(index: EditionIndex, config: SiteConfig, entries: RegisterXml | None = None) -> str | None:
    registers = _edition_stand_off(index, entries)
    if registers is None:
        return None
    root = element("TEI", xml_lang=config.language)
    root.append(edition_header(config, f"{config.title}: persons and places", paths.REGISTERS_TEI, "The registers of persons and places of the edition."))
    root.append(element("standOff"))  # an empty one in its place, for the entries serialized before
    _indent_header(root)
    return serialize(root).replace("<standOff />", xml_text(registers), 1)


def corpus_pieces(members: Sequence[bytes], index: EditionIndex, config: SiteConfig, entries: RegisterXml | None = None) -> list[str | bytes]:
    """The whole edition as one teiCorpus: the registers once, then every document's <TEI> (`members`, as
    `document_files` serialized them, encoded in UTF-8); as the pieces of its text (see output.TextPieces)."""
    root = element("teiCorpus", xml_lang=config.language)
    root.append(edition_header(config, config.title, paths.CORPUS_TEI, "The documents of the edition, each with its own source."))
    registers = _edition_stand_off(index, entries)
    if registers is not None:
        root.append(element("standOff"))  # an empty one in its place, for the entries serialized before
    _indent_header(root)
    head, closing = serialize(root).rsplit("</teiCorpus>", 1)
    if registers is not None:
        head = head.replace("<standOff />", xml_text(registers), 1)
    return [head, *members, "</teiCorpus>", closing]


# --------------------------------------------------------------------------- CMIF


# The authority files whose identifiers become URIs in CMIF, in the order correspSearch prefers them.
AUTHORITY_URIS = {"gnd": "https://d-nb.info/gnd/", "viaf": "https://viaf.org/viaf/", "wikidata": WIKIDATA}


def _cmif_person(entry_id: str, index: EditionIndex) -> ET.Element:
    person = index.persons_by_id.get(entry_id)
    refs = [base + person.authority[scheme] for scheme, base in AUTHORITY_URIS.items() if person and person.authority.get(scheme)]
    return element("persName", person.name if person else entry_id, ref=" ".join(refs) or None)


def _cmif_date(date: PartialDate) -> ET.Element:
    # CMIF's date holds text only (no <precision>) and knows one degree of certainty, low.
    return element("date", date.display(), when=date.iso, cert="low" if date.uncertain or date.approximate else None)


def cmif_licence(config: SiteConfig) -> tuple[str, str]:
    """The licence of the CMIF file, as (text, URL): the edition's, when its name gives a URL, else CC BY 4.0, which
    correspSearch asks of the metadata it harvests; the text always names the licence its URL points to."""
    if config.license:
        url = licence_url(config.license)
        if url:
            return config.license, url
    return "CC BY 4.0", CMIF_LICENCE


def cmif_source_id(config: SiteConfig) -> str:
    """The edition's bibl/@xml:id: a UUID, as CMIF recommends, the same in every build (a UUID 5 of the edition's
    address); the prefix makes it an XML name, which cannot start with a digit."""
    return "id-" + str(uuid.uuid5(uuid.NAMESPACE_URL, config.base_url or config.title))


CMIF_NEEDS_BASE_URL = (
    "cmif.xml (the correspondence metadata that correspSearch harvests) is not written: "
    "CMIF needs the letters' absolute addresses, and site.yml has no base_url"
)


def letters(index: EditionIndex) -> list[Document]:
    """The documents that CMIF describes: those with both authors and recipients."""
    return [d for d in index.documents if d.authors and d.recipients]


def cmif_xml(index: EditionIndex, config: SiteConfig, published: str | None = None) -> str | None:
    """Correspondence metadata (CMIF, as correspSearch harvests it) for the documents with authors and recipients.

    Only with base_url: CMIF points at each letter by its absolute address. `published` (RFC 3339) is the file's
    publication date when site.yml gives none."""
    if not letters(index) or not config.base_url:
        return None
    title_stmt = element("titleStmt", None, element("title", f"{config.title}: correspondence metadata"))
    for editor in config.editors or (config.publisher or config.title,):  # CMIF asks for at least one editor
        sub(title_stmt, "editor", editor)
    publication = element("publicationStmt", None, element("publisher", config.publisher or config.title))
    sub(publication, "idno", config.base_url + paths.CMIF, type="url")
    day = (config.published or published or "")[:10]
    if day:
        sub(publication, "date", day, when=day)
    availability = sub(publication, "availability")
    licence_text, licence_target = cmif_licence(config)
    sub(availability, "licence", licence_text, target=licence_target)
    source = cmif_source_id(config)
    bibl = element("bibl", config.title, type="online", xml_id=source)
    sub(bibl, "ref", config.base_url, target=config.base_url)
    header = element("teiHeader", None, element("fileDesc", None, title_stmt, publication, element("sourceDesc", None, bibl)))
    profile = sub(header, "profileDesc")
    for document in letters(index):
        correspondence = sub(profile, "correspDesc", ref=document_url(config, document.id), source="#" + source)
        sent = sub(correspondence, "correspAction", type="sent")
        sent.extend(_cmif_agent(a, index) for a in document.authors)
        sent.append(_cmif_date(document.date))
        received = sub(correspondence, "correspAction", type="received")
        received.extend(_cmif_agent(r, index) for r in document.recipients)
    root = element("TEI", None, header, element("text", None, element("body", None, element("p"))), xml_lang=config.language)
    ET.indent(root, space="  ")
    return serialize(root)
