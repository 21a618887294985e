"""Names in the text: the annotate stage's one matcher that finds every registered name.

Pure. `build_matcher` turns the persons, organisations, places and terms registers into one Aho-Corasick
automaton (pyahocorasick), built once per build, so that finding names costs one pass over a
text whatever the size of the registers. A name or alias that two entries share is reported
and left out of the automaton: the editor links it explicitly; so is a form of one letter ("U",
"C."), which would match every initial and every "U.S.". A match stands as a whole token: never
inside a dotted abbreviation or a run of initials. A term's or an organisation's plural (`-s`, `-es`) is the entry.
`registers.not_names` are blockers in the same automaton: text they cover is never linked nor
flagged. `find_near_misses` uses RapidFuzz to point at runs of capitalised words that are almost,
but not quite, a registered name, leaving ordinary English words (wordfreq's common words) alone.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import ahocorasick
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from generator.diagnostics import Diagnostic, Location, Severity, did_you_mean
from generator.model import KIND_BY_SCHEME, REGISTER_KINDS, Edition, RegisterEntry, Term

KINDS = tuple(kind.name for kind in REGISTER_KINDS)
REGISTER_FILES = {kind.name: kind.file for kind in REGISTER_KINDS}
KIND_OF_SCHEME = {scheme: kind.name for scheme, kind in KIND_BY_SCHEME.items()}  # "org" -> "organization"
SCHEMES = {kind.name: kind.scheme for kind in REGISTER_KINDS}
PLURAL_KINDS = frozenset(kind.name for kind in REGISTER_KINDS if kind.plurals)


@dataclass(frozen=True)
class Mention:
    """One place where the text names a register entry."""

    kind: str  # "person", "organization", "place" or "term"
    id: str
    surface: str  # the words as they stand in the text
    line: int
    col: int
    linked: bool = False  # whether the text links it to the entry's page
    explicit: bool = False  # written as [text](person:id) rather than found by the matcher


@dataclass(frozen=True)
class NearMiss:
    form: str  # the registered name or alias the words almost spell, as registered
    kind: str
    id: str


@dataclass(frozen=True)
class NameMatch:
    start: int
    end: int  # exclusive
    kind: str
    id: str


def short_identification(kind: str, entry: RegisterEntry) -> str:
    """What a tooltip or side panel says of an entry: for a term its expansion, else the description."""
    if isinstance(entry, Term):
        return f"{entry.expansion}. {entry.description}" if entry.description else entry.expansion
    return entry.description or entry.dates or ""


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


NOT_A_NAME = ""  # the kind of a `registers.not_names` string in the automaton: it covers text, it is never a mention


def is_one_letter(name: str) -> bool:
    """Whether a form has fewer than two letters or digits ("U", "C."): matched, it would take every initial."""
    return sum(char.isalnum() for char in name) < 2


@functools.cache
def ordinary_english_words() -> frozenset[str]:
    """wordfreq's common English words (each used at least once in a million words), in lower case."""
    from wordfreq import get_frequency_dict  # imported when a matcher needs it: it brings in several packages

    return frozenset(get_frequency_dict("en", wordlist="small"))


