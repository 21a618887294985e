"""The write stage: a new site swapped in whole, or the last one updated file by file; then its search index,
the summary of the sources and the memory for the next build."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from generator import search
from generator.diagnostics import Diagnostics, Location
from generator.exports import TEXT_FILES
from generator.incremental.loading import Loaded, output_location
from generator.incremental.memory import BuildMemory, forget_memory, save_memory
from generator.incremental.rendering import LaterExports, MadeFiles
from generator.incremental.session import BuildSession
from generator.incremental.unchanged import SourceScan, Summary, forget_summary, output_state, save_summary
from generator.output import OutputProblem, file_bytes, remove_stale_temporaries, replacing_warning, update_site, write_site
from generator.progress import StageClock
from generator.tracking import bytes_digest


class WriteReport(Protocol):
    """What the write stage tells its caller (a BuildResult); the search time may come later, with a session's follow-up."""

    pages_written: int
    search_seconds: float


@dataclass(frozen=True)
class ToWrite:
    """The write stage's input."""

    edition_dir: Path
    loaded: Loaded
    made: MadeFiles
    output_check: Callable[[], list[str]]  # see output.check_output_dir
    sources: SourceScan | None  # what the summary of this build describes; None: no summary is kept
    strict: bool
    cache: Path | None  # where the memory is kept; None when the session keeps it
    save_memory: bool
    later_exports: LaterExports | None  # what follows an update's pages, for a session whose caller asked for the pages first
    session: BuildSession | None
    clock: StageClock  # the build's, which times the search index as a stage of its own and shows its parts made


def write(request: ToWrite, diagnostics: Diagnostics, report: WriteReport) -> None:
    """The site written, and the memory kept for the next build (in `request.cache`, unless the session keeps it).
    A problem is reported, and the last site stands."""
    try:
        _write(request, diagnostics, report)
    except OutputProblem as problem:
        diagnostics.error("output-folder", str(problem), output_location(request.edition_dir, request.loaded), problem.hint)
    except search.SearchFailed as problem:
        diagnostics.error("search", str(problem), Location("site.yml"), search.FAILED_HINT)
    except OSError as exc:  # a full disk, a read-only folder, a file where the output folder should be
        where = f" ({exc.filename})" if exc.filename else ""  # (a write to an open file names none)
        diagnostics.error(
            "output",
            f"cannot write the site: {exc.strerror or exc}{where}",
            Location("site.yml"),
            "check that the output folder can be written; the previous site is unchanged",
        )


class _Finishing:
    """What ends a write: the site's search index, and the note of the folder as the build leaves it."""

    def __init__(self, request: ToWrite, report: WriteReport, summary: Summary | None) -> None:
        self.request, self.report, self.summary = request, report, summary
        self.memory: BuildMemory = request.loaded.memory
        self.written = request.loaded.output_dir.resolve()
        self.pagefind = request.loaded.pagefind
        self.finish = self.index_search if self.pagefind is not None else None
        self.folders = (search.BUNDLE_FOLDER,) if self.pagefind is not None else ()

    def index_search(self, folder: Path, set_aside: Path | None = None) -> None:
        begun = time.perf_counter()
        pages = self.request.loaded.edition.config.search.pages
        assert self.pagefind is not None
        loaded, clock = self.request.loaded, self.request.clock
        with clock("search"):
            if parts := search.search_parts(loaded.edition.documents, loaded.edition.config.search):
                # (the digests of every file the folder holds: the last build's, and this build's for what it made)
                site_digests = {**(loaded.last_output.files if loaded.last_output is not None else {}), **self.request.made.digests}
                # (without a folder to set aside into, `folder` is a new one that no reader is served yet: see output.update_site)
                search.index_site_in_parts(folder, self.pagefind, parts, site_digests, set_aside, on_part=clock.step, private=set_aside is None)
            elif (folder / search.BUNDLE_FOLDER).exists():  # the site's, or a copy of it (see update_site)
                search.reindex_site(folder, self.pagefind, pages, set_aside)
            else:
                search.index_site(folder, self.pagefind, pages=pages)
        self.report.search_seconds = time.perf_counter() - begun

    def note_output_state(self, done: bool = True) -> None:
        # The folder as this build leaves it; its search index, renamed into place, changes it too.
        # The summary waits for what follows the pages: until then, the output is not all made.
        self.memory.output_state = output_state(self.written)
        if self.summary is not None and done:
            save_summary(self.request.edition_dir, replace(self.summary, output_state=self.memory.output_state))


