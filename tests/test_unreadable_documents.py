"""A documents folder that cannot be read is an error at its path, and the previous site stands: it is not taken
for an edition without those documents."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from tests.conftest import MINIMAL_SITE, REPO_ROOT, document, write_files
from tests.support.users import AS_NOBODY, as_unprivileged_user, shared_folder

HINT = "    hint: make it a folder the user who builds the edition can read"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def make(root: Path) -> Path:
    return write_files(
        root,
        {
            "site.yml": MINIMAL_SITE,
            "content/documents/a.md": document("First"),
            "content/documents/1951/b.md": document("Second"),
            "content/pages/about.md": "---\ntitle: About\n---\nText.\n",
        },
    )


def can_run_as_nobody() -> bool:
    return os.geteuid() == 0 and as_unprivileged_user() is not None


def as_nobody(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*AS_NOBODY, sys.executable, *arguments], capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)


@pytest.fixture(name="shared_folder")
def shared_folder_fixture() -> Iterator[Path]:
    with shared_folder("unreadable-") as folder:
        yield folder


@pytest.mark.skipif(not can_run_as_nobody(), reason="needs root and setpriv, to build as a user who cannot read a folder")
@pytest.mark.parametrize("locked", ["content/documents/1951", "content/documents", "content/pages"])
def test_a_folder_the_build_cannot_read_fails_it_and_the_previous_site_stands(shared_folder: Path, locked: str) -> None:
    root, out = make(shared_folder / "edition"), shared_folder / "site"
    assert not build(root, BuildOptions(out)).diagnostics.items
    subprocess.run(["chown", "-R", "nobody:nogroup", str(shared_folder)], check=True)
    before = snapshot(out)
    (root / locked).chmod(0)
    if as_nobody("-c", f"import os; os.listdir({str(root / locked)!r})").returncode == 0:
        pytest.skip("the other user can read the locked folder here")
    result = as_nobody("-m", "generator", "build", str(root), "--out", str(out))
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[:2] == [
        f"{locked}:1:1: error: this folder cannot be read (Permission denied); the files in it would be missing from the site",
        HINT,
    ]
    assert result.stderr.splitlines()[-1] == "No site was written."
    assert snapshot(out) == before


@pytest.mark.parametrize(("what", "why"), [("file", "it is not a folder"), ("broken link", "it is a link to nothing")])
def test_a_documents_folder_that_is_a_file_or_a_broken_link_is_an_error(tmp_path: Path, what: str, why: str) -> None:
    root, out = make(tmp_path / "edition"), tmp_path / "site"
    assert not build(root, BuildOptions(out)).diagnostics.items
    before = snapshot(out)
    shutil.rmtree(root / "content/documents")
    if what == "file":
        (root / "content/documents").write_text("not a folder", encoding="utf-8")
    else:
        (root / "content/documents").symlink_to(tmp_path / "gone")
    result = build(root, BuildOptions(out))
    assert [d.format() for d in result.diagnostics.errors] == [
        f"content/documents:1:1: error: this folder cannot be read ({why}); the files in it would be missing from the site\n{HINT}"
    ]
    assert snapshot(out) == before


def test_a_loop_of_links_among_the_documents_is_reported_where_it_is_and_the_others_are_read(tmp_path: Path) -> None:
    root = make(tmp_path / "edition")
    (root / "content/documents/1951/loop.md").symlink_to("loop.md")
    (root / "content/documents/1951/nowhere").symlink_to("nowhere")  # not a document: passed over
    result = build(root, BuildOptions(tmp_path / "out", write=False))
    assert [d.format() for d in result.diagnostics.errors] == [
        "content/documents/1951/loop.md:1:1: error: this file is a symbolic link that leads round in a loop and is not read\n"
        "    hint: replace it with a regular file"
    ]
    assert sorted(d.id for d in result.edition.documents) == ["a", "b"]