def _inside_abbreviation(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] begins or ends inside a dotted abbreviation or a run of initials ("U.S.", "G.L.")."""
    if start >= 2 and text[start - 1] == "." and text[start - 2].isalpha():
        return True  # "S" in "U.S."
    if end + 1 < len(text) and text[end] == "." and text[end + 1].isalpha():
        return True  # "U" in "U.S."
    return end < len(text) and text[end - 1] == "." and text[end].isalpha()  # "U.S." in "U.S.S.R."


def _plural_end(text: str, end: int) -> int:
    """Where a plural ending (-s, or -es after s, x, z, ch, sh, o) right after text[:end] ends as a whole word, or -1."""
    stem = text[max(end - 2, 0) : end].lower()
    for suffix in ("s", "es") if stem.endswith(("s", "x", "z", "ch", "sh", "o")) else ("s",):
        stop = end + len(suffix)
        if text[end:stop].lower() == suffix and (stop == len(text) or not _is_word_char(text[stop])):
            return stop
    return -1


class NameMatcher:
    """Every registered name and alias, matched as whole tokens, longest first, in one pass."""

    def __init__(self, entries: Mapping[str, Sequence[RegisterEntry]], *, case_sensitive: bool = True, not_names: Iterable[str] = ()) -> None:
        self.case_sensitive = case_sensitive
        self.entries: dict[tuple[str, str], RegisterEntry] = {(kind, e.id): e for kind in KINDS for e in entries.get(kind, ())}
        self.ids: dict[str, tuple[str, ...]] = {kind: tuple(e.id for e in entries.get(kind, ())) for kind in KINDS}
        self.not_names: frozenset[str] = frozenset(self.fold(n.strip()) for n in not_names if n.strip())
        owners: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)  # folded name -> {(kind, id): name as registered}
        self.one_letter: dict[tuple[str, str], list[str]] = defaultdict(list)  # forms never matched automatically
        for (kind, entry_id), entry in self.entries.items():
            for name in entry.names:
                if not name.strip():
                    continue
                if is_one_letter(name):
                    if name not in self.one_letter[(kind, entry_id)]:
                        self.one_letter[(kind, entry_id)].append(name)
                    continue
                owners[self.fold(name)].setdefault((kind, entry_id), name)
        # Shared names: (folded name, owners in register order).
        self.ambiguous: dict[str, tuple[tuple[str, str], ...]] = {k: tuple(v) for k, v in owners.items() if len(v) > 1}
        self.names: dict[str, tuple[str, str]] = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1 and k not in self.not_names}
        self.automaton = ahocorasick.Automaton()
        for key, owner in self.names.items():
            self.automaton.add_word(key, (len(key), *owner))
        for key in self.not_names:
            self.automaton.add_word(key, (len(key), NOT_A_NAME, ""))
        if self.names or self.not_names:
            self.automaton.make_automaton()
        # For near misses: every registered form with its (first) owner; those of one entry alone (a variant of
        # a shared name could be either's) by number of words, first letter and length (an edit distance of k
        # allows lengths within k), and by lower case, to catch a case variant that a case-sensitive match misses.
        self.forms: dict[str, NearMiss] = {}
        self.forms_by_shape: dict[tuple[int, str, int], list[str]] = defaultdict(list)
        self.lowered: dict[str, str] = {}
        for key in sorted(owners):
            (kind, entry_id), name = next(iter(owners[key].items()))
            self.forms[key] = NearMiss(name, kind, entry_id)
            if key not in self.ambiguous:
                self.forms_by_shape[(len(key.split()), key[0].lower(), len(key))].append(key)
                self.lowered.setdefault(key.lower(), key)
        self.most_words = max((words for words, _, _ in self.forms_by_shape), default=0)
        self.choices: dict[tuple[int, str, int, int], list[str]] = {}  # see _near_miss
        self.ordinary = ordinary_english_words() if self.forms else frozenset()
        # The same capitalised words ("The", "Comrade", a sentence's first word) recur in every document: ask once per string.
        self.near_miss_answers: dict[str, NearMiss | None] = {}
        self.near_misses_in_words: dict[str, list[tuple[int, str, NearMiss]]] = {}  # see find_near_misses
        # The opening tags of mentions as the pages show them, made once per build by the mentions plugin.
        self.mention_tags: dict[tuple[str, str, str, str], str] = {}

    def fold(self, text: str) -> str:
        if self.case_sensitive:
            return text
        folded = text.lower()
        if len(folded) == len(text):
            return folded
        # A few characters (such as 'İ') lower to two; keep offsets aligned with the text.
        return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)

    def find(self, text: str) -> list[NameMatch]:
        """The names in `text` as whole tokens, leftmost first; where names overlap the longest wins."""
        return [match for match in self.scan(text) if match.kind != NOT_A_NAME]

    def scan(self, text: str) -> list[NameMatch]:
        """`find`'s names with the stretches of `registers.not_names` (kind NOT_A_NAME), which cover what they overlap."""
        if not (self.names or self.not_names) or not text:
            return []
        candidates: list[tuple[int, int, str, str]] = []
        for last, (length, kind, entry_id) in self.automaton.iter(self.fold(text)):
            start, end = last - length + 1, last + 1
            if start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
                continue
            if end < len(text) and _is_word_char(text[end]) and _is_word_char(text[end - 1]):
                if kind not in PLURAL_KINDS:
                    continue
                end = _plural_end(text, end)  # "Deptels" is the term "Deptel"
                if end < 0:
                    continue
            if _inside_abbreviation(text, start, end):
                continue
            candidates.append((start, start - end, kind, entry_id))
        candidates.sort()
        matches: list[NameMatch] = []
        reached = 0
        for start, negative_length, kind, entry_id in candidates:
            if start >= reached:
                matches.append(NameMatch(start, start - negative_length, kind, entry_id))
                reached = start - negative_length
        return matches

    def did_you_mean(self, kind: str, entry_id: str) -> str:
        return did_you_mean(entry_id, self.ids.get(kind, ()))

    def near_miss(self, words: str) -> NearMiss | None:
        """The registered name or alias that `words` almost spells (another case, one or two edits), if any."""
        try:
            return self.near_miss_answers[words]
        except KeyError:
            found = self.near_miss_answers[words] = self._near_miss(words)
            return found

    def _near_miss(self, words: str) -> NearMiss | None:
        key = self.fold(words)
        if key in self.forms or key in self.not_names:
            return None
        if key.endswith("s") and (key[:-1] in self.forms or (key.endswith("es") and key[:-2] in self.forms)):
            return None  # a registered name's plural ("the Kennedys", "Finns" beside a person Finn) is no misspelling
        words_of_key = key.split()
        if all(word.lower() in self.ordinary for word in words_of_key):
            return None  # "Prime Minister", "Sea", "Cease": English, whatever register form they resemble
        if key.lower() in self.lowered:
            return self.forms[self.lowered[key.lower()]]
        if len(key) < 5:
            return None
        allowed = 1 if len(key) < 12 else 2
        # A misspelling keeps its first letter ("Krushchev", "Le Kenong"): names that differ there are others.
        shape = (len(words_of_key), key[0].lower(), len(key), allowed)
        choices = self.choices.get(shape)
        if choices is None:
            choices = self.choices[shape] = [
                form for length in range(len(key) - allowed, len(key) + allowed + 1) for form in self.forms_by_shape.get((*shape[:2], length), ())
            ]
        if not choices:
            return None
        best = process.extractOne(key, choices, scorer=Levenshtein.distance, score_cutoff=allowed)
        return self.forms[best[0]] if best and self._misspelt(words_of_key, best[0].split()) else None

    def _misspelt(self, words: Sequence[str], form: Sequence[str]) -> bool:
        """Whether each word that differs from the form's is a misspelling of its word, not another word.

        "Colonel Maung" is two edits from "Colonel Tung", both in one short word; "Nguyen Thanh" one from
        "Nguyen Khanh", in its first letter.
        """
        for word, registered in zip(words, form, strict=False):
            if word == registered:
                continue
            if word[0].lower() != registered[0].lower() or Levenshtein.distance(word, registered) > (1 if len(registered) < 12 else 2):
                return False
        return True


