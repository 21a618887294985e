"""The index stage: registers, chronology and cross references, computed once for the edition.

Pure: takes the loaded edition and the annotated documents, returns lookup tables the theme
reads (who appears where and in which role, previous and next document by date), and reports
ids that no register holds.
"""

from __future__ import annotations

import bisect
import operator
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain

from generator import paths
from generator.diagnostics import Diagnostics, Location, did_you_mean
from generator.model import AGENT_KINDS, KIND_BY_NAME, REGISTER_KINDS, Document, Edition, Organization, Person, Place, RegisterEntry, Term
from generator.registers import Mention

ROLE_ORDER = ("author", "recipient", "mentioned")
DocumentLink = tuple[str, "str | None", int, int]  # a doc: link in a text: the document's id, a footnote, line, col
SEE_ALSO = 5  # documents offered under "See also"
# An entry named in more documents than this says little about what two of them share (and would make
# the comparison quadratic in the documents that name it).
SEE_ALSO_MOST_COMMON = 100


@dataclass(frozen=True)
class Appearance:
    """One document in which a register entry appears, and how."""

    document: Document
    roles: tuple[str, ...]  # a subset of ROLE_ORDER, in that order
    surfaces: tuple[tuple[str, int], ...] = ()  # the forms the text names the entry by, with their counts
    mentions: int = 0  # how often the text names it


@dataclass(frozen=True)
class Correspondent:
    entry: RegisterEntry  # a person or an organisation
    kind: str  # "person" or "organization"
    wrote_to: int  # documents from the entry whose page this is, to this correspondent
    received_from: int  # documents from this correspondent to the entry

    @property
    def href(self) -> str:
        """The correspondent's page, relative to the output root."""
        return paths.entry_link(self.kind, self.entry.id)


def correspondents(documents: Iterable[Document], agents_by_id: Mapping[str, tuple[str, RegisterEntry]]) -> dict[str, tuple[Correspondent, ...]]:
    """For each person or organisation (`agents_by_id`: id -> kind, entry), who wrote to them and to whom they wrote,
    with counts, by sort name."""
    sent: Counter[tuple[str, str]] = Counter()
    for document in documents:
        for author in dict.fromkeys(document.authors):
            for recipient in dict.fromkeys(document.recipients):
                if author != recipient and author in agents_by_id and recipient in agents_by_id:
                    sent[(author, recipient)] += 1
    pairs: dict[str, set[str]] = defaultdict(set)
    for author, recipient in sent:
        pairs[author].add(recipient)
        pairs[recipient].add(author)
    return {
        agent_id: tuple(
            Correspondent(agents_by_id[other][1], agents_by_id[other][0], sent[(agent_id, other)], sent[(other, agent_id)])
            for other in sorted(others, key=lambda o: (agents_by_id[o][1].sort_key, o))
        )
        for agent_id, others in sorted(pairs.items())
    }


