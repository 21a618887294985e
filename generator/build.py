"""The build: one ordered list of stages, load -> annotate -> index -> render -> write."""

from __future__ import annotations

import contextlib
import functools
import gc
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import ParamSpec, TypeVar

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from generator import browse, search
from generator.annotate import AnnotatedText
from generator.config import SiteConfig
from generator.content import ParseMemo, read_edition
from generator.diagnostics import Diagnostic, Diagnostics, Location
from generator.exports import TEXT_FILES, ExportMemory, render_exports, template_globals
from generator.exports.tei import CMIF_NEEDS_BASE_URL, KnownEntries, XmlIds, letters
from generator.exports.text import TextExports
from generator.facsimiles import PageImage, read_page_images
from generator.i18n import catalogue_problems, load_translations, text_labels
from generator.index import Appearance, EditionIndex, IndexParts, index_sources, index_with_parts
from generator.markup import create_parser
from generator.markup.crossrefs import crossrefs_plugin, unknown_document_links
from generator.markup.links import link_scheme_plugin, unsafe_link_warnings
from generator.memory import (
    BuildMemory,
    IndexDigests,
    KeptAnnotation,
    KeptIndex,
    KeptRegisters,
    code_digest,
    forget_memory,
    read_memory,
    save_memory,
    settings_digest,
    tree_digest,
)
from generator.model import Document, Edition
from generator.output import (
    OutputProblem,
    StagingFolder,
    Written,
    check_output_dir,
    remove_stale_temporaries,
    replacing_warning,
    update_site,
    write_site,
)
from generator.parallel_stages import PageTask, PlanningRenderer, annotate_documents, render_pages
from generator.progress import Progress, StageClock
from generator.registers import NameMatcher, automatic_match_counts, build_matcher, merge_near_misses
from generator.render import (
    ASSETS,
    TEMPLATE_READS,
    TEMPLATES,
    PageContext,
    Renderer,
    TemplateProblem,
    TemplateSources,
    builtin_theme_dir,
    create_environment,
    render_apparatus_pages,
    render_document_page,
    render_register_pages,
    render_sitemap,
    theme_assets,
    theme_dirs,
)
from generator.tracking import DocumentBodies, Fingerprints, Made, ReadLog, ReadResults, WholeFiles, bytes_digest, digest, object_digest, tracked
from generator.unchanged import SourceScan, Summary, forget_summary, output_state, read_summary, save_summary, scan_sources
from generator.versions import VersionText, annotate_versions, mentions_with_versions
from generator.yamlfile import ScalarSource

P = ParamSpec("P")
R = TypeVar("R")


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
    memory: BuildMemory | None = None  # what the next build may reuse, when this one wrote the site
    follow_up: Callable[[], None] | None = None  # what follows an update's pages, left to the caller (see build's pages_first)
    search_seconds: float = 0.0  # of `seconds`, what the search index took (it follows the pages)
    stage_seconds: dict[str, float] = field(default_factory=dict)  # each stage's time, in the order they ran
    unchanged: bool = False  # nothing changed since the last build: its output stands, and the edition was not read
    document_count: int = 0  # what the last build counted, when unchanged
    person_count: int = 0
    notes: list[str] = field(default_factory=list)  # what the editor should know of an edition that has no problem

    @property
    def documents(self) -> int:
        return len(self.edition.documents) if self.edition else self.document_count

    @property
    def persons(self) -> int:
        return len(self.edition.persons) if self.edition else self.person_count


def prose_parser(allow_html: bool) -> MarkdownIt:
    """Markdown for the editor's own prose (pages, introduction): no editorial brackets there."""
    return MarkdownIt("commonmark", {"html": allow_html}).enable(["table", "strikethrough"]).use(footnote_plugin).use(link_scheme_plugin).use(crossrefs_plugin)


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


