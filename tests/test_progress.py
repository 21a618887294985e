"""A build says what it is doing: its stages as they begin and end, pages as they are made, and the time each took."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.progress import STAGE_NAMES, StreamProgress
from tests.conftest import MINIMAL_SITE, document
from tests.test_cli import run

PARTS_OF_TWO = "search:\n  part_size: 2\n"


class TerminalStream(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_build_in_a_log_says_each_stage_as_it_begins(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document(), "content/documents/b.md": document(title="B")})
    said = io.StringIO()
    result = build(root, BuildOptions(tmp_path / "out", progress=StreamProgress(said, after=0)))
    begun = [line.split(" s  ", 1)[1] for line in said.getvalue().splitlines() if line.endswith(" …")]
    if not result.search_seconds:
        pytest.skip("Pagefind is not installed")
    # (the search index, made within the write stage, is said and timed apart from it)
    assert begun == [f"{STAGE_NAMES[name]} …" for name in ("load", "annotate", "index", "pages", "exports", "write", "search")]
    assert list(result.stage_seconds) == ["load", "annotate", "index", "pages", "exports", "write", "search"]
    assert all(seconds >= 0 for seconds in result.stage_seconds.values())
    assert result.stage_seconds["search"] == pytest.approx(result.search_seconds, abs=0.05)
    assert sum(result.stage_seconds.values()) <= result.seconds


def test_on_a_terminal_texts_pages_and_exports_have_a_bar_and_the_line_is_cleared_at_the_end(make_edition, tmp_path: Path) -> None:
    root = make_edition({f"content/documents/d{n}.md": document(title=f"D{n}") for n in range(3)})
    screen = TerminalStream()
    progress = StreamProgress(screen)
    build(root, BuildOptions(tmp_path / "out", progress=progress))
    progress.close()
    shown = screen.getvalue()
    assert "annotating the texts [##########....................] 1/3" in shown
    assert "annotating the texts [##############################] 3/3" in shown
    assert "making the pages [##########....................] 1/3" in shown
    assert "making the pages [##############################] 3/3" in shown
    assert "making the exports [##########....................] 1/3" in shown
    assert "making the exports [##############################] 3/3" in shown
    assert shown.endswith("\r\x1b[2K")


def test_on_a_terminal_a_search_index_in_parts_has_a_bar_of_its_parts(make_edition, tmp_path: Path) -> None:
    root = make_edition({f"content/documents/d{n}.md": document(title=f"D{n}", date=f"1951-0{n + 1}-01") for n in range(4)}, site=MINIMAL_SITE + PARTS_OF_TWO)
    screen = TerminalStream()
    progress = StreamProgress(screen)
    result = build(root, BuildOptions(tmp_path / "out", progress=progress))
    if not result.search_seconds:
        pytest.skip("Pagefind is not installed")
    shown = screen.getvalue().split("\r\x1b[2K")
    bar = [line for line in shown if line.startswith(STAGE_NAMES["search"])]
    assert bar == [
        f"{STAGE_NAMES['search']} …",
        f"{STAGE_NAMES['search']} [{'.' * 30}] 0/2",
        f"{STAGE_NAMES['search']} [{'#' * 15}{'.' * 15}] 1/2",
        f"{STAGE_NAMES['search']} [{'#' * 30}] 2/2",
    ]
    # After it, the write stage goes on (the memory of the build is saved): the line says so again.
    assert shown[shown.index(bar[-1]) + 1] == f"{STAGE_NAMES['write']} …"


def test_the_summary_gives_each_stage_its_time_and_quiet_prints_no_progress(make_edition) -> None:
    root = make_edition({"content/documents/a.md": document()})
    result = run("build", "--quiet", str(root))
    assert result.returncode == 0, result.stderr
    first, stages = result.stdout.splitlines()[:2]
    assert first.startswith("Built 1 document(s)")
    assert stages.startswith("  stages: load ") and ", write " in stages
    assert " …" not in result.stderr