def surface_counts(mentions: Iterable[Mention]) -> dict[str, Counter[str]]:
    """For each "kind:id", how often each surface form occurs."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for mention in mentions:
        counts[f"{mention.kind}:{mention.id}"][mention.surface] += 1
    return counts


@dataclass(frozen=True)
class EditionIndex:
    documents: tuple[Document, ...]  # in date order
    documents_by_id: Mapping[str, Document]
    previous: Mapping[str, Document | None]
    next: Mapping[str, Document | None]
    persons: tuple[Person, ...]  # in sort-name order
    places: tuple[Place, ...]
    terms: tuple[Term, ...]
    persons_by_id: Mapping[str, Person]
    places_by_id: Mapping[str, Place]
    terms_by_id: Mapping[str, Term]
    appearances: Mapping[str, tuple[Appearance, ...]] = field(default_factory=dict)  # "person:stalin" -> ...
    correspondents: Mapping[str, tuple[Correspondent, ...]] = field(default_factory=dict)  # person or organisation id -> ...
    # document id -> kind -> the entries in it (by sort name) with their roles there, for the side panel
    in_document: Mapping[str, Mapping[str, tuple[tuple[RegisterEntry, tuple[str, ...]], ...]]] = field(default_factory=dict)
    # document id -> documents, in date order: related by the editor (either way), citing it with doc: links,
    # and the few that share most of its persons, places and subjects
    related: Mapping[str, tuple[Document, ...]] = field(default_factory=dict)
    cited_in: Mapping[str, tuple[Document, ...]] = field(default_factory=dict)
    see_also: Mapping[str, tuple[Document, ...]] = field(default_factory=dict)
    organizations: tuple[Organization, ...] = ()  # in sort-name order
    organizations_by_id: Mapping[str, Organization] = field(default_factory=dict)

    def entries(self, kind: str) -> tuple[RegisterEntry, ...]:
        """The entries of one register kind, by sort name."""
        entries: tuple[RegisterEntry, ...] = getattr(self, KIND_BY_NAME[kind].folder)
        return entries

    def agent(self, entry_id: str) -> tuple[str, RegisterEntry] | None:
        """The person or organisation an author or recipient id names, with its kind; None for an unknown id."""
        person = self.persons_by_id.get(entry_id)
        if person is not None:
            return "person", person
        organization = self.organizations_by_id.get(entry_id)
        return ("organization", organization) if organization is not None else None

    def agents(self, entry_ids: Iterable[str]) -> list[tuple[str, RegisterEntry]]:
        """The known persons and organisations of `entry_ids` (authors, recipients), each once, in order."""
        return [found for entry_id in dict.fromkeys(entry_ids) if (found := self.agent(entry_id)) is not None]

    def sub_organizations(self, organization_id: str) -> tuple[Organization, ...]:
        """The organisations whose `part_of` is this one, by sort name."""
        return tuple(o for o in self.organizations if o.part_of == organization_id)

    def related_to(self, document_id: str) -> tuple[Document, ...]:
        return self.related.get(document_id, ())

    def citing(self, document_id: str) -> tuple[Document, ...]:
        return self.cited_in.get(document_id, ())

    def see_also_for(self, document_id: str) -> tuple[Document, ...]:
        return self.see_also.get(document_id, ())

    def entries_in(self, kind: str, document_id: str) -> tuple[tuple[RegisterEntry, tuple[str, ...]], ...]:
        return self.in_document.get(document_id, {}).get(kind, ())

    def appearances_by_role(self, kind: str, entry_id: str, year: int | None = None) -> list[tuple[str, tuple[Appearance, ...]]]:
        """(role, appearances) for each role the entry has somewhere (in documents of `year`, if given), in ROLE_ORDER;
        a document may be in several."""
        grouped: dict[str, list[Appearance]] = {role: [] for role in ROLE_ORDER}
        for appearance in self.appearances_of(kind, entry_id):  # (a rebuild asks again for every register page: one pass)
            if year is not None and appearance.document.date.year != year:
                continue
            for role in appearance.roles:
                grouped[role].append(appearance)
        return [(role, tuple(group)) for role, group in grouped.items() if group]

    def correspondents_of(self, entry_id: str) -> tuple[Correspondent, ...]:
        return self.correspondents.get(entry_id, ())

    def spellings_of(self, kind: str, entry_id: str) -> list[tuple[str, int]]:
        """The forms under which the edition's texts name the entry, most frequent first."""
        counts: dict[str, int] = {}
        for appearance in self.appearances_of(kind, entry_id):
            for surface, count in appearance.surfaces:
                counts[surface] = counts.get(surface, 0) + count
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def appearances_of(self, kind: str, entry_id: str) -> tuple[Appearance, ...]:
        return self.appearances.get(f"{kind}:{entry_id}", ())

    def roles_in(self, kind: str, entry_id: str, document_id: str) -> tuple[str, ...]:
        for appearance in self.appearances_of(kind, entry_id):
            if appearance.document.id == document_id:
                return appearance.roles
        return ()


def _sorted_entries(entries: Iterable[RegisterEntry]) -> list[RegisterEntry]:
    return sorted(entries, key=lambda e: (e.sort_key, e.id))


InDocument = tuple[tuple[RegisterEntry, tuple[str, ...]], ...]  # a document's entries of one kind, with their roles there
AGENT = "person or organization"  # the kind of the front matter's authors and recipients: either register
FRONT_MATTER_ROLES = (
    ("authors", AGENT, "author"),
    ("recipients", AGENT, "recipient"),
    ("persons", "person", "mentioned"),
    ("organizations", "organization", "mentioned"),
    ("places", "place", "mentioned"),
)


