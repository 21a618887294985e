"""The annotate and render stages on every core (see parallel.py), with the same output as in one process.

Workers are forked after the edition is loaded, indexed and the renderer set up, so they inherit
all of it; only item numbers go to them, and annotated texts, page bytes and diagnostics come back
in the order of the items. In a full build, the workers write the pages into the staging folder themselves
(see output.place) and send back only their digests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.annotate import AnnotatedText, annotate_tokens, parse_text
from generator.diagnostics import Diagnostic
from generator.exports.tei import KnownEntries, XmlIds, surface_ids
from generator.exports.text import TextExports, text_exports, text_id
from generator.markup import create_parser
from generator.model import Document, Edition
from generator.output import Written, stage_file
from generator.parallel import iter_chunks, shared
from generator.render import Renderer, TemplateProblem
from generator.tracking import Read, ReadLog, object_digest
from generator.versions import text_env

# --------------------------------------------------------------------------- annotate


def _annotate_chunk(numbers: Sequence[int]) -> list[tuple[AnnotatedText, list[Diagnostic], str, TextExports]]:
    config, documents, env_extra, labels, entries, ids = shared()
    md = create_parser(config)  # one parser per worker
    results = []
    for number in numbers:
        document = documents[number]
        tokens, env = parse_text(document.body, md=md, first_line=document.body_line, env_extra={**env_extra, **text_env(document, labels=labels)})
        exports = text_exports(tokens, text_id(document), entries, ids, surface_ids(document))  # before annotating changes the tokens
        text, problems = annotate_tokens(tokens, env, md=md, config=config, path=document.path, first_line=document.body_line)
        results.append((text, problems, object_digest(text), exports))
    return results


def annotate_documents(
    edition: Edition,
    env_extra: Mapping[str, Any],
    labels: Mapping[str, str],
    jobs: int | None = None,
    documents: Sequence[Document] | None = None,
    on_text: Callable[[], None] = lambda: None,
) -> tuple[dict[str, tuple[AnnotatedText, list[Diagnostic], str, TextExports]], list[Diagnostic]]:
    """The main text of `documents` (by default every document) annotated, by id, with its problems, digest and
    what the exports take from it (made from the same parse, with the edition's persons and places).

    Each document's parser env is `env_extra` (the register matcher) and its own `text_env`; `on_text` is called as
    each text comes back. The problems are also returned together, in the order of the documents.
    """
    documents = edition.documents if documents is None else documents
    results = iter_chunks(_annotate_chunk, len(documents), (edition.config, documents, env_extra, labels, KnownEntries.of(edition), XmlIds.of(edition)), jobs)
    annotated: dict[str, tuple[AnnotatedText, list[Diagnostic], str, TextExports]] = {}
    problems: list[Diagnostic] = []
    for document, result in zip(documents, results, strict=True):
        annotated[document.id] = result
        problems.extend(result[1])
        on_text()
    return annotated, problems


# --------------------------------------------------------------------------- render


@dataclass(frozen=True)
class PageTask:
    """One page to make: what `Renderer.render` was asked for."""

    template: str
    path: str
    values: dict[str, Any]


class PlanningRenderer(Renderer):
    """A renderer that notes what each page needs instead of making it, so that the pages can be made elsewhere."""

    def render(self, template: str, path: str, **values: Any) -> tuple[str, Any]:
        return path, PageTask(template, path, values)


def _render_chunk(numbers: Sequence[int]) -> list[tuple[bytes | Written, tuple[Read, ...]] | Diagnostic]:
    renderer, tasks, log, into = shared()
    results: list[tuple[bytes | Written, tuple[Read, ...]] | Diagnostic] = []
    for number in numbers:
        task = tasks[number]
        log.reads = set()
        try:
            _, text = renderer.render(task.template, task.path, **task.values)
        except TemplateProblem as problem:
            results.append(problem.diagnostic)
            break  # as in one process, the build stops at the first template problem
        finally:
            reads, log.reads = log.reads, None
        results.append((stage_file(into, task.path, text.encode("utf-8")), log.in_order(reads)))
    return results


def render_pages(
    renderer: Renderer,
    pages: Iterable[tuple[str, PageTask | str]],
    jobs: int | None = None,
    on_page: Callable[[], None] = lambda: None,
    *,
    log: ReadLog | None = None,
    wanted: Callable[[str, PageTask | str], bool] = lambda path, task: True,
    into: Path | None = None,
) -> Iterator[tuple[str, bytes | Written, tuple[Read, ...]]]:
    """Make the planned pages that are `wanted` (texts made without a template are taken as they are), in their order,
    as (path, bytes, reads); each page is given as soon as it is made. Given a staging folder `into`, the pages made
    with a template are written there by the process that made them, and given as Written.

    Each page comes with the reads its template made through the proxies that note into `log`
    (see tracking.py). Raises TemplateProblem for the first page, in that order, whose template fails.
    """
    planned = [(path, task) for path, task in pages if wanted(path, task)]
    tasks = [task for _, task in planned if isinstance(task, PageTask)]
    made = iter_chunks(_render_chunk, len(tasks), (renderer, tasks, log or ReadLog(), into), jobs, here_too=into is not None)
    for path, task in planned:
        if not isinstance(task, PageTask):
            yield path, task.encode("utf-8"), ()
            continue
        data = next(made, None)
        if isinstance(data, Diagnostic):
            raise TemplateProblem(data)
        assert data is not None, "a chunk stopped without a template problem"
        yield path, *data
        if task.template == "document.html":
            on_page()
    for _ in made:  # let the pool finish and close
        pass