def build_matcher(edition: Edition) -> tuple[NameMatcher, list[Diagnostic]]:
    """The build's one matcher, a warning for each name that two entries share and for each entry with one-letter forms."""
    matcher = NameMatcher(
        {kind: edition.entries(kind) for kind in KINDS},
        case_sensitive=edition.config.registers.case_sensitive,
        not_names=edition.config.registers.not_names,
    )
    diagnostics = []
    for key, owners in matcher.ambiguous.items():
        entries = [matcher.entries[o] for o in owners]
        named = " and ".join(f"{kind} '{entry_id}' ({matcher.entries[(kind, entry_id)].location})" for kind, entry_id in owners)
        name = next(n for n in entries[-1].names if matcher.fold(n) == key)  # as the later entry writes it
        diagnostics.append(
            Diagnostic(
                Severity.WARNING,
                "ambiguous-name",
                f"'{name}' is a name of {named}; it is never linked automatically",
                entries[-1].location,
                f"link each mention explicitly, e.g. [{name}]({SCHEMES[owners[0][0]]}:{owners[0][1]}), or remove the name from one entry",
            )
        )
    for (kind, entry_id), forms in matcher.one_letter.items():
        quoted = " and ".join(f"'{form}'" for form in forms)
        diagnostics.append(
            Diagnostic(
                Severity.WARNING,
                "one-letter-name",
                f"{quoted} of {kind} '{entry_id}' {'has' if len(forms) == 1 else 'have'} one letter: "
                f"{'it is' if len(forms) == 1 else 'they are'} linked only where the text links {'it' if len(forms) == 1 else 'them'} explicitly",
                matcher.entries[(kind, entry_id)].location,
                f"where the text means this {kind}, link it explicitly, e.g. [{forms[0]}]({SCHEMES[kind]}:{entry_id})",
            )
        )
    return matcher, diagnostics


@dataclass(frozen=True)
class NearMissWarning(Diagnostic):
    """A near-miss warning, with what the build needs to merge the places of the same words into one line."""

    words: str = ""
    near: NearMiss | None = None
    count: int = 1


def near_miss_warning(words: str, near: NearMiss, location: Location, count: int = 1) -> NearMissWarning:
    times = f" ({count} times)" if count > 1 else ""
    return NearMissWarning(
        Severity.WARNING,
        "near-miss",
        f"'{words}'{times} is not a registered name but is close to '{near.form}' ({near.kind} '{near.id}')",
        location,
        f"if it is the same {near.kind}, add '{words}' to the aliases of '{near.id}' in {REGISTER_FILES[near.kind]}; "
        f"if it is never a name, add it to registers.not_names in site.yml",
        words=words,
        near=near,
        count=count,
    )


