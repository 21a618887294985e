"""The benchmark itself, run once on a tiny corpus: it builds, rebuilds and reports."""

from __future__ import annotations

import json
import random
import sys
import tarfile
from pathlib import Path

from markupsafe import escape

from generator.bench import SetAside, main, synthetic_persons, timed_run, write_corpus
from generator.bench_floor import PARTS, measure_floor
from generator.bench_real import measure_real, real_table
from generator.build import BuildOptions, build


def test_the_synthetic_corpus_is_deterministic_and_builds_cleanly(tmp_path: Path) -> None:
    first, _ = write_corpus(tmp_path / "a", 12, persons_count=40)
    second, _ = write_corpus(tmp_path / "b", 12, persons_count=40)
    assert first == second
    sources = sorted((tmp_path / "a" / "content" / "documents").glob("*.md"))
    assert [p.read_bytes() for p in sources] == [(tmp_path / "b" / p.relative_to(tmp_path / "a")).read_bytes() for p in sources]
    assert all(2_500 <= len(d.body) <= 4_000 for d in first)
    assert all(d.body.count("[^") == 4 for d in first)  # two calls and their two definitions

    result = build(tmp_path / "a", BuildOptions(tmp_path / "site"))
    assert not result.diagnostics.items, [d.format() for d in result.diagnostics.items]
    assert result.documents == 12 and result.persons == 40
    page = (tmp_path / "site" / "documents" / first[0].id / "index.html").read_text(encoding="utf-8")
    assert page.count('class="note-call') >= 7  # five brackets and two footnotes
    persons = synthetic_persons(random.Random(1), 5_000)
    assert len({p.id for p in persons}) == 5_000 and all(p.aliases for p in persons)


def test_the_bench_reports_every_measure_as_a_table_and_json(tmp_path: Path, capsys) -> None:
    (tmp_path / "edition-8").mkdir()
    (tmp_path / "edition-8" / "left-by-an-earlier-run.txt").write_text("set aside, then deleted\n", encoding="utf-8")
    assert main(["--documents", "8", "--persons", "30", "--repeats", "1", "--no-hugo", "--output", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "| documents | pages | full build | no-op |" in printed
    report = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    (row,) = report["results"]
    assert row["documents"] == 8
    assert row["pages"] == len(list((tmp_path / "edition-8" / "_site").rglob("*.html"))) > 8 + 30
    for key in (
        "full_build",
        "noop_rebuild",
        "one_document_changed",
        "one_person_changed",
        "pages_per_second",
        "peak_rss_total_mib",
        "full_build_pages",
        "one_document_changed_pages",
        "preview_document_changed",
        "preview_person_changed",
    ):
        assert row[key] > 0, key
    assert 0 < row["peak_pss_search_aside_mib"] <= row["peak_pss_total_mib"]  # the search indexer's memory aside
    assert len(row["runs"]["full"]) == len(row["runs"]["document"]) == 1  # the runs that measure memory are not among the timed
    assert row["runs"]["full_system"] == [row["full_build_system"]] and 0 < row["full_build_system"] < row["full_build_cpu"]
    assert report["machine"]["cores"] >= 1
    edited = (tmp_path / "edition-8" / "content" / "documents" / "d000001.md").read_text(encoding="utf-8")
    assert "Revised reading number 101." in edited  # the last edit: the preview server's rebuilds come after the command's
    assert not (tmp_path / "set-aside").exists()  # what the runs were done with is deleted once they are timed


def test_folders_are_set_aside_whole_and_deleted_only_when_emptied(tmp_path: Path) -> None:
    site = tmp_path / "edition" / "_site"
    (site / "documents").mkdir(parents=True)
    (site / "documents" / "index.html").write_text("<p>made</p>", encoding="utf-8")
    set_aside = SetAside(tmp_path / "set-aside")
    set_aside(site)
    set_aside(tmp_path / "never-made")  # nothing to move
    assert not site.exists()
    (kept,) = (tmp_path / "set-aside").iterdir()
    assert (kept / "documents" / "index.html").read_text(encoding="utf-8") == "<p>made</p>"
    set_aside.empty()
    assert not (tmp_path / "set-aside").exists()


def test_a_timed_run_is_not_sampled_and_a_sampled_run_measures_the_process_tree(tmp_path: Path) -> None:
    # A parent that starts a child holding 200 MB: the sampler sees both, the kernel's figure only the largest.
    child = "import time; block = bytearray(200_000_000); time.sleep(0.6)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}], check=True)"
    sampled = timed_run([sys.executable, "-c", parent])
    timed = timed_run([sys.executable, "-c", parent], sample_memory=False)
    assert sampled.peak_pss_total > 200_000_000 and sampled.peak_rss_total >= sampled.peak_pss_total
    assert timed.peak_pss_total == timed.peak_rss_total == 0
    assert timed.peak_rss_process > 200_000_000 and timed.seconds > 0.6


def test_a_run_reports_the_kernel_s_share_of_its_processor_time() -> None:
    # Reading random bytes is the kernel's work (as creating files is), not the process's.
    run = timed_run([sys.executable, "-c", "open('/dev/urandom', 'rb').read(200_000_000)"], sample_memory=False)
    assert 0.1 < run.system_seconds <= run.cpu_seconds and run.system_seconds > run.cpu_seconds / 2


def test_the_full_build_can_be_measured_alone(tmp_path: Path, capsys) -> None:
    assert main(["--documents", "8", "--persons", "30", "--repeats", "1", "--no-hugo", "--full-only", "--output", str(tmp_path)]) == 0
    (row,) = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))["results"]
    assert row["full_build"] > 0 and row["peak_pss_total_mib"] > 0 and len(row["runs"]["full"]) == 1
    for key in ("noop_rebuild", "one_document_changed", "one_person_changed", "preview_document_changed", "preview_person_changed"):
        assert row[key] is None, key
    assert not row["runs"]["document"]
    printed = capsys.readouterr().out
    assert "| 8 | " in printed and "| n/a |" in printed
    edited = (tmp_path / "edition-8" / "content" / "documents" / "d000001.md").read_text(encoding="utf-8")
    assert "Revised reading" not in edited  # no rebuild was measured


