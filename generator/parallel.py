"""Independent per-item work on every core: a forked process pool that shares the build's data.

The workers are forked after the build has loaded and indexed the edition, so they inherit it
without pickling; only item numbers go to them and plain results (bytes, tuples, data classes)
come back. With one core, few items, no `fork` or other threads running (the preview server),
the same function runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 200  # below this, starting processes costs more than it saves
_shared: Any = None


def shared() -> Any:
    """The data given to `map_chunks`, as a worker sees it."""
    return _shared


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def map_chunks(
    function: Callable[[Sequence[int]], list[Result]], count: int, data: Any, jobs: int | None = None
) -> list[Result]:
    """`function` over the item numbers 0..count-1 in chunks, in order; `data` is what `shared()` returns."""
    return list(iter_chunks(function, count, data, jobs))


def iter_chunks(
    function: Callable[[Sequence[int]], list[Result]], count: int, data: Any, jobs: int | None = None
) -> Iterator[Result]:
    """As `map_chunks`, the results given as the chunks come back, so that they need not all be held at once."""
    global _shared
    jobs = default_jobs() if jobs is None else max(1, jobs)
    jobs = min(jobs, max(1, count // MIN_ITEMS_PER_WORKER))
    _shared = data
    try:
        # Forking a process that runs other threads (the preview server) could copy a lock some thread holds.
        if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
            yield from function(range(count))
            return
        chunk = max(50, min(500, count // (jobs * 8) or 1))
        chunks = [range(start, min(start + chunk, count)) for start in range(0, count, chunk)]
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            for part in pool.map(function, chunks):
                yield from part
    finally:
        _shared = None
