"""The write stage: put the rendered site on disk, all or nothing.

Pages are written into a fresh temporary folder beside the output folder, which then takes
the output's place by renaming, so a failed or interrupted build leaves the previous site as
it was. The writer refuses paths that would leave the output folder and output folders that
would overwrite the edition's own sources.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TypeVar

from generator import paths
from generator.tracking import bytes_digest, bytes_digester

TEMP_PREFIX = ".edition-build-"


SITE_MARKER = paths.SITE_MARK  # in every site this generator publishes: a folder holding it may be replaced
SITE_MARKER_TEXT = b"This folder is a site made by the edition generator: each build replaces it whole.\n"
VERSION_CONTROL = (".git", ".hg", ".svn")
DEFAULT_HINT = "choose an output folder of its own, such as _site"


class OutputProblem(Exception):
    def __init__(self, message: str, hint: str = DEFAULT_HINT) -> None:
        super().__init__(message)
        self.hint = hint


def check_output_dir(
    edition_dir: Path,
    output_dir: Path,
    *,
    cache_dir: Path | None = None,
    known_outputs: Collection[Path] = (),
    inside_edition: bool = False,
    force: bool = False,
) -> list[str]:
    """Refuse an output folder that a build must not replace; give the files a forced build replaces.

    Never the edition, a folder holding it, its sources, the build memory, a version-control folder or a symbolic
    link (with `inside_edition`, the output of site.yml, no folder on its way from the edition may be one either).
    An existing folder must be empty, hold the marker this generator writes into each site, or be the output its
    last build named (`known_outputs`: sites of earlier versions have no marker); another is replaced only with
    `force`, and its files are given (relative paths), so that the build can say what it replaces.
    """
    edition = edition_dir.resolve()
    output = output_dir.resolve()
    relative = Path(os.path.normpath(output_dir.absolute())).relative_to(Path(os.path.normpath(edition_dir.absolute()))) if inside_edition else None
    shown = relative if relative is not None else output_dir  # as site.yml names it, or as given
    if output == edition:
        raise OutputProblem(f"the output folder '{shown}' is the edition folder itself; choose another, e.g. _site")
    if edition.is_relative_to(output):
        raise OutputProblem(f"the output folder '{shown}' contains the edition folder and would replace it; choose another, e.g. _site")
    if output_dir.is_symlink():
        raise OutputProblem(
            f"the output folder '{shown}' is a symbolic link: a build would replace the folder it points to",
            "give the folder itself as output, or remove the link",
        )
    if relative is not None:
        for depth in range(1, len(relative.parts)):
            on_the_way = edition_dir / Path(*relative.parts[:depth])
            if on_the_way.is_symlink():
                raise OutputProblem(
                    f"the output folder '{shown}' leads out of the edition through the symbolic link '{on_the_way.relative_to(edition_dir)}'",
                    "choose an output folder inside the edition with no link on its way, or give --out",
                )
    if output_dir.exists() and not output_dir.is_dir():
        raise OutputProblem(f"the output '{shown}' is a file, not a folder; choose another name")
    if output.is_relative_to(edition / "content") or output.is_relative_to(edition / "themes"):
        raise OutputProblem(f"the output folder '{shown}' lies inside the edition's sources")
    cache = (cache_dir or edition / ".edition-cache").resolve()
    if output.is_relative_to(cache) or cache.is_relative_to(output):
        raise OutputProblem(f"the output folder '{shown}' holds the build memory ({cache.name}), which is not to be published")
    if any(part in VERSION_CONTROL for part in output.parts) or any((output / name).exists() for name in VERSION_CONTROL):
        raise OutputProblem(
            f"the output folder '{shown}' is, or holds, a version-control folder, whose history a build would erase",
            "publish the site into a folder of its own, such as _site, and copy it from there",
        )
    if not output_dir.is_dir() or (output_dir / SITE_MARKER).is_file() or output in {p.resolve() for p in known_outputs}:
        return []
    found = _files_in(output_dir)
    if found and not force:
        raise OutputProblem(
            f"the output folder '{shown}' was not written by this generator and holds {_some_of(found)}",
            "choose a new or empty folder; or, to replace this folder and everything in it, build with --force",
        )
    return found


def _files_in(folder: Path) -> list[str]:
    """The files and links under `folder`, relative and sorted; an empty folder has none."""
    found: list[str] = []
    for here, folders, files in os.walk(folder):
        base = Path(here).relative_to(folder)
        found += [(base / name).as_posix() for name in files]
        found += [(base / name).as_posix() for name in folders if os.path.islink(os.path.join(here, name))]
    return sorted(found)


def _some_of(files: Sequence[str], shown: int = 3) -> str:
    names = ", ".join(f"'{name}'" for name in files[:shown])
    return f"{len(files)} file(s): {names}{', ...' if len(files) > shown else ''}"


def replacing_warning(output_dir: Path, files: Sequence[str]) -> str:
    return f"--force: the output folder '{output_dir}', which this generator did not write, is replaced with its {_some_of(files)}"


def safe_relative(path: str) -> str:
    """`path` as a plain relative path (`a/b.html`), or OutputProblem when it would leave the output folder."""
    parts = path.split("/")
    if path and "\\" not in path and "" not in parts and "." not in parts and ".." not in parts:
        return path  # plain already, as nearly every file a build makes (pathlib took 0.26 s for a site's 85,000 paths)
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts or "\\" in path:
        raise OutputProblem(f"refusing to write '{path}' outside the output folder")
    return relative.as_posix()


def write_site(output_dir: Path, files: Iterable[tuple[str, bytes]], finish: Callable[[Path], None] | None = None) -> int:
    """Write every file, then swap the result into place; returns the file count.

    `finish` runs on the complete folder before the swap (the search indexer adds its bundle
    there), so whatever it adds is published together with the pages, or not at all.
    """
    staging = StagingFolder(output_dir)
    try:
        for path, data in files:
            staging.add(path, data)
        return staging.publish(finish)
    finally:
        staging.discard()


class StagingFolder:
    """A new site, written file by file as the build makes them into a folder beside the output, then swapped in whole.

    Files are written as they come, so a build need not hold the whole site in memory. Until
    `publish`, the output folder is untouched; `discard` removes what was written.
    """

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir.resolve()
        self.output_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(self.output_dir)
        self.folder: Path | None = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=self.output_dir.parent))
        self.written: set[str] = set()  # as safe_relative gives them
        self.twice: str | None = None

    def add(self, path: str, data: bytes) -> None:
        assert self.folder is not None, "the folder was published or discarded"
        if self.claim(path):
            _write_into(self.folder, safe_relative(path), data)

    def add_pieces(self, path: str, text: TextPieces) -> str:
        """Write a file made of pieces as they are encoded; gives the digest of its bytes (as `bytes_digest`)."""
        assert self.folder is not None, "the folder was published or discarded"
        digester = bytes_digester()

        def digested() -> Iterator[bytes]:
            for chunk in text.encoded():
                digester.update(chunk)
                yield chunk

        chunks = digested()
        if self.claim(path):
            _write_into(self.folder, safe_relative(path), chunks)
        for _ in chunks:  # (one not written, as a second file of its name, is digested all the same)
            pass
        return digester.hexdigest()

    def claim(self, path: str) -> bool:
        """Record a file of the site, written by `add` or by a worker (see `stage_file`); False if one was there already."""
        relative = safe_relative(path)
        if relative in self.written:
            self.twice = self.twice or path  # reported when publishing, with the build's other problems first
            return False
        self.written.add(relative)
        return True

    def publish(self, finish: Callable[[Path], None] | None = None) -> int:
        """Swap the folder into place; returns its file count. `finish` runs on it first (see write_site)."""
        assert self.folder is not None, "the folder was published or discarded"
        if self.twice is not None:
            raise OutputProblem(f"two pages would be written to '{self.twice}'")
        count = len(self.written)  # the build's files are known: walking 75,000 of them took half a second
        if finish is not None:
            before = set(os.listdir(self.folder))
            finish(self.folder)
            count += sum(_file_count(self.folder / name) for name in os.listdir(self.folder) if name not in before)
        _write_into(self.folder, SITE_MARKER, SITE_MARKER_TEXT)  # (not counted: it is not one of the edition's files)
        _swap_into_place(self.folder, self.output_dir)
        self.folder = None
        return count

    def discard(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def _file_count(path: Path) -> int:
    """1 for a file, else the files in the folder and its subfolders (no stat per file, as rglob and is_file make)."""
    if not path.is_dir():
        return 1
    return sum(len(files) for _, _, files in os.walk(path))


@dataclass(frozen=True)
class TextPieces:
    """A file's text as the pieces it is made of (the files that hold every document's text: `exports.TEXT_FILES`),
    encoded a batch at a time as it is written: joined into one text and then encoded, each had been held twice
    over in the build's process at its peak."""

    pieces: Sequence[str | bytes]  # texts, and texts encoded in UTF-8 already

    def encoded(self) -> Iterator[bytes]:
        """The file's bytes, a batch of pieces at a time."""
        batch: list[bytes] = []
        size = 0
        for piece in self.pieces:
            chunk = piece.encode("utf-8") if isinstance(piece, str) else piece
            batch.append(chunk)
            size += len(chunk)
            if size >= _BATCH_BYTES:
                yield b"".join(batch)
                batch, size = [], 0
        if batch:
            yield b"".join(batch)

    def joined(self) -> bytes:
        """The file's bytes in one piece, for a build that keeps its files until the write stage."""
        buffer = io.BytesIO()
        for chunk in self.encoded():
            buffer.write(chunk)
        return buffer.getvalue()  # (the buffer's own bytes, not a copy of them)


