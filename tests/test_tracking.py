"""Noting reads: a read that many files make is kept once, and a file's reads come in one order in every process."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from random import Random

from hypothesis import given
from hypothesis import strategies as st

from generator.tracking import Read, ReadLog, Tracked


def test_a_read_many_files_make_is_one_object_here_and_in_what_workers_send() -> None:
    log = ReadLog()
    made = []
    for _ in range(3):  # three pages loading the same template
        log.reads = set()
        log.record(("templates", "of", ("base.html",), ()))
        made.append(log.in_order(log.reads))
    (first,), (second,), (third,) = made
    assert first is second is third
    from_a_worker = pickle.loads(pickle.dumps(made[0]))  # as a worker's results arrive
    assert from_a_worker[0] is not first and from_a_worker[0] == first
    assert log.shared(from_a_worker)[0] is first


# Reads as pages make them: arguments that do not compare with one another (None, a tuple, numbers, text).
reads = st.tuples(
    st.sampled_from(["index", "edition", "bodies"]),
    st.sampled_from(["persons_by_id", "documents", "of"]),
    st.one_of(st.none(), st.tuples(st.one_of(st.integers(), st.text(max_size=3)))),
    st.one_of(st.just(()), st.tuples(st.just("item"), st.one_of(st.integers(), st.text(max_size=3)))),
)


@given(st.lists(reads, max_size=12), st.randoms())
def test_a_file_s_reads_come_in_the_order_of_their_reprs_whatever_order_they_were_noted_in(noted: list[Read], random: Random) -> None:
    log = ReadLog()
    log.reads = set()
    for read in noted:
        log.record(read)
    shuffled = list(noted)
    random.shuffle(shuffled)
    again = ReadLog()
    again.reads = set()
    for read in shuffled:
        again.record(read)
    assert log.in_order(log.reads) == again.in_order(again.reads) == tuple(sorted(set(noted), key=repr))


def test_a_read_first_kept_from_a_worker_then_noted_here_has_its_place_in_the_order() -> None:
    log = ReadLog()
    from_a_worker = (("index", "persons_by_id", None, ("item", "p1")),)
    log.shared(from_a_worker)  # the build's process takes in a worker's page, then makes pages of its own
    log.reads = set()
    log.record(("index", "persons_by_id", None, ("item", "p1")))
    log.record(("edition", "documents", None, ()))
    assert log.in_order(log.reads) == (("edition", "documents", None, ()), ("index", "persons_by_id", None, ("item", "p1")))


def test_every_page_that_reads_an_attribute_notes_it_though_the_proxy_looks_it_up_once() -> None:
    @dataclass(frozen=True)
    class Index:
        title: str
        persons_by_id: dict[str, str]

        def appearances_of(self, kind: str, entry_id: str) -> tuple[str, ...]:
            return (kind, entry_id)

    log = ReadLog()
    index = Tracked(Index("Edition", {"p1": "Mao"}), "index", log)
    pages = []
    for _ in range(2):
        log.reads = set()
        assert index.title == "Edition"
        assert index.persons_by_id["p1"] == "Mao"
        assert index.appearances_of("person", "p1") == ("person", "p1")
        pages.append(log.in_order(log.reads))
    assert (
        pages[0]
        == pages[1]
        == (
            ("index", "appearances_of", ("person", "p1"), ()),
            ("index", "persons_by_id", None, ("item", "p1")),
            ("index", "title", None, ()),
        )
    )
