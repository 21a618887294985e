"""The corpus of broken editions: each folder under tests/broken/ is a small edition with one kind
of bad input and an expected.txt of the lines `edition check` must print for it.

Every case also holds content/documents/good.md, a valid document with one deliberate warning,
so each run proves that the other documents are still read, annotated and reported. Cases whose
input cannot be kept in git (a symbolic link, a file of megabytes, names differing only in case)
get it added to a temporary copy here. Folders named `accepted-*` are inputs the generator
accepts: they must pass with exit status 0.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import main
from generator.content import MAX_FILE_BYTES
from generator.markup.editorial import MAX_INTERVENTIONS

CORPUS = Path(__file__).resolve().parent / "broken"


def add_symlink_outside(root: Path) -> None:
    outside = root.parent / "outside-secret.md"
    outside.write_text("---\ntitle: A secret\ndate: 1951\n---\nNot part of the edition.\n", encoding="utf-8")
    (root / "content/documents/linked.md").symlink_to(outside)
    (root.parent / "outside-folder").mkdir()
    (root.parent / "outside-folder/letter.md").write_text("---\ntitle: Elsewhere\ndate: 1951\n---\nText.\n", encoding="utf-8")
    (root / "content/documents/linked-folder").symlink_to(root.parent / "outside-folder")


def add_enormous_file(root: Path) -> None:
    front = "---\ntitle: Too large\ndate: 1951\n---\n"
    line = "A line of an OCR transcript that was pasted far too many times.\n"
    text = (front + line * (MAX_FILE_BYTES // len(line) + 1))[: MAX_FILE_BYTES + 1]  # one byte over the limit
    (root / "content/documents/huge.md").write_text(text, encoding="utf-8")


# expected.txt may name the size limit by these placeholders, so that it holds whatever the limit is.
PLACEHOLDERS = {
    "<MAX_FILE_BYTES>": f"{MAX_FILE_BYTES:,}",
    "<MAX_FILE_BYTES_PLUS_1>": f"{MAX_FILE_BYTES + 1:,}",
    "<MAX_INTERVENTIONS>": f"{MAX_INTERVENTIONS:,}",
    "<MAX_INTERVENTIONS_PLUS_1>": f"{MAX_INTERVENTIONS + 1:,}",
}


def expected_lines(case: str) -> list[str]:
    text = (CORPUS / case / "expected.txt").read_text(encoding="utf-8")
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    return text.splitlines()


def add_names_differing_in_case(root: Path) -> None:
    for name in ("Cable.md", "cable.md"):
        (root / "content/documents" / name).write_text(f"---\ntitle: {name}\ndate: 1951\n---\nText.\n", encoding="utf-8")


def add_special_files(root: Path) -> None:
    os.mkfifo(root / "content/persons.yml")
    os.mkfifo(root / "content/documents/pipe.md")
    (root / "content/places.yml").symlink_to(root / "content/places.yml")
    (root / "content/facsimiles").mkdir()
    os.mkfifo(root / "content/facsimiles/pipe.png")
    (root / "content/facsimiles/loop.png").symlink_to(root / "content/facsimiles/loop.png")


def add_theme_links_outside(root: Path) -> None:
    secret = root.parent / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/sh\n", encoding="utf-8")
    (root / "themes/mine/assets/passwd.txt").symlink_to(secret)
    (root / "themes/mine/templates").mkdir()
    (root / "themes/mine/templates/secret.html").symlink_to(secret)


def add_too_many_interventions(root: Path) -> None:
    body = "[a]" * (MAX_INTERVENTIONS + 1)  # one-letter brackets, as OCR noise makes them
    (root / "content/documents/noise.md").write_text(f"---\ntitle: OCR noise\ndate: 1951\n---\n{body}\n", encoding="utf-8")


def add_link_on_the_output_s_way(root: Path) -> None:
    (root.parent / "elsewhere").mkdir()
    (root / "public").symlink_to(root.parent / "elsewhere")


MADE_AT_TEST_TIME: dict[str, Callable[[Path], None]] = {
    "symlink-outside": add_symlink_outside,
    "enormous-file": add_enormous_file,
    "case-collision": add_names_differing_in_case,
    "special-files": add_special_files,
    "theme-link-outside": add_theme_links_outside,
    "too-many-interventions": add_too_many_interventions,
    "output-through-link": add_link_on_the_output_s_way,
}
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def test_corpus_has_every_case() -> None:
    assert set(MADE_AT_TEST_TIME) <= set(CASES)
    for case in CASES:
        assert (CORPUS / case / "expected.txt").is_file(), case
        assert (CORPUS / case / "content/documents/good.md").is_file(), case


def _copy_case(case: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("broken") / case
    shutil.copytree(CORPUS / case, root, symlinks=True)
    (root / "expected.txt").unlink()
    if case in MADE_AT_TEST_TIME:
        MADE_AT_TEST_TIME[case](root)
    return root


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """`edition check` of every case, through the command's own entry point in this process."""

    def check(case: str) -> subprocess.CompletedProcess[str]:
        arguments = ["check", str(_copy_case(case, tmp_path_factory))]
        said, errors = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(errors):
            try:
                status = main(arguments)
            except Exception:  # a traceback is what the test looks for: keep it in what was said
                traceback.print_exc(file=errors)
                status = -1
        return subprocess.CompletedProcess(arguments, status, said.getvalue(), errors.getvalue())

    return {case: check(case) for case in CASES}


def test_a_broken_edition_checked_by_the_command_is_reported_as_in_process(
    tmp_path_factory: pytest.TempPathFactory,
    reports: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    """One case through the installed command, in a process of its own, as an editor runs it."""
    case = "duplicate-ids"
    root = _copy_case(case, tmp_path_factory)
    result = subprocess.run([sys.executable, "-m", "generator", "check", str(root)], capture_output=True, text=True, timeout=300)
    assert result.returncode == reports[case].returncode == 1
    assert result.stderr.replace(str(root), "") == reports[case].stderr.replace(str(reports[case].args[1]), "")


@pytest.mark.parametrize("case", CASES)
def test_broken_edition_is_reported_without_traceback(case: str, reports: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = reports[case]
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == (0 if case.startswith("accepted-") else 1), result.stderr
    printed = result.stderr.splitlines()
    expected = expected_lines(case)
    missing = [line for line in expected if line not in printed]
    assert missing == [], result.stderr
    # The good document was read and annotated in the same run: its warning is there.
    assert any(line.startswith("content/documents/good.md:5:33: warning: '[' has no matching ']'") for line in printed)
