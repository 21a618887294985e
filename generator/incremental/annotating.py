"""The annotate stage: every text annotated, a text the last build made from the same inputs reused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from generator import paths
from generator.annotate import AnnotatedText
from generator.diagnostics import Diagnostic, Diagnostics, Location
from generator.exports.tei import KnownEntries, XmlIds
from generator.exports.text import TextExports
from generator.i18n import load_translations, text_labels
from generator.incremental.loading import Loaded
from generator.incremental.memory import (
    KeptAnnotation,
    KeptRegisters,
)
from generator.incremental.parallel_stages import annotate_documents
from generator.markup import create_parser
from generator.markup.crossrefs import crossrefs_plugin, unknown_document_links
from generator.markup.links import link_scheme_plugin, unsafe_link_warnings
from generator.registers import NameMatcher, build_matcher, merge_near_misses
from generator.tracking import object_digest
from generator.versions import VersionText, annotate_versions
from generator.yamlfile import ScalarSource


def prose_parser(allow_html: bool) -> MarkdownIt:
    """Markdown for the editor's own prose (pages, introduction): no editorial brackets there."""
    return MarkdownIt("commonmark", {"html": allow_html}).enable(["table", "strikethrough"]).use(footnote_plugin).use(link_scheme_plugin).use(crossrefs_plugin)


TO_ROOT = paths.to_root(paths.document("id"))  # mentions link from document pages to the entries' pages


@dataclass(frozen=True)
class Texts:
    """The annotate stage's yield: every text annotated, with its versions, and the edition's own prose."""

    matcher: NameMatcher  # the build's one matcher of register names
    names: str  # the digest of every register entry's names
    annotated: dict[str, AnnotatedText]  # the main texts, by document id
    versions: dict[str, tuple[VersionText, ...]]
    version_exports: dict[str, tuple[TextExports, ...]]
    page_html: dict[str, str]  # the edition's own pages, by id
    introduction_html: str
    annotated_now: tuple[str, ...]  # the documents whose main text was annotated (the others' were the last build's)


def annotate(loaded: Loaded, jobs: int | None, diagnostics: Diagnostics, on_text: Callable[[], None] = lambda: None) -> Texts:
    """The main texts annotated on every core, a text the last build made from the same document and names reused
    (`on_text` is called for each main text, made or reused); then the versions, the edition's pages and its introduction."""
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
    annotated, annotated_now = annotate_with_memory(loaded, register_env, labels, jobs, names, diagnostics, on_text)
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
        page_env: dict[str, object] = {"first_line": page.body_line, "link_prefix": paths.to_root(paths.edition_page("id"))}
        page_html[page.id] = prose.render(page.body, page_env)
        diagnostics.extend(unsafe_link_warnings(page_env, page.path))
        diagnostics.extend(unknown_document_links(page_env, page.path, edition))
    introduction_env: dict[str, object] = {}
    introduction_html = prose.render(config.introduction or "", introduction_env)
    diagnostics.extend(_in_site_yml(unsafe_link_warnings(introduction_env, "site.yml"), config.introduction_source))
    diagnostics.extend(_in_site_yml(unknown_document_links(introduction_env, "site.yml", edition), config.introduction_source))
    return Texts(matcher, names, annotated, versions, version_exports, page_html, introduction_html, annotated_now)


def _in_site_yml(found: list[Diagnostic], introduction: ScalarSource | None) -> list[Diagnostic]:
    """Problems found in the introduction, whose lines count from its own start, at their places in site.yml."""
    if introduction is None:
        return found
    return [replace(d, location=Location(d.location.path, *introduction.position(d.location.line, d.location.col))) for d in found]


def annotate_with_memory(
    loaded: Loaded,
    register_env: dict[str, object],
    labels: dict[str, str],
    jobs: int | None,
    names: str,
    diagnostics: Diagnostics,
    on_text: Callable[[], None] = lambda: None,
) -> tuple[dict[str, AnnotatedText], tuple[str, ...]]:
    """Every main text annotated, on every core; a text made last time from the same document, names and entries is reused.

    With `same_entries` every entry is the one the last build had: each text it kept was checked against those entries then."""
    edition, document_digests, entry_digests = loaded.edition, loaded.document_digests, loaded.entry_digests
    same_entries, fingerprints, now = loaded.same_registers, loaded.fingerprints, loaded.memory.annotations
    earlier = loaded.earlier.annotations if loaded.earlier else {}

    def still_good(kept: KeptAnnotation | None, document_id: str) -> bool:
        return (
            kept is not None
            and kept.key == (document_digests[document_id], names)
            and (same_entries or all(entry_digests.get((kind, entry_id)) == entry for kind, entry_id, entry in kept.mentioned))
        )

    reusable = {d.id: earlier[d.id] for d in edition.documents if still_good(earlier.get(d.id), d.id)}
    for _ in reusable:
        on_text()
    fresh, _ = annotate_documents(edition, register_env, labels, jobs, [d for d in edition.documents if d.id not in reusable], on_text)
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
    fingerprints.remember_all(texts_and_notes, digests)
    return annotated, tuple(fresh)
