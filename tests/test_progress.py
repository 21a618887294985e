"""A build says what it is doing: its stages as they begin and end, pages as they are made, and the time each took."""

from __future__ import annotations

import io
from pathlib import Path

from generator.build import BuildOptions, build
from generator.progress import STAGE_NAMES, StreamProgress
from tests.conftest import document
from tests.test_cli import run


class TerminalStream(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_build_in_a_log_says_each_stage_as_it_begins(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document(), "content/documents/b.md": document(title="B")})
    said = io.StringIO()
    result = build(root, BuildOptions(tmp_path / "out", progress=StreamProgress(said, after=0)))
    begun = [line.split(" s  ", 1)[1] for line in said.getvalue().splitlines() if line.endswith(" …")]
    assert begun == [f"{STAGE_NAMES[name]} …" for name in ("load", "annotate", "index", "pages", "exports", "write")]
    # (the search index, made by the write stage, is timed apart from it)
    assert list(result.stage_seconds) == ["load", "annotate", "index", "pages", "exports", "write", "search"]
    assert all(seconds >= 0 for seconds in result.stage_seconds.values())


def test_on_a_terminal_the_pages_have_a_bar_and_the_line_is_cleared_at_the_end(make_edition, tmp_path: Path) -> None:
    root = make_edition({f"content/documents/d{n}.md": document(title=f"D{n}") for n in range(3)})
    screen = TerminalStream()
    progress = StreamProgress(screen)
    build(root, BuildOptions(tmp_path / "out", progress=progress))
    progress.close()
    shown = screen.getvalue()
    assert "making the pages [##########....................] 1/3" in shown
    assert "making the pages [##############################] 3/3" in shown
    assert shown.endswith("\r\x1b[2K")


def test_the_summary_gives_each_stage_its_time_and_quiet_prints_no_progress(make_edition) -> None:
    root = make_edition({"content/documents/a.md": document()})
    result = run("build", "--quiet", str(root))
    assert result.returncode == 0, result.stderr
    first, stages = result.stdout.splitlines()[:2]
    assert first.startswith("Built 1 document(s)")
    assert stages.startswith("  stages: load ") and ", write " in stages
    assert " …" not in result.stderr