@dataclass(frozen=True)
class DocumentPart:
    """One document's share of the index, with what it was made from."""

    document: Document
    mentions: Sequence[Mention]
    appearances: tuple[tuple[str, Appearance], ...]  # ("person:stalin", its appearance here) for each entry named
    entries: Mapping[str, InDocument]  # kind -> the entries named, by sort name (see EditionIndex.in_document)
    complete: bool  # False when the document names an id that no register holds (reported by each build)


@dataclass(frozen=True)
class IndexParts:
    """What the index was made of, for the next build to reuse where documents, texts and entries are the same objects."""

    documents: Mapping[str, DocumentPart]  # by document id
    appearances: Mapping[str, tuple[Appearance, ...]]
    letters: list[tuple[tuple[str, ...], tuple[str, ...]]]  # each document's authors and recipients, in date order
    registers: tuple[tuple[RegisterEntry, ...], ...]  # every register's entries, as read (model.REGISTER_KINDS)
    sorted_registers: tuple[tuple[RegisterEntry, ...], ...]  # the same, by sort name
    correspondents: Mapping[str, tuple[Correspondent, ...]]
    see_also: SeeAlsoKept | None = None


def build_index(edition: Edition, diagnostics: Diagnostics, mentions: Mapping[str, Sequence[Mention]] | None = None) -> EditionIndex:
    return index_with_parts(edition, diagnostics, mentions)[0]


def index_with_parts(
    edition: Edition,
    diagnostics: Diagnostics,
    mentions: Mapping[str, Sequence[Mention]] | None = None,
    earlier: IndexParts | None = None,
    links: Mapping[str, Sequence[DocumentLink]] | None = None,
) -> tuple[EditionIndex, IndexParts]:
    """The index, and its parts for the next build: a document's part is reused while the document, its mentions
    (the very objects the parse and annotation memories hand back) and the entries it names are the ones it was made from."""
    documents = edition.documents
    registers: dict[str, Mapping[str, RegisterEntry]] = {kind.name: {e.id: e for e in edition.entries(kind.name)} for kind in REGISTER_KINDS}
    mentions = mentions or {}
    kept_parts = earlier.documents if earlier is not None else {}
    read = edition.registers
    same_entries = earlier is not None and same_registers(read, earlier.registers)
    parts: dict[str, DocumentPart] = {}
    fresh: list[DocumentPart] = []  # parts whose appearances are new
    for document in documents:
        found = mentions.get(document.id, ())
        kept = kept_parts.get(document.id)
        if kept is not None and kept.document is document and kept.mentions is found and kept.complete:
            part = kept if same_entries else _still_named(kept, registers)
            if part is not None:
                parts[document.id] = part
                continue
        parts[document.id] = part = _document_part(document, found, registers, diagnostics)
        fresh.append(part)

    if earlier is None:
        appearances = _appearances(sorted(parts.values(), key=lambda part: _chronological(part.document)))
    else:
        # Only the entries named by a document that changed, came or went get new lists of appearances.
        stale = {part.document.id for part in fresh} | (earlier.documents.keys() - parts.keys())
        appearances = dict(earlier.appearances)
        added = _appearances(fresh)
        touched = set(added).union(*({key for key, _ in earlier.documents[i].appearances} for i in stale if i in earlier.documents))
        for key in touched:
            merged = [a for a in earlier.appearances.get(key, ()) if a.document.id not in stale] + list(added.get(key, ()))
            if merged:
                appearances[key] = tuple(sorted(merged, key=lambda a: _chronological(a.document)))
            else:
                del appearances[key]

    letters = list(map(operator.attrgetter("authors", "recipients"), documents))
    if earlier is not None and same_entries and earlier.letters == letters:
        correspondents_now = earlier.correspondents  # who wrote to whom, among the very same persons
    else:
        agents = {entry_id: (kind, entry) for kind in reversed(AGENT_KINDS) for entry_id, entry in registers[kind].items()}  # a person first
        correspondents_now = correspondents(documents, agents)
    sorted_registers = earlier.sorted_registers if earlier is not None and same_entries else tuple(tuple(_sorted_entries(r)) for r in read)
    by_folder = {kind.folder: entries for kind, entries in zip(REGISTER_KINDS, sorted_registers, strict=True)}
    ids = [d.id for d in documents]
    relations, see_also = document_relations(documents, appearances, links or {}, diagnostics, earlier.see_also if earlier is not None else None)
    index = EditionIndex(
        documents=documents,
        documents_by_id=dict(zip(ids, documents, strict=True)),
        previous=dict(zip(ids, (None, *documents), strict=False)),  # (zip stops at the last id)
        next=dict(zip(ids, (*documents[1:], None), strict=False)),
        persons_by_id=registers["person"],  # type: ignore[arg-type]
        places_by_id=registers["place"],  # type: ignore[arg-type]
        terms_by_id=registers["term"],  # type: ignore[arg-type]
        organizations_by_id=registers["organization"],  # type: ignore[arg-type]
        appearances=appearances,
        correspondents=correspondents_now,
        in_document={document_id: part.entries for document_id, part in parts.items() if part.entries},
        persons=by_folder["persons"],  # type: ignore[arg-type]
        places=by_folder["places"],  # type: ignore[arg-type]
        terms=by_folder["terms"],  # type: ignore[arg-type]
        organizations=by_folder["organizations"],  # type: ignore[arg-type]
        **relations,
    )
    return index, IndexParts(parts, appearances, letters, read, sorted_registers, correspondents_now, see_also)


