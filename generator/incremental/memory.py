"""What a build keeps for the next one, so that a rebuild redoes only the work whose inputs changed.

Kept in `.edition-cache/` (git-ignored) after each successful write, and in the preview
server's memory between its rebuilds:

- each source file's parse (front matter and body, or register entries) by its text;
- the register entries' digests and the names they give the matcher (and, in the process that
  made it, the matcher itself), reused while the registers' parses are the same;
- each document's annotated text with what it was made from (the document, the names the
  matcher knows, the entries it mentions);
- in the preview server's process, each document's part of the index (its appearances and its
  entries with their roles, with their digests), reused while the document, its annotated text and
  the entries it names are the same;
- each document's exports, and each output file's fingerprint: the digest of its values and
  the reads it made of the index and the edition (see tracking.py);
- each group of pages (see incremental.rendering.page_groups) with the digests of its inputs, and the fingerprints
  of the index and the edition as a whole (see tracking.ReadResults);
- the output folder and the files in it.

The parts kept for each document (its parse, digests, annotated text, exports and line of
edition.json) are saved in shards by document id, beside the rest: a rebuild after a change to a
few documents writes again the shards that hold them, not the whole memory (about 300 MB at
10,000 documents before compression).

The memory is used only for a build with the same settings, theme and generator; anything
else, or an output folder that changed since, means a full build. A build forgets the memory
before it touches the output, so an interrupted update is followed by a full build.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import secrets
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xxhash
import zstandard

from generator.annotate import AnnotatedText
from generator.diagnostics import Diagnostic
from generator.exports import KeptExports
from generator.index import Appearance, IndexParts, InDocument, same_registers
from generator.model import Document, Edition, RegisterEntry
from generator.registers import NameMatcher
from generator.tracking import Made, bytes_digest, digest

if TYPE_CHECKING:
    from generator.exports.text import TextExports

MEMORY = "build-memory.pickle"
MEMORY_FORMAT = "10"
SHARDS = 256  # at 10,000 documents about 40 documents and 1 MB a shard
SHARD_FILE = "build-memory-{number}-{token}.pickle"  # a new name for each shard written: see save_memory
PER_DOCUMENT = ("parsed", "documents", "annotations", "exports", "records")  # the fields of BuildMemory kept in shards
ShardContent = dict[str, dict[Any, Any]]  # field name -> that field's items for the documents of one shard


@dataclass(frozen=True)
class KeptAnnotation:
    key: tuple[str, str]  # the document's digest and that of the matcher's names
    mentioned: tuple[tuple[str, str, str], ...]  # (kind, id, entry digest) of each entry the text names
    text: AnnotatedText
    text_digest: str
    problems: tuple[Diagnostic, ...]
    exports: TextExports  # what the exports take from the same parse (see exports/text.py)
    note_digests: tuple[str, ...]  # of each of the text's notes


@dataclass(frozen=True)
class IndexDigests:
    """One document's appearances and entry lists (the objects of its part of the index) with their digests."""

    appearances: tuple[tuple[str, Appearance], ...]
    appearance_digests: tuple[str, ...]
    entries: Mapping[str, InDocument]
    entries_digests: tuple[str, ...]  # of each kind's, in the order of `entries`


@dataclass(frozen=True)
class KeptIndex:
    """The index's parts, kept only in the process that made them (the preview server's): pickled, their many
    small objects would cost a build from the command line more to save and load than they spare it."""

    parts: IndexParts
    digests: dict[str, IndexDigests]  # by document id
    appearances: dict[str, tuple[tuple[Appearance, ...], str]]  # each entry's appearances with their digest, by entry key

    def __reduce__(self) -> tuple[type[None], tuple[()]]:
        return type(None), ()  # unpickled as None


