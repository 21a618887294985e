"""Problems found in an edition, reported to the editor as `path:line:col: severity: message`.

Every stage collects its problems instead of stopping at the first one; the command line
prints them all, sorted by place, and turns them into an exit status.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; `path` is relative to the edition folder, lines and columns count from 1."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    location: Location
    hint: str = ""

    def format(self, *, strict: bool = False) -> str:
        severity = Severity.ERROR if strict else self.severity
        text = f"{self.location}: {severity.value}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


@dataclass
class Diagnostics:
    """An append-only collection of diagnostics, shared by the stages of one build."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, location: Location, hint: str = "") -> None:
        self.items.append(Diagnostic(Severity.ERROR, code, message, location, hint))

    def warning(self, code: str, message: str, location: Location, hint: str = "") -> None:
        self.items.append(Diagnostic(Severity.WARNING, code, message, location, hint))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def failed(self, *, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        # Deduplicate: a rule that runs twice over the same text must not report twice.
        unique = {(d.location, d.code, d.message): d for d in self.items}
        return sorted(unique.values(), key=lambda d: (d.location, d.code, d.message))


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A `; did you mean 'x'?` suffix for the closest candidate, or an empty string."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""


class EditionError(Exception):
    """A problem that stops a build before any page is written (the message names the fix)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics
