"""The output folder is the generator's own or left untouched: a folder it did not write is refused (or, with
--force, replaced after a warning that says what it replaces); never a repository, the build memory or a link."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.output import SITE_MARKER
from tests.conftest import document


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, timeout=300)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def edition(make_edition) -> Path:  # type: ignore[no-untyped-def]
    return make_edition({"content/documents/a.md": document("Published")})


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A folder of someone's own files."""
    folder = tmp_path / "victim"
    for name in ("photos/1.jpg", "photos/2.jpg", "notes.txt", "zeta/z.txt"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(name, encoding="utf-8")
    return folder


def test_a_folder_the_generator_did_not_write_is_refused(edition: Path, victim: Path) -> None:
    before = snapshot(victim)
    result = run("build", str(edition), "--out", str(victim))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-4:] == [
        f"site.yml:1:1: error: the output folder '{victim}' was not written by this generator and holds 4 file(s): "
        "'notes.txt', 'photos/1.jpg', 'photos/2.jpg', ...",
        "    hint: choose a new or empty folder; or, to replace this folder and everything in it, build with --force",
        "1 error(s), 0 warning(s)",
        "No site was written.",
    ]
    assert snapshot(victim) == before


def test_check_refuses_the_foreign_output_folder_of_site_yml(make_edition) -> None:  # type: ignore[no-untyped-def]
    root = make_edition({"content/documents/a.md": document(), "public/photo.jpg": "mine"}, site="title: T\noutput: public\n")
    result = run("check", str(root))
    assert result.returncode == 1
    assert "site.yml:2:9: error: the output folder 'public' was not written by this generator and holds 1 file(s): 'photo.jpg'" in result.stderr.splitlines()
    assert (root / "public/photo.jpg").read_text(encoding="utf-8") == "mine"


def test_force_replaces_a_foreign_folder_after_saying_what_it_replaces(edition: Path, victim: Path) -> None:
    result = run("build", str(edition), "--out", str(victim), "--force")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"site.yml:1:1: warning: --force: the output folder '{victim}', which this generator did not write, is replaced with its "
        "4 file(s): 'notes.txt', 'photos/1.jpg', 'photos/2.jpg', ...",
        "0 error(s), 1 warning(s)",
    ]
    assert not (victim / "photos").exists()
    assert (victim / SITE_MARKER).is_file()
    assert "Published" in (victim / "documents/a/index.html").read_text(encoding="utf-8")


def test_a_site_of_its_own_and_an_empty_folder_are_written_without_force(edition: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not build(edition, BuildOptions(empty)).diagnostics.items
    assert (empty / SITE_MARKER).is_file()
    (empty / "stray.html").write_text("left by hand", encoding="utf-8")  # the site is the generator's: it is replaced whole
    (edition / "content/documents/b.md").write_text(document("Second"), encoding="utf-8")
    assert not build(edition, BuildOptions(empty)).diagnostics.items
    assert not (empty / "stray.html").exists()
    assert (empty / "documents/b/index.html").is_file()


def test_a_site_written_before_the_marker_is_the_edition_s_own_while_its_build_memory_names_it(edition: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert not build(edition, BuildOptions(out)).diagnostics.items
    (out / SITE_MARKER).unlink()  # as an earlier version wrote it
    (edition / "content/documents/b.md").write_text(document("Second"), encoding="utf-8")
    assert not build(edition, BuildOptions(out)).diagnostics.items
    assert (out / "documents/b/index.html").is_file()

    (out / SITE_MARKER).unlink()
    shutil.rmtree(edition / ".edition-cache")  # nothing names it any more
    (edition / "content/documents/c.md").write_text(document("Third"), encoding="utf-8")
    problems = [d.message for d in build(edition, BuildOptions(out)).diagnostics.errors]
    assert len(problems) == 1 and problems[0].startswith(f"the output folder '{out}' was not written by this generator")
    assert not (out / "documents/c").exists()


def test_a_symbolic_link_as_output_is_refused_and_what_it_points_to_kept(edition: Path, victim: Path, tmp_path: Path) -> None:
    before = snapshot(victim)
    (tmp_path / "link").symlink_to(victim)
    result = run("build", str(edition), "--out", str(tmp_path / "link"), "--force")
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        f"site.yml:1:1: error: the output folder '{tmp_path / 'link'}' is a symbolic link: a build would replace the folder it points to",
        "    hint: give the folder itself as output, or remove the link",
    ]
    assert snapshot(victim) == before


@pytest.mark.parametrize(
    ("output", "message"),
    [
        (".git", "the output folder '.git' is, or holds, a version-control folder, whose history a build would erase"),
        (".git/site", "the output folder '.git/site' is, or holds, a version-control folder, whose history a build would erase"),
        (".edition-cache", "the output folder '.edition-cache' holds the build memory (.edition-cache), which is not to be published"),
        ("themes", "the output folder 'themes' lies inside the edition's sources"),
    ],
)
def test_a_repository_the_build_memory_and_the_sources_are_never_the_output_not_even_forced(make_edition, output: str, message: str) -> None:  # type: ignore[no-untyped-def]
    root = make_edition(
        {"content/documents/a.md": document(), ".git/HEAD": "ref: refs/heads/main\n", "themes/mine/x.css": "a{}"}, site=f"title: T\noutput: {output}\n"
    )
    before = snapshot(root)
    result = run("build", str(root), "--force")
    assert result.returncode == 1
    assert f"site.yml:2:9: error: {message}" in result.stderr.splitlines()
    assert snapshot(root) == before


def test_a_folder_holding_a_repository_is_refused_even_forced(edition: Path, tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    (checkout / "index.html").write_text("published by hand", encoding="utf-8")
    result = run("build", str(edition), "--out", str(checkout), "--force")
    assert result.returncode == 1
    assert (
        f"site.yml:1:1: error: the output folder '{checkout}' is, or holds, a version-control folder, whose history a build would erase"
        in result.stderr.splitlines()
    )
    assert (checkout / "index.html").read_text(encoding="utf-8") == "published by hand"


def test_serve_refuses_the_foreign_output_folder_and_serves_nothing(make_edition) -> None:  # type: ignore[no-untyped-def]
    root = make_edition({"content/documents/a.md": document(), "public/photo.jpg": "mine"}, site="title: T\noutput: public\n")
    result = subprocess.run([sys.executable, "-m", "generator", "serve", str(root), "--port", "0"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "site.yml:2:9: error: the output folder 'public' was not written by this generator and holds 1 file(s): 'photo.jpg'"
    )
    assert result.stderr.splitlines()[-1] == "Fix the problems above, then run 'edition serve' again."
    assert (root / "public/photo.jpg").read_text(encoding="utf-8") == "mine"
