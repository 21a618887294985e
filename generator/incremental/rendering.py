"""The render stage: pages and exports made, or left standing when their inputs and reads are the same."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from generator import browse, paths, search
from generator.annotate import AnnotatedText
from generator.exports import Destination, ExportMemory, render_exports, template_globals
from generator.incremental.annotating import TO_ROOT, Texts
from generator.incremental.loading import Loaded
from generator.incremental.memory import tree_digest
from generator.incremental.parallel_stages import PageTask, PlanningRenderer, render_pages
from generator.index import EditionIndex, index_sources
from generator.model import Document, Edition
from generator.output import (
    OutputProblem,
    StagingFolder,
    TextPieces,
    Written,
)
from generator.registers import automatic_match_counts
from generator.render import (
    ASSETS,
    TEMPLATE_READS,
    TEMPLATES,
    PageContext,
    Renderer,
    TemplateSources,
    create_environment,
    render_apparatus_pages,
    render_document_page,
    render_register_pages,
    render_sitemap,
)
from generator.tracking import DocumentBodies, Made, ReadLog, ReadResults, WholeFiles, bytes_digest, digest, tracked


@dataclass(frozen=True)
class Rendering:
    """The render stage's input: what the stages before made, and a renderer whose templates see the index and the
    edition through proxies that note what each page reads."""

    loaded: Loaded
    texts: Texts
    index: EditionIndex
    edition: Edition  # as it is built (without search, when the indexer is missing)
    renderer: Renderer
    read_results: ReadResults
    shared_values: str  # the digest of what every page may show (the edition's downloads)
    jobs: int | None


def prepare_rendering(loaded: Loaded, texts: Texts, index: EditionIndex, edition: Edition, jobs: int | None) -> Rendering:
    """The renderer, and the fingerprints of the index, the edition and the templates as a whole, which pages read."""
    config, fingerprints, last_output = edition.config, loaded.fingerprints, loaded.last_output
    log = ReadLog()
    tracked_context = PageContext(site=config, index=tracked(index, "index", log), edition=tracked(edition, "edition", log))
    renderer = Renderer(create_environment(loaded.folders, config.language, log), tracked_context, loaded.folders)
    browse.install_filters(renderer.environment)
    fingerprints.remember(config, loaded.settings)  # (a change of settings makes everything again)
    # The index and the edition as a whole, by fingerprint (documents by their metadata: bodies are read as "bodies").
    read_results = ReadResults(fingerprints, last_output.states if last_output else None)
    read_results.add("index", index, fingerprints.of(index_sources(index)))
    read_results.add("edition", edition, fingerprints.of(edition))
    read_results.add("bodies", DocumentBodies(edition.documents))
    read_results.add(TEMPLATE_READS, TemplateSources(renderer.environment), tree_digest([f / TEMPLATES for f in loaded.folders]))
    loaded.memory.states = read_results.states
    template_values = template_globals(tracked_context.index, config, log)
    renderer.environment.globals.update(template_values)  # what the Cite block shows
    shared_values = fingerprints.of(template_values["edition_downloads"])  # every page may show them
    return Rendering(loaded, texts, index, edition, renderer, read_results, shared_values, jobs)


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
        self.planned: list[str] = []  # the pages planned to be made with a template (those of groups that stand are not)
        self.rendered: list[str] = []  # those made (a page made from the same values, with the same reads, stands)

    def emit(self, path: str, data: bytes | Written | TextPieces) -> None:
        if isinstance(data, Written):  # in the staging folder already
            self.digests[path] = data.digest
            self.staging.claim(path)  # type: ignore[union-attr]
            return
        if isinstance(data, TextPieces):
            if self.staging is None or self.problems:
                data = data.joined()
            else:
                self._add_pieces(path, data)
                return
        self.digests[path] = bytes_digest(data)
        if self.staging is None:
            self.files[path] = data
        elif not self.problems:
            try:
                self.staging.add(path, data)
            except (OSError, OutputProblem) as problem:
                self.problems.append(problem)

    def _add_pieces(self, path: str, text: TextPieces) -> None:
        """Written as its pieces are encoded: the file's bytes are never held whole."""
        assert self.staging is not None, "pieces are written only into a staging folder"
        try:
            self.digests[path] = self.staging.add_pieces(path, text)
        except (OSError, OutputProblem) as problem:
            self.problems.append(problem)
            self.digests[path] = bytes_digest(text.joined())


