"""Full-text search: Pagefind indexes the written site as the last step of the build.

Pagefind reads the finished HTML, so the theme decides what is searched: the document
article carries `data-pagefind-body` (only such pages are indexed), its navigation and
apparatus `data-pagefind-ignore`, and its metadata `data-pagefind-filter`/`-meta`. The binary
comes from the `pagefind[bin]` package (or `PAGEFIND_BINARY_PATH`, or one on PATH); without it
the site is built without search and the build says so.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.config import SearchConfig
from generator.index import EditionIndex
from generator.model import AGENT_KINDS
from generator.parallel import end_with_parent
from generator.render import Renderer

BUNDLE_FOLDER = "pagefind"
SEARCH_PAGE = "search/index.html"
# Note calls are letters and numbers set in the text: indexed, they would split words and fill excerpts.
NOT_SEARCHED = ".note-ref"
MISSING_BINARY = "the Pagefind binary is not installed, so the site is built without search; install it with: pip install 'pagefind[bin]'"
MISSING_BINARY_HINT = "or turn search off in site.yml with 'search: {enabled: false}'"
PAGEFIND_ALLOCATOR = "dirty_decay_ms:0,muzzy_decay_ms:0"  # unless the environment says otherwise
FAILED_HINT = "the previous site is unchanged; run the same build with a working Pagefind, or turn search off in site.yml"
MEMORY_HINT = "close other programs and build again, or build on a machine with more memory"


class SearchFailed(Exception):
    """Pagefind ran and failed: the build fails, so that no site goes out with a broken search page."""


def find_pagefind() -> Path | None:
    """The Pagefind executable, or None when there is none on this machine."""
    try:
        from pagefind.service import get_executable  # the Python wrapper knows where pagefind[bin] put it
    except ImportError:
        found = shutil.which("pagefind_extended") or shutil.which("pagefind")
        return Path(found) if found else None
    try:
        executable = get_executable()
    except FileNotFoundError:
        return None
    return executable if executable is not None and executable.is_file() else None


def render_search_page(renderer: Renderer) -> tuple[str, str]:
    return renderer.render("search.html", SEARCH_PAGE, facets=search_facets(renderer.context.index))


def reindex_site(site_dir: Path, executable: Path, pages: str = SearchConfig.pages, set_aside: Path | None = None) -> None:
    """Index a published site again (after an update of some pages); the new bundle replaces the old one whole.

    With `set_aside` (the folder of an update that may yet be undone, see output.update_site), the new bundle is made
    there, so that an indexer cut short leaves nothing in the site, and the old one is moved there rather than removed."""
    if set_aside is not None:
        fresh, retired = set_aside / f"{BUNDLE_FOLDER}.new", set_aside / BUNDLE_FOLDER
    else:
        fresh, retired = site_dir / f"{BUNDLE_FOLDER}.new", site_dir / f"{BUNDLE_FOLDER}.old"
    for leftover in (fresh, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    index_site(site_dir, executable, str(fresh) if set_aside is not None else fresh.name, pages)
    if (site_dir / BUNDLE_FOLDER).exists():
        (site_dir / BUNDLE_FOLDER).rename(retired)
    fresh.rename(site_dir / BUNDLE_FOLDER)
    if set_aside is None:
        shutil.rmtree(retired, ignore_errors=True)


def index_site(site_dir: Path, executable: Path, folder: str = BUNDLE_FOLDER, pages: str = SearchConfig.pages) -> None:
    """Write the Pagefind bundle of the `pages` (a glob) into `site_dir`/`folder` (or `folder`, when absolute); raise
    SearchFailed if Pagefind fails."""
    where = ["--output-path", folder] if Path(folder).is_absolute() else ["--output-subdir", folder]
    command = [str(executable), "--site", str(site_dir), *where, "--silent", "--exclude-selectors", NOT_SEARCHED, "--glob", pages]
    try:
        # (ended with the build: killed, it would go on writing into the bundle an update undoes, see output.update_site)
        finished = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, env=pagefind_environment(), preexec_fn=end_with_parent)
    except (OSError, subprocess.TimeoutExpired) as problem:
        raise SearchFailed(f"Pagefind could not index the site: {problem}") from None
    if finished.returncode == -signal.SIGKILL:
        # What the kernel does to the largest process when memory runs out: at 100,000 documents Pagefind holds some 14 GB.
        raise SearchFailed(
            "Pagefind could not index the site: it was stopped by the system, most likely for lack of memory "
            f"(it needs about 1.4 GB for 10,000 documents, 14 GB for 100,000); {MEMORY_HINT}"
        )
    if finished.returncode != 0:
        said = (finished.stderr or finished.stdout).strip() or f"exit status {finished.returncode}"
        raise SearchFailed(f"Pagefind could not index the site: {said}")
    _check_bundle(Path(folder) if Path(folder).is_absolute() else site_dir / folder)


def _check_bundle(bundle: Path) -> None:
    """SearchFailed unless the bundle's entry file is whole: Pagefind can end with success on a full disk, its files empty."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        complete = isinstance(entry, dict) and isinstance(entry.get("languages"), dict)
    except (OSError, ValueError):
        complete = False
    if not complete or any(file.stat().st_size == 0 for file in bundle.iterdir() if file.is_file()):
        raise SearchFailed("Pagefind could not index the site: its bundle was written incomplete (is the disk full?)")


def pagefind_environment() -> dict[str, str]:
    """Ours, with Pagefind's allocator (jemalloc, which reads `_RJEM_MALLOC_CONF`) told to give freed memory back at once.

    By default it keeps freed pages for seconds, which Pagefind, freeing as it builds its index,
    turns into a peak some 300 MB higher at 10,000 documents (1.6 GB instead of 1.9 GB), for the same time.
    """
    return {"_RJEM_MALLOC_CONF": PAGEFIND_ALLOCATOR, **os.environ}


@dataclass(frozen=True)
class Facet:
    """One filter of the search page: the Pagefind filter name and the values documents have."""

    name: str
    label: str
    values: tuple[str, ...]


def search_facets(index: EditionIndex) -> tuple[Facet, ...]:
    """The filters the document pages declare (see search-data.html), with their values sorted."""
    documents = index.documents

    def names(*fields: str, kinds: tuple[str, ...] = ("person",)) -> tuple[str, ...]:
        ids = {entry_id for d in documents for field in fields for entry_id in getattr(d, field)}
        return tuple(e.name for kind in kinds for e in index.entries(kind) if e.id in ids)  # register (sort-name) order

    facets = (
        Facet("type", "Type", tuple(sorted({d.type for d in documents if d.type}, key=str.casefold))),
        Facet("year", "Year", tuple(sorted({str(d.date.year) for d in documents}))),
        # The months, when every document is of one year (values 1958-03, named by the template).
        Facet("month", "Month", tuple(sorted({d.date.iso[:7] for d in documents if d.date.month})) if len({d.date.year for d in documents}) == 1 else ()),
        Facet("author", "From", names("authors", kinds=AGENT_KINDS)),
        Facet("recipient", "To", names("recipients", kinds=AGENT_KINDS)),
        Facet("person", "Person", names("authors", "recipients", "persons")),
        Facet("organization", "Organisation", names("authors", "recipients", "organizations", kinds=("organization",))),
    )
    return tuple(f for f in facets if f.values)
