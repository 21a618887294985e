"""Fingerprints of what each output file is made from, so that a rebuild makes only what changed.

A page is made from its template, the values given to it and what its template reads of the
objects every page can reach: the edition index and the edition. (Settings, theme and generator
are not tracked: a change to any of them means a full build.) Values are fingerprinted directly.
The two shared objects are given to templates, and to the per-document exports, behind proxies
that note each read: an attribute, an item, a method call with plain arguments, the length or
truth of a list. A rebuild repeats each noted read on the new index and edition and compares
fingerprints, unless the object read is steady: its fingerprint as a whole is the last build's.
What cannot be compared counts as changed, so an unsure case makes the file again.
"""

from __future__ import annotations

import dataclasses
import operator
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import xxhash

# (owner, attribute, arguments or None, then): then is () for the value itself, ("item", key),
# ("bool",), ("len",) or ("all",) for what was asked of a container value.
Read = tuple[str, str, tuple[Any, ...] | None, tuple[Any, ...]]
UNREPEATABLE: Read = ("", "", None, ("unrepeatable",))
_PLAIN = (str, int, float, bool, type(None))
_PLAIN_TYPES = frozenset({int, float, bool, type(None)})
_LONG_TEXT = 200


def _unique() -> str:
    """A token for what cannot be compared, which no other read, value or build gives. (A count started again at 0
    in every process, so a rebuild from the command line gave the last build's tokens in the same order, and the
    pages that made such reads seemed to stand.)"""
    return "?" + os.urandom(12).hex()


def digest(text: str) -> str:
    return bytes_digest(text.encode("utf-8", "surrogatepass"))


def bytes_digest(data: bytes) -> str:
    # XXH3's 128 bits: a digest must tell a change, not resist an adversary. A build digests every file it makes,
    # 550 MB at 10,000 documents: 0.6 s of processor time with BLAKE2b, a fiftieth of it with XXH3.
    return xxhash.xxh3_128_hexdigest(data)


def bytes_digester() -> xxhash.xxh3_128:
    """A digester whose hexdigest, after being given a file's bytes piece by piece, is `bytes_digest` of them."""
    return xxhash.xxh3_128()


@dataclass(frozen=True)
class Made:
    """How an output file was made: the digest of its inputs and of what it read."""

    values: str
    reads: tuple[Read, ...]
    read_results: str
    absent: bool = False  # the file was not made (an edition without letters has no cmif.xml)


class Fingerprints:
    """Comparable digests of values; objects remembered with a digest are known by it."""

    def __init__(self) -> None:
        self.known: dict[int, str] = {}
        self._keep: list[Any] = []  # registered objects stay alive, so their ids stay theirs
        self._memo: dict[int, str] = {}

    def remember(self, value: Any, value_digest: str) -> None:
        self.known[id(value)] = value_digest
        self._keep.append(value)

    def remember_all(self, values: Sequence[Any], value_digests: Iterable[str]) -> None:
        """`remember` for many values at once: a build remembers hundreds of thousands (texts, notes, appearances)."""
        self.known.update(zip(map(id, values), value_digests, strict=True))
        self._keep.extend(values)

    def of(self, value: Any) -> str:
        """A digest that is the same for equal values, built and compared in any process."""
        return digest(self._token(value))

    def _token(self, value: Any) -> str:
        kind = type(value)
        if kind in _PLAIN_TYPES:
            return repr(value)
        if isinstance(value, str):
            text = str.__str__(value)
            return repr(text) if len(text) <= _LONG_TEXT else "#" + digest(text)
        key = id(value)
        known = self.known.get(key) or self._memo.get(key)
        if known is not None:
            return "@" + known
        if isinstance(value, (tuple, list)):
            token = "(" + self._items(value) + ")"
            if len(token) <= _LONG_TEXT:
                return token  # small: cheaper to make again than to keep
        elif isinstance(value, Mapping):
            token = "{" + self._pairs(value) + "}"
        elif isinstance(value, (set, frozenset)):
            token = "{" + ",".join(sorted(self._token(item) for item in value)) + "}"
        elif (fields_of := _fields_of(kind)) is not None:
            token = kind.__name__ + "(" + self._items(fields_of(value)) + ")"
            if len(token) <= _LONG_TEXT:
                return token  # small, like a short tuple
        else:
            # Nothing known to compare by (a function, a proxy, an object without fields): never equal.
            token = _unique()
        self._memo[key] = token = digest(token)
        self._keep.append(value)
        return "@" + token

    def _tokens(self, items: Iterable[Any]) -> list[str]:
        # The tokens of a list's items, an object's fields or a mapping's keys or values. Lists are long (every document,
        # every appearance) and mostly of short strings and registered objects: those are made here, without a call each.
        registered = self.known
        tokens = []
        for item in items:
            kind = type(item)
            if kind in _PLAIN_TYPES or (kind is str and len(item) <= _LONG_TEXT):
                tokens.append(repr(item))
            elif (found := registered.get(id(item))) is not None:
                tokens.append("@" + found)
            else:
                tokens.append(self._token(item))
        return tokens

    def _items(self, items: Iterable[Any]) -> str:
        return ",".join(self._tokens(items))

    def _pairs(self, mapping: Mapping[Any, Any]) -> str:
        # A mapping's "key:value" tokens in order (the index has mappings of every document).
        return ",".join(sorted([f"{key}:{value}" for key, value in zip(self._tokens(mapping), self._tokens(mapping.values()), strict=True)]))


