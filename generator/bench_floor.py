"""The floor under our build: Hugo's reference build done in Python, with the two libraries the generator keeps.

The real-edition benchmark builds the same Markdown with Hugo: a page per document with its date, type, persons and
previous/next links, a page per person listing their documents, and a list of the documents. This module does that
same work with markdown-it-py (CommonMark, tables, footnotes) and Jinja2 (autoescaped), on every core as our build
does, and measures the processor time of each part. No build of ours can be faster than this one, since ours does
all of it and much more (registers, apparatus, exports, search); the distance between the two is what our own
features cost, and the distance between this one and Hugo is what the two libraries cost.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

PARTS = ("read", "markdown", "templates", "files")

_BASE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} · {{ site_title }}</title></head>
<body><header><a href="{{ root }}">{{ site_title }}</a> <a href="{{ root }}persons/">Persons</a></header>
<main>{% block main %}{% endblock %}</main></body></html>
"""
_SINGLE = """{% extends "base.html" %}{% block main %}<article><h1>{{ title }}</h1><p><time>{{ date }}</time> {{ type }}</p>
<aside><ul>{% for person in persons %}<li><a href="{{ root }}persons/{{ person.id }}/">{{ person.name }}</a></li>{% endfor %}</ul></aside>
{{ body }}
<nav>{% if previous %}<a href="{{ root }}documents/{{ previous.id }}/">{{ previous.title }}</a>{% endif %}
{% if next %}<a href="{{ root }}documents/{{ next.id }}/">{{ next.title }}</a>{% endif %}</nav>
</article>{% endblock %}
"""
_LIST = """{% extends "base.html" %}{% block main %}<h1>{{ title }}</h1>{{ body }}
<ol>{% for page in pages %}<li><a href="{{ root }}documents/{{ page.id }}/">{{ page.title }}</a> {{ page.date }}</li>{% endfor %}</ol>{% endblock %}
"""


@dataclass
class FloorResult:
    """The reference build's wall time and, by part, the processor time (user and system) of every process."""

    documents: int = 0
    pages: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    part_cpu_seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PARTS, 0.0))


@dataclass(frozen=True)
class _Source:
    id: str
    title: str
    date: str
    type: str
    persons: tuple[str, ...]
    body: str


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def _cpu_with_children() -> float:
    """This process's processor time and its ended children's (the pool's workers, once it is shut down)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


class _Clock:
    """Processor time spent in each part, in this process."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = dict.fromkeys(PARTS, 0.0)

    @contextlib.contextmanager
    def part(self, name: str) -> Iterator[None]:
        start = _cpu()
        try:
            yield
        finally:
            self.spent[name] += _cpu() - start


def _environment() -> jinja2.Environment:
    loader = jinja2.DictLoader({"base.html": _BASE, "single.html": _SINGLE, "list.html": _LIST})
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").use(footnote_plugin)


def _read(path: Path, documents_dir: Path) -> _Source:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, Any] = {}
    body = text
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4)
        meta = yaml.load(text[4:end], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        body = text[end + 5 :]
    persons = sorted({str(n) for key in ("authors", "recipients", "persons") for n in (meta.get(key) or [])})
    identifier = path.relative_to(documents_dir).with_suffix("").as_posix()
    return _Source(identifier, str(meta.get("title", path.stem)), str(meta.get("date", "")), str(meta.get("type", "")), tuple(persons), body)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# What the forked workers share: set in the parent before the pool starts.
_job: dict[str, Any] = {}


def _document_pages(chunk: range) -> dict[str, float]:
    """Parse, render and write the documents of `chunk`; gives the processor time of each part."""
    clock, markdown, single = _Clock(), _markdown(), _environment().get_template("single.html")
    sources: Sequence[_Source] = _job["sources"]
    names: dict[str, str] = _job["names"]
    out: Path = _job["out"]
    for number in chunk:
        source = sources[number]
        with clock.part("markdown"):
            body = Markup(markdown.render(source.body))
        with clock.part("templates"):
            page = single.render(
                title=source.title,
                date=source.date,
                type=source.type,
                site_title=_job["title"],
                root="../../",
                persons=[{"id": p, "name": names.get(p, p)} for p in source.persons],
                body=body,
                previous=sources[number - 1] if number > 0 else None,
                next=sources[number + 1] if number + 1 < len(sources) else None,
            )
        with clock.part("files"):
            _write(out / "documents" / source.id / "index.html", page)
    return clock.spent


def _chunks(count: int, size: int) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(start + size, count))


def measure_floor(edition: Path, out: Path, processes: int | None = None) -> FloorResult:
    """Build `edition`'s documents and persons the reference way into `out` (which must not exist) and measure it."""
    processes = processes or os.cpu_count() or 1
    result = FloorResult()
    clock = _Clock()
    started, cpu_started = time.perf_counter(), _cpu_with_children()
    documents_dir = edition / "content" / "documents"
    with clock.part("read"):
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        persons: list[dict[str, Any]] = yaml.load((edition / "content" / "persons.yml").read_text(encoding="utf-8"), Loader=loader) or []
        sources = [_read(p, documents_dir) for p in sorted(documents_dir.rglob("*.md"))]
    sources.sort(key=lambda s: (s.date, s.id))
    names = {str(p["id"]): str(p.get("name", p["id"])) for p in persons}
    _job.update(sources=sources, names=names, out=out, title=edition.name)
    try:
        chunk_size = max(1, len(sources) // (processes * 8))
        if processes > 1 and "fork" in multiprocessing.get_all_start_methods():
            with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
                spent = list(pool.map(_document_pages, _chunks(len(sources), chunk_size)))
        else:
            spent = [_document_pages(chunk) for chunk in _chunks(len(sources), chunk_size)]
    finally:
        _job.clear()
    environment = _environment()
    listing = environment.get_template("list.html")
    by_person: dict[str, list[_Source]] = defaultdict(list)
    for source in sources:
        for person in source.persons:
            by_person[person].append(source)
    with clock.part("templates"):
        pages = {"index.html": listing.render(title="Documents", site_title=edition.name, root="", body="", pages=sources)}
        for entry in persons:
            key = str(entry["id"])
            description = str(entry.get("description", ""))
            pages[f"persons/{key}/index.html"] = listing.render(
                title=names[key], site_title=edition.name, root="../../", body=description, pages=by_person.get(key, [])
            )
    with clock.part("files"):
        for name, text in pages.items():
            _write(out / name, text)
    for part_spent in [clock.spent, *spent]:
        for part, seconds in part_spent.items():
            result.part_cpu_seconds[part] += seconds
    result.seconds = time.perf_counter() - started
    result.cpu_seconds = _cpu_with_children() - cpu_started
    result.documents, result.pages = len(sources), len(sources) + len(pages)
    return result