_BATCH_BYTES = 1 << 20  # a batch large enough that writing it is one system call among few


def file_bytes(data: str | TextPieces) -> bytes:
    return data.joined() if isinstance(data, TextPieces) else data.encode("utf-8")


@dataclass(frozen=True)
class Written:
    """A made file that the process which made it wrote into the staging folder: all that the build keeps of it."""

    digest: str  # tracking.bytes_digest of its bytes


Data = TypeVar("Data", str, bytes)


def stage_file(folder: Path | None, path: str, data: Data) -> Data | Written:
    """A made file, where it was made (a worker, or the build's own process).

    With a staging folder (a full build), the file is written there at once, so that writing runs on
    every core and only its digest goes back to the build; without one (an update, a build that does
    not write), it goes back whole. A file that cannot be written here goes back whole too: the build
    writes it itself, and reports what goes wrong.
    """
    if folder is None:
        return data
    encoded = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _write_into(folder, safe_relative(path), encoded)
    except (OSError, OutputProblem):
        return data
    return Written(bytes_digest(encoded))


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def _write_into(folder: Path, relative: str, data: bytes | Iterable[bytes]) -> None:
    """Write a file of the staging folder (`relative` as safe_relative gives it), from its bytes or its bytes in
    pieces. With the descriptor alone: a Python file object for each of a build's 75,000 files took half a second
    of processor time."""
    target = os.path.join(folder, relative)
    try:
        descriptor = os.open(target, _NEW_FILE, 0o666)
    except FileNotFoundError:
        # Its folder is new. The staging folder itself is never made again: one that a failed build discarded stays gone.
        # (With os.mkdir: pathlib's took 0.45 s for the 15,000 folders of 10,000 documents and 5,000 persons.)
        parts = relative.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            with contextlib.suppress(FileExistsError):  # made already, here or by another process (a file of that name fails the open)
                os.mkdir(os.path.join(folder, *parts[:depth]))
        descriptor = os.open(target, _NEW_FILE, 0o666)
    try:
        for chunk in (data,) if isinstance(data, bytes) else data:
            rest = memoryview(chunk)
            while rest:  # (a write may take less than it was given)
                rest = rest[os.write(descriptor, rest) :]
    finally:
        os.close(descriptor)


