"""The build: one ordered list of stages, load -> annotate -> index -> render -> write."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from generator.annotate import AnnotatedText, annotate_text
from generator.content import read_edition
from generator.diagnostics import Diagnostics, Location
from generator.index import build_index
from generator.markup import create_parser
from generator.markup.links import link_scheme_plugin, unsafe_link_warnings
from generator.model import Edition
from generator.output import OutputProblem, check_output_dir, remove_stale_temporaries, write_site
from generator.render import PageContext, Renderer, TemplateProblem, create_environment, render_site, render_sitemap, theme_dirs

Progress = Callable[[int, int], None]


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    edition: Edition | None = None
    output_dir: Path | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    pages_written: int = 0
    seconds: float = 0.0

    @property
    def documents(self) -> int:
        return len(self.edition.documents) if self.edition else 0

    @property
    def persons(self) -> int:
        return len(self.edition.persons) if self.edition else 0


def prose_parser(allow_html: bool) -> MarkdownIt:
    """Markdown for the editor's own prose (pages, introduction): no editorial brackets there."""
    return MarkdownIt("commonmark", {"html": allow_html}).enable(["table", "strikethrough"]).use(footnote_plugin).use(link_scheme_plugin)


def build(
    edition_dir: Path,
    output_dir: Path | None = None,
    *,
    write: bool = True,
    strict: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    started = time.perf_counter()
    diagnostics = Diagnostics()
    result = BuildResult(diagnostics)

    # load
    edition = read_edition(edition_dir, diagnostics)
    if edition is None:
        return result
    result.edition = edition
    config = edition.config
    output_dir = output_dir if output_dir is not None else edition_dir / config.output
    result.output_dir = output_dir

    # annotate
    md = create_parser(config)
    annotated: dict[str, AnnotatedText] = {}
    for document in edition.documents:
        text, problems = annotate_text(document.body, md=md, config=config, path=document.path, first_line=document.body_line)
        annotated[document.id] = text
        diagnostics.extend(problems)
    prose = prose_parser(config.markdown.allow_html)
    page_html: dict[str, str] = {}
    for page in edition.pages:
        page_env: dict[str, object] = {"first_line": page.body_line}
        page_html[page.id] = prose.render(page.body, page_env)
        diagnostics.extend(unsafe_link_warnings(page_env, page.path))
    introduction_env: dict[str, object] = {}
    introduction_html = prose.render(config.introduction or "", introduction_env)
    diagnostics.extend(unsafe_link_warnings(introduction_env, "site.yml"))  # lines count from the introduction's start

    # index
    index = build_index(edition, diagnostics)

    # render
    folders = theme_dirs(edition_dir, config)
    renderer = Renderer(create_environment(folders), PageContext(site=config, index=index, edition=edition), folders)
    total = len(edition.documents)
    done = 0

    def on_page() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    files: dict[str, bytes] = {}
    try:
        for path, text in render_site(renderer, annotated, page_html, introduction_html, on_page):
            files[path] = text.encode("utf-8")
    except TemplateProblem as problem:
        diagnostics.items.append(problem.diagnostic)
        return result
    if config.base_url:
        files["sitemap.xml"] = render_sitemap(config.base_url, list(files)).encode("utf-8")
    result.files = files

    # write
    if write:
        try:
            check_output_dir(edition_dir, output_dir)
            # Even a failing build puts back a site that a killed build left half swapped.
            remove_stale_temporaries(output_dir.resolve())
            if not diagnostics.failed(strict=strict):
                result.pages_written = write_site(output_dir, sorted(files.items()), [f / "assets" for f in folders])
        except OutputProblem as problem:
            diagnostics.error("output", str(problem), Location(config.output if output_dir == edition_dir / config.output else str(output_dir)))
        except OSError as exc:  # a full disk, a read-only folder, a file where the output folder should be
            diagnostics.error("output", f"cannot write the site: {exc.strerror or exc} ({exc.filename})",
                              Location(config.output if output_dir == edition_dir / config.output else str(output_dir)),
                              "check that the output folder can be written; the previous site is unchanged")
    result.seconds = time.perf_counter() - started
    return result