def same_registers(now: Sequence[Sequence[RegisterEntry]], then: Sequence[Sequence[RegisterEntry]]) -> bool:
    """Whether each register holds the very entry objects it held (the parse memory hands an unchanged register back whole)."""
    return all(len(entries) == len(earlier) and all(map(operator.is_, entries, earlier)) for entries, earlier in zip(now, then, strict=True))


def index_sources(index: EditionIndex) -> tuple[object, ...]:
    """The parts of the index every other part is computed from (see index_with_parts): the documents and
    the registers as loaded, and the appearances, which hold all the index takes from the texts.
    Equal sources make an equal index; keep this in step with index_with_parts."""
    return index.documents, index.persons, index.places, index.terms, index.organizations, index.appearances, index.cited_in


def _chronological(document: Document) -> tuple[object, str]:
    return (document.date.sort_key, document.id)


def _appearances(parts: Iterable[DocumentPart]) -> dict[str, tuple[Appearance, ...]]:
    """Each entry's appearances in `parts`, in their order."""
    grouped: dict[str, list[Appearance]] = defaultdict(list)
    for part in parts:
        for key, appearance in part.appearances:
            grouped[key].append(appearance)
    return {key: tuple(found) for key, found in grouped.items()}


def _document_part(
    document: Document, found: Sequence[Mention], registers: Mapping[str, Mapping[str, RegisterEntry]], diagnostics: Diagnostics
) -> DocumentPart:
    roles: dict[str, set[str]] = defaultdict(set)
    complete = True
    for field_name, field_kind, role in FRONT_MATTER_ROLES:
        for entry_id in getattr(document, field_name):
            kind = _kind_of(field_kind, entry_id, registers)
            if kind is None:
                # (an edition without organisations is told of its persons register alone)
                kinds = tuple(k for k in AGENT_KINDS if k == "person" or registers[k]) if field_kind == AGENT else (field_kind,)
                register = " or ".join(KIND_BY_NAME[k].file for k in kinds)
                known = [known_id for k in kinds for known_id in registers[k]]
                diagnostics.error(
                    "unknown-" + ("person" if field_kind == AGENT else field_kind),
                    f"'{entry_id}' in '{field_name}' is not in {register}{did_you_mean(entry_id, known)}",
                    document.location_of(field_name),
                    f"add an entry with 'id: {entry_id}' to {register}, or correct the id",
                )
                complete = False
                continue
            roles[f"{kind}:{entry_id}"].add(role)
    # A name in the text makes its entry "mentioned" there, whatever the front matter says.
    surfaces = surface_counts(found)
    for key in surfaces:
        roles[key].add("mentioned")
    appearances = []
    for key, doc_roles in roles.items():
        counts = surfaces.get(key)
        appearances.append(
            (
                key,
                Appearance(
                    document,
                    tuple(r for r in ROLE_ORDER if r in doc_roles),
                    surfaces=tuple(sorted(counts.items(), key=lambda s: (-s[1], s[0]))) if counts else (),
                    mentions=sum(counts.values()) if counts else 0,
                ),
            )
        )
    return DocumentPart(document, found, tuple(appearances), _entries_named(appearances, registers), complete)


