"""The benchmark on a real edition: an archive of documents in this generator's format, built by us and by Hugo.

Synthetic text is regular; real text has initials, abbreviations, long telegrams and many explicit
links, and costs more per document. This part of `make bench` unpacks such an edition (a `.tar.xz`
holding one top folder with `site.yml` and `content/`), builds it in full, and builds the same
Markdown with Hugo: a page per document with its persons (a taxonomy) and previous/next links,
list pages, and a page per person. Dates are reduced to what Hugo parses (EDTF's `~` and `?`
dropped, a missing month or day taken as the first).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tarfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import __version__, search
from generator.bench import Run, hugo_command, machine, median_run, timed_run, write_hugo_skeleton
from generator.bench_floor import PARTS, measure_floor

_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass
class RealResult:
    """What one real edition measured: ours and Hugo's, each the median of its timed runs."""

    name: str
    documents: int
    characters: int
    pages: int = 0
    full_build: float = 0.0
    full_build_search_aside: float = 0.0
    search_index: float = 0.0
    full_build_cpu: float = 0.0
    peak_rss_process_mib: float = 0.0  # the largest single process
    peak_pss_builder_mib: float = 0.0  # every process of the build but the search indexer, shared pages counted once
    peak_pss_total_mib: float = 0.0
    cache_mib: float = 0.0  # the build memory kept on disk
    sources_mib: float = 0.0
    html_mib: float = 0.0
    warning_lines: int = 0
    hugo_full_build: float | None = None
    hugo_full_build_cpu: float | None = None
    hugo_peak_rss_mib: float | None = None
    hugo_pages: int | None = None
    no_op_rebuild: float = 0.0  # the command line's rebuild with nothing changed
    one_change_rebuild: float = 0.0  # and after one document's text changed
    one_change_search: float = 0.0  # of which the search index
    search_parts: int = 0  # the parts of the search index
    search_parts_reindexed: int = 0  # of them, those the one change indexed again
    floor_build: float = 0.0  # Hugo's work done in Python with markdown-it-py and Jinja2 (bench_floor)
    floor_build_cpu: float = 0.0
    floor_part_cpu: dict[str, float] = field(default_factory=dict)
    runs: dict[str, list[float]] = field(default_factory=dict)

    @property
    def ratio_search_aside(self) -> float | None:
        return self.full_build_search_aside / self.hugo_full_build if self.hugo_full_build else None

    @property
    def ratio(self) -> float | None:
        return self.full_build / self.hugo_full_build if self.hugo_full_build else None

    @property
    def floor_ratio(self) -> float | None:
        return self.floor_build / self.hugo_full_build if self.hugo_full_build and self.floor_build else None


def unpack(archive: Path, into: Path) -> Path:
    """The edition folder of `archive`, unpacked into `into` once (an unpacked copy of the same archive is reused)."""
    stamp = into / ".unpacked-from"
    stamp_text = f"{archive.resolve()} {archive.stat().st_size} {archive.stat().st_mtime_ns}"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == stamp_text:
        return next(p for p in into.iterdir() if p.is_dir())
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    stamp.write_text(stamp_text, encoding="utf-8")
    return next(p for p in into.iterdir() if p.is_dir())


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.index("\n---\n", 4)
    return yaml.load(text[4:end], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}, text[end + 5 :]


def hugo_date(value: object) -> str:
    """A document's date as Hugo parses it: EDTF's marks dropped, a missing month or day taken as the first."""
    found = _DATE.search(str(value))
    if found is None:
        return "1900-01-01"
    year, month, day = found.groups()
    return f"{year}-{month or '01'}-{day or '01'}"