def _swap_into_place(staging: Path, output_dir: Path) -> None:
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a published site is readable
    if not output_dir.exists():
        staging.rename(output_dir)
        return
    # The suffix names the output, so that an interrupted swap can be undone for the right folder.
    retired = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-old-", suffix=f"-{output_dir.name}", dir=output_dir.parent))
    retired.rmdir()
    with _signals_held():  # Ctrl+C or SIGTERM between the two renames would leave no site until the next build
        output_dir.rename(retired)
        staging.rename(output_dir)
    shutil.rmtree(retired, ignore_errors=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM held back (on systems that can), then delivered."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _owner_is_running(leftover: Path) -> bool:
    """Whether the build that made this temporary folder (its pid is in the name) is still running."""
    pid = leftover.name.removeprefix(TEMP_PREFIX).split("-", 1)[0]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def remove_stale_temporaries(output_dir: Path) -> None:
    """Clean up after builds that were killed: put back a site that was being swapped out, remove the rest.

    A build killed between its two renames leaves no output folder, and the previous site in a
    temporary folder; that site is complete, so it is restored. Folders of builds that are still
    running (a preview server rebuilding beside a manual build) are left alone.
    """
    parent = output_dir.parent
    if not parent.is_dir():
        return
    leftovers = sorted(p for p in parent.glob(TEMP_PREFIX + "*") if p.is_dir() and not _owner_is_running(p))
    for leftover in leftovers:
        if not output_dir.exists() and "-old-" in leftover.name and leftover.name.endswith(f"-{output_dir.name}"):
            leftover.rename(output_dir)
            continue
        if "-update-" in leftover.name:
            _Journal.roll_back(leftover)  # an update in place that was killed: the site is put back as it was
            continue
        shutil.rmtree(leftover, ignore_errors=True)


# An update of more files than this, and more than a tenth of the site, is made as a whole new folder, swapped in.
IN_PLACE_LIMIT = 200
IN_PLACE_SHARE = 10


Finish = Callable[[Path, Path | None], None]  # see update_site


def update_site(
    output_dir: Path,
    changed: Sequence[tuple[str, bytes]],
    removed: Sequence[str],
    site_files: int = 0,
    *,
    finish: Finish | None = None,
    finish_folders: Sequence[str] = (),
) -> int:
    """Bring an existing site up to date, all or nothing; returns the number of files written.

    `finish` runs on the updated folder before the update is done (the search indexer makes its bundle
    again), so that what it makes is part of the update. Called in place, it is given a folder to set
    aside what it replaces of `finish_folders` (top-level folders of the site), under their names, and
    makes a new one as `<name>.new` first; on a copy, it is given None.

    A small update (of up to IN_PLACE_LIMIT files, or a tenth of the `site_files` in the site) is
    made in place, with a journal (see _Journal): the new files are written beside the site first, then
    renamed over the old ones, which are kept until the update is done. An update that fails is undone
    at once; one that is killed, by the next build before it does anything else (remove_stale_temporaries).
    A larger one is made like a full build: a new folder is made beside the old one from hard
    links to its files, which cost no copy, the changed files are written there as new files
    (never through a link, which would change the old site too), and the folder is swapped in.
    """
    output_dir = output_dir.resolve()
    remove_stale_temporaries(output_dir)
    count = len(changed) + len(removed)
    if count <= IN_PLACE_LIMIT or count * IN_PLACE_SHARE <= site_files:
        if changed or removed or finish is not None:
            _Journal.begin(output_dir, changed, removed, finish, finish_folders)
        return len(changed)
    staging = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=output_dir.parent))
    try:
        shutil.copytree(output_dir, staging, copy_function=os.link, dirs_exist_ok=True)
        _update(staging, changed, removed)
        if finish is not None:
            finish(staging, None)
        _ensure_marker(staging)
        _swap_into_place(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return len(changed)


def _ensure_marker(site: Path) -> None:
    """A site of an earlier version, updated, gets the marker of a site of this generator."""
    if not (site / SITE_MARKER).exists():
        _write_into(site, SITE_MARKER, SITE_MARKER_TEXT)


JOURNAL = "journal.json"  # in an update's work folder: written once its new files are all there, before the site changes
DONE = "done"  # beside it once the update is complete: the work folder is then only removed


class _Journal:
    """An update made in place, all or nothing.

    In a work folder beside the site, named for the build's process and the output: first the new files
    (`new/<n>`) and hard links to the files they replace or that go (`old/<n>`), then the journal, which
    lists them. Only then does the site change, by renames and removals alone, which need no room on the
    disk; a failure before the journal leaves the site as it was, one after it is undone from the links.
    When all is done, a mark says so and the work folder goes. A killed update leaves the work folder:
    the next build undoes it (`roll_back`) unless the mark is there.
    """

    @staticmethod
    def begin(output_dir: Path, changed: Sequence[tuple[str, bytes]], removed: Sequence[str], finish: Finish | None, finish_folders: Sequence[str]) -> None:
        work = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-update-", suffix=f"-{output_dir.name}", dir=output_dir.parent))
        try:
            entries = _Journal.prepare(work, output_dir, changed, removed, finish_folders)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)  # the site is untouched
            raise
        try:
            _Journal.apply(work, output_dir, entries, finish)
            (work / DONE).touch()
        except BaseException:
            _Journal.roll_back(work)
            raise
        shutil.rmtree(work, ignore_errors=True)

    @staticmethod
    def prepare(work: Path, output_dir: Path, changed: Sequence[tuple[str, bytes]], removed: Sequence[str], finish_folders: Sequence[str]) -> dict[str, object]:
        (work / "new").mkdir()
        (work / "old").mkdir()
        (work / "aside").mkdir()
        files: list[tuple[str, bool]] = []  # each changed file, and whether the site has it already
        for number, (path, data) in enumerate(changed):
            relative = safe_relative(path)
            _write_into(work / "new", str(number), data)
            target = output_dir / relative
            had = os.path.lexists(target)
            if had:
                os.link(target, work / "old" / str(number), follow_symlinks=False)
            files.append((relative, had))
        gone: list[str] = []
        for path in removed:
            relative, target = safe_relative(path), output_dir / safe_relative(path)
            if os.path.lexists(target):
                os.link(target, work / "old" / f"gone-{len(gone)}", follow_symlinks=False)
                gone.append(relative)
        made_folders = sorted(
            {parent for relative, _ in files for parent in _parents(relative) if not (output_dir / parent).is_dir()}, key=lambda folder: folder.count("/")
        )
        entries: dict[str, object] = {
            "output": str(output_dir),
            "files": files,
            "gone": gone,
            "made_folders": made_folders,
            "finish_folders": [[name, (output_dir / name).exists()] for name in finish_folders],
        }
        temporary = work / f"{JOURNAL}.new"
        temporary.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(temporary, work / JOURNAL)
        return entries

    @staticmethod
    def apply(work: Path, output_dir: Path, entries: dict[str, object], finish: Finish | None) -> None:
        for folder in entries["made_folders"]:  # type: ignore[attr-defined]
            os.mkdir(output_dir / folder)
        relative: str
        for number, (relative, _) in enumerate(entries["files"]):  # type: ignore[arg-type]
            os.replace(work / "new" / str(number), output_dir / relative)
        emptied: set[Path] = set()
        for relative in entries["gone"]:  # type: ignore[attr-defined]
            (output_dir / relative).unlink()
            emptied.update(output_dir / parent for parent in _parents(relative))
        for folder in sorted(emptied, key=lambda f: len(f.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: a page's folder goes with its page
        if finish is not None:
            finish(output_dir, work / "aside")
        _ensure_marker(output_dir)

    @staticmethod
    def roll_back(work: Path) -> None:
        """Put the site back as it was before the update that left `work`, then remove `work`; done already, only that."""
        try:
            entries = json.loads((work / JOURNAL).read_text(encoding="utf-8")) if not (work / DONE).exists() else None
        except (OSError, ValueError):
            entries = None  # no journal: the site was not changed yet
        if entries is not None:
            output_dir = Path(entries["output"])
            for name, existed in entries["finish_folders"]:
                shutil.rmtree(output_dir / f"{name}.new", ignore_errors=True)
                if (work / "aside" / name).exists() or not existed:
                    shutil.rmtree(output_dir / name, ignore_errors=True)
                if (work / "aside" / name).exists():
                    os.replace(work / "aside" / name, output_dir / name)
            for number, (relative, had) in enumerate(entries["files"]):
                if had:
                    os.replace(work / "old" / str(number), output_dir / relative)  # (a no-op while both are the one file)
                elif not (work / "new" / str(number)).exists():  # it was put in place
                    with contextlib.suppress(FileNotFoundError):
                        (output_dir / relative).unlink()
            for number, relative in enumerate(entries["gone"]):
                (output_dir / relative).parent.mkdir(parents=True, exist_ok=True)
                os.replace(work / "old" / f"gone-{number}", output_dir / relative)
            for folder in reversed(entries["made_folders"]):
                with contextlib.suppress(OSError):
                    (output_dir / folder).rmdir()
        shutil.rmtree(work, ignore_errors=True)


def _parents(relative: str) -> list[str]:
    """The folders of a relative path, outermost first: 'a/b/c.html' -> ['a', 'a/b']."""
    parts = relative.split("/")[:-1]
    return ["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]


def _update(folder: Path, changed: Sequence[tuple[str, bytes]], removed: Sequence[str]) -> None:
    """Update a copy of the site made of hard links: a changed file is written anew, never through its link."""
    emptied: set[Path] = set()
    for path in removed:
        target = folder / safe_relative(path)
        target.unlink(missing_ok=True)
        emptied.update(p for p in target.parents if p != folder and p.is_relative_to(folder))
    for parent in sorted(emptied, key=lambda f: len(f.parts), reverse=True):
        with contextlib.suppress(OSError):
            parent.rmdir()  # only when empty: a page's folder goes with its page
    for path, data in changed:
        target = folder / safe_relative(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        target.write_bytes(data)
