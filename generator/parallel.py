"""Independent per-item work on every core: a forked process pool that shares the build's data.

The workers are forked after the build has loaded and indexed the edition, so they inherit it
without pickling; only item numbers go to them and plain results (bytes, tuples, data classes)
come back. With one core, few items, no `fork` or other threads running (the preview server),
the same function runs in this process.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 200  # below this, starting processes costs more than it saves
CHUNKS_AHEAD_PER_WORKER = 2  # chunks given out before their results are taken
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
        chunk = max(50, min(500, count // (jobs * 8) or 1))
        chunks = iter([range(start, min(start + chunk, count)) for start in range(0, count, chunk)])
        # Forking a process that runs other threads (the preview server) could copy a lock some thread holds.
        if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
            for part in chunks:  # in chunks here too, so that one chunk's results are held at a time
                yield from function(part)
            return
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            # A few chunks ahead of the one given, not all of them: the workers stay busy, and results
            # made faster than the caller takes them (pages it writes) do not pile up in this process.
            ahead = deque(pool.submit(function, part) for part in itertools.islice(chunks, jobs * CHUNKS_AHEAD_PER_WORKER))
            try:
                while ahead:
                    done = ahead.popleft().result()
                    ahead.extend(pool.submit(function, part) for part in itertools.islice(chunks, 1))
                    done.reverse()
                    while done:  # each result let go once taken
                        yield done.pop()
            finally:
                for future in ahead:
                    future.cancel()
    finally:
        _shared = None
