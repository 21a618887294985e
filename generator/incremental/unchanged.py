"""The no-op shortcut: when no file a build reads has changed since the last build, its output stands.

After each successful write the build keeps a small summary in `.edition-cache/` (git-ignored): a
signature of every file a build reads (the edition's site.yml, content/ and themes/, the built-in
theme, the generator's own code, the Pagefind executable, SOURCE_DATE_EPOCH), where the site went and which folder it
is, and the diagnostics to report again. A rebuild whose signature matches, into the same output
folder not replaced or removed since, stops after a directory scan. Anything unreadable or
unusual (a symbolic link among the sources) means a full build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator import __version__, edition_files
from generator.diagnostics import Diagnostic

CACHE_DIR = ".edition-cache"
SUMMARY = "last-build-summary.pickle"
SUMMARY_FORMAT = "3"


class UnusualSources(Exception):
    """The sources cannot be summed up by their sizes and times."""


@dataclass(frozen=True)
class SourceScan:
    """What the sources were when a build began."""

    signature: str  # of the size, times, inode and mode of every file, and of what the build was asked for
    recent: dict[str, str]  # content hashes of the files changed in the last seconds, by path

    def contents_unchanged(self) -> bool:
        # As git does with "racy" files: a file changed within the clock's granularity of the scan may
        # have changed again without a new time, so it counts by its content.
        return all(_content_hash(Path(path)) == digest for path, digest in self.recent.items())


@dataclass(frozen=True)
class Summary:
    """The little a rebuild with no change needs: whether nothing changed, and what to report."""

    sources: SourceScan
    output_dir: Path
    output_state: str
    diagnostics: tuple[Diagnostic, ...]
    documents: int
    persons: int
    organizations: int
    format: str = SUMMARY_FORMAT

    def still_current(self, sources: SourceScan | None) -> bool:
        return (
            sources is not None
            and self.sources.signature == sources.signature
            and self.output_state == output_state(self.output_dir)
            and self.sources.contents_unchanged()
        )


def output_state(output_dir: Path) -> str:
    """Which folder the output is: a folder replaced or removed by hand has another inode (a build swaps in a new one)."""
    try:
        info = output_dir.stat()
    except OSError:
        return ""
    return f"{info.st_dev}:{info.st_ino}:{info.st_mtime_ns}"


def scan_sources(roots: Iterable[Path], settings: object) -> SourceScan | None:
    """Size, times and inode of every file under `roots` (and `settings`); None when the sources are unusual."""
    hasher = hashlib.blake2b(digest_size=20)
    # SOURCE_DATE_EPOCH is read too: the feed, CMIF and the citations' access dates may carry it.
    hasher.update(repr((__version__, settings, os.environ.get("SOURCE_DATE_EPOCH"))).encode("utf-8"))
    recent_since = time.time_ns() - edition_files.RACY_NS
    recent: dict[str, str] = {}
    try:
        for root in roots:
            hasher.update(f"root\0{root}\n".encode("utf-8", "surrogateescape"))
            for path, info in sorted(_walk(root)):
                hasher.update(
                    f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}\0{info.st_mode}\n".encode("utf-8", "surrogateescape")
                )
                if max(info.st_mtime_ns, info.st_ctime_ns) >= recent_since:
                    recent[path] = _content_hash(Path(path))
    except (OSError, UnusualSources):
        return None
    return SourceScan(hasher.hexdigest(), recent)


def _content_hash(path: Path) -> str:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()
    except OSError:
        return ""


def _walk(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    try:
        info = root.lstat()
    except FileNotFoundError:
        return
    if root.is_symlink():
        raise UnusualSources(root)
    if not root.is_dir():
        if not stat.S_ISREG(info.st_mode):  # a named pipe: its content cannot be summed up, nor waited for
            raise UnusualSources(root)
        yield str(root), info
        return
    folders = [str(root)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    raise UnusualSources(entry.path)
                if entry.is_dir():
                    if entry.name != "__pycache__":
                        folders.append(entry.path)
                    continue
                if not entry.is_file():
                    raise UnusualSources(entry.path)
                yield entry.path, entry.stat()


def read_summary(edition_dir: Path) -> Summary | None:
    try:
        with open(edition_dir / CACHE_DIR / SUMMARY, "rb") as stream:
            summary = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError, ImportError):
        return None
    return summary if isinstance(summary, Summary) and summary.format == SUMMARY_FORMAT else None


def forget_summary(edition_dir: Path) -> None:
    """Until a write is done, the summary does not describe the output."""
    with contextlib.suppress(OSError):
        (edition_dir / CACHE_DIR / SUMMARY).unlink(missing_ok=True)


def save_summary(edition_dir: Path, summary: Summary) -> None:
    """Keep the summary; an edition folder that cannot take it only loses the shortcut."""
    folder = edition_dir / CACHE_DIR
    temporary = folder / f"{SUMMARY}.{os.getpid()}.new"
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
        with open(temporary, "wb") as stream:
            pickle.dump(summary, stream, pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / SUMMARY)
