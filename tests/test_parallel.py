"""Builds on every core and the no-op shortcut: the output equals a one-process, clean build's, byte for byte."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from conftest import document

from generator.bench import write_corpus
from generator.build import BuildOptions, build
from generator.cli import main
from generator.parallel import MIN_ITEMS_PER_WORKER, iter_chunks, shared


def tree(root: Path) -> dict[str, bytes]:
    """Every file of a site but the search bundle, whose filters Pagefind writes in an order of its own from run to run."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and "pagefind" not in p.parts}


def _pid_and_item(numbers: Sequence[int]) -> list[tuple[int, int]]:
    return [(os.getpid(), shared()[number]) for number in numbers]


def test_chunks_run_in_worker_processes_and_keep_the_order() -> None:
    count = 2 * MIN_ITEMS_PER_WORKER
    items = [n * n for n in range(count)]
    results = list(iter_chunks(_pid_and_item, count, items, jobs=2))
    assert [item for _, item in results] == items
    assert os.getpid() not in {pid for pid, _ in results}
    assert {pid for pid, _ in iter_chunks(_pid_and_item, count, items, jobs=1)} == {os.getpid()}


def _slow_in_a_worker(numbers: Sequence[int]) -> list[tuple[int, int]]:
    parent, items = shared()
    if os.getpid() != parent:
        time.sleep(0.2)  # a busy worker
    return [(os.getpid(), items[number]) for number in numbers]


def test_the_calling_process_makes_chunks_while_the_workers_are_busy() -> None:
    count = 4 * MIN_ITEMS_PER_WORKER
    items = list(range(count))
    results = list(iter_chunks(_slow_in_a_worker, count, (os.getpid(), items), jobs=2, here_too=True))
    assert [item for _, item in results] == items
    made_here = [item for pid, item in results if pid == os.getpid()]
    assert made_here and len(made_here) < count
    assert len({pid for pid, _ in results} - {os.getpid()}) == 1  # one worker fewer


@pytest.mark.parametrize("jobs", [1, 2])
def test_other_work_of_the_calling_process_runs_once_before_the_first_result(jobs: int) -> None:
    # (with workers, while they make their first chunks; the pool's threads get their turns meanwhile, and the
    # interpreter's switch interval is as it was afterwards)
    count = 4 * MIN_ITEMS_PER_WORKER
    items = list(range(count))
    done: list[int] = []
    interval = sys.getswitchinterval()
    results = iter_chunks(_slow_in_a_worker, count, (os.getpid(), items), jobs=jobs, here_too=True, meanwhile=lambda: done.append(os.getpid()))
    assert not done  # nothing runs before the results are asked for
    first = next(results)
    assert done == [os.getpid()]
    assert [first[1], *(item for _, item in results)] == items
    assert done == [os.getpid()]
    assert sys.getswitchinterval() == interval


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "edition"
    write_corpus(root, 2 * MIN_ITEMS_PER_WORKER + 10, persons_count=60)
    with open(root / "site.yml", "a", encoding="utf-8") as site:
        site.write("search:\n  enabled: false\n")  # Pagefind's index is not the same twice, whoever makes the pages
    return root


def test_a_build_on_two_cores_equals_a_build_in_one_process(corpus: Path, tmp_path: Path) -> None:
    one = build(corpus, BuildOptions(tmp_path / "one", jobs=1, use_cache=False))
    two = build(corpus, BuildOptions(tmp_path / "two", jobs=2, use_cache=False))
    assert not one.diagnostics.errors and not two.diagnostics.errors
    assert [d.format() for d in one.diagnostics.items] == [d.format() for d in two.diagnostics.items]
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert len(tree(tmp_path / "two")) > 2 * MIN_ITEMS_PER_WORKER