@_collector_resting
def build(
    edition_dir: Path,
    output_dir: Path | None = None,
    *,
    write: bool = True,
    strict: bool = False,
    progress: Progress | None = None,
    cache_dir: Path | None = None,  # where thumbnails are kept between builds; default <edition>/.edition-cache
    jobs: int | None = None,
    use_cache: bool = True,
    previous: BuildMemory | None = None,  # the last build's memory, kept by a long-running caller (the preview server)
    # An update writes its pages and leaves what follows them (the files that hold every text, exports.TEXT_FILES,
    # then the search index) to `result.follow_up`, for the caller to run before its next build.
    pages_first: bool = False,
    force: bool = False,  # replace an output folder this generator did not write (see output.check_output_dir)
) -> BuildResult:
    started = time.perf_counter()
    diagnostics = Diagnostics()
    result = BuildResult(diagnostics)
    clock = StageClock(progress)
    result.stage_seconds = clock.seconds

    # nothing changed since the last build: its output stands
    cache = cache_dir or edition_dir / ".edition-cache"
    sources = _scan_sources(edition_dir, output_dir, strict, cache / "thumbnails") if write and use_cache else None
    last_summary = read_summary(edition_dir)
    if sources is not None and (summary := last_summary) and summary.still_current(sources):
        diagnostics.extend(summary.diagnostics)
        result.output_dir, result.unchanged = summary.output_dir, True
        result.document_count, result.person_count = summary.documents, summary.persons
        result.seconds = time.perf_counter() - started
        return result

    kept_in_process = previous is not None
    earlier = (previous if kept_in_process else read_memory(cache)) if write and use_cache else None
    with clock("load"):
        loaded = _load(edition_dir, output_dir, cache, earlier, diagnostics, jobs)
    if loaded is None:
        return result
    edition, config, output_dir, memory = loaded.edition, loaded.edition.config, loaded.output_dir, loaded.memory
    result.edition, result.output_dir = edition, output_dir
    # Sites of earlier versions hold no marker: the one the edition's last build wrote is its own all the same.
    known_outputs = [Path(kept.output_dir) for kept in (earlier, last_summary) if kept is not None and kept.output_dir]
    output_check = functools.partial(
        check_output_dir, edition_dir, output_dir, cache_dir=cache, known_outputs=known_outputs, inside_edition=loaded.output_from_settings, force=force
    )
    if not write:
        try:
            output_check()  # `check` refuses what `build` would
        except OutputProblem as problem:
            diagnostics.error("output-folder", str(problem), _output_location(edition_dir, loaded), problem.hint)
    with clock("annotate"):
        texts = _annotate(loaded, jobs, diagnostics)
    result.versions, result.page_images = texts.versions, loaded.page_images

    with clock("index"):
        kept_index = loaded.earlier.index if loaded.earlier is not None else None
        links = {document_id: text.document_links for document_id, text in texts.annotated.items() if text.document_links}
        index, index_parts = index_with_parts(
            edition, diagnostics, mentions_with_versions(texts.annotated, texts.versions), kept_index.parts if kept_index else None, links
        )
        memory.index = _register_index_parts(index, index_parts, loaded.fingerprints, kept_index)

    # CMIF points at each letter by its absolute address: without base_url there is no cmif.xml, and the editor is told
    # why, in a note rather than a warning, since an edition without an address is no mistake (--strict passes it).
    if not config.base_url and letters(index):
        result.notes.append(f"site.yml: note: {CMIF_NEEDS_BASE_URL}\n    hint: add base_url: https://... (the site's address) to site.yml")

    # search: without the Pagefind binary the site is built as if search were turned off
    if config.search.enabled and loaded.pagefind is None:
        diagnostics.warning("search", search.MISSING_BINARY, Location("site.yml"), search.MISSING_BINARY_HINT)
        config = replace(config, search=replace(config.search, enabled=False))
        edition = replace(edition, config=config)

    # render: templates see the index and the edition through proxies that note what each page reads
    log = ReadLog()
    tracked_context = PageContext(site=config, index=tracked(index, "index", log), edition=tracked(edition, "edition", log))
    renderer = Renderer(create_environment(loaded.folders, config.language, log), tracked_context, loaded.folders)
    browse.install_filters(renderer.environment)
    loaded.fingerprints.register(config, loaded.settings)  # (a change of settings makes everything again)
    # The index and the edition as a whole, by fingerprint (documents by their metadata: bodies are read as "bodies").
    last_output = loaded.last_output
    read_results = ReadResults(loaded.fingerprints, last_output.states if last_output else None)
    read_results.add("index", index, loaded.fingerprints.of(index_sources(index)))
    read_results.add("edition", edition, loaded.fingerprints.of(edition))
    read_results.add("bodies", DocumentBodies(edition.documents))
    read_results.add(TEMPLATE_READS, TemplateSources(renderer.environment), tree_digest([f / TEMPLATES for f in loaded.folders]))
    memory.states = read_results.states
    template_values = template_globals(tracked_context.index, config, log)
    renderer.environment.globals.update(template_values)  # what the Cite block shows

    # A full build writes each file into a new folder as soon as it is made, so that the site is
    # never held in memory whole; an update of the last build's output collects the files it makes.
    staging: StagingFolder | None = None
    if write and last_output is None:
        try:
            output_check()
            staging = StagingFolder(output_dir)
        except (OutputProblem, OSError):
            staging = None  # the write stage reports it
    try:
        made = MadeFiles(staging)
        try:
            shared_values = loaded.fingerprints.of(template_values["edition_downloads"])  # every page may show them
            with clock("pages"):
                made.standing += _make_pages(
                    renderer,
                    PageContext(site=config, index=index, edition=edition),
                    read_results,
                    loaded,
                    texts,
                    shared_values,
                    made,
                    jobs,
                    _counting(clock, len(edition.documents)),
                )
                for path, data in [*loaded.image_files.items(), *loaded.asset_files.items()]:
                    made.emit(path, data)
        except TemplateProblem as problem:
            diagnostics.items.append(problem.diagnostic)
            return result
        with clock("exports"):
            later_exports = _make_exports(index, config, loaded, texts, read_results, made, jobs, later=pages_first and last_output is not None)
        result.files = made.files
        if write:
            with clock("write"):
                _write(
                    edition_dir,
                    loaded,
                    made,
                    diagnostics,
                    result,
                    output_check,
                    sources=sources,
                    strict=strict,
                    cache=None if kept_in_process else cache,
                    save_memory_too=use_cache,
                    later_exports=later_exports,
                    pages_first=pages_first,
                )
            if result.search_seconds:  # (the search index is made by the write stage, before the swap)
                clock.seconds["write"] -= result.search_seconds
                clock.seconds["search"] = result.search_seconds
    finally:
        if staging is not None:
            staging.discard()
    result.seconds = time.perf_counter() - started
    return result