def _kind_of(field_kind: str, entry_id: str, registers: Mapping[str, Mapping[str, RegisterEntry]]) -> str | None:
    """The register kind that holds `entry_id` for a front-matter field of `field_kind`; None when none does."""
    for kind in AGENT_KINDS if field_kind == AGENT else (field_kind,):
        if entry_id in registers[kind]:
            return kind
    return None


def _entries_named(appearances: Iterable[tuple[str, Appearance]], registers: Mapping[str, Mapping[str, RegisterEntry]]) -> dict[str, InDocument]:
    found: dict[str, list[tuple[RegisterEntry, tuple[str, ...]]]] = defaultdict(list)
    for key, appearance in appearances:
        kind, _, entry_id = key.partition(":")
        found[kind].append((registers[kind][entry_id], appearance.roles))
    return {kind: tuple(sorted(entries, key=lambda e: (e[0].sort_key, e[0].id))) for kind, entries in found.items()}


def _still_named(kept: DocumentPart, registers: Mapping[str, Mapping[str, RegisterEntry]]) -> DocumentPart | None:
    """`kept` as it stands while the entries it names are the same objects; with the entries as they are now while
    they are all still there (its appearances do not hold them); None when one is gone."""
    if all(registers[kind].get(entry.id) is entry for kind, entries in kept.entries.items() for entry, _ in entries):
        return kept
    if not all(entry.id in registers[kind] for kind, entries in kept.entries.items() for entry, _ in entries):
        return None
    return replace(kept, entries=_entries_named(kept.appearances, registers))


def document_relations(
    documents: Sequence[Document],
    appearances: Mapping[str, tuple[Appearance, ...]],
    links: Mapping[str, Sequence[DocumentLink]],
    diagnostics: Diagnostics,
    kept: SeeAlsoKept | None = None,
) -> tuple[dict[str, dict[str, tuple[Document, ...]]], SeeAlsoKept]:
    """How documents point at each other: `related` (the editor's, shown on both), `cited_in` (backlinks of doc: links)
    and `see_also` (those sharing most entries and subjects); ids that name no document are errors at their place.
    With `kept` (the last build's), the see-also of the documents whose sharing did not change is taken over."""
    by_id = {document.id: document for document in documents}
    order = {document.id: position for position, document in enumerate(documents)}  # (documents are in date order)
    related: dict[str, set[str]] = defaultdict(set)
    for document in documents:
        for other in document.related:
            if other not in by_id:
                diagnostics.error(
                    "unknown-document",
                    f"'{other}' in 'related' is not a document of the edition{did_you_mean(other, by_id)}",
                    document.location_of("related"),
                    "use the id of a document in content/documents/, or remove it",
                )
            elif other != document.id:
                related[document.id].add(other)
                related[other].add(document.id)
    cited: dict[str, set[str]] = defaultdict(set)
    for document_id, found in links.items():
        source = by_id.get(document_id)
        for target, _footnote, line, col in found:
            if target in by_id:
                if target != document_id:
                    cited[target].add(document_id)
            elif source is not None:
                diagnostics.error(
                    "unknown-document",
                    f"'doc:{target}' names no document of the edition{did_you_mean(target, by_id)}",
                    Location(source.path, line, col),
                    "use the id of a document in content/documents/",
                )

    def in_order(ids: Iterable[str]) -> tuple[Document, ...]:
        return tuple(by_id[i] for i in sorted(ids, key=order.__getitem__))

    see_also, kept_now = _see_also(documents, appearances, order, related, cited, kept)
    return {
        "related": {d: in_order(ids) for d, ids in related.items()},
        "cited_in": {d: in_order(ids) for d, ids in cited.items()},
        "see_also": see_also,
    }, kept_now


@dataclass(frozen=True)
class SeeAlsoKept:
    """What each document's see-also was made from, and the result, for the next build (see _see_also)."""

    ids: tuple[str, ...]  # the documents in date order
    holders: Mapping[str, tuple[int, ...]]  # each shared key's documents, by place in that order
    excluded: Mapping[str, frozenset[str]]  # each document's related and citing documents
    best: Mapping[str, tuple[str, ...]]  # each document's see-also, by id


