"""What a build is doing and how far it is: the stages it enters, the pages it makes, the time each stage took.

The build calls a `Progress` (the command line shows it); `StageClock` times the stages for the
summary. The stages know nothing of either: the build wraps each call.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
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


class StageClock:
    """Times each stage of a build, in the order they ran, and tells `progress` as each begins."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if self.progress is not None:
            self.progress.stage(name)
        started = time.perf_counter()
        try:
            yield
        finally:
            seconds = time.perf_counter() - started
            self.seconds[name] = self.seconds.get(name, 0.0) + seconds
            if self.progress is not None:
                self.progress.stage_done(name, seconds)

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