def _counting(clock: StageClock, total: int) -> Callable[[], None]:
    """What to call on each document page made: it tells the clock's progress how many are done."""
    done = 0

    def on_page() -> None:
        nonlocal done
        done += 1
        clock.step(min(done, total), total)

    return on_page


# --------------------------------------------------------------------------- load


@dataclass
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
    entry_digests: dict[tuple[str, str], str]  # see _register_entries
    same_registers: bool
    document_digests: dict[str, str]  # see _register_documents
    page_images: dict[str, tuple[PageImage, ...]]
    image_files: dict[str, bytes]  # the page images (and their thumbnails) as files of the site
    asset_files: dict[str, bytes]  # the theme's assets as files of the site


def _load(edition_dir: Path, output_dir: Path | None, cache: Path, earlier: BuildMemory | None, diagnostics: Diagnostics, jobs: int | None) -> Loaded | None:
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
    entry_digests, same_registers = _register_entries(edition, earlier.registers if earlier is not None else None, fingerprints)
    document_digests = _register_documents(edition, earlier.documents if earlier is not None else {}, fingerprints, memory.documents)
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
    )


# --------------------------------------------------------------------------- annotate

TO_ROOT = "../../"  # mentions link from document pages, documents/<id>/index.html, to the entries' pages


@dataclass
class Texts:
    """The annotate stage's yield: every text annotated, with its versions, and the edition's own prose."""

    matcher: NameMatcher  # the build's one matcher of register names
    names: str  # the digest of every register entry's names
    annotated: dict[str, AnnotatedText]  # the main texts, by document id
    versions: dict[str, tuple[VersionText, ...]]
    version_exports: dict[str, tuple[TextExports, ...]]
    page_html: dict[str, str]  # the edition's own pages, by id
    introduction_html: str


