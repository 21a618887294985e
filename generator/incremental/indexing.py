"""The index stage: the index of the edition, the parts that no changed document touches kept by identity."""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter, itemgetter

from generator.diagnostics import Diagnostics
from generator.incremental.annotating import Texts
from generator.incremental.loading import Loaded
from generator.incremental.memory import IndexDigests, KeptIndex
from generator.index import Appearance, EditionIndex, IndexParts, index_with_parts
from generator.tracking import Fingerprints, digest
from generator.versions import mentions_with_versions


def index_edition(loaded: Loaded, texts: Texts, diagnostics: Diagnostics) -> EditionIndex:
    """The index of the edition and its texts. A document's part of it, and an entry's appearances, that no changed
    document touches are the very objects of the last build's index kept in this process (see index_with_parts)."""
    kept_index = loaded.earlier.index if loaded.earlier is not None else None
    links = {document_id: text.document_links for document_id, text in texts.annotated.items() if text.document_links}
    mentions = mentions_with_versions(texts.annotated, texts.versions)
    index, index_parts = index_with_parts(loaded.edition, diagnostics, mentions, kept_index.parts if kept_index else None, links)
    loaded.memory.index = fingerprint_index_parts(index, index_parts, loaded.fingerprints, kept_index)
    return index


def fingerprint_index_parts(index: EditionIndex, parts: IndexParts, fingerprints: Fingerprints, kept_index: KeptIndex | None) -> KeptIndex:
    """The index's largest parts, known by digest: each entry's appearances, which register pages and their reads
    compare, and each document's entries with their roles, which its page's side panel reads. There is one
    of each for every entry named in every document: walked one by one, they were most of a rebuild's comparing.
    A document's part of the index that is the one the last build made keeps the digests it had; so does an entry's
    list of appearances. Gives what the next build keeps of them."""
    known = fingerprints.known
    earlier = kept_index.digests if kept_index else {}
    earlier_entries = kept_index.appearances if kept_index else {}
    others = attrgetter(*(f.name for f in fields(Appearance) if f.name != "document"))  # plain values, cheap to repr
    now: dict[str, IndexDigests] = {}
    objects: list[object] = []
    digests: list[str] = []
    for document_id, part in parts.documents.items():
        kept = earlier.get(document_id)
        if kept is not None and kept.appearances is part.appearances:
            appearance_digests = kept.appearance_digests
        else:
            document_digest = known[id(part.document)]
            appearance_digests = tuple(digest(f"{document_digest}{others(appearance)!r}") for _, appearance in part.appearances)
        if kept is not None and kept.entries is part.entries:
            entries_digests = kept.entries_digests
        else:
            entries_digests = tuple(digest("".join(f"{known[id(entry)]}{roles!r}" for entry, roles in entries)) for entries in part.entries.values())
        objects.extend(map(itemgetter(1), part.appearances))
        objects.extend(part.entries.values())
        digests.extend(appearance_digests)
        digests.extend(entries_digests)
        now[document_id] = (
            kept
            if kept is not None and kept.appearances is part.appearances and kept.entries is part.entries
            else IndexDigests(part.appearances, appearance_digests, part.entries, entries_digests)
        )
    fingerprints.remember_all(objects, digests)
    # Each entry's appearances, whole: the index's state and its register page compare them. An entry that
    # no changed document names has the very tuple of the last build (see index_with_parts), and its digest.
    entries_now: dict[str, tuple[tuple[Appearance, ...], str]] = {}
    for key, appearances in index.appearances.items():
        kept_entry = earlier_entries.get(key)
        if kept_entry is not None and kept_entry[0] is appearances:
            entries_now[key] = kept_entry
        elif appearances:  # (not the empty tuple, which is every empty tuple)
            entries_now[key] = (appearances, digest("".join([known[id(appearance)] for appearance in appearances])))
    fingerprints.remember_all([appearances for appearances, _ in entries_now.values()], [whole for _, whole in entries_now.values()])
    return KeptIndex(parts, now, entries_now)
