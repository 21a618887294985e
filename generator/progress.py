"""What a build is doing and how far it is: the stages it enters, the pages it makes, the time each stage took.

The build calls a `Progress` (the command line shows it); `StageClock` times the stages for the
summary. The stages know nothing of either: the build wraps each call, and hands the write stage
the clock, which times the search index made within it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol, TextIO

# The stages as the editor reads them, in the order a build runs them.
STAGE_NAMES = {
    "load": "reading the edition",
    "annotate": "annotating the texts",
    "index": "indexing",
    "pages": "making the pages",
    "exports": "making the exports",
    "write": "writing the site",
    "search": "indexing for search",
}


class Progress(Protocol):
    def stage(self, name: str) -> None:
        """A stage (a key of STAGE_NAMES) begins."""

    def step(self, done: int, total: int) -> None:
        """Of the stage's `total` items, `done` are made."""

    def stage_done(self, name: str, seconds: float) -> None:
        """The stage `name` ended after `seconds`."""

    def stage_resumed(self, name: str) -> None:
        """The stage `name` goes on, after a stage within it (the search index, within the write) ended."""


@dataclass
class _OpenStage:
    name: str
    started: float
    within: float = 0.0  # the time of the stages run within it


class StageClock:
    """Times each stage of a build, in the order they began, and tells `progress` as each begins.

    A stage may run within another (the search index within the write): its time is its own, not the outer one's."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress
        self.seconds: dict[str, float] = {}
        self._open: list[_OpenStage] = []  # the stages begun and not ended, outermost first

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if self.progress is not None:
            self.progress.stage(name)
        self.seconds.setdefault(name, 0.0)  # (in the order the stages begin)
        outer = self._open[-1] if self._open else None
        this = _OpenStage(name, time.perf_counter())
        self._open.append(this)
        try:
            yield
        finally:
            self._open.pop()
            elapsed = time.perf_counter() - this.started
            self.seconds[name] += elapsed - this.within
            if outer is not None:
                outer.within += elapsed
            if self.progress is not None:
                self.progress.stage_done(name, elapsed - this.within)
                if outer is not None:
                    self.progress.stage_resumed(outer.name)

    def step(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.step(done, total)


def stage_summary(seconds: dict[str, float]) -> str:
    """`load 0.42 s, annotate 1.10 s, …`: the stages in the order they ran."""
    return ", ".join(f"{name} {value:.2f} s" for name, value in seconds.items())


class StreamProgress:
    """Progress for the command line: on a terminal, one line rewritten in place (the stage, and a bar for the
    pages), cleared at the end; elsewhere (a log, CI), a plain line for each stage that begins after the first
    `after` seconds or lasts longer than that, so that a small build prints only its summary."""

    BAR = 30

    def __init__(self, stream: TextIO, *, after: float = 2.0) -> None:
        self.stream = stream
        self.terminal = stream.isatty()
        self.started = time.perf_counter()
        self.after = after
        self.current = ""
        self.shown = False  # something is on the terminal's line

    def _late(self) -> bool:
        return time.perf_counter() - self.started >= self.after

    def stage(self, name: str) -> None:
        self.current = STAGE_NAMES.get(name, name)
        if self.terminal:
            self._line(f"{self.current} …")
        elif self._late():
            self._say(f"{self.current} …")

    def stage_done(self, name: str, seconds: float) -> None:
        if not self.terminal and seconds >= self.after:
            self._say(f"{STAGE_NAMES.get(name, name)}: {seconds:.1f} s")

    def stage_resumed(self, name: str) -> None:
        self.current = STAGE_NAMES.get(name, name)
        if self.terminal:  # (a log said the stage when it began)
            self._line(f"{self.current} …")

    def _say(self, text: str) -> None:
        self.stream.write(f"{time.perf_counter() - self.started:6.1f} s  {text}\n")
        self.stream.flush()

    def step(self, done: int, total: int) -> None:
        if not self.terminal or total <= 0:
            return
        if done < total and done % max(1, total // 200):
            return  # a few hundred updates at most
        filled = self.BAR * done // total
        self._line(f"{self.current} [{'#' * filled}{'.' * (self.BAR - filled)}] {done:,}/{total:,}")

    def _line(self, text: str) -> None:
        self.stream.write("\r\x1b[2K" + text)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """Clear the terminal's progress line, before the report and the summary."""
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False