def _annotate(loaded: Loaded, jobs: int | None, diagnostics: Diagnostics) -> Texts:
    """The main texts annotated on every core, a text the last build made from the same document and names reused;
    then the versions, the edition's pages and its introduction."""
    edition, config, memory = loaded.edition, loaded.edition.config, loaded.memory
    labels = text_labels(load_translations(config.language, loaded.folders))
    # The last build's registers, when they are these entry for entry: their names and (in the preview server) matcher hold.
    kept = loaded.earlier.registers if loaded.same_registers and loaded.earlier is not None else None
    matcher, ambiguous_names = (kept.matcher if kept else None) or build_matcher(edition)  # one matcher for every document of the build
    diagnostics.extend(ambiguous_names)
    register_env = {"registers": matcher, "link_prefix": TO_ROOT}
    names = (
        kept.names
        if kept is not None
        else object_digest(sorted((kind, entry_id, matcher.entries[(kind, entry_id)].names) for kind, entry_id in loaded.entry_digests))
    )
    memory.registers = KeptRegisters.of(edition, loaded.entry_digests, names, (matcher, ambiguous_names))
    annotated = _annotate_with_memory(
        edition,
        register_env,
        labels,
        jobs,
        names,
        loaded.document_digests,
        loaded.entry_digests,
        loaded.same_registers,
        loaded.fingerprints,
        diagnostics,
        loaded.earlier.annotations if loaded.earlier else {},
        memory.annotations,
    )
    versions, version_exports, problems = annotate_versions(
        edition.documents,
        annotated,
        md=create_parser(config),
        config=config,
        labels=labels,
        env_extra=register_env,
        registers=(KnownEntries.of(edition), XmlIds.of(edition)),
    )
    diagnostics.extend(problems)
    diagnostics.items[:] = merge_near_misses(diagnostics.items)  # one line for each variant, however often it stands
    prose = prose_parser(config.markdown.allow_html)
    page_html: dict[str, str] = {}
    for page in edition.pages:
        page_env: dict[str, object] = {"first_line": page.body_line, "link_prefix": "../"}  # (a page is <id>/index.html)
        page_html[page.id] = prose.render(page.body, page_env)
        diagnostics.extend(unsafe_link_warnings(page_env, page.path))
        diagnostics.extend(unknown_document_links(page_env, page.path, edition))
    introduction_env: dict[str, object] = {}
    introduction_html = prose.render(config.introduction or "", introduction_env)
    diagnostics.extend(_in_site_yml(unsafe_link_warnings(introduction_env, "site.yml"), config.introduction_source))
    diagnostics.extend(_in_site_yml(unknown_document_links(introduction_env, "site.yml", edition), config.introduction_source))
    return Texts(matcher, names, annotated, versions, version_exports, page_html, introduction_html)


def _in_site_yml(found: list[Diagnostic], introduction: ScalarSource | None) -> list[Diagnostic]:
    """Problems found in the introduction, whose lines count from its own start, at their places in site.yml."""
    if introduction is None:
        return found
    return [replace(d, location=Location(d.location.path, *introduction.position(d.location.line, d.location.col))) for d in found]


# --------------------------------------------------------------------------- render


class MadeFiles:
    """What the build makes, path by path, with the digest of each: written into the staging folder as it comes
    (a full build), or kept until the write stage (an update, or a build that does not write)."""

    def __init__(self, staging: StagingFolder | None) -> None:
        self.staging = staging
        self.into = staging.folder if staging is not None else None  # where the workers write what they make (see output.place)
        self.files: dict[str, bytes] = {}  # made and not yet written (all of it, without a staging folder)
        self.digests: dict[str, str] = {}  # of every file made
        self.standing: list[str] = []  # files the last build wrote that stand as they are
        self.problems: list[Exception] = []  # met while writing into the staging folder; reported by the write stage

    def emit(self, path: str, data: bytes | Written) -> None:
        if isinstance(data, Written):  # in the staging folder already
            self.digests[path] = data.digest
            self.staging.note(path)  # type: ignore[union-attr]
            return
        self.digests[path] = bytes_digest(data)
        if self.staging is None:
            self.files[path] = data
        elif not self.problems:
            try:
                self.staging.add(path, data)
            except (OSError, OutputProblem) as problem:
                self.problems.append(problem)