def test_a_template_problem_is_reported_as_in_one_process(corpus: Path, tmp_path: Path) -> None:
    theme = tmp_path / "edition"
    shutil.copytree(corpus, theme)
    (theme / "themes/default/templates").mkdir(parents=True)
    # a document page that fails half-way through the corpus, so that a worker meets it
    (theme / "themes/default/templates/document.html").write_text(
        "{% extends 'base.html' %}{% block main %}{{ document.title }}"
        "{% if document.id == edition.documents[300].id %}{{ document.no_such_field }}{% endif %}{% endblock %}\n",
        encoding="utf-8",
    )
    one = build(theme, BuildOptions(tmp_path / "one", jobs=1, use_cache=False))
    two = build(theme, BuildOptions(tmp_path / "two", jobs=2, use_cache=False))
    assert [d.format() for d in two.diagnostics.errors] == [d.format() for d in one.diagnostics.errors]
    assert len(two.diagnostics.errors) == 1 and "no_such_field" in two.diagnostics.errors[0].message
    assert not (tmp_path / "two").exists()


@pytest.fixture
def edition(make_edition: Callable[..., Path]) -> Path:
    return make_edition(
        {
            "content/documents/first.md": document("First letter", "1951-10-18", "For [your] information."),
            "content/documents/second.md": document("Second letter", "1951-10-19", "Nothing [illegible] here."),
        }
    )


def test_a_rebuild_without_changes_stops_early_and_leaves_the_site(edition: Path, tmp_path: Path) -> None:
    first = build(edition)
    assert first.pages_written > 5 and not first.unchanged
    site = tree(edition / "_site")
    again = build(edition)
    assert again.unchanged and again.pages_written == 0 and again.edition is None
    assert (again.documents, again.persons, again.output_dir) == (2, first.persons, (edition / "_site").resolve())
    assert [d.format() for d in again.diagnostics.items] == [d.format() for d in first.diagnostics.items]
    clean = build(edition, BuildOptions(tmp_path / "clean", use_cache=False))
    assert tree(edition / "_site") == site == tree(tmp_path / "clean") and clean.pages_written == first.pages_written


def test_the_shortcut_reports_the_last_build_s_warnings(make_edition: Callable[..., Path]) -> None:
    edition = make_edition({"content/documents/one.md": document(), "content/pages/about.md": "---\ntitle: About\n---\n[A link](javascript:alert(1)).\n"})
    first = build(edition)
    assert first.diagnostics.warnings and not first.diagnostics.errors
    again = build(edition)
    assert again.unchanged
    assert [d.format() for d in again.diagnostics.items] == [d.format() for d in first.diagnostics.items]


@pytest.mark.parametrize("change", ["edit", "add", "remove", "setting", "template", "output removed", "other output"])
def test_any_change_makes_a_real_build(edition: Path, tmp_path: Path, change: str) -> None:
    build(edition)
    output = edition / "_site"
    if change == "edit":
        path = edition / "content/documents/second.md"
        path.write_text(path.read_text(encoding="utf-8").replace("Nothing", "Something"), encoding="utf-8")
    elif change == "add":
        (edition / "content/documents/third.md").write_text(document("Third letter", "1951-10-20", "More."), encoding="utf-8")
    elif change == "remove":
        (edition / "content/documents/first.md").unlink()
    elif change == "setting":
        path = edition / "site.yml"
        path.write_text(path.read_text(encoding="utf-8") + "introduction: Changed.\n", encoding="utf-8")
    elif change == "template":
        (edition / "themes/default/templates").mkdir(parents=True)
        (edition / "themes/default/templates/404.html").write_text("{% extends 'base.html' %}{% block main %}<h1>Lost</h1>{% endblock %}\n", encoding="utf-8")
    elif change == "output removed":
        (output / "index.html").unlink()
        output.rename(tmp_path / "moved")
    elif change == "other output":
        output = tmp_path / "elsewhere"
    again = build(edition, BuildOptions(output if change == "other output" else None))
    assert not again.unchanged and again.pages_written > (0 if change == "template" else 5)  # (a template rewrites its pages alone)
    assert tree(output) == tree(build(edition, BuildOptions(tmp_path / "clean", use_cache=False)).output_dir)


def test_strict_is_part_of_what_a_build_is_asked(edition: Path) -> None:
    build(edition)
    assert not build(edition, BuildOptions(strict=True)).unchanged


def test_the_command_says_when_nothing_changed(edition: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(edition)]) == 0
    assert main(["build", str(edition)]) == 0
    captured = capsys.readouterr()
    assert "nothing changed since the last build" in captured.err + captured.out