def _field_names(kind: type) -> tuple[str, ...] | None:
    return tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None


_FIELD_GETTERS: dict[type, Callable[[Any], tuple[Any, ...]] | None] = {}


def _fields_of(kind: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """A function giving the values of a data class's fields as a tuple, in order; None for other classes (kept by class)."""
    if kind in _FIELD_GETTERS:
        return _FIELD_GETTERS[kind]
    names = _field_names(kind)
    getter: Callable[[Any], tuple[Any, ...]] | None
    if names is None:
        getter = None
    elif len(names) < 2:  # (attrgetter gives a single value alone, and needs at least one name)
        getter = lambda value: tuple(getattr(value, name) for name in names)  # noqa: E731
    else:
        getter = operator.attrgetter(*names)
    _FIELD_GETTERS[kind] = getter
    return getter


def object_digest(value: Any) -> str:
    """The digest of a plain data object by its repr (data classes, tuples, strings): cheap and exact."""
    return digest(repr(value))


# --------------------------------------------------------------------------- noting reads


class ReadLog:
    """The reads of the file being made; `reads` is None when nothing is noted.

    Every page of a kind makes the same reads (the templates it loads, the lists it shows): each read is
    kept once, and the files that make it share it, in the build memory and in the results that workers
    send back (pickle writes an object shared within what it is given once).
    """

    def __init__(self) -> None:
        self.reads: set[Read] | None = None
        self._kept: dict[Read, Read] = {}
        # Each kept read's place in `in_order`, made when it is first kept: the pages of a kind note the same reads,
        # and a repr of every read of every file (some 28 a file) took 0.33 s at 2,000 documents under cProfile.
        self._order: dict[Read, str] = {}

    def record(self, read: Read) -> None:
        if self.reads is not None:
            self.reads.add(self._kept.get(read) or self._keep(read))

    def in_order(self, reads: set[Read]) -> tuple[Read, ...]:
        """`reads`, kept here, in the same order in every process (by repr: the items of a read's
        arguments need not compare with one another, and a set's order follows the process's hashes)."""
        return tuple(sorted(reads, key=self._order.__getitem__))

    def shared(self, reads: tuple[Read, ...]) -> tuple[Read, ...]:
        """`reads` made elsewhere (by a worker), each one the read kept here where it is the same."""
        kept = self._kept
        return tuple([kept.get(read) or self._keep(read) for read in reads])

    def _keep(self, read: Read) -> Read:
        self._kept[read] = read
        self._order[read] = repr(read)
        return read


_proxy_classes: dict[tuple[type, type], type] = {}


def _named_like_target(proxy: type, target: Any) -> Any:
    """A new proxy whose class bears the name of the target's, so that a theme's mistake reads
    "'generator.index.EditionIndex object' has no attribute 'nope'", as it would without the proxy."""
    kind = type(target)
    named = _proxy_classes.get((proxy, kind))
    if named is None:
        named = _proxy_classes[(proxy, kind)] = type(proxy)(kind.__name__, (proxy,), {"__module__": kind.__module__, "__slots__": ()})
    return object.__new__(named)


T = TypeVar("T")


def tracked(target: T, name: str, log: ReadLog) -> T:
    """`target` behind a `Tracked` proxy, typed as the target: the proxy answers every read as the target does."""
    return cast(T, Tracked(target, name, log))


class Tracked:
    """An object as templates and exports see it: each read is noted in `log`.

    The object must not change while it is tracked (the index and the edition do not): what an attribute
    gives is worked out once, then each read of it is only noted (a page reads some twenty of them).
    """

    __slots__ = ("_log", "_name", "_seen", "_target")

    def __new__(cls, target: Any, name: str, log: ReadLog) -> Tracked:
        return _named_like_target(cls, target)  # type: ignore[no-any-return]

    def __init__(self, target: Any, name: str, log: ReadLog) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_log", log)
        # attribute -> (the read to note, or None where the proxy given notes its own reads; what is given)
        object.__setattr__(self, "_seen", {})

    def __getattr__(self, attribute: str) -> Any:
        seen = self._seen.get(attribute)
        if seen is None:
            seen = self._seen[attribute] = self._look_up(attribute)
        read, given = seen
        if read is not None:
            self._log.record(read)
        return given

    def _look_up(self, attribute: str) -> tuple[Read | None, Any]:
        value = getattr(self._target, attribute)
        if callable(value) and getattr(value, "__self__", None) is self._target:
            return None, _TrackedMethod(value, (self._name, attribute), self._log)
        if isinstance(value, Mapping):
            return None, _TrackedMapping(value, (self._name, attribute, None), self._log)
        if isinstance(value, (tuple, list)):
            return None, _TrackedSequence(value, (self._name, attribute, None), self._log)
        return (self._name, attribute, None, ()), value

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"Tracked({self._target!r})"


class _TrackedMethod:
    __slots__ = ("_log", "_method", "_where")

    def __init__(self, method: Any, where: tuple[str, str], log: ReadLog) -> None:
        self._method, self._where, self._log = method, where, log

    def __call__(self, *arguments: Any, **named: Any) -> Any:
        if named or not all(_plain(a) for a in arguments):
            self._log.record(UNREPEATABLE)
        else:
            self._log.record((*self._where, tuple(arguments), ()))
        return self._method(*arguments, **named)


def _plain(value: Any) -> bool:
    return isinstance(value, _PLAIN) or (isinstance(value, tuple) and all(_plain(v) for v in value))


class _TrackedContainer:
    """A container value read through a proxy: its truth and length are noted as such, a walk over it as a read of the whole."""

    def __new__(cls, target: Any, where: tuple[str, str, tuple[Any, ...] | None], log: ReadLog) -> Any:
        return _named_like_target(cls, target)

    def __init__(self, target: Any, where: tuple[str, str, tuple[Any, ...] | None], log: ReadLog) -> None:
        self._target, self._where, self._log = target, where, log

    def _note(self, then: tuple[Any, ...]) -> None:
        self._log.record((*self._where, then))

    def __iter__(self) -> Iterator[Any]:
        self._note(("all",))
        return iter(self._target)

    def __len__(self) -> int:
        self._note(("len",))
        return len(self._target)

    def __bool__(self) -> bool:
        self._note(("bool",))
        return bool(self._target)


class _TrackedMapping(_TrackedContainer, Mapping[Any, Any]):
    """A mapping whose single items are noted one by one."""

    def _note_item(self, key: Any) -> None:
        if type(key) is str or _plain(key):  # (an id, nearly always: the test of a string first)
            self._log.record((*self._where, ("item", key)))
        else:
            self._log.record(UNREPEATABLE)

    def __getitem__(self, key: Any) -> Any:
        self._note_item(key)
        return self._target[key]

    def __contains__(self, key: object) -> bool:
        self._note_item(key)
        return key in self._target


class _TrackedSequence(_TrackedContainer, Sequence[Any]):
    """A list: anything but its truth and length reads the whole."""

    def __getitem__(self, index: Any) -> Any:
        self._note(("all",))
        return self._target[index]

    def __contains__(self, value: object) -> bool:
        self._note(("all",))
        return value in self._target

    def __reversed__(self) -> Iterator[Any]:
        self._note(("all",))
        return iter(reversed(self._target))


def body_read(document_id: str) -> Read:
    """The read of one document's body (see DocumentBodies)."""
    return ("bodies", "of", (document_id,), ())


class DocumentBodies:
    """The documents' bodies, for reads of them to be repeated.

    A document is known to fingerprints by its metadata alone (see incremental/loading.py): lists, neighbours and
    registers show that, and a changed body must not make them again. Whatever does read a body
    notes `body_read`, which compares the body itself.
    """

    def __init__(self, documents: Sequence[Any]) -> None:
        self._bodies = {document.id: document.body for document in documents}

    def of(self, document_id: str) -> str | None:
        return self._bodies.get(document_id)


# --------------------------------------------------------------------------- repeating reads


class ReadResults:
    """What each noted read gives in this build, as a digest (each read is made once)."""

    def __init__(self, fingerprints: Fingerprints, earlier_states: Mapping[str, str] | None = None) -> None:
        self.owners: dict[str, Any] = {}
        self.fingerprints = fingerprints
        self.states: dict[str, str] = {}  # each owner's fingerprint as a whole, where known, for the next build
        self.earlier_states = earlier_states or {}  # the last build's, which the files it made were compared with
        self.steady: set[str] = set()  # owners whose state is the last build's: every read of them gives what it gave
        self._memo: dict[Read, str] = {}

    def add(self, name: str, owner: Any, state: str | None = None) -> None:
        """Reads noted as of `name` are repeated on `owner`; `state`, its fingerprint as a whole, may spare that."""
        self.owners[name] = owner
        if state is not None:
            self.states[name] = state
            if self.earlier_states.get(name) == state:
                self.steady.add(name)

    def same_as(self, made: Made) -> bool:
        """Whether what `made` read gives now what it gave when it was made.

        A file that read only steady owners is known to stand without repeating a read: after a change
        to a text alone, that is nearly every page of the edition.
        """
        steady = self.steady
        for read in made.reads:
            if read[0] not in steady:
                return self.combined(made.reads) == made.read_results
        return True

    def of(self, read: Read) -> str:
        found = self._memo.get(read)
        if found is None:
            found = self._memo[read] = self._evaluate(read)
        return found

    def combined(self, reads: Sequence[Read]) -> str:
        return digest("|".join([self.of(read) for read in reads]))

    def _evaluate(self, read: Read) -> str:
        owner, attribute, arguments, then = read
        if read == UNREPEATABLE or owner not in self.owners:
            return _unique()
        try:
            value = getattr(self.owners[owner], attribute)
            if arguments is not None:
                value = value(*arguments)
            if then == ("bool",):
                return repr(bool(value))
            if then == ("len",):
                return repr(len(value))
            if then and then[0] == "item":
                if then[1] not in value:
                    return "missing"
                value = value[then[1]]
        except Exception:  # a read that fails now (an entry gone) simply differs
            return _unique()
        return self.fingerprints.of(value)


FileText = TypeVar("FileText")  # what a function of the whole index makes of its file (a text, or its pieces)


class WholeFiles:
    """Files made by one function of the whole index (the TEI corpus, the registers), each made again only when
    the values given to it or what it read of the index changed."""

    def __init__(self, earlier: Mapping[str, Any], read_results: ReadResults, index: Any) -> None:
        self.earlier = earlier  # path -> Made (see incremental/memory.py)
        self.read_results = read_results
        self.now: dict[str, Any] = {}
        self.standing: list[str] = []  # reused files, which stand in the output
        self._log = ReadLog()
        self._index = Tracked(index, "index", self._log)

    def make(self, path: str, values: Any, function: Callable[[Any], FileText | None]) -> FileText | None:
        """`function(index)`'s text, or None when it makes no file or its last file stands."""
        fingerprint = self.read_results.fingerprints.of(values)
        kept = self.earlier.get(path)
        if kept is not None and kept.values == fingerprint and self.read_results.same_as(kept):
            self.now[path] = kept
            if not kept.absent:
                self.standing.append(path)
            return None
        self._log.reads = set()
        try:
            text = function(self._index)
        finally:
            reads, self._log.reads = self._log.in_order(self._log.reads or set()), None
        self.now[path] = Made(fingerprint, reads, self.read_results.combined(reads), absent=text is None)
        return text