def _write(request: ToWrite, diagnostics: Diagnostics, report: WriteReport) -> None:
    loaded, made, session = request.loaded, request.made, request.session
    output_dir, memory = loaded.output_dir, loaded.memory
    replaced = request.output_check()
    if replaced:  # (before the verdict: with --strict, this warning too keeps the folder as it is)
        diagnostics.warning("output", replacing_warning(output_dir, replaced), output_location(request.edition_dir, loaded))
    if made.staging is None:  # (the staging folder did this when it was made)
        # Even a failing build puts back a site that a killed build left half swapped.
        remove_stale_temporaries(output_dir.resolve())
    if diagnostics.failed(strict=request.strict):
        return
    if request.sources is not None:
        forget_summary(request.edition_dir)  # until this write is done, the summary does not describe the output
    if request.cache is not None:
        forget_memory(request.cache)  # likewise the memory
    edition = loaded.edition
    summary = (
        Summary(request.sources, output_dir.resolve(), "", tuple(diagnostics.items), len(edition.documents), len(edition.persons), len(edition.organizations))
        if request.sources is not None
        else None
    )
    finishing = _Finishing(request, report, summary)
    if made.staging is not None:
        if made.problems:
            raise made.problems[0]
        report.pages_written = made.staging.publish(finishing.finish)
        memory.files = made.digests
    elif loaded.last_output is not None:
        _update(request, finishing, loaded.last_output)
    else:
        report.pages_written = write_site(output_dir, sorted(made.files.items()), finishing.finish)
        memory.files = made.digests
    memory.output_dir = str(finishing.written)
    finishing.note_output_state(done=session is None or session.follow_up is None)
    if request.cache is not None and request.save_memory:
        save_memory(request.cache, memory)
    memory.kept_shards = {}  # the shards as read hold the last build's objects: a caller that keeps the memory saves none
    if session is not None:
        session.memory = memory


def _update(request: ToWrite, finishing: _Finishing, last_output: BuildMemory) -> None:
    """Only what changed is written; the files that hold every text and the search index follow the pages."""
    made, memory, session, later_exports = request.made, request.loaded.memory, request.session, request.later_exports
    files, digests, standing = made.files, made.digests, made.standing
    deferred = TEXT_FILES if later_exports else ()
    changed = [(path, data) for path, data in sorted(files.items()) if last_output.files.get(path) != digests[path]]
    gone = sorted(set(last_output.files) - set(files) - set(standing) - set(deferred))
    finish = finishing.finish
    # The search index is made again within the update, so that both are made, or neither; unless the
    # caller asked for the pages first: then it follows with the files that hold every text, in an update of its own.
    follows = bool(session is not None and session.pages_first and (later_exports or (finish is not None and (changed or gone))))
    finishing.report.pages_written = update_site(
        request.loaded.output_dir,
        changed,
        gone,
        len(digests) + len(standing),
        finish=None if follows or not (changed or gone) else finish,
        finish_folders=finishing.folders,
    )
    memory.files = {**{path: last_output.files[path] for path in [*standing, *deferred] if path in last_output.files}, **digests}
    if follows:

        def follow_up() -> None:
            memory.output_state = ""  # until it is done: a follow-up cut short makes the next build a full one
            _what_follows(request, finishing, last_output, bool(changed or gone))
            finishing.note_output_state()

        assert session is not None  # (what follows the pages is left to a session's caller alone)
        session.follow_up = follow_up


def _what_follows(request: ToWrite, finishing: _Finishing, last_output: BuildMemory, site_changed: bool) -> None:
    """The files that hold every text, and the search index, written after an update's pages."""
    memory = request.loaded.memory
    made_later = {path: file_bytes(text) for make in request.later_exports or () for path, text in make()}
    made_digests = {path: bytes_digest(data) for path, data in made_later.items()}
    fresh = [(path, data) for path, data in made_later.items() if last_output.files.get(path) != made_digests[path]]
    if fresh or (finishing.finish is not None and site_changed):
        update_site(request.loaded.output_dir, fresh, [], len(memory.files), finish=finishing.finish, finish_folders=finishing.folders)
    memory.files.update(made_digests)
