"""Independent per-item work on every core: a forked process pool that shares the build's data.

The workers are forked after the build has loaded and indexed the edition, so they inherit it
without pickling; only item numbers go to them and plain results (bytes, tuples, data classes)
come back. Where the results are small, the calling process makes chunks too and one worker fewer
is forked (`here_too`). With one core, few items, no `fork` or other threads running (the preview
server), the same function runs in this process.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 200  # below this, starting processes costs more than it saves
CHUNKS_AHEAD_PER_WORKER = 3  # chunks given out before their results are taken
CHUNKS_AHEAD_MEANWHILE = 12  # the same while this process does other work (`meanwhile`): a second of it at 10,000 documents
# While this process works, the pool's threads in it (which send the workers their chunks and take in their results)
# wait for the interpreter lock. At Python's 5 ms turns, a worker waited up to 0.15 s for its next chunk, and a
# fifth of the exports' worker's time was lost that way (10,000 documents).
SWITCH_INTERVAL_WITH_WORKERS = 0.0005
# Made in the calling process while the workers' earlier chunks are under way, held until their turn. With `here_too`
# the results are small (the workers write what they make), so many may wait: with a few, this process stopped and
# waited while a worker made a chunk of long pages (the home page, the chronology).
CHUNKS_HELD_HERE = 64
_shared: Any = None
PR_SET_PDEATHSIG = 1  # prctl's option (linux/prctl.h): a signal for this process when its parent ends
_prctl: Any = None  # looked up here, not in a child just forked, where the loader's lock may be held by a thread that is gone
if sys.platform.startswith("linux"):
    with contextlib.suppress(OSError, AttributeError):
        _prctl = ctypes.CDLL(None, use_errno=True).prctl
PARENT_CHECK_SECONDS = 0.5  # how often a worker's watchdog looks for its parent, where the signal is not had


def shared() -> Any:
    """The data given to `iter_chunks`, as a worker sees it."""
    return _shared


def _end_with_parent(parent: int) -> None:
    """A worker's first act: it ends when the build that forked it ends, killed or not, rather than wait for work forever.

    On Linux the kernel sends it SIGKILL when its parent ends; elsewhere, and should that fail, a thread
    watches for the parent to go (the worker is then another process's child)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the build's own handler (see cli.main): a worker just ends
    end_with_parent()
    if os.getppid() != parent:  # ended before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def end_with_parent() -> None:
    """Ask the kernel to kill this process when its parent ends (Linux; elsewhere nothing). Also run, in the child, for
    the programs a build starts (the search indexer), so that none of them works on after the build was killed."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def iter_chunks(
    function: Callable[[Sequence[int]], list[Result]],
    count: int,
    data: Any,
    jobs: int | None = None,
    *,
    here_too: bool = False,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[Result]:
    """`function` over the item numbers 0..count-1 in chunks, in order; `data` is what `shared()` returns. The results
    are given as the chunks come back, so that they need not all be held at once.

    With `here_too`, the calling process makes chunks as well, while the workers are busy, and one worker
    fewer is forked: worth it when the results are small (the workers write what they make), since each
    worker holds its own copy of what it touches of the build's data. Otherwise `jobs` workers make them
    all, and the calling process takes their results in.

    `meanwhile` is other work of the calling process, done once the workers have chunks to make (with no workers,
    before the chunks), so that it does not keep the other cores waiting; it runs before the first result is given.
    """
    global _shared
    jobs = default_jobs() if jobs is None else max(1, jobs)
    jobs = min(jobs, max(1, count // MIN_ITEMS_PER_WORKER))
    _shared = data
    try:
        chunk = max(20, min(200, count // (jobs * 32) or 1))
        parts = [range(start, min(start + chunk, count)) for start in range(0, count, chunk)]
        chunks = iter(parts)
        # Forking a process that runs other threads (the preview server) could copy a lock some thread holds.
        if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
            if meanwhile is not None:
                meanwhile()
            for part in chunks:  # in chunks here too, so that one chunk's results are held at a time
                yield from function(part)
            return
        workers = jobs - 1 if here_too else jobs
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_end_with_parent, initargs=(os.getpid(),)) as pool:
            # In chunk order: a worker's future, or what this process made. The workers are kept a few chunks
            # ahead, not all of them: results made faster than the caller takes them (pages it writes) do not
            # pile up in this process.
            queue: deque[Future[list[Result]] | list[Result]] = deque()
            waiting = 0  # workers' futures in the queue
            switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(switch_interval, SWITCH_INTERVAL_WITH_WORKERS))
            try:
                if meanwhile is not None:
                    # (not more than half of them: a short `meanwhile` leaves this process its share of the chunks)
                    ahead = min(workers * CHUNKS_AHEAD_MEANWHILE, max(workers * CHUNKS_AHEAD_PER_WORKER, len(parts) // 2))
                    while waiting < ahead and (next_part := next(chunks, None)) is not None:
                        queue.append(pool.submit(function, next_part))
                        waiting += 1
                    meanwhile()
                while True:
                    while waiting < workers * CHUNKS_AHEAD_PER_WORKER and (next_part := next(chunks, None)) is not None:
                        queue.append(pool.submit(function, next_part))
                        waiting += 1
                    if not queue:
                        break
                    head = queue[0]
                    if (
                        here_too
                        and isinstance(head, Future)
                        and not head.done()
                        and len(queue) - waiting < CHUNKS_HELD_HERE
                        and (next_part := next(chunks, None)) is not None
                    ):
                        queue.append(function(next_part))  # rather than wait, make the next chunk here
                        continue
                    queue.popleft()
                    if isinstance(head, Future):
                        waiting -= 1
                        done = head.result()
                    else:
                        done = head
                    done.reverse()
                    while done:  # each result let go once taken
                        yield done.pop()
            finally:
                sys.setswitchinterval(switch_interval)
                for item in queue:
                    if isinstance(item, Future):
                        item.cancel()
    finally:
        _shared = None