@dataclass(frozen=True)
class KeptRegisters:
    """The register entries as read, with what the build made of them alone."""

    entries: tuple[tuple[RegisterEntry, ...], ...]  # every register's, in the order of model.REGISTER_KINDS
    digests: dict[tuple[str, str], str]  # of each entry, by kind and id
    names: str  # the digest of every entry's names
    matcher: tuple[NameMatcher, list[Diagnostic]] | None  # see build_matcher; not pickled

    @classmethod
    def of(cls, edition: Edition, digests: dict[tuple[str, str], str], names: str, matcher: tuple[NameMatcher, list[Diagnostic]] | None) -> KeptRegisters:
        return cls(edition.registers, digests, names, matcher)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "matcher": None}  # large to pickle: kept only in the process that made it

    def same_entries(self, edition: Edition) -> bool:
        """Whether the edition's entries are these very objects (the parse memory gives an unchanged register's again)."""
        return same_registers(edition.registers, self.entries)


@dataclass
class BuildMemory:
    settings: str = ""  # digest of the settings, the theme, the generator and what the build was asked for
    output_dir: str = ""
    output_state: str = ""
    parsed: dict[tuple[str, str], tuple[Any, tuple[Diagnostic, ...]]] = field(default_factory=dict)  # (kind, text digest)
    read_files: dict[str, tuple[tuple[int, int, int, int], tuple[str, str]]] = field(default_factory=dict)  # path -> state, parse key
    # each document's digests, of its metadata and of the whole, by id: reused while the parse gives the same object
    documents: dict[str, tuple[Any, str, str]] = field(default_factory=dict)
    annotations: dict[str, KeptAnnotation] = field(default_factory=dict)  # by document id
    exports: dict[str, KeptExports] = field(default_factory=dict)  # by document id
    pages: dict[str, Made] = field(default_factory=dict)  # by output path
    whole: dict[str, Made] = field(default_factory=dict)  # the files made from the whole index, by output path
    # Parts of the edition-wide exports by what they are made from (see exports/__init__.py): each document's line
    # in edition.json, and each register entry's TEI element.
    records: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # document id -> (key, line encoded)
    entries: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (kind, id) -> (key, serialized)
    files: dict[str, str] = field(default_factory=dict)  # every file the build wrote (the theme's assets too), with its digest
    # each group of pages (see incremental.rendering.page_groups) by name: the digest of its inputs, its pages and its other files
    plans: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)  # the fingerprint of each object pages read (see ReadResults.steady)
    registers: KeptRegisters | None = None  # the entries' digests and the matcher, reused while the registers are the same
    index: KeptIndex | None = None  # the index's parts, reused for the documents, texts and entries that are the same; not pickled
    format: str = MEMORY_FORMAT
    code: str = ""  # digest of the generator's code (see code_digest)
    shard_files: dict[int, str] = field(default_factory=dict)  # the file of each shard, by number (see save_memory)
    # The shards as read, with their files: those whose content a build leaves as it was are not written again.
    kept_shards: dict[int, tuple[str, ShardContent]] = field(default_factory=dict, repr=False, compare=False)


def settings_digest(*parts: object) -> str:
    return digest(repr(parts))


def tree_digest(folders: list[Path], leave_out: tuple[str, ...] = ()) -> str:
    """The contents of every file under `folders` (the theme, the generator's code), but those in each folder's
    sub-folders named in `leave_out` (a theme's assets and templates, which the build follows file by file)."""
    hashed: list[str] = []
    for folder in folders:
        left_out = [folder / name for name in leave_out]
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts and not any(p.is_relative_to(sub) for sub in left_out)):
            try:
                hashed.append(f"{path}\0{bytes_digest(path.read_bytes())}")
            except OSError:
                hashed.append(f"{path}\0unreadable")
    return digest("\n".join(hashed))


def code_digest() -> str:
    """The generator's code, which everything kept was made by: another version reuses nothing, its parses included."""
    return tree_digest([Path(__file__).resolve().parent.parent])


