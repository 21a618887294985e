"""Full-text search: Pagefind indexes the written site as the last step of the build.

Pagefind reads the finished HTML, so the theme decides what is searched: the document
article carries `data-pagefind-body` (only such pages are indexed), its navigation and
apparatus `data-pagefind-ignore`, and its metadata `data-pagefind-filter`/`-meta`. The binary
comes from the `pagefind[bin]` package (or `PAGEFIND_BINARY_PATH`, or one on PATH); without it
the site is built without search and the build says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import xxhash

from generator import paths
from generator.config import SearchConfig
from generator.index import EditionIndex
from generator.model import AGENT_KINDS, Document
from generator.parallel import end_with_parent
from generator.render import Renderer

BUNDLE_FOLDER = paths.SEARCH_BUNDLE
SEARCH_PAGE = paths.SEARCH
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
    config = renderer.context.edition.config.search
    parts = tuple(f"{BUNDLE_FOLDER}/{part.name}/pagefind.js" for part in search_parts(renderer.context.index.documents, config))
    return renderer.render("search.html", SEARCH_PAGE, facets=search_facets(renderer.context.index), parts=parts)


@dataclass(frozen=True)
class SearchPart:
    """A part of a large edition's search index: the documents of a span of dates, in a bundle of its own."""

    name: str  # its folder in the bundle, named for the first year, month or run of its documents
    document_ids: tuple[str, ...]


def search_parts(documents: Sequence[Document], config: SearchConfig) -> tuple[SearchPart, ...]:
    """The parts of the search index, in date order; none (one bundle for all) for an edition of one part.

    Parts follow the dates, so the search page sorts by date by putting parts side by side. A part holds
    whole years while they fit, else whole months, else runs of a month's documents, packed while they fit:
    a change moves the boundaries of its neighbourhood, not those of the whole edition."""
    if len(documents) <= config.part_size or config.pages != SearchConfig.pages:
        return ()
    ordered = sorted(documents, key=lambda document: (document.date.iso, document.id))
    runs: list[tuple[str, list[Document]]] = []
    for year, of_year in _grouped(ordered, lambda document: document.date.iso[:4]).items():
        if len(of_year) <= config.part_size:
            runs.append((year, of_year))
            continue
        for month, of_month in _grouped(of_year, lambda document: document.date.iso[:7]).items():
            for start in range(0, len(of_month), config.part_size):
                runs.append((month if start == 0 else f"{month}-{start // config.part_size + 1}", of_month[start : start + config.part_size]))
    parts: list[tuple[str, list[Document]]] = []
    for name, run in runs:
        if parts and len(parts[-1][1]) + len(run) <= config.part_size:
            parts[-1][1].extend(run)
        else:
            parts.append((name, list(run)))
    return tuple(SearchPart(name, tuple(document.id for document in run)) for name, run in parts)


def _grouped(documents: Iterable[Document], key: Callable[[Document], str]) -> dict[str, list[Document]]:
    groups: dict[str, list[Document]] = {}
    for document in documents:
        groups.setdefault(key(document), []).append(document)
    return groups


PARTS_FILE = "parts.json"  # in a bundle made in parts: each part's name, page count and the digest of its pages


