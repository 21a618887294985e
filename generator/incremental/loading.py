"""The load stage: the edition read, and what of the last build still holds for it."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from generator import search
from generator.content import ParseMemo, read_edition
from generator.diagnostics import Diagnostics, Location
from generator.facsimiles import PageImage, read_page_images
from generator.i18n import catalogue_problems
from generator.incremental.memory import (
    BuildMemory,
    KeptRegisters,
    code_digest,
    settings_digest,
    tree_digest,
)
from generator.incremental.unchanged import SourceScan, output_state, scan_sources
from generator.model import Document, Edition
from generator.registers import KINDS
from generator.render import (
    ASSETS,
    TEMPLATES,
    builtin_theme_dir,
    theme_assets,
    theme_dirs,
)
from generator.tracking import Fingerprints, digest, object_digest


@dataclass(frozen=True)
class Loaded:
    """The load stage's yield: the edition, and what of the last build still holds for it."""

    edition: Edition
    output_dir: Path
    output_from_settings: bool  # site.yml's `output`, not the caller's: it must stay inside the edition
    folders: list[Path]  # the theme's folders, the edition's own first
    pagefind: Path | None  # the search indexer, when the settings ask for search and it is installed
    settings: str  # the digest of the settings, the theme, the generator and the output folder
    earlier: BuildMemory | None  # the last build's memory, when made with the same settings by the same generator
    last_output: BuildMemory | None  # the same, when its output folder is still as it left it: files it made the same way stand
    memory: BuildMemory  # this build's, which every stage fills in
    fingerprints: Fingerprints
    entry_digests: dict[tuple[str, str], str]  # see fingerprint_entries
    same_registers: bool
    document_digests: dict[str, str]  # see fingerprint_documents
    page_images: dict[str, tuple[PageImage, ...]]
    image_files: dict[str, bytes]  # the page images (and their thumbnails) as files of the site
    asset_files: dict[str, bytes]  # the theme's assets as files of the site
    files_read: tuple[str, ...]  # the documents' files read (those unchanged since the last build are not), see ParseMemo
    parsed: int  # the texts parsed (those the last build parsed are not)


def load(edition_dir: Path, output_dir: Path | None, cache: Path, earlier: BuildMemory | None, diagnostics: Diagnostics, jobs: int | None) -> Loaded | None:
    """The edition read (what the last build made of each unchanged file is reused), or None when it cannot be."""
    code = code_digest()
    if earlier is not None and earlier.code != code:
        earlier = None  # made by another version of the generator
    memo = ParseMemo(earlier.parsed if earlier else None, earlier.read_files if earlier else None)
    edition = read_edition(edition_dir, diagnostics, memo, jobs)
    if edition is None:
        return None
    config = edition.config
    asked_output = output_dir
    output_dir = output_dir if output_dir is not None else edition_dir / config.output
    folders = theme_dirs(edition_dir, config)
    pagefind = search.find_pagefind() if config.search.enabled else None
    # The theme's assets are copied as they are, like the page images: a changed stylesheet is an update, which writes it alone.
    # Each page notes the templates it loads, so that a changed template is an update too (see render.TemplateSources).
    settings = settings_digest(repr(config), tree_digest(folders, leave_out=(ASSETS, TEMPLATES)), code, str(output_dir.resolve()), str(pagefind))
    if earlier is not None and earlier.settings != settings:
        earlier = None  # other settings, theme or generator: everything is made again
    last_output = (
        earlier
        if earlier is not None and earlier.output_dir == str(output_dir.resolve()) and earlier.output_state == output_state(output_dir.resolve())
        else None
    )
    memory = BuildMemory(
        settings=settings, code=code, parsed=memo.now, read_files=memo.files_now, kept_shards=earlier.kept_shards if earlier is not None else {}
    )
    fingerprints = Fingerprints()
    entry_digests, same_registers = fingerprint_entries(edition, earlier.registers if earlier is not None else None, fingerprints)
    document_digests = fingerprint_documents(edition, earlier.documents if earlier is not None else {}, fingerprints, memory.documents)
    page_images, image_files = read_page_images(edition_dir, edition, diagnostics, cache)
    diagnostics.extend(catalogue_problems(config.language, folders))
    return Loaded(
        edition,
        output_dir,
        asked_output is None,
        folders,
        pagefind,
        settings,
        earlier,
        last_output,
        memory,
        fingerprints,
        entry_digests,
        same_registers,
        document_digests,
        page_images,
        image_files,
        theme_assets(folders, diagnostics),
        tuple(memo.files_read),
        memo.parsed_by.total(),
    )


def fingerprint_entries(
    edition: Edition,
    kept: KeptRegisters | None,
    fingerprints: Fingerprints,
) -> tuple[dict[tuple[str, str], str], bool]:
    """Each register entry's digest, by (kind, id), each entry remembered by `fingerprints` with it; and whether
    the registers are the ones the memory's parses gave again, entry for entry (then their digests, names and
    matcher are the last build's)."""
    same = kept is not None and kept.same_entries(edition)
    digests: dict[tuple[str, str], str] = kept.digests if kept is not None and same else {}
    for kind, entries in zip(KINDS, edition.registers, strict=True):
        for entry in entries:
            if not same:
                digests[(kind, entry.id)] = object_digest(entry)
            fingerprints.remember(entry, digests[(kind, entry.id)])
    return digests, same


def fingerprint_documents(
    edition: Edition,
    kept: Mapping[str, tuple[Document, str, str]],
    fingerprints: Fingerprints,
    now: dict[str, tuple[Document, str, str]],
) -> dict[str, str]:
    """Each document's digest, whole, by id. Lists, neighbours and registers show a document's metadata, not its body,
    so `fingerprints` know it by its metadata alone: it leaves them as they are when only its body changes (what
    reads a body notes it, see DocumentBodies). The digests of a document the memory's parse gave again are kept
    ones; `now` gets (document, metadata digest, whole digest) for the next build."""
    digests: dict[str, str] = {}
    for document in edition.documents:
        earlier = kept.get(document.id)
        if earlier is not None and earlier[0] is document:  # the very document the memory's parse gave again
            metadata, whole = earlier[1], earlier[2]
        else:
            metadata = object_digest(replace(document, body=""))
            whole = digest(metadata + digest(document.body))
        now[document.id] = (document, metadata, whole)
        fingerprints.remember(document, metadata)
        digests[document.id] = whole
    return digests


def scan_edition(edition_dir: Path, output_dir: Path | None, strict: bool, thumbnails: Path) -> SourceScan | None:
    """Every file a build reads, and what it is asked for (see unchanged.py)."""
    package = Path(__file__).resolve().parent.parent  # the generator's code
    roots = [edition_dir / "site.yml", edition_dir / "content", edition_dir / "themes", builtin_theme_dir(), package, thumbnails]
    pagefind = search.find_pagefind()
    if pagefind is not None:
        roots.append(pagefind.resolve())
    where = str(output_dir.resolve()) if output_dir is not None else None
    return scan_sources([root.absolute() for root in roots], (str(edition_dir.resolve()), where, strict))


def output_location(edition_dir: Path, loaded: Loaded) -> Location:
    """Where site.yml sets `output` (its value), when the output is site.yml's and is set there in block style."""
    if loaded.output_from_settings:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            lines = (edition_dir / "site.yml").read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines, 1):
                if (setting := re.match(r"output[ \t]*:[ \t]*", line)) is not None:
                    return Location("site.yml", number, setting.end() + 1)
    return Location("site.yml")
