"""Noting reads: a read that many files make is kept once."""

from __future__ import annotations

import pickle

from generator.tracking import ReadLog, sorted_reads


def test_a_read_many_files_make_is_one_object_here_and_in_what_workers_send() -> None:
    log = ReadLog()
    made = []
    for _ in range(3):  # three pages loading the same template
        log.reads = set()
        log.note(("templates", "of", ("base.html",), ()))
        made.append(sorted_reads(log.reads))
    (first,), (second,), (third,) = made
    assert first is second is third
    from_a_worker = pickle.loads(pickle.dumps(made[0]))  # as a worker's results arrive
    assert from_a_worker[0] is not first and from_a_worker[0] == first
    assert log.shared(from_a_worker)[0] is first