def index_site_in_parts(
    site_dir: Path,
    executable: Path,
    parts: Sequence[SearchPart],
    page_digests: Mapping[str, str],
    set_aside: Path | None = None,
    jobs: int | None = None,
    on_part: Callable[[int, int], None] | None = None,
    private: bool = False,
) -> int:
    """Write the search bundle as one Pagefind bundle per part, in `site_dir`/pagefind/<part>/; returns the parts indexed.

    A part whose pages (by the digests of the site's files in `page_digests`) are those of the bundle in place is
    taken over from it by hard links; the others are indexed, `jobs` at a time, and `on_part` is told how many of
    them are done as each ends. As `reindex_site`, the new bundle replaces the old one whole, made in (and the old
    one moved to) `set_aside` when given.

    Pagefind finds a part's pages by walking the folder it is given. Given the whole site, each part walked every
    document's folder, and at 100,000 documents the walks were most of the search index's system time. So in a
    `private` folder (one no reader is served yet: a build's new folder, or the copy an update makes) a part's
    document folders are moved into a folder of the part's own while Pagefind indexes it, and moved back after.
    On a site in use the part is found with a glob, in place."""
    bundle = site_dir / BUNDLE_FOLDER
    fresh = (set_aside if set_aside is not None else site_dir) / f"{BUNDLE_FOLDER}.new"
    retired = set_aside / BUNDLE_FOLDER if set_aside is not None else site_dir / f"{BUNDLE_FOLDER}.old"
    for leftover in (fresh, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    fresh.mkdir()
    standing = read_parts_file(bundle)
    pages_by_document: dict[str, list[str]] = {}
    for path in page_digests:
        folder, _, rest = path.partition("/")
        if folder == "documents" and path.endswith(".html") and os.path.isfile(site_dir / path):  # (not a page an update removed)
            pages_by_document.setdefault(rest.partition("/")[0], []).append(path)
    described: list[dict[str, object]] = []
    to_index: list[SearchPart] = []
    for part in parts:
        pages = sorted(page for document_id in part.document_ids for page in pages_by_document.get(document_id, ()))
        pages_digest = xxhash.xxh3_128_hexdigest("\n".join(f"{page} {page_digests[page]}" for page in pages).encode("utf-8"))
        described.append({"name": part.name, "pages": len(pages), "digest": pages_digest})
        if standing.get(part.name) == pages_digest and (bundle / part.name / "pagefind-entry.json").is_file():
            shutil.copytree(bundle / part.name, fresh / part.name, copy_function=os.link)
        else:
            to_index.append(part)

    def index_part(part: SearchPart) -> None:
        if private:
            index_part_apart(site_dir, executable, part, fresh / part.name)
            return
        pattern = f"documents/{{{','.join(part.document_ids)}}}/**/*.html" if len(part.document_ids) > 1 else f"documents/{part.document_ids[0]}/**/*.html"
        index_site(site_dir, executable, str(fresh / part.name), pattern)

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs or min(2, os.cpu_count() or 1))) as pool:
            if on_part is not None:
                on_part(0, len(to_index))
            for done, _ in enumerate(pool.map(index_part, to_index), 1):  # (a failure is raised here, once the parts under way end)
                if on_part is not None:
                    on_part(done, len(to_index))
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    (fresh / PARTS_FILE).write_text(json.dumps({"parts": described}, indent=1) + "\n", encoding="utf-8")
    if bundle.exists():
        bundle.rename(retired)
    fresh.rename(bundle)
    if set_aside is None:
        shutil.rmtree(retired, ignore_errors=True)
    return len(to_index)


PART_FOLDER_PREFIX = ".search-part-"  # in the site's folder while a part is indexed (see index_site_in_parts)


def index_part_apart(site_dir: Path, executable: Path, part: SearchPart, bundle: Path) -> None:
    """Index `part` into `bundle` from a folder of its own in `site_dir`, its document folders moved there and back."""
    root = site_dir / f"{PART_FOLDER_PREFIX}{part.name}"
    documents = site_dir / "documents"
    (root / "documents").mkdir(parents=True)
    moved: list[str] = []
    try:
        for document_id in part.document_ids:
            with contextlib.suppress(FileNotFoundError):  # (a document without a page of its own)
                os.rename(documents / document_id, root / "documents" / document_id)
                moved.append(document_id)
        index_site(root, executable, str(bundle), "documents/**/*.html")
    finally:
        for document_id in moved:
            os.rename(root / "documents" / document_id, documents / document_id)
        with contextlib.suppress(OSError):  # (empty by now; were it not, nothing in it is removed)
            (root / "documents").rmdir()
            root.rmdir()


def read_parts_file(bundle: Path) -> dict[str, str]:
    """The digest of each part's pages in a bundle made in parts, by part name; nothing for another bundle or none."""
    try:
        described = json.loads((bundle / PARTS_FILE).read_text(encoding="utf-8"))
        return {str(part["name"]): str(part["digest"]) for part in described["parts"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


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