def _make_pages(
    renderer: Renderer,
    context: PageContext,
    read_results: ReadResults,
    loaded: Loaded,
    texts: Texts,
    shared_values: str,
    made: MadeFiles,
    jobs: int | None,
    on_page: Callable[[], None],
) -> list[str]:
    """The edition's pages on every core, planned here and made by the workers; gives those that stand.
    (A function of its own, so that the plans are let go before the exports' workers are forked.)

    A group of pages made last time from the same inputs, whose reads give the same, stands unplanned;
    a planned page made last time from the same values, with the same reads, stands unmade."""
    last_output, memory, fingerprints = loaded.last_output, loaded.memory, loaded.fingerprints
    stand: list[str] = []
    planner = PlanningRenderer(renderer.environment, context, renderer.template_root)
    earlier_pages = last_output.pages if last_output else {}
    planned: list[tuple[str, PageTask | str]] = []
    for name, inputs, plan in _page_groups(
        planner,
        memory.states,
        shared_values,
        fingerprints,
        texts.annotated,
        memory.annotations,
        texts.page_html,
        texts.introduction_html,
        texts.versions,
        loaded.page_images,
        with_search=loaded.pagefind is not None,
    ):
        before = last_output.plans.get(name) if last_output else None
        if (
            before is not None
            and before[0] == inputs
            and all((kept := earlier_pages.get(path)) is not None and read_results.same_as(kept) for path in before[1])
        ):
            memory.plans[name] = before  # made from the same inputs, and read the same: its pages stand, unplanned
            for path in before[1]:
                memory.pages[path] = earlier_pages[path]
            stand += [*before[1], *before[2]]
            continue
        group = list(plan())
        planned += group
        memory.plans[name] = (
            inputs,
            tuple(path for path, task in group if isinstance(task, PageTask)),
            tuple(path for path, task in group if not isinstance(task, PageTask)),
        )
    tasks = {path: task for path, task in planned if isinstance(task, PageTask)}

    def values_of(path: str) -> str:
        task = tasks[path]
        return fingerprints.of((task.template, path, task.values, shared_values))

    # Compared with the last build's pages, the values are digested before any page is made; with none to compare
    # with (a full build), each as its page comes back, while the workers make others (0.45 s at 10,000 documents).
    values = {path: values_of(path) for path in tasks} if earlier_pages else {}

    def unchanged(path: str) -> bool:
        kept = earlier_pages.get(path)
        return kept is not None and kept.values == values[path] and read_results.same_as(kept)

    kept_pages = {path for path in values if unchanged(path)}
    log = renderer.environment.read_log
    assert log is not None, "the build's environment notes reads"
    for path, data, reads in render_pages(renderer, planned, jobs, on_page, log=log, wanted=lambda path, task: path not in kept_pages, into=made.into):
        made.emit(path, data)
        if path in tasks:
            reads = log.shared(reads)  # one object for each read, however many pages make it
            memory.pages[path] = Made(values[path] if path in values else values_of(path), reads, read_results.combined(reads))
    for path in kept_pages:
        memory.pages[path] = earlier_pages[path]
    stand += kept_pages
    return stand


LaterExports = list[Callable[[], Iterator[tuple[str, str]]]]


def _make_exports(
    index: EditionIndex,
    config: SiteConfig,
    loaded: Loaded,
    texts: Texts,
    read_results: ReadResults,
    made: MadeFiles,
    jobs: int | None,
    *,
    later: bool,
) -> LaterExports | None:
    """The exports (TEI, citations, data), written beside the pages, with names in the text tagged. With `later`,
    gives what is left to follow an update's pages: the files that hold every text (exports.TEXT_FILES)."""
    last_output, earlier, memory = loaded.last_output, loaded.earlier, loaded.memory
    whole = WholeFiles(last_output.whole if last_output else {}, read_results, index)
    export_memory = ExportMemory(
        last_output.exports if last_output else {},
        lambda d: loaded.document_digests[d.id] + memory.annotations[d.id].text_digest + texts.names,
        read_results,
        whole=whole,
        kept_records=earlier.records if earlier else {},
        kept_entries=earlier.entries if earlier else {},
    )
    made_texts = {d.id: (memory.annotations[d.id].exports, *texts.version_exports.get(d.id, ())) for d in loaded.edition.documents}
    later_exports: LaterExports | None = [] if later else None
    for path, text in render_exports(
        index,
        config,
        parse_env={"registers": texts.matcher, "link_prefix": TO_ROOT},
        jobs=jobs,
        memory=export_memory,
        made_texts=made_texts,
        later=later_exports,
        into=made.into,
    ):
        made.emit(path, text if isinstance(text, Written) else text.encode("utf-8"))
    made.standing += export_memory.standing
    memory.exports = export_memory.now
    memory.records, memory.entries = export_memory.records_now, export_memory.entries_now
    made.standing += whole.standing
    memory.whole = whole.now
    if config.base_url:
        pages = [path for path in [*made.digests, *made.standing] if not path.startswith(f"{ASSETS}/")]
        made.emit("sitemap.xml", render_sitemap(config.base_url, pages).encode("utf-8"))
    return later_exports


# --------------------------------------------------------------------------- write