def make_pages(rendering: Rendering, made: MadeFiles, on_page: Callable[[], None]) -> list[str]:
    """The edition's pages on every core, planned here and made by the workers; gives those that stand.
    (A function of its own, so that the plans are let go before the exports' workers are forked.)

    A group of pages made last time from the same inputs, whose reads give the same, stands unplanned;
    a planned page made last time from the same values, with the same reads, stands unmade."""
    loaded, renderer, read_results, shared_values = rendering.loaded, rendering.renderer, rendering.read_results, rendering.shared_values
    last_output, memory, fingerprints = loaded.last_output, loaded.memory, loaded.fingerprints
    stand: list[str] = []
    context = PageContext(site=rendering.edition.config, index=rendering.index, edition=rendering.edition)
    planner = PlanningRenderer(renderer.environment, context, renderer.template_root)
    earlier_pages = last_output.pages if last_output else {}
    planned: list[tuple[str, PageTask | str]] = []
    for name, inputs, plan in page_groups(planner, rendering):
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
    made.planned += tasks

    def values_of(path: str) -> str:
        task = tasks[path]
        return fingerprints.of((task.template, path, task.values, shared_values))

    # Compared with the last build's pages, the values are digested before any page is made; with none to compare
    # with (a full build), each as its page comes back, while the workers make others.
    values = {path: values_of(path) for path in tasks} if earlier_pages else {}

    def unchanged(path: str) -> bool:
        kept = earlier_pages.get(path)
        return kept is not None and kept.values == values[path] and read_results.same_as(kept)

    kept_pages = {path for path in values if unchanged(path)}
    log = renderer.environment.read_log
    assert log is not None, "the build's environment notes reads"
    for path, data, reads in render_pages(
        renderer, planned, rendering.jobs, on_page, log=log, wanted=lambda path, task: path not in kept_pages, into=made.into
    ):
        made.emit(path, data)
        if path in tasks:
            made.rendered.append(path)
            reads = log.shared(reads)  # one object for each read, however many pages make it
            memory.pages[path] = Made(values[path] if path in values else values_of(path), reads, read_results.combined(reads))
    for path in kept_pages:
        memory.pages[path] = earlier_pages[path]
    stand += kept_pages
    return stand


LaterExports = list[Callable[[], Iterator[tuple[str, TextPieces]]]]


def make_exports(rendering: Rendering, made: MadeFiles, *, later: bool, on_document: Callable[[], None] = lambda: None) -> LaterExports | None:
    """The exports (TEI, citations, data), written beside the pages, with names in the text tagged (`on_document` is
    called as each document's are made or reused). With `later`, gives what is left to follow an update's pages: the
    files that hold every text (exports.TEXT_FILES)."""
    loaded, texts, index, read_results, config = rendering.loaded, rendering.texts, rendering.index, rendering.read_results, rendering.edition.config
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
        jobs=rendering.jobs,
        memory=export_memory,
        made_texts=made_texts,
        destination=Destination(made.into, later_exports, on_document),
    ):
        made.emit(path, text if isinstance(text, (Written, TextPieces)) else text.encode("utf-8"))
    made.standing += export_memory.standing
    memory.exports = export_memory.now
    memory.records, memory.entries = export_memory.records_now, export_memory.entries_now
    made.standing += whole.standing
    memory.whole = whole.now
    if config.base_url:
        pages = [path for path in [*made.digests, *made.standing] if not path.startswith(f"{ASSETS}/")]
        made.emit(paths.SITEMAP, render_sitemap(config.base_url, pages).encode("utf-8"))
    return later_exports


PageGroup = tuple[str, str, Callable[[], Iterable[tuple[str, "PageTask | str"]]]]


def page_groups(planner: PlanningRenderer, rendering: Rendering) -> Iterator[PageGroup]:
    """The edition's pages in groups, as (name, inputs, plan): `inputs` holds the digests of all that the group's
    values are made from besides the settings, and `plan()` gives its pages (see render_pages).

    Every group is made from what every page may show (`shared_values`); the lists and registers from the index and
    the edition, the apparatus also from every text's notes. A document's page is planned from the document, its
    neighbours, its text, versions and page images alone: whatever else its template shows of the index and the
    edition, its reads tell (see tracking.py). So a change to a register entry, which changes the index, leaves
    the pages of the documents that do not show the entry standing, unplanned.
    """
    loaded, texts = rendering.loaded, rendering.texts
    states, shared_values, fingerprints, kept = loaded.memory.states, rendering.shared_values, loaded.fingerprints, loaded.memory.annotations
    annotated, versions, page_images = texts.annotated, texts.versions, loaded.page_images
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
        yield from render_register_pages(planner, texts.page_html, texts.introduction_html)
        if loaded.pagefind is not None:
            yield search.render_search_page(planner)

    yield "registers", digest(shared), registers
    index, known = planner.context.index, fingerprints.known

    def digest_of(document: Document | None) -> str:  # (its metadata's digest, known already: see fingerprint_documents)
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
