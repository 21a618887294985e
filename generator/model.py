"""The edition as plain, immutable data: what the load stage produces and every later stage reads.

No I/O here. Each record keeps where it came from, so later stages can point the editor at
`path:line:col`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.config import SiteConfig
from generator.dates import PartialDate
from generator.diagnostics import Location


@dataclass(frozen=True)
class Document:
    id: str
    path: str  # relative to the edition folder, with forward slashes
    title: str
    date: PartialDate
    body: str
    body_line: int  # the file line on which the body starts (1-based)
    number: str | None = None
    type: str | None = None
    authors: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    source: str | None = None
    archive: str | None = None  # the holding archive's name, beside the archival reference in `source`
    translator: tuple[str, ...] = ()
    summary: str | None = None
    language: str | None = None
    translation: str | None = None
    rights: str | None = None
    subjects: tuple[str, ...] = ()
    collection: str | None = None
    related: tuple[str, ...] = ()  # ids of documents the editor relates to this one (shown both ways)
    text_language: str | None = None  # the language of the body, when it is not site.yml's
    updated: str | None = None  # when the edition last changed this document, RFC 3339 (not the document's own date)
    versions: tuple[TextVersion, ...] = ()  # the other texts of the document, from sibling `<name>.<lang>.md` files
    facsimiles: tuple[Facsimile, ...] = ()  # page images, in page order
    # Where each front-matter field stood, for messages about it.
    locations: Mapping[str, Location] = field(default_factory=dict, compare=False)

    def location_of(self, name: str) -> Location:
        return self.locations.get(name) or Location(self.path, 1, 1)


VERSION_ROLES = ("original", "translation", "transcription")


@dataclass(frozen=True)
class TextVersion:
    """One text of a document: its original, a translation or a transcription.

    The document's own body is the main version (key ""); each sibling file `<name>.<lang>.md`
    is another, keyed by the language tag of its file name, which also prefixes its ids on the page.
    """

    key: str
    path: str
    language: str
    role: str  # one of VERSION_ROLES
    body: str
    body_line: int
    translator: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Facsimile:
    """A page image: a file under content/ (`source` relative to it) or an image URL (IIIF or plain)."""

    n: str  # the page label that page breaks `{pb n=...}` refer to
    source: str
    label: str | None = None
    width: int | None = None
    height: int | None = None
    location: Location | None = field(default=None, compare=False)

    @property
    def remote(self) -> bool:
        return self.source.startswith(("https://", "http://"))


@dataclass(frozen=True)
class RegisterEntry:
    """A person, a place or a term: something that names in the text can point to."""

    id: str
    name: str
    location: Location
    sort_name: str = ""
    aliases: tuple[str, ...] = ()
    dates: str | None = None
    description: str | None = None
    authority: Mapping[str, str] = field(default_factory=dict)

    @property
    def sort_key(self) -> str:
        return (self.sort_name or self.name).casefold()

    @property
    def names(self) -> tuple[str, ...]:
        """Every form under which the entry may appear in a text: its name, then its aliases."""
        return (self.name, *(a for a in self.aliases if a != self.name))


@dataclass(frozen=True)
class Person(RegisterEntry):
    pass


@dataclass(frozen=True)
class Organization(RegisterEntry):
    """A ministry, an embassy, a party: authors, recipients and names in the text may be institutions."""

    part_of: str | None = None  # the id of the organisation it belongs to (an embassy of a ministry)
    part_of_location: Location | None = field(default=None, compare=False)  # where the `part_of` value stands


@dataclass(frozen=True)
class Place(RegisterEntry):
    modern_name: str | None = None
    coordinates: tuple[float, float] | None = None


@dataclass(frozen=True)
class Term(RegisterEntry):
    """An abbreviation or term: `name` is the term as written, `expansion` what it stands for."""

    expansion: str = ""


@dataclass(frozen=True)
class RegisterKind:
    """One register: what its entries are, where they are read from and published, how a text links to them."""

    name: str  # "person": as mentions, messages and appearance keys ("person:stalin") name the kind
    folder: str  # "persons": the entries' pages in the site, and the Edition's and the index's field for them
    scheme: str  # "person": the link scheme of [name](person:id)
    model: type[RegisterEntry]
    fields: tuple[str, ...]  # the fields an entry may have in the register file
    required: tuple[str, ...]
    plurals: bool = False  # whether a name with a plural ending is the name ("Deptels", "the Politburos"): -s, -es

    @property
    def file(self) -> str:
        return f"content/{self.folder}.yml"


ENTRY_FIELDS = ("id", "name", "sort_name", "aliases", "dates", "description", "authority")
# In the matcher's order: a name two entries share is reported with the first kind's entry first.
REGISTER_KINDS = (
    RegisterKind("person", "persons", "person", Person, ENTRY_FIELDS, ("id", "name")),
    RegisterKind("organization", "organizations", "org", Organization, (*ENTRY_FIELDS, "part_of"), ("id", "name"), plurals=True),
    RegisterKind("place", "places", "place", Place, (*ENTRY_FIELDS, "modern_name", "coordinates"), ("id", "name")),
    RegisterKind("term", "terms", "term", Term, ("id", "term", "expansion", "aliases", "description", "authority"), ("id", "term", "expansion"), plurals=True),
)
KIND_BY_NAME = {kind.name: kind for kind in REGISTER_KINDS}
KIND_BY_SCHEME = {kind.scheme: kind for kind in REGISTER_KINDS}
AGENT_KINDS = ("person", "organization")  # the kinds whose ids authors and recipients may name


@dataclass(frozen=True)
class Page:
    id: str
    path: str
    title: str
    body: str
    body_line: int
    order: int = 0


@dataclass(frozen=True)
class Edition:
    config: SiteConfig
    documents: tuple[Document, ...]
    persons: tuple[Person, ...] = ()
    places: tuple[Place, ...] = ()
    terms: tuple[Term, ...] = ()
    pages: tuple[Page, ...] = ()
    organizations: tuple[Organization, ...] = ()

    def entries(self, kind: str) -> tuple[RegisterEntry, ...]:
        """The entries of one register kind ("person", "organization", ...), as read."""
        entries: tuple[RegisterEntry, ...] = getattr(self, KIND_BY_NAME[kind].folder)
        return entries

    @property
    def registers(self) -> tuple[tuple[RegisterEntry, ...], ...]:
        """Every register's entries, in the order of REGISTER_KINDS."""
        return tuple(self.entries(kind.name) for kind in REGISTER_KINDS)