def _write(
    edition_dir: Path,
    loaded: Loaded,
    made: MadeFiles,
    diagnostics: Diagnostics,
    result: BuildResult,
    output_check: Callable[[], list[str]],
    *,
    sources: SourceScan | None,
    strict: bool,
    cache: Path | None,
    save_memory_too: bool,
    later_exports: LaterExports | None,
    pages_first: bool,
) -> None:
    """The write stage: a new site swapped in whole, or the last one updated file by file; then its search index,
    the summary of the sources and the memory for the next build (kept in `cache`, unless the caller keeps it).
    A problem is reported, and the last site stands."""
    output_dir, memory, last_output, pagefind = loaded.output_dir, loaded.memory, loaded.last_output, loaded.pagefind
    try:
        replaced = output_check()
        if replaced:  # (before the verdict: with --strict, this warning too keeps the folder as it is)
            diagnostics.warning("output", replacing_warning(output_dir, replaced), _output_location(edition_dir, loaded))
        if made.staging is None:  # (the staging folder did this when it was made)
            # Even a failing build puts back a site that a killed build left half swapped.
            remove_stale_temporaries(output_dir.resolve())
        if diagnostics.failed(strict=strict):
            return

        def index_search(folder: Path, set_aside: Path | None = None) -> None:
            begun = time.perf_counter()
            pages = loaded.edition.config.search.pages
            if parts := search.search_parts(loaded.edition.documents, loaded.edition.config.search):
                # (the digests of every file the folder holds: the last build's, and this build's for what it made)
                site_digests = {**(last_output.files if last_output is not None else {}), **made.digests}
                search.index_site_in_parts(folder, pagefind, parts, site_digests, set_aside)  # type: ignore[arg-type]
            elif (folder / search.BUNDLE_FOLDER).exists():  # the site's, or a copy of it (see update_site)
                search.reindex_site(folder, pagefind, pages, set_aside)  # type: ignore[arg-type]
            else:
                search.index_site(folder, pagefind, pages=pages)  # type: ignore[arg-type]
            result.search_seconds = time.perf_counter() - begun

        if sources is not None:
            forget_summary(edition_dir)  # until this write is done, the summary does not describe the output
        if cache is not None:
            forget_memory(cache)  # likewise the memory
        written = output_dir.resolve()
        summary = (
            Summary(sources, written, "", tuple(diagnostics.items), len(loaded.edition.documents), len(loaded.edition.persons)) if sources is not None else None
        )

        def note_output_state(done: bool = True) -> None:
            # The folder as this build leaves it; its search index, renamed into place, changes it too.
            # The summary waits for what follows the pages: until then, the output is not all made.
            memory.output_state = output_state(written)
            if summary is not None and done:
                save_summary(edition_dir, replace(summary, output_state=memory.output_state))

        finish = index_search if pagefind is not None else None
        search_folders = (search.BUNDLE_FOLDER,) if pagefind is not None else ()
        files, digests, standing = made.files, made.digests, made.standing
        if made.staging is not None:
            if made.problems:
                raise made.problems[0]
            result.pages_written = made.staging.publish(finish)
            memory.files = digests
        elif last_output is not None:
            # Only what changed is written; the files that hold every text and the search index follow the pages.
            deferred = TEXT_FILES if later_exports else ()
            changed = [(path, data) for path, data in sorted(files.items()) if last_output.files.get(path) != digests[path]]
            gone = sorted(set(last_output.files) - set(files) - set(standing) - set(deferred))
            # The search index is made again within the update, so that both are made, or neither; unless the
            # caller asked for the pages first: then it follows with the files that hold every text, in an update of its own.
            follows = bool(pages_first and (later_exports or (finish is not None and (changed or gone))))
            result.pages_written = update_site(
                output_dir,
                changed,
                gone,
                len(digests) + len(standing),
                finish=None if follows or not (changed or gone) else finish,
                finish_folders=search_folders,
            )
            memory.files = {**{path: last_output.files[path] for path in [*standing, *deferred] if path in last_output.files}, **digests}

            def what_follows() -> None:
                made_later = {path: text.encode("utf-8") for make in later_exports or () for path, text in make()}
                made_digests = {path: bytes_digest(data) for path, data in made_later.items()}
                fresh = [(path, data) for path, data in made_later.items() if last_output.files.get(path) != made_digests[path]]
                if fresh or (finish is not None and (changed or gone)):
                    update_site(output_dir, fresh, [], len(memory.files), finish=finish, finish_folders=search_folders)
                memory.files.update(made_digests)

            if follows:

                def follow_up() -> None:
                    memory.output_state = ""  # until it is done: a follow-up cut short makes the next build a full one
                    what_follows()
                    note_output_state()

                result.follow_up = follow_up
        else:
            result.pages_written = write_site(output_dir, sorted(files.items()), finish)
            memory.files = digests
        memory.output_dir = str(written)
        note_output_state(done=result.follow_up is None)
        if cache is not None and save_memory_too:
            save_memory(cache, memory)
        memory.kept_shards = {}  # the shards as read hold the last build's objects: a caller that keeps the memory saves none
        result.memory = memory
    except OutputProblem as problem:
        diagnostics.error("output-folder", str(problem), _output_location(edition_dir, loaded), problem.hint)
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


