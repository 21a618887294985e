"""The annotate and render stages on every core (see parallel.py), with the same output as in one process.

Workers are forked after the edition is loaded, indexed and the renderer set up, so they inherit
all of it; only item numbers go to them, and annotated texts, page bytes and diagnostics come back
in the order of the items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.annotate import AnnotatedText, annotate_text
from generator.diagnostics import Diagnostic
from generator.markup import create_parser
from generator.model import Edition
from generator.parallel import map_chunks, shared
from generator.render import Renderer, TemplateProblem
from generator.versions import text_env

# --------------------------------------------------------------------------- annotate


def _annotate_chunk(numbers: Sequence[int]) -> list[tuple[AnnotatedText, list[Diagnostic]]]:
    edition, env_extra, labels = shared()
    md = create_parser(edition.config)  # one parser per worker
    results = []
    for number in numbers:
        document = edition.documents[number]
        results.append(annotate_text(document.body, md=md, config=edition.config, path=document.path, first_line=document.body_line,
                                     env_extra={**env_extra, **text_env(document, labels=labels)}))
    return results


def annotate_documents(
    edition: Edition, env_extra: Mapping[str, Any], labels: Mapping[str, str], jobs: int | None = None
) -> tuple[dict[str, AnnotatedText], list[Diagnostic]]:
    """Every document's main text annotated, by id, and the problems found, in the order of the documents.

    Each document's parser env is `env_extra` (the register matcher) and its own `text_env`.
    """
    results = map_chunks(_annotate_chunk, len(edition.documents), (edition, env_extra, labels), jobs)
    annotated: dict[str, AnnotatedText] = {}
    problems: list[Diagnostic] = []
    for document, (text, found) in zip(edition.documents, results, strict=True):
        annotated[document.id] = text
        problems.extend(found)
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


def _render_chunk(numbers: Sequence[int]) -> list[bytes | Diagnostic]:
    renderer, tasks = shared()
    results: list[bytes | Diagnostic] = []
    for number in numbers:
        task = tasks[number]
        try:
            _, text = renderer.render(task.template, task.path, **task.values)
        except TemplateProblem as problem:
            results.append(problem.diagnostic)
            break  # as in one process, the build stops at the first template problem
        results.append(text.encode("utf-8"))
    return results


def render_pages(
    renderer: Renderer,
    pages: Iterable[tuple[str, PageTask | str]],
    jobs: int | None = None,
    on_page: Callable[[], None] = lambda: None,
) -> dict[str, bytes]:
    """Make the planned pages (texts made without a template are taken as they are), in their order.

    Raises TemplateProblem for the first page, in that order, whose template fails.
    """
    planned = list(pages)
    tasks = [task for _, task in planned if isinstance(task, PageTask)]
    made = iter(map_chunks(_render_chunk, len(tasks), (renderer, tasks), jobs))
    files: dict[str, bytes] = {}
    for path, task in planned:
        if not isinstance(task, PageTask):
            files[path] = task.encode("utf-8")
            continue
        data = next(made, None)
        if isinstance(data, Diagnostic):
            raise TemplateProblem(data)
        assert data is not None, "a chunk stopped without a template problem"
        files[path] = data
        if task.template == "document.html":
            on_page()
    return files
