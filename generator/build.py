"""The build: one ordered list of stages, load -> annotate -> index -> render -> write."""

from __future__ import annotations

import functools
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ParamSpec, TypeVar

from generator import search
from generator.diagnostics import Diagnostics, Location
from generator.exports.tei import CMIF_NEEDS_BASE_URL, letters
from generator.facsimiles import PageImage
from generator.incremental.annotating import annotate
from generator.incremental.indexing import index_edition
from generator.incremental.loading import Loaded, load, output_location, scan_edition
from generator.incremental.memory import read_memory
from generator.incremental.rendering import MadeFiles, make_exports, make_pages, prepare_rendering
from generator.incremental.session import BuildSession
from generator.incremental.unchanged import Summary, read_summary
from generator.incremental.writing import ToWrite, write
from generator.index import EditionIndex
from generator.model import Edition
from generator.output import OutputProblem, StagingFolder, check_output_dir
from generator.progress import Progress, StageClock
from generator.render import TemplateProblem
from generator.versions import VersionText

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class WorkDone:
    """What a build did rather than reuse from the last one: a rebuild after a small change should do little."""

    files_read: tuple[str, ...] = ()  # the documents' files read, by their paths in the edition
    parsed: int = 0  # source texts parsed (documents, pages, register entries)
    annotated: tuple[str, ...] = ()  # the documents whose main text was annotated, by id
    planned: tuple[str, ...] = ()  # the output paths of the pages planned to be made with a template
    rendered: tuple[str, ...] = ()  # those made


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    edition: Edition | None = None
    output_dir: Path | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # what a build that does not write made (one that writes streams it)
    pages_written: int = 0
    seconds: float = 0.0
    # Every version of each document that has more than one (main text first) and its page images, for exports.
    versions: dict[str, tuple[VersionText, ...]] = field(default_factory=dict)
    page_images: dict[str, tuple[PageImage, ...]] = field(default_factory=dict)
    search_seconds: float = 0.0  # of `seconds`, what the search index took (it follows the pages)
    stage_seconds: dict[str, float] = field(default_factory=dict)  # each stage's time, in the order they ran
    unchanged: bool = False  # nothing changed since the last build: its output stands, and the edition was not read
    document_count: int = 0  # what the last build counted, when unchanged
    person_count: int = 0
    organization_count: int = 0
    notes: list[str] = field(default_factory=list)  # what the editor should know of an edition that has no problem
    work: WorkDone = field(default_factory=WorkDone)  # what the build did rather than reuse

    @property
    def documents(self) -> int:
        return len(self.edition.documents) if self.edition else self.document_count

    @property
    def persons(self) -> int:
        return len(self.edition.persons) if self.edition else self.person_count

    @property
    def organizations(self) -> int:
        return len(self.edition.organizations) if self.edition else self.organization_count