def _see_also(
    documents: Sequence[Document],
    appearances: Mapping[str, tuple[Appearance, ...]],
    order: Mapping[str, int],
    related: Mapping[str, set[str]],
    cited: Mapping[str, set[str]],
    kept: SeeAlsoKept | None = None,
) -> tuple[dict[str, tuple[Document, ...]], SeeAlsoKept]:
    """For each document, up to SEE_ALSO others that share most of its persons, places and subjects (ties: the nearest in
    date first, then by id), leaving out those it is related to or cited by already.

    Documents are known here by their place in date order, and the sharing is counted in C. A rebuild (with `kept`,
    the documents in the same order) makes again only the see-also of the documents that shared, or now share, a key
    whose documents changed, or whose related or citing documents did."""
    ids = tuple(document.id for document in documents)
    holders: dict[str, tuple[int, ...]] = {}
    for key, found in appearances.items():
        if not key.startswith("term:") and 1 < len(found) <= SEE_ALSO_MOST_COMMON:
            holders[key] = tuple(order[appearance.document.id] for appearance in found)
    subjects: dict[str, list[int]] = defaultdict(list)
    for document in documents:
        for subject in document.subjects:
            subjects[subject].append(order[document.id])
    holders.update({f"subject:{s}": tuple(places) for s, places in subjects.items() if 1 < len(places) <= SEE_ALSO_MOST_COMMON})
    excluded = {document_id: frozenset(related.get(document_id, ())) | cited.get(document_id, set()) for document_id in {*related, *cited}}
    shared_by: dict[int, list[str]] = defaultdict(list)  # a document's place -> the keys it shares with some other document
    for key, places in holders.items():
        for place in places:
            shared_by[place].append(key)
    if kept is not None and kept.ids == ids:
        best = dict(kept.best)
        changed = [key for key in {*holders, *kept.holders} if holders.get(key) != kept.holders.get(key)]
        again = {place for key in changed for place in (*holders.get(key, ()), *kept.holders.get(key, ()))}
        again.update(order[i] for i in {*excluded, *kept.excluded} if excluded.get(i) != kept.excluded.get(i))
        for place in again:
            best.pop(ids[place], None)
    else:
        best, again = {}, set(shared_by)
    for here in again:
        if here in shared_by:
            document_id = ids[here]
            counts = Counter(chain.from_iterable(holders[key] for key in shared_by[here]))
            for other in excluded.get(document_id, ()):
                counts.pop(order[other], None)
            counts.pop(here, None)
            chosen = _best_shared(counts, here, documents)
            if chosen:
                best[document_id] = tuple(ids[place] for place in chosen)
    offered = {document_id: tuple(documents[order[other]] for other in others) for document_id, others in best.items()}
    return offered, SeeAlsoKept(ids, holders, excluded, best)


def _best_shared(counts: Mapping[int, int], here: int, documents: Sequence[Document]) -> list[int]:
    """The SEE_ALSO places of `counts` (place -> entries shared) sharing most, then nearest to `here`, then by id."""
    tally = Counter(counts.values())
    least, taken = 0, 0
    for count in sorted(tally, reverse=True):  # the fewest shared that the best may have
        least, taken = count, taken + tally[count]
        if taken >= SEE_ALSO:
            break
    chosen = [place for place, count in counts.items() if count > least]
    sharing_least = sorted(place for place, count in counts.items() if count == least)
    # Of those sharing `least`, the nearest in date on either side: enough to fill SEE_ALSO, with their ties.
    middle = bisect.bisect_left(sharing_least, here)
    wanted = SEE_ALSO - len(chosen)
    nearest = sharing_least[max(0, middle - wanted) : middle + wanted]
    if nearest and wanted > 0:
        farthest = sorted(abs(place - here) for place in nearest)[min(wanted, len(nearest)) - 1]
        chosen += [place for place in nearest if abs(place - here) <= farthest]

    def rank(place: int) -> tuple[int, int, str]:
        return (-counts[place], abs(place - here), documents[place].id)

    return sorted(chosen, key=rank)[:SEE_ALSO]