def merge_near_misses(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """One near-miss warning for each distinct words and entry, at their first place with how often they stand; the rest as they were."""
    others: list[Diagnostic] = []
    places: dict[tuple[str, NearMiss], dict[Location, int]] = defaultdict(dict)
    for diagnostic in diagnostics:
        if isinstance(diagnostic, NearMissWarning) and diagnostic.near is not None:
            places[(diagnostic.words, diagnostic.near)][diagnostic.location] = diagnostic.count  # the same place twice is one
        else:
            others.append(diagnostic)
    return others + [near_miss_warning(words, near, min(counts), sum(counts.values())) for (words, near), counts in places.items()]


# --------------------------------------------------------------------------- near misses

_WORD = re.compile(r"[^\W\d_][\w'’]*")
# Words that may be capitalised, joined by single spaces. The regex skips the bulk of a text (ASCII
# lower-case words) in C; `capitalised_runs` then checks each word's first letter with str.isupper.
# The first letter is matched before the look-behind (no word character before it), which then runs
# only where a word may start: a third faster than the other way round, with the same matches.
_MAYBE_CAPITALISED_RUN = re.compile(r"[^\W\d_a-z](?<![\w'’][^\W\d_a-z])[\w'’]*(?:[ \t][^\W\d_a-z][\w'’]*)*")
# The same for a text of ASCII characters alone, where those classes are [A-Z] and [A-Za-z0-9_']: the same
# matches, found in about a third of the time (0.09 s against 0.23 s over 3,000 documents' texts).
_MAYBE_CAPITALISED_RUN_ASCII = re.compile(r"[A-Z](?<![\w'][A-Z])[\w']*(?:[ \t][A-Z][\w']*)*", re.ASCII)


def capitalised_runs(candidate: str) -> Iterable[list[tuple[int, int]]]:
    """The runs of capitalised words in one match of `_MAYBE_CAPITALISED_RUN`: [(word start, word end), ...]."""
    run: list[tuple[int, int]] = []
    for word in _WORD.finditer(candidate):
        if word.group()[0].isupper():
            run.append(word.span())
            continue
        if run:
            yield run
        run = []
    if run:
        yield run


_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")  # "Krushchev's", "Dulles'": the name is the words before it


def find_near_misses(text: str, matcher: NameMatcher, taken: Sequence[NameMatch]) -> list[tuple[int, str, NearMiss]]:
    """(offset, words, what they almost spell) for each run of capitalised words that almost spells a name.

    Words already matched as a name (or covered by a `registers.not_names` string) are left alone,
    so `Cde. Le Kenong` with `Le Kenong` registered says nothing. `taken` is in text order without overlaps,
    as `NameMatcher.scan` gives it.
    """
    if not matcher.most_words:
        return []
    found: list[tuple[int, str, NearMiss]] = []
    known = matcher.near_misses_in_words
    first_taken = 0  # the first of `taken` that may reach the current run: the runs come in text order too
    for candidate in (_MAYBE_CAPITALISED_RUN_ASCII if text.isascii() else _MAYBE_CAPITALISED_RUN).finditer(text):
        offset, end = candidate.span()
        words = candidate.group()
        while first_taken < len(taken) and taken[first_taken].end <= offset:
            first_taken += 1
        covered: set[int] = set()
        reaching = first_taken
        while reaching < len(taken) and taken[reaching].start < end:
            match = taken[reaching]
            covered.update(range(max(match.start, offset) - offset, min(match.end, end) - offset))
            reaching += 1
        if covered:
            near_misses = _near_misses_in(words, matcher, covered)
        else:
            # Without a name in them, the same words ("The", "Comrade Minister") say the same in every document.
            kept = known.get(words)
            if kept is None:
                kept = known[words] = _near_misses_in(words, matcher, covered)
            near_misses = kept
        if near_misses:
            found.extend((offset + start, near_words, near) for start, near_words, near in near_misses)
    return found


def _near_misses_in(candidate: str, matcher: NameMatcher, covered: set[int]) -> list[tuple[int, str, NearMiss]]:
    """`find_near_misses` in one match of `_MAYBE_CAPITALISED_RUN`, the offsets in `covered` being names already."""
    found: list[tuple[int, str, NearMiss]] = []
    for run in capitalised_runs(candidate):
        used_until = -1
        for i in range(len(run)):
            if run[i][0] < used_until:
                continue
            for size in range(min(matcher.most_words, len(run) - i), 0, -1):
                start, end = run[i][0], run[i + size - 1][1]
                if covered and any(p in covered for p in range(start, end)):
                    continue
                words = _POSSESSIVE.sub("", candidate[start:end])
                near = matcher.near_miss(words)
                if near is not None:
                    found.append((start, words, near))
                    used_until = end
                    break
    return found


# --------------------------------------------------------------------------- the names found, for review


def automatic_match_counts(texts: Iterable[Iterable[Mention]]) -> list[tuple[str, str, str, int]]:
    """(form as it stands, kind, id, count) of every name found without an explicit link, most frequent first."""
    counts = Counter((m.surface, m.kind, m.id) for mentions in texts for m in mentions if not m.explicit)
    return [(surface, kind, entry_id, count) for (surface, kind, entry_id), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