def _collector_resting(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` with the cyclic garbage collector at rest.

    A build makes millions of objects that live until it ends (and a rebuild loads as many from
    its memory); the collector would walk all of them again and again, for two thirds of the
    time of a small rebuild, and find next to nothing: reference counting frees what the build drops.
    """

    @functools.wraps(function)
    def run(*arguments: P.args, **options: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*arguments, **options)
        finally:
            if enabled:
                gc.enable()

    return run


@dataclass(frozen=True)
class BuildOptions:
    """What the caller asks of a build."""

    output_dir: Path | None = None  # default: site.yml's `output`, inside the edition
    write: bool = True  # False: make the site in memory (BuildResult.files) and write nothing (`edition check`)
    strict: bool = False  # warnings fail the build
    progress: Progress | None = None
    cache_dir: Path | None = None  # where thumbnails and the build memory are kept between builds; default <edition>/.edition-cache
    jobs: int | None = None  # worker processes; default one for each core
    use_cache: bool = True  # False: neither reuse nor keep what the last build made
    force: bool = False  # replace an output folder this generator did not write (see output.check_output_dir)


@_collector_resting
def build(edition_dir: Path, options: BuildOptions | None = None, session: BuildSession | None = None) -> BuildResult:
    """The edition built as `options` ask: load -> annotate -> index -> render (pages, exports) -> write.

    A long-running caller (the preview server) passes its `session`, which keeps the last build's memory in the
    process and, with `session.pages_first`, leaves what follows an update's pages (the files that hold every
    text, exports.TEXT_FILES, then the search index) to `session.follow_up`."""
    options = options or BuildOptions()
    started = time.perf_counter()
    result = BuildResult(Diagnostics())
    diagnostics, clock = result.diagnostics, StageClock(options.progress)
    result.stage_seconds = clock.seconds
    if session is not None:
        session.follow_up = None  # (a follow-up belongs to the build that left it)

    # nothing changed since the last build: its output stands
    cache = options.cache_dir or edition_dir / ".edition-cache"
    remembering = options.write and options.use_cache
    sources = scan_edition(edition_dir, options.output_dir, options.strict, cache / "thumbnails") if remembering else None
    last_summary = read_summary(edition_dir)
    if sources is not None and last_summary is not None and last_summary.still_current(sources):
        _stands(result, last_summary, started)
        return result

    kept_in_process = session is not None and session.memory is not None
    earlier = (session.memory if session is not None and kept_in_process else read_memory(cache)) if remembering else None
    with clock("load"):
        loaded = load(edition_dir, options.output_dir, cache, earlier, diagnostics, options.jobs)
    if loaded is None:
        return result
    result.edition, result.output_dir = loaded.edition, loaded.output_dir
    # Sites of earlier versions hold no marker: the one the edition's last build wrote is its own all the same.
    known_outputs = [Path(kept.output_dir) for kept in (earlier, last_summary) if kept is not None and kept.output_dir]
    output_check = functools.partial(
        check_output_dir,
        edition_dir,
        loaded.output_dir,
        cache_dir=cache,
        known_outputs=known_outputs,
        inside_edition=loaded.output_from_settings,
        force=options.force,
    )
    if not options.write:
        try:
            output_check()  # `check` refuses what `build` would
        except OutputProblem as problem:
            diagnostics.error("output-folder", str(problem), output_location(edition_dir, loaded), problem.hint)

    with clock("annotate"):
        texts = annotate(loaded, options.jobs, diagnostics, _counting(clock, len(loaded.edition.documents)))
    result.versions, result.page_images = texts.versions, loaded.page_images

    with clock("index"):
        index = index_edition(loaded, texts, diagnostics)
    edition = _as_built(loaded, index, result)

    # render: templates see the index and the edition through proxies that note what each page reads
    rendering = prepare_rendering(loaded, texts, index, edition, options.jobs)
    staging = _staging(loaded, output_check) if options.write and loaded.last_output is None else None
    try:
        made = MadeFiles(staging)
        try:
            with clock("pages"):
                made.standing += make_pages(rendering, made, _counting(clock, len(edition.documents)))
                for path, data in [*loaded.image_files.items(), *loaded.asset_files.items()]:
                    made.emit(path, data)
        except TemplateProblem as problem:
            diagnostics.items.append(problem.diagnostic)
            return result
        with clock("exports"):
            pages_first = session is not None and session.pages_first and loaded.last_output is not None
            later_exports = make_exports(rendering, made, later=pages_first, on_document=_counting(clock, len(edition.documents)))
        result.files = made.files
        result.work = WorkDone(loaded.files_read, loaded.parsed, texts.annotated_now, tuple(made.planned), tuple(made.rendered))

        if options.write:
            cache_kept = None if kept_in_process else cache  # (a session's memory is kept in its process)
            to_write = ToWrite(edition_dir, loaded, made, output_check, sources, options.strict, cache_kept, options.use_cache, later_exports, session, clock)
            with clock("write"):  # (the search index, made within it before the swap, is timed as a stage of its own)
                write(to_write, diagnostics, result)
    finally:
        if staging is not None:
            staging.discard()
    result.seconds = time.perf_counter() - started
    return result


def _stands(result: BuildResult, summary: Summary, started: float) -> None:
    """The result of a build that finds its output standing: nothing it reads changed since the last build."""
    result.diagnostics.extend(summary.diagnostics)
    result.output_dir, result.unchanged = summary.output_dir, True
    result.document_count, result.person_count, result.organization_count = summary.documents, summary.persons, summary.organizations
    result.seconds = time.perf_counter() - started


def _as_built(loaded: Loaded, index: EditionIndex, result: BuildResult) -> Edition:
    """The edition as the site is made of it, and what the editor is told of it besides problems."""
    edition, config = loaded.edition, loaded.edition.config
    # CMIF points at each letter by its absolute address: without base_url there is no cmif.xml, and the editor is told
    # why, in a note rather than a warning, since an edition without an address is no mistake (--strict passes it).
    if not config.base_url and letters(index):
        result.notes.append(f"site.yml: note: {CMIF_NEEDS_BASE_URL}\n    hint: add base_url: https://... (the site's address) to site.yml")
    # search: without the Pagefind binary the site is built as if search were turned off
    if config.search.enabled and loaded.pagefind is None:
        result.diagnostics.warning("search", search.MISSING_BINARY, Location("site.yml"), search.MISSING_BINARY_HINT)
        config = replace(config, search=replace(config.search, enabled=False))
        edition = replace(edition, config=config)
    return edition


def _staging(loaded: Loaded, output_check: Callable[[], list[str]]) -> StagingFolder | None:
    """A full build writes each file into a new folder as soon as it is made, so that the site is never held in
    memory whole (an update of the last build's output collects the files it makes)."""
    try:
        output_check()
        return StagingFolder(loaded.output_dir)
    except (OutputProblem, OSError):
        return None  # the write stage reports it


def _counting(clock: StageClock, total: int) -> Callable[[], None]:
    """What to call on each document's text annotated, page made or exports made: it tells the clock's progress how many
    are done."""
    done = 0

    def on_page() -> None:
        nonlocal done
        done += 1
        clock.step(min(done, total), total)

    return on_page