def test_the_real_edition_benchmark_reports_builds_rebuilds_and_search_parts(tmp_path: Path) -> None:
    edition = tmp_path / "tiny"
    write_corpus(edition, 12, persons_count=40)
    with (edition / "site.yml").open("a", encoding="utf-8") as site:
        site.write("search:\n  part_size: 4\n")
    archive = tmp_path / "tiny.tar.xz"
    with tarfile.open(archive, "w:xz") as packed:
        packed.add(edition, arcname="tiny")
    said: list[str] = []

    result = measure_real(archive, tmp_path / "work", 1, None, said.append)

    assert result.documents == 12 and result.full_build > 0 and result.cache_mib > 0
    assert result.no_op_rebuild > 0 and result.one_change_rebuild > 0
    # One changed document is indexed again with its part alone.
    assert result.search_parts >= 3 and result.search_parts_reindexed == 1
    unpacked = sorted((tmp_path / "work" / "real" / "tiny" / "content" / "documents").rglob("*.md"))
    assert len(unpacked) == 12
    assert all("A paragraph added" not in p.read_text(encoding="utf-8") for p in unpacked)  # the change was put back
    table = real_table([result])
    assert f"1 of {result.search_parts}" in table and "nothing changed" in table
    assert result.floor_build > 0 and set(result.floor_part_cpu) == set(PARTS) and "Hugo's work in Python" in table


def test_the_floor_builds_what_hugo_builds_the_same_on_every_core(tmp_path: Path) -> None:
    documents, persons = write_corpus(tmp_path / "edition", 12, persons_count=40)

    one = measure_floor(tmp_path / "edition", tmp_path / "one", processes=1)
    two = measure_floor(tmp_path / "edition", tmp_path / "two", processes=2)

    assert one.documents == two.documents == 12 and one.pages == two.pages == 12 + 40 + 1
    made = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.html"))
    assert len(made) == one.pages
    assert all((tmp_path / "one" / p).read_bytes() == (tmp_path / "two" / p).read_bytes() for p in made)
    ordered = sorted(documents, key=lambda d: (d.date, d.id))
    page = (tmp_path / "one" / "documents" / ordered[1].id / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{escape(ordered[1].title)}</h1>" in page and 'class="footnote-ref"' in page  # the body, rendered with its notes
    assert f'href="../../documents/{ordered[0].id}/"' in page and f'href="../../documents/{ordered[2].id}/"' in page
    named = next(p for p in persons if p.id in (*ordered[1].authors, *ordered[1].recipients, *ordered[1].persons))
    assert f'href="../../persons/{named.id}/"' in page
    listing = (tmp_path / "one" / "persons" / named.id / "index.html").read_text(encoding="utf-8")
    assert f'href="../../documents/{ordered[1].id}/"' in listing
    for result in (one, two):
        # (processor time is counted in ticks of 10 ms: a part of so small an edition may take none)
        assert set(result.part_cpu_seconds) == set(PARTS) and min(result.part_cpu_seconds.values()) >= 0
        assert sum(result.part_cpu_seconds.values()) <= result.cpu_seconds + 0.05 and result.seconds > 0
