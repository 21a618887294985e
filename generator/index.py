"""The index stage: registers, chronology and cross references, computed once for the edition.

Pure: takes the loaded edition and the annotated documents, returns lookup tables the theme
reads (who appears where and in which role, previous and next document by date), and reports
ids that no register holds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from generator.diagnostics import Diagnostics, did_you_mean
from generator.model import Document, Edition, Person, Place, RegisterEntry, Term
from generator.registers import Correspondent, Mention, correspondents, surface_counts

ROLE_ORDER = ("author", "recipient", "mentioned")


@dataclass(frozen=True)
class Appearance:
    """One document in which a register entry appears, and how."""

    document: Document
    roles: tuple[str, ...]  # a subset of ROLE_ORDER, in that order
    surfaces: tuple[tuple[str, int], ...] = ()  # the forms the text names the entry by, with their counts
    mentions: int = 0  # how often the text names it


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
    correspondents: Mapping[str, tuple[Correspondent, ...]] = field(default_factory=dict)  # person id -> ...
    # document id -> kind -> the entries in it (by sort name) with their roles there, for the side panel
    in_document: Mapping[str, Mapping[str, tuple[tuple[RegisterEntry, tuple[str, ...]], ...]]] = field(default_factory=dict)

    def entries_in(self, kind: str, document_id: str) -> tuple[tuple[RegisterEntry, tuple[str, ...]], ...]:
        return self.in_document.get(document_id, {}).get(kind, ())

    def appearances_by_role(self, kind: str, entry_id: str) -> list[tuple[str, tuple[Appearance, ...]]]:
        """(role, appearances) for each role the entry has somewhere, in ROLE_ORDER; a document may be in several."""
        appearances = self.appearances_of(kind, entry_id)
        grouped = [(role, tuple(a for a in appearances if role in a.roles)) for role in ROLE_ORDER]
        return [(role, group) for role, group in grouped if group]

    def correspondents_of(self, person_id: str) -> tuple[Correspondent, ...]:
        return self.correspondents.get(person_id, ())

    def spellings_of(self, kind: str, entry_id: str) -> list[tuple[str, int]]:
        """The forms under which the edition's texts name the entry, most frequent first."""
        counts: Counter[str] = Counter()
        for appearance in self.appearances_of(kind, entry_id):
            counts.update(dict(appearance.surfaces))
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


def build_index(edition: Edition, diagnostics: Diagnostics, mentions: Mapping[str, Sequence[Mention]] | None = None) -> EditionIndex:
    documents = edition.documents
    persons_by_id = {p.id: p for p in edition.persons}
    places_by_id = {p.id: p for p in edition.places}
    terms_by_id = {t.id: t for t in edition.terms}

    roles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for document in documents:
        for field_name, kind, role, known in (
            ("authors", "person", "author", persons_by_id),
            ("recipients", "person", "recipient", persons_by_id),
            ("persons", "person", "mentioned", persons_by_id),
            ("places", "place", "mentioned", places_by_id),
        ):
            for entry_id in getattr(document, field_name):
                if entry_id not in known:
                    register = "content/persons.yml" if kind == "person" else "content/places.yml"
                    diagnostics.error(
                        "unknown-" + kind,
                        f"'{entry_id}' in '{field_name}' is not in {register}{did_you_mean(entry_id, known)}",
                        document.location_of(field_name),
                        f"add an entry with 'id: {entry_id}' to {register}, or correct the id",
                    )
                    continue
                roles[f"{kind}:{entry_id}"][document.id].add(role)
    # A name in the text makes its entry "mentioned" there, whatever the front matter says.
    surfaces: dict[str, dict[str, Counter[str]]] = {}
    for document_id, found in (mentions or {}).items():
        surfaces[document_id] = surface_counts(found)
        for key in surfaces[document_id]:
            roles[key][document_id].add("mentioned")

    by_id = {d.id: d for d in documents}
    chronological = {d.id: (d.date.sort_key, d.id) for d in documents}

    def appearance(key: str, doc_id: str, doc_roles: set[str]) -> Appearance:
        counts = surfaces.get(doc_id, {}).get(key)
        return Appearance(by_id[doc_id], tuple(r for r in ROLE_ORDER if r in doc_roles),
                          surfaces=tuple(sorted(counts.items(), key=lambda s: (-s[1], s[0]))) if counts else (),
                          mentions=sum(counts.values()) if counts else 0)

    appearances = {
        key: tuple(appearance(key, doc_id, doc_roles) for doc_id, doc_roles in sorted(per_document.items(), key=lambda item: chronological[item[0]]))
        for key, per_document in roles.items()
    }
    previous = {d.id: documents[i - 1] if i > 0 else None for i, d in enumerate(documents)}
    following = {d.id: documents[i + 1] if i + 1 < len(documents) else None for i, d in enumerate(documents)}
    return EditionIndex(
        documents=documents,
        documents_by_id=by_id,
        previous=previous,
        next=following,
        persons=tuple(_sorted_entries(edition.persons)),  # type: ignore[arg-type]
        places=tuple(_sorted_entries(edition.places)),  # type: ignore[arg-type]
        terms=tuple(_sorted_entries(edition.terms)),  # type: ignore[arg-type]
        persons_by_id=persons_by_id,
        places_by_id=places_by_id,
        terms_by_id=terms_by_id,
        appearances=appearances,
        correspondents=correspondents(documents, persons_by_id),
        in_document=_entries_by_document(appearances, {"person": persons_by_id, "place": places_by_id, "term": terms_by_id}),
    )


def index_sources(index: EditionIndex) -> tuple[object, ...]:
    """The parts of the index every other part is computed from (see build_index): the documents and
    the registers as loaded, and the appearances, which hold all the index takes from the texts.
    Equal sources make an equal index; keep this in step with build_index."""
    return index.documents, index.persons, index.places, index.terms, index.appearances


def _entries_by_document(
    appearances: Mapping[str, tuple[Appearance, ...]], registers: Mapping[str, Mapping[str, RegisterEntry]]
) -> dict[str, dict[str, tuple[tuple[RegisterEntry, tuple[str, ...]], ...]]]:
    found: dict[str, dict[str, list[tuple[RegisterEntry, tuple[str, ...]]]]] = defaultdict(lambda: defaultdict(list))
    for key, per_document in appearances.items():
        kind, _, entry_id = key.partition(":")
        for appearance in per_document:
            found[appearance.document.id][kind].append((registers[kind][entry_id], appearance.roles))
    return {
        doc_id: {kind: tuple(sorted(entries, key=lambda e: (e[0].sort_key, e[0].id))) for kind, entries in kinds.items()}
        for doc_id, kinds in found.items()
    }