def write_real_hugo_site(edition: Path, root: Path) -> None:
    """The real edition's documents and persons as a Hugo site, the same Markdown in each document."""
    if root.exists():
        shutil.rmtree(root)
    write_hugo_skeleton(root)
    persons_file = edition / "content" / "persons.yml"
    persons = yaml.load(persons_file.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or []
    for person in persons:
        folder = root / "content" / "persons" / str(person["id"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "_index.md").write_text(
            f"---\ntitle: {json.dumps(str(person.get('name', person['id'])))}\n---\n{person.get('description', '')}\n", encoding="utf-8"
        )
    for path in sorted((edition / "content" / "documents").rglob("*.md")):
        meta, body = _front_matter(path.read_text(encoding="utf-8"))
        names = [str(n) for key in ("authors", "recipients", "persons") for n in (meta.get(key) or [])]
        front = "\n".join(
            [
                "---",
                f"title: {json.dumps(str(meta.get('title', path.stem)))}",
                f"date: {hugo_date(meta.get('date'))}",
                f"type_: {json.dumps(str(meta.get('type', '')))}",
                f"persons: {json.dumps(sorted(set(names)))}",
                f"summary: {json.dumps(str(meta.get('summary', '')))}",
                "---",
            ]
        )
        target = root / "content" / "documents" / path.relative_to(edition / "content" / "documents")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(front + "\n" + body, encoding="utf-8")


def _size_mib(folder: Path, pattern: str = "*") -> float:
    return sum(p.stat().st_size for p in folder.rglob(pattern) if p.is_file()) / 2**20


def measure_real(
    archive: Path,
    workdir: Path,
    repeats: int,
    hugo: list[str] | None,
    say: Callable[[str], None],
) -> RealResult:
    """Full builds of the real edition in `archive` by us (timed runs, then one run sampled for memory) and by Hugo."""
    edition = unpack(archive, workdir / "real")
    documents = sorted((edition / "content" / "documents").rglob("*.md"))
    characters = sum(len(p.read_text(encoding="utf-8")) for p in documents)
    result = RealResult(edition.name, len(documents), characters, sources_mib=_size_mib(edition / "content"))
    site, cache = workdir / "real-site", edition / ".edition-cache"
    ours = [sys.executable, "-m", "generator", "build", str(edition), "--out", str(site)]

    def clean() -> None:
        for folder in (site, cache):
            if folder.exists():
                shutil.rmtree(folder)

    say(f"real edition: {len(documents):,} documents, {characters:,} characters ({edition.name})")
    full: list[Run] = []
    for _ in range(repeats):
        clean()
        full.append(timed_run(ours, sample_memory=False))
        say(f"  our full build {full[-1].seconds:.1f} s (search index {full[-1].search_seconds:.1f} s)")
    clean()
    sampled = timed_run(ours)
    every = median_run([*full, sampled])
    median = median_run(full)
    result.full_build, result.full_build_cpu, result.search_index = median.seconds, median.cpu_seconds, median.search_seconds
    result.full_build_search_aside = statistics.median(r.pages_seconds for r in full)
    result.peak_rss_process_mib = every.peak_rss_process / 2**20
    result.peak_pss_builder_mib = sampled.peak_pss_builder / 2**20
    result.peak_pss_total_mib = sampled.peak_pss_total / 2**20
    result.warning_lines = sampled.warning_lines
    result.pages = sum(1 for _ in site.rglob("*.html"))
    result.html_mib = _size_mib(site, "*.html")
    result.cache_mib = _size_mib(cache) if cache.exists() else 0.0
    result.runs = {"full": [r.seconds for r in full], "full_search_aside": [r.pages_seconds for r in full]}
    _measure_rebuilds(ours, documents[len(documents) // 2], site, result)
    say(f"  rebuilds: nothing changed {result.no_op_rebuild:.2f} s, one document {result.one_change_rebuild:.1f} s")
    _measure_floor(edition, workdir / "real-floor", repeats, result, say)
    if hugo:
        hugo_site = workdir / "real-hugo"
        write_real_hugo_site(edition, hugo_site)
        runs = []
        for _ in range(repeats):
            for folder in (hugo_site / "public", hugo_site / "resources"):
                if folder.exists():
                    shutil.rmtree(folder)
            runs.append(timed_run([*hugo, "--quiet", "--source", str(hugo_site)], sample_memory=False))
            say(f"  Hugo full build {runs[-1].seconds:.1f} s")
        result.hugo_full_build = median_run(runs).seconds
        result.hugo_full_build_cpu = median_run(runs).cpu_seconds
        result.hugo_peak_rss_mib = median_run(runs).peak_rss_process / 2**20
        result.hugo_pages = sum(1 for _ in (hugo_site / "public").rglob("*.html"))
        result.runs["hugo"] = [r.seconds for r in runs]
    return result


def _measure_floor(edition: Path, out: Path, repeats: int, result: RealResult, say: Callable[[str], None]) -> None:
    """The reference build in Python (bench_floor), `repeats` times; the run of median wall time is kept."""
    floors = []
    for _ in range(repeats):
        if out.exists():
            shutil.rmtree(out)
        floors.append(measure_floor(edition, out))
        say(f"  the same work as Hugo in Python {floors[-1].seconds:.1f} s")
    floor = sorted(floors, key=lambda f: f.seconds)[len(floors) // 2]
    result.floor_build, result.floor_build_cpu, result.floor_part_cpu = floor.seconds, floor.cpu_seconds, floor.part_cpu_seconds
    result.runs["floor"] = [f.seconds for f in floors]


def _measure_rebuilds(ours: list[str], changed: Path, site: Path, result: RealResult) -> None:
    """From the command line, after a full build: a rebuild with nothing changed, then one after a change to the text of
    `changed` (put back afterwards), and the parts of the search index that change indexed again."""
    result.no_op_rebuild = timed_run(ours, sample_memory=False).seconds
    before = search.read_parts_file(site / search.BUNDLE_FOLDER)
    text = changed.read_text(encoding="utf-8")
    try:
        changed.write_text(text.rstrip("\n") + "\n\nA paragraph added to measure a rebuild.\n", encoding="utf-8")
        rebuild = timed_run(ours, sample_memory=False)
    finally:
        changed.write_text(text, encoding="utf-8")
    after = search.read_parts_file(site / search.BUNDLE_FOLDER)
    result.one_change_rebuild, result.one_change_search = rebuild.seconds, rebuild.search_seconds
    result.search_parts = len(after)
    result.search_parts_reindexed = sum(1 for name, digest in after.items() if before.get(name) != digest)


def real_table(results: Sequence[RealResult]) -> str:
    """The real editions' figures as a Markdown table, one row per measure."""

    def seconds(value: float | None) -> str:
        return f"{value:.1f} s" if value is not None else "n/a"

    def ratio(value: float | None) -> str:
        return f"{value:.2f} x" if value is not None else "n/a"

    rows: list[tuple[str, ...]] = [("", *(f"{r.name} ({r.documents:,} documents)" for r in results))]
    measures: list[tuple[str, Callable[[RealResult], str]]] = [
        ("full build", lambda r: seconds(r.full_build)),
        ("full build, search index aside", lambda r: seconds(r.full_build_search_aside)),
        ("search index", lambda r: seconds(r.search_index)),
        ("Hugo full build", lambda r: seconds(r.hugo_full_build)),
        ("ours / Hugo, search index aside", lambda r: ratio(r.ratio_search_aside)),
        ("ours / Hugo, with the search index", lambda r: ratio(r.ratio)),
        ("processor time, ours / Hugo", lambda r: f"{seconds(r.full_build_cpu)} / {seconds(r.hugo_full_build_cpu)}"),
        ("largest process, ours / Hugo", lambda r: f"{r.peak_rss_process_mib:,.0f} / {r.hugo_peak_rss_mib or 0:,.0f} MiB"),
        ("all processes (PSS), search indexer aside / with it", lambda r: f"{r.peak_pss_builder_mib:,.0f} / {r.peak_pss_total_mib:,.0f} MiB"),
        ("build memory on disk / sources", lambda r: f"{r.cache_mib:,.0f} / {r.sources_mib:,.0f} MiB"),
        ("HTML pages (MiB)", lambda r: f"{r.pages:,} ({r.html_mib:,.0f} MiB)"),
        ("warning lines printed", lambda r: f"{r.warning_lines:,}"),
        ("rebuild from the command line, nothing changed", lambda r: f"{r.no_op_rebuild:.2f} s"),
        ("rebuild after one document changed (search index)", lambda r: f"{seconds(r.one_change_rebuild)} ({seconds(r.one_change_search)})"),
        ("search index parts indexed again after that change", lambda r: f"{r.search_parts_reindexed} of {r.search_parts}"),
        ("Hugo's work in Python (markdown-it-py, Jinja2): wall / processor time", lambda r: f"{seconds(r.floor_build)} / {seconds(r.floor_build_cpu)}"),
        (f"of its processor time: {', '.join(PARTS)}", lambda r: ", ".join(seconds(r.floor_part_cpu.get(part)) for part in PARTS)),
        ("Hugo's work in Python / Hugo", lambda r: ratio(r.floor_ratio)),
    ]
    rows += [(name, *(show(r) for r in results)) for name, show in measures]
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("---" for _ in rows[0]) + "|")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.bench_real", description=__doc__.split("\n")[0])
    parser.add_argument("archive", type=Path, help="the real edition, a .tar.xz with one top folder (site.yml, content/)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each build; the median is reported")
    parser.add_argument("--no-hugo", action="store_true", help="do not build with Hugo")
    parser.add_argument("--output", type=Path, default=Path("bench-output"), help="work folder and JSON report (default: bench-output)")
    args = parser.parse_args(argv)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if not args.archive.is_file():
        say(f"no real edition at {args.archive}: nothing to measure")
        return 0
    hugo = None if args.no_hugo else hugo_command()
    args.output.mkdir(parents=True, exist_ok=True)
    result = measure_real(args.archive, args.output.resolve(), args.repeats, hugo, say)
    report = {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "generator_version": __version__,
        "machine": machine(),
        "repeats": args.repeats,
        "real": {**asdict(result), "ratio_search_aside": result.ratio_search_aside, "ratio": result.ratio, "floor_ratio": result.floor_ratio},
    }
    (args.output / "bench-real.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    info = report["machine"]
    print(f"{report['date']}, {info['cores']} cores, {info['memory_gib']} GiB, Python {info['python']}, median of {args.repeats} runs")
    print(real_table([result]))
    print(f"JSON: {args.output / 'bench-real.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