def read_memory(cache_dir: Path) -> BuildMemory | None:
    """The last build's memory, its shards in it; None when any part of it cannot be read."""
    try:
        with open(cache_dir / MEMORY, "rb") as stream:
            memory = pickle.loads(zstandard.decompress(stream.read()))
        if not isinstance(memory, BuildMemory) or memory.format != MEMORY_FORMAT:
            return None
        for (number, name), packed in zip(memory.shard_files.items(), _unpacked(cache_dir, list(memory.shard_files.values())), strict=True):
            content: ShardContent = _ShardUnpickler(io.BytesIO(packed)).load()
            memory.kept_shards[number] = (name, content)
            for field_name, items in content.items():
                getattr(memory, field_name).update(items)
    except (OSError, zstandard.ZstdError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError, ImportError, IndexError, KeyError):
        return None
    return memory


# The shards are kept compressed: most of them is text (annotated HTML, TEI, plain text), which compresses well.
# Zstandard at its default level takes less room than LZMA's fastest setting for a fifteenth of its work, and reads
# back five times as fast (docs/performance.md). It gives up the interpreter lock while it works, so a thread
# (de)compresses the next shards while the build's own thread pickles or unpickles; a few at a time, so that the
# build never holds all the shards' bytes at once.
COMPRESSION_LEVEL = 3
SHARDS_IN_FLIGHT = 4


def _unpacked(cache_dir: Path, names: list[str]) -> Iterator[bytes]:
    """The pickled bytes of each shard file in `names`, in order, read and decompressed a few ahead."""

    def unpack(name: str) -> bytes:
        with open(cache_dir / name, "rb") as stream:
            return zstandard.decompress(stream.read())

    with ThreadPoolExecutor(max_workers=2) as pool:
        pending: deque[Future[bytes]] = deque()
        for name in names:
            pending.append(pool.submit(unpack, name))
            if len(pending) >= SHARDS_IN_FLIGHT:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


class _ShardPickler(pickle.Pickler):
    """Pickles a long text that is not ASCII as its UTF-8 bytes: pickled as itself, the text would keep its UTF-8 form
    in its object for as long as the object lives (CPython caches it there): saving the memory would add a second
    copy of the kept texts (TEI, HTML, plain text) to the build's process at its peak.

    Equal long texts are written once (pickle writes an object it saw before as a reference to it, and equal texts
    here are one object): a document's plain text is kept both with its annotated text and with its exports."""

    def __init__(self, file: io.BytesIO, protocol: int) -> None:
        super().__init__(file, protocol)
        self.kept: dict[str, str | bytes] = {}

    def persistent_id(self, obj: Any) -> str | bytes | None:
        if type(obj) is str and len(obj) > LONG_TEXT:
            kept = self.kept.get(obj)
            if kept is None:
                # (the bytes are a new object, not cached in the text; an ASCII text's UTF-8 form is the text itself)
                kept = self.kept[obj] = obj if obj.isascii() else obj.encode("utf-8")
            return kept
        return None