def _output_location(edition_dir: Path, loaded: Loaded) -> Location:
    """Where site.yml sets `output` (its value), when the output is site.yml's and is set there in block style."""
    if loaded.output_from_settings:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            lines = (edition_dir / "site.yml").read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines, 1):
                if (setting := re.match(r"output[ \t]*:[ \t]*", line)) is not None:
                    return Location("site.yml", number, setting.end() + 1)
    return Location("site.yml")


def _register_entries(
    edition: Edition,
    kept: KeptRegisters | None,
    fingerprints: Fingerprints,
) -> tuple[dict[tuple[str, str], str], bool]:
    """Each register entry's digest, by (kind, id), each entry registered with `fingerprints` by it; and whether
    the registers are the ones the memory's parses gave again, entry for entry (then their digests, names and
    matcher are the last build's)."""
    same = kept is not None and kept.same_entries(edition)
    digests: dict[tuple[str, str], str] = kept.digests if kept is not None and same else {}
    for kind, entries in (("person", edition.persons), ("place", edition.places), ("term", edition.terms)):
        for entry in entries:
            if not same:
                digests[(kind, entry.id)] = object_digest(entry)
            fingerprints.register(entry, digests[(kind, entry.id)])
    return digests, same


def _register_documents(
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
        fingerprints.register(document, metadata)
        digests[document.id] = whole
    return digests


def _annotate_with_memory(
    edition: Edition,
    register_env: dict[str, object],
    labels: dict[str, str],
    jobs: int | None,
    names: str,
    document_digests: Mapping[str, str],
    entry_digests: Mapping[tuple[str, str], str],
    same_entries: bool,
    fingerprints: Fingerprints,
    diagnostics: Diagnostics,
    earlier: Mapping[str, KeptAnnotation],
    now: dict[str, KeptAnnotation],
) -> dict[str, AnnotatedText]:
    """Every main text annotated, on every core; a text made last time from the same document, names and entries is reused.

    With `same_entries` every entry is the one the last build had: each text it kept was checked against those entries then."""

    def still_good(kept: KeptAnnotation | None, document_id: str) -> bool:
        return (
            kept is not None
            and kept.key == (document_digests[document_id], names)
            and (same_entries or all(entry_digests.get((kind, entry_id)) == entry for kind, entry_id, entry in kept.mentioned))
        )

    reusable = {d.id: earlier[d.id] for d in edition.documents if still_good(earlier.get(d.id), d.id)}
    fresh, _ = annotate_documents(edition, register_env, labels, jobs, [d for d in edition.documents if d.id not in reusable])
    annotated: dict[str, AnnotatedText] = {}
    texts_and_notes: list[object] = []
    digests: list[str] = []
    for document in edition.documents:
        if document.id in reusable:
            kept = reusable[document.id]
        else:
            text, problems, text_digest, exports = fresh[document.id]
            mentioned = sorted({(m.kind, m.id) for m in text.mentions if (m.kind, m.id) in entry_digests})
            kept = KeptAnnotation(
                (document_digests[document.id], names),
                tuple((kind, entry_id, entry_digests[(kind, entry_id)]) for kind, entry_id in mentioned),
                text,
                text_digest,
                tuple(problems),
                exports,
                tuple(object_digest(note) for note in text.notes),
            )
        now[document.id] = kept
        annotated[document.id] = kept.text
        # The apparatus overview lists every note: known by its own digest, a note stays the same while its text changes around it.
        texts_and_notes.append(kept.text)
        texts_and_notes.extend(kept.text.notes)
        digests.append(kept.text_digest)
        digests.extend(kept.note_digests)
        diagnostics.extend(kept.problems)
    fingerprints.register_all(texts_and_notes, digests)
    return annotated


PageGroup = tuple[str, str, Callable[[], Iterable[tuple[str, "PageTask | str"]]]]


def _page_groups(
    planner: PlanningRenderer,
    states: Mapping[str, str],
    shared_values: str,
    fingerprints: Fingerprints,
    annotated: Mapping[str, AnnotatedText],
    kept: Mapping[str, KeptAnnotation],
    page_html: Mapping[str, str],
    introduction_html: str,
    versions: Mapping[str, tuple[VersionText, ...]],
    page_images: Mapping[str, tuple[PageImage, ...]],
    *,
    with_search: bool,
) -> Iterator[PageGroup]:
    """The edition's pages in groups, as (name, inputs, plan): `inputs` holds the digests of all that the group's
    values are made from besides the settings, and `plan()` gives its pages (see render_pages).

    Every group is made from what every page may show (`shared_values`); the lists and registers from the index and
    the edition, the apparatus also from every text's notes. A document's page is planned from the document, its
    neighbours, its text, versions and page images alone: whatever else its template shows of the index and the
    edition, its reads tell (see tracking.py). So a change to a register entry, which changes the index, leaves
    the pages of the documents that do not show the entry standing, unplanned.
    """
    shared = states["index"] + states["edition"] + shared_values
    # The pages that list the whole edition come first, the largest first, and the documents' pages last: made in
    # that order on two cores, the stage ends with small pages on both rather than a long one on one.
    notes = "".join([f"{document.id}:{''.join(kept[document.id].note_digests)};" for document in planner.context.index.documents])
    # The apparatus page also reviews the names found automatically: how often each form went to each entry.
    found_names = automatic_match_counts(
        [annotated[document.id].mentions for document in planner.context.index.documents]
        + [v.text.mentions for texts in versions.values() for v in texts if not v.main]
    )
    yield (
        "apparatus",
        digest(shared + notes + (fingerprints.of(versions) if versions else "") + repr(found_names)),
        lambda: list(render_apparatus_pages(planner, annotated, versions, found_names)),
    )

    def registers() -> Iterator[tuple[str, PageTask | str]]:
        yield from browse.render_browse_pages(planner)
        yield from render_register_pages(planner, page_html, introduction_html)
        if with_search:
            yield search.render_search_page(planner)

    yield "registers", digest(shared), registers
    index, known = planner.context.index, fingerprints.known

    def digest_of(document: Document | None) -> str:  # (its metadata's digest, known already: see _register_documents)
        return "-" if document is None else known.get(id(document)) or fingerprints.of(document)

    for document in index.documents:
        text, document_versions, images = annotated[document.id], versions.get(document.id, ()), page_images.get(document.id, ())
        # (digests side by side: hashing them again would add nothing)
        inputs = (
            shared_values + digest_of(document) + digest_of(index.previous[document.id]) + digest_of(index.next[document.id]) + kept[document.id].text_digest
        )
        if document_versions or images:
            inputs += fingerprints.of((document_versions, images))

        def document_page(document: Document = document, text: AnnotatedText = text) -> list[tuple[str, PageTask | str]]:
            return [render_document_page(planner, document, text, versions=versions, page_images=page_images)]

        yield f"document:{document.id}", inputs, document_page


def _register_index_parts(index: EditionIndex, parts: IndexParts, fingerprints: Fingerprints, kept_index: KeptIndex | None) -> KeptIndex:
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
    fingerprints.register_all(objects, digests)
    # Each entry's appearances, whole: the index's state and its register page compare them. An entry that
    # no changed document names has the very tuple of the last build (see index_with_parts), and its digest.
    entries_now: dict[str, tuple[tuple[Appearance, ...], str]] = {}
    for key, appearances in index.appearances.items():
        kept_entry = earlier_entries.get(key)
        if kept_entry is not None and kept_entry[0] is appearances:
            entries_now[key] = kept_entry
        elif appearances:  # (not the empty tuple, which is every empty tuple)
            entries_now[key] = (appearances, digest("".join([known[id(appearance)] for appearance in appearances])))
    fingerprints.register_all([appearances for appearances, _ in entries_now.values()], [whole for _, whole in entries_now.values()])
    return KeptIndex(parts, now, entries_now)


def _scan_sources(edition_dir: Path, output_dir: Path | None, strict: bool, thumbnails: Path) -> SourceScan | None:
    """Every file a build reads, and what it is asked for (see unchanged.py)."""
    package = Path(__file__).resolve().parent
    roots = [edition_dir / "site.yml", edition_dir / "content", edition_dir / "themes", builtin_theme_dir(), package, thumbnails]
    pagefind = search.find_pagefind()
    if pagefind is not None:
        roots.append(pagefind.resolve())
    where = str(output_dir.resolve()) if output_dir is not None else None
    return scan_sources([root.absolute() for root in roots], (str(edition_dir.resolve()), where, strict))
