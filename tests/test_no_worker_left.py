"""No worker outlives its build: a build killed (SIGKILL) or terminated (SIGTERM) takes its worker processes with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.parallel import MIN_ITEMS_PER_WORKER, default_jobs
from tests.conftest import MINIMAL_SITE, document, write_files

DOCUMENTS = 2 * MIN_ITEMS_PER_WORKER + 50  # enough for two workers


def children_of(pid: int) -> set[int]:
    """The processes whose parent is `pid`, from /proc (the field after the name, in parentheses, is the state, then the parent)."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


@pytest.mark.skipif(not Path("/proc/self/stat").exists() or default_jobs() < 2, reason="needs /proc and two cores for workers")
@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_build_leaves_no_worker_running(tmp_path: Path, signal_number: int) -> None:
    root, out = tmp_path / "edition", tmp_path / "site"
    write_files(
        root,
        {
            "site.yml": MINIMAL_SITE,
            **{f"content/documents/d{i:04d}.md": document(f"Cable {i}", body="A cable with a [supplied] word. " * 20) for i in range(DOCUMENTS)},
        },
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", str(root), "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while process.poll() is None and not workers and time.monotonic() < deadline:
            workers = children_of(process.pid)
            time.sleep(0.01)
        assert workers, "the build forked no worker before it ended"
        os.kill(process.pid, signal_number)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    if signal_number == signal.SIGTERM:
        assert process.returncode == 128 + signal.SIGTERM
        assert stderr.splitlines()[-1] == "terminated"
        assert "Traceback" not in stderr
        assert sorted(tmp_path.glob(".edition-build-*")) == []  # it removed its temporary folder
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in workers if running(pid)] == []
