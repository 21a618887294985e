"""Nothing is lost: a killed build leaves the previous site whole, and its leftovers are cleaned
up by the next build; the command line refuses output folders that would replace the sources."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from tests.conftest import MINIMAL_SITE, document, write_files

LARGE = 200  # documents: enough that writing the site takes a noticeable time


def write_large_edition(root: Path, title: str) -> None:
    body = "\n\n".join(f"Paragraph {n} of the cable, with a [supplied] word." for n in range(20))
    write_files(root, {"site.yml": MINIMAL_SITE, **{f"content/documents/d{i:04d}.md": document(f"{title} {i}", body=body) for i in range(LARGE)}})


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def leftovers(parent: Path) -> list[Path]:
    return sorted(parent.glob(".edition-build-*"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, timeout=300)


def test_a_build_killed_while_writing_leaves_the_previous_site_and_the_next_build_cleans_up(tmp_path: Path) -> None:
    root, out = tmp_path / "edition", tmp_path / "site"
    write_large_edition(root, "First")
    assert not build(root, BuildOptions(out)).diagnostics.errors
    before = snapshot(out)
    write_large_edition(root, "Second")

    process = subprocess.Popen([sys.executable, "-m", "generator", "build", str(root), "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Wait until the build has started writing pages into its temporary folder, then kill it.
        while process.poll() is None and not any((staging / "documents").is_dir() for staging in leftovers(tmp_path)):
            time.sleep(0.002)
        assert process.poll() is None, "the build finished before it could be interrupted; make LARGE bigger"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)

    assert snapshot(out) == before
    assert leftovers(tmp_path), "SIGKILL leaves the half-written temporary folder"

    result = run("build", str(root), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert leftovers(tmp_path) == []
    assert "Second 0" in (out / "documents/d0000/index.html").read_text(encoding="utf-8")


def test_a_site_left_half_swapped_by_a_killed_build_is_put_back_even_when_the_next_build_fails(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document("Published")})
    out = tmp_path / "site"
    assert not build(root, BuildOptions(out)).diagnostics.errors
    before = snapshot(out)
    # What a build killed between its two renames leaves: no output folder, the old site set aside.
    out.rename(tmp_path / ".edition-build-4999999-old-k1ll3d00-site")
    (root / "content/documents/b.md").write_text(document(authors="[nobody]"), encoding="utf-8")
    assert build(root, BuildOptions(out)).diagnostics.errors
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_temporary_folders_of_a_running_build_are_left_alone(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document()})
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as other:
        try:
            busy = tmp_path / f".edition-build-{other.pid}-abcdefgh"
            busy.mkdir()
            assert not build(root, BuildOptions(tmp_path / "site")).diagnostics.errors
            assert busy.is_dir()
        finally:
            other.kill()


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (".", "is the edition folder itself"),
        ("..", "contains the edition folder and would replace it"),
        ("content", "lies inside the edition's sources"),
        ("content/documents", "lies inside the edition's sources"),
        ("site.yml", "is a file, not a folder"),
    ],
)
def test_the_command_line_refuses_an_output_folder_that_would_replace_the_sources(make_edition, out: str, message: str) -> None:
    root = make_edition({"content/documents/a.md": document()})
    before = snapshot(root.parent)
    result = run("build", str(root), "--out", str(root / out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"error: the output {'' if out == 'site.yml' else 'folder '}'{root / out}' {message}" in result.stderr
    assert "No site was written." in result.stderr
    assert snapshot(root.parent) == before
