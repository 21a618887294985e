"""All or nothing, updates in place included: a build killed at any moment of an update, or one that runs out of
disk space, leaves the previous site exactly as it was (or, killed once done, the new one), once the next build
has put back what a killed one left half done. EDITION_KILL_MOMENTS sets how many moments are tried (`make kills`)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from tests.conftest import MINIMAL_PERSONS, MINIMAL_SITE, REPO_ROOT, document, write_files

DOCUMENTS = 30
EDITED = 10  # documents changed between the two sites: a small update, made in place
KILL_MOMENTS = int(os.environ.get("EDITION_KILL_MOMENTS", "8"))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of the site; of the search bundle, whose filters Pagefind writes in an order of its own from run to run,
    the number of pages it indexes and of its files."""
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and "pagefind" not in p.parts}
    entry = folder / "pagefind" / "pagefind-entry.json"
    if entry.is_file():
        pages = json.loads(entry.read_text(encoding="utf-8"))["languages"]["en"]["page_count"]
        files["pagefind"] = f"{pages} pages, {sum(1 for p in (folder / 'pagefind').rglob('*') if p.is_file())} files".encode()
    return files


def edition_files(title: str) -> dict[str, str | bytes]:
    body = "\n\n".join(f"Paragraph {n} of the cable, with a [supplied] word." for n in range(5))
    return {
        "site.yml": MINIMAL_SITE,
        "content/persons.yml": MINIMAL_PERSONS,
        **{f"content/documents/d{i:03d}.md": document(f"{title if i < EDITED else 'Cable'} {i}", body=body) for i in range(DOCUMENTS)},
    }


def work_folders(parent: Path) -> list[Path]:
    return sorted(parent.glob(".edition-build-*"))


@pytest.fixture
def sites(tmp_path: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The old site and the new one, each built whole elsewhere."""
    made = []
    for title in ("Old", "New"):
        root = write_files(tmp_path / f"reference-{title}", edition_files(title))
        assert not build(root, BuildOptions(tmp_path / f"site-{title}")).diagnostics.items
        made.append(snapshot(tmp_path / f"site-{title}"))
    assert made[0] != made[1]
    return made[0], made[1]


def kill_moments() -> list[float]:
    """Seconds after the update's work folder appears: most within the update itself, which is short."""
    return [0.0005 * 2 ** (9 * n / max(1, KILL_MOMENTS - 1)) for n in range(KILL_MOMENTS)]  # 0.5 ms to 0.26 s


def test_an_update_killed_at_any_moment_leaves_the_old_site_or_the_new_one(tmp_path: Path, sites) -> None:  # type: ignore[no-untyped-def]
    old, new = sites
    root, out = tmp_path / "edition", tmp_path / "site"
    outcomes: dict[str, int] = {"old": 0, "new": 0, "put back by the next build": 0}
    for moment in kill_moments():
        write_files(root, edition_files("Old"))
        (root / "content/documents/broken.md").unlink(missing_ok=True)
        assert not build(root, BuildOptions(out)).diagnostics.items
        assert snapshot(out) == old
        write_files(root, edition_files("New"))
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", str(root), "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO_ROOT
        )
        try:
            while process.poll() is None and not any("-update-" in f.name for f in work_folders(tmp_path)):
                time.sleep(0.0002)
            time.sleep(moment)
            process.send_signal(signal.SIGKILL)
        finally:
            process.wait(timeout=60)
        left = [f for f in work_folders(tmp_path) if (f / "journal.json").exists() and not (f / "done").exists()]
        now = snapshot(out)
        if not left:
            assert now in (old, new), f"killed {moment:.4f} s into the update"
            outcomes["old" if now == old else "new"] += 1
            continue
        # A killed update is undone before anything else, even by a build that fails.
        write_files(root, {"content/documents/broken.md": document(authors="[nobody]")})
        assert build(root, BuildOptions(out)).diagnostics.errors
        assert snapshot(out) == old, f"killed {moment:.4f} s into the update"
        assert work_folders(tmp_path) == []
        outcomes["put back by the next build"] += 1
    print(json.dumps(outcomes))
    assert sum(outcomes.values()) == KILL_MOMENTS


FULL_DISK_SCRIPT = """
import json, os, shutil, subprocess, sys
from pathlib import Path
from generator.build import BuildOptions, build
from tests.test_all_or_nothing import edition_files, snapshot, work_folders
from tests.conftest import write_files

disk, root = Path(sys.argv[1]), Path(sys.argv[2])
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)], check=True)
out, filler = disk / "site", disk / "filler"
# The new site, built whole on the same disk.
assert not build(write_files(root.parent / "reference", edition_files("New")), BuildOptions(disk / "reference")).diagnostics.items
reference = snapshot(disk / "reference")
shutil.rmtree(disk / "reference")
results = []
for free_pages in [0, 2, 8, 32, 64, 96, 128, 160, 192, 256, 384, 512]:
    filler.unlink(missing_ok=True)
    write_files(root, edition_files("Old"))
    assert not build(root, BuildOptions(out)).diagnostics.items
    old = snapshot(out)
    write_files(root, edition_files("New"))
    space = os.statvfs(disk)
    with open(filler, "wb") as stream:
        stream.write(bytes(max(0, space.f_bavail - free_pages) * space.f_frsize))
    result = build(root, BuildOptions(out))
    messages = [d.format() for d in result.diagnostics.errors]
    now = snapshot(out)
    now.pop("filler", None)
    results.append({"free_pages": free_pages, "errors": messages, "old": now == old, "new": now == reference,
                    "leftovers": [f.name for f in work_folders(disk)],
                    "differs": sorted(k for k in set(now) | set(reference) if now.get(k) != reference.get(k))})
    if not messages:
        break
print(json.dumps(results))
"""


def test_an_update_that_runs_out_of_disk_space_leaves_the_old_site(tmp_path: Path) -> None:
    """Each update with less room than it needs fails with a message and leaves the old site; the first with enough makes the new one."""
    if (
        os.geteuid() != 0
        or shutil.which("unshare") is None
        or subprocess.run(["unshare", "-m", "mount", "-t", "tmpfs", "tmpfs", str(tmp_path)], capture_output=True).returncode != 0
    ):
        pytest.skip("needs root, unshare and mount, for a small disk in a mount namespace of its own")
    disk = tmp_path / "disk"
    disk.mkdir()
    result = subprocess.run(
        ["unshare", "-m", "--propagation", "private", sys.executable, "-c", FULL_DISK_SCRIPT, str(disk), str(tmp_path / "edition")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stderr
    tried = json.loads(result.stdout.splitlines()[-1])
    failed, succeeded = tried[:-1], tried[-1]
    assert len(failed) >= 3 and succeeded["errors"] == [], tried
    # The new site, but for the search index: Pagefind's bundle follows the order in which the file system lists the
    # pages, and on this disk that order is another after the updates that were undone.
    assert succeeded["differs"] == [] or all(path.startswith("pagefind/") for path in succeeded["differs"]), succeeded
    for attempt in failed:
        assert attempt["old"] and attempt["leftovers"] == [], attempt
        assert len(attempt["errors"]) == 1, attempt
        # (Pagefind ends with success on a full disk, its bundle's files empty: the build checks the bundle and says so.)
        full = (
            "site.yml:1:1: error: cannot write the site: No space left on device",
            "site.yml:1:1: error: Pagefind could not index the site: its bundle was written incomplete (is the disk full?)",
        )
        assert attempt["errors"][0].startswith(full), attempt