class _ShardUnpickler(pickle.Unpickler):
    """Gives the texts that were one when pickled as one text again."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file)
        self.decoded: dict[int, tuple[bytes, str]] = {}

    def persistent_load(self, pid: Any) -> str:
        if isinstance(pid, str):
            return pid
        if not isinstance(pid, bytes):
            raise pickle.UnpicklingError("not a shard of this version")
        known = self.decoded.get(id(pid))
        if known is None:
            known = self.decoded[id(pid)] = (pid, pid.decode("utf-8"))  # (the bytes kept, so that its id stays its own)
        return known[1]


LONG_TEXT = 200  # characters: shorter texts are pickled as themselves


def _write_packed(path: Path, pickled: bytes) -> None:
    with open(path, "wb") as stream:
        stream.write(zstandard.compress(pickled, COMPRESSION_LEVEL))


def forget_memory(cache_dir: Path) -> None:
    with contextlib.suppress(OSError):
        (cache_dir / MEMORY).unlink(missing_ok=True)


def save_memory(cache_dir: Path, memory: BuildMemory) -> None:
    """Keep the memory; a folder that cannot take it only costs the next build its shortcuts.

    A shard whose content is the one read (the same objects, or equal ones) keeps its file; any other is written
    under a new name (see _save_shards). The rest of the memory, which names the shards' files, replaces the last
    one at once, and only then are the files it no longer names removed: an interrupted save leaves the last memory whole."""
    shards, rest_parsed = _shards(memory)
    files = _save_shards(cache_dir, memory, shards)
    if files is None:
        return
    with contextlib.suppress(OSError):
        emptied: dict[str, Any] = {name: {} for name in PER_DOCUMENT[1:]}  # (kept in the shards)
        rest = replace(memory, **emptied, parsed=rest_parsed, shard_files=files, kept_shards={})
        temporary = cache_dir / f"{MEMORY}.{os.getpid()}.new"
        with open(temporary, "wb") as stream:
            stream.write(zstandard.compress(pickle.dumps(rest, pickle.HIGHEST_PROTOCOL), COMPRESSION_LEVEL))
        os.replace(temporary, cache_dir / MEMORY)
        named = set(files.values())
        for path in cache_dir.glob(SHARD_FILE.format(number="*", token="*")):
            if path.name not in named:
                path.unlink(missing_ok=True)


def _save_shards(cache_dir: Path, memory: BuildMemory, shards: Mapping[int, ShardContent]) -> dict[int, str] | None:
    """Write the shards that changed since they were read; gives each shard's file, or None if the folder cannot take them."""
    files: dict[int, str] = {}
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(max_workers=2) as pool:
            pending: deque[Future[None]] = deque()
            for number, content in sorted(shards.items()):
                kept = memory.kept_shards.get(number)
                if kept is not None and _same_content(kept[1], content) and (cache_dir / kept[0]).is_file():
                    files[number] = kept[0]
                    continue
                name = files[number] = SHARD_FILE.format(number=number, token=secrets.token_hex(6))
                pickled = io.BytesIO()
                _ShardPickler(pickled, pickle.HIGHEST_PROTOCOL).dump(content)
                pending.append(pool.submit(_write_packed, cache_dir / name, pickled.getvalue()))
                if len(pending) >= SHARDS_IN_FLIGHT:
                    pending.popleft().result()
            while pending:
                pending.popleft().result()
    except OSError:
        return None
    return files


def shard_of(document_id: str) -> int:
    return xxhash.xxh3_64_intdigest(document_id.encode("utf-8")) % SHARDS


def _shards(memory: BuildMemory) -> tuple[dict[int, ShardContent], dict[tuple[str, str], Any]]:
    """The per-document parts of `memory` by shard, and the parses that are not a document's (registers, pages)."""
    shards: dict[int, ShardContent] = {}
    numbers: dict[str, int] = {}

    def put(field_name: str, document_id: str, key: Any, value: Any) -> None:
        number = numbers.get(document_id)
        if number is None:
            number = numbers[document_id] = shard_of(document_id)
        shards.setdefault(number, {}).setdefault(field_name, {})[key] = value

    rest_parsed: dict[tuple[str, str], Any] = {}
    for key, value in memory.parsed.items():
        if isinstance(value[0], Document):
            put("parsed", value[0].id, key, value)  # with the document's other parts: pickled together, they stay one object
        else:
            rest_parsed[key] = value
    for field_name in PER_DOCUMENT[1:]:
        for document_id, value in getattr(memory, field_name).items():
            put(field_name, document_id, document_id, value)
    return shards, rest_parsed


def _same_content(kept: ShardContent, now: ShardContent) -> bool:
    """Whether a shard holds what it held when read: a build reuses the kept objects of what did not change."""
    if kept.keys() != now.keys():
        return False
    for field_name, items in now.items():
        before = kept[field_name]
        if before.keys() != items.keys() or any(value is not before[key] and value != before[key] for key, value in items.items()):
            return False
    return True
