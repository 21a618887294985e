"""Ways into the edition besides the list of documents: the chronology, a timeline of documents
per year and the correspondence (who wrote to whom), the last two drawn as SVG at build time.

Pure: the functions here turn the index into plain data (groups, bars, lines with their
coordinates); the theme's templates write the markup, so everything stays autoescaped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import jinja2

from generator.dates import MONTHS
from generator.index import EditionIndex
from generator.model import Document, Person
from generator.render import Renderer

CHRONOLOGY_PAGE = "chronology/index.html"
CORRESPONDENCE_PAGE = "correspondence/index.html"
TOPIC_PAGES = {"subjects": "subjects/index.html", "collection": "collections/index.html"}


# --------------------------------------------------------------------------- chronology


@dataclass(frozen=True)
class MonthGroup:
    anchor: str
    label: str  # "October 1951", or "1951, month not known"
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class YearGroup:
    year: int
    anchor: str
    months: tuple[MonthGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(m.documents) for m in self.months)


def year_anchor(year: int) -> str:
    return f"year-{year}"


def chronology(documents: tuple[Document, ...]) -> tuple[YearGroup, ...]:
    """Documents by year, then month, in date order. A document known only to the year comes
    first in its year, under "month not known", as the date order puts it before the months."""
    by_year: dict[int, dict[int | None, list[Document]]] = {}
    for document in sorted(documents, key=lambda d: (d.date.sort_key, d.id)):
        by_year.setdefault(document.date.year, {}).setdefault(document.date.month, []).append(document)
    return tuple(
        YearGroup(
            year,
            year_anchor(year),
            tuple(
                MonthGroup(
                    f"{year_anchor(year)}-{month:02d}" if month else f"{year_anchor(year)}-undated",
                    f"{MONTHS[month - 1]} {year}" if month else f"{year}, month not known",
                    tuple(docs),
                )
                for month, docs in sorted(months.items(), key=lambda item: item[0] or 0)
            ),
        )
        for year, months in sorted(by_year.items())
    )


# --------------------------------------------------------------------------- timeline chart


@dataclass(frozen=True)
class Bar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    anchor: str  # the chronology's section for the year; "" when the year has no document


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    baseline: float
    bars: tuple[Bar, ...]
    max_count: int
    label_every: int  # label every n-th year, so that labels do not overlap


TIMELINE_HEIGHT = 160
TIMELINE_PLOT_TOP = 22  # room for the count above the tallest bar
TIMELINE_AXIS = 24  # room for the year labels


def timeline(documents: tuple[Document, ...]) -> Timeline | None:
    """One bar per year from the first to the last, empty years included, so gaps show."""
    if not documents:
        return None
    counts = Counter(d.date.year for d in documents)
    first, last = min(counts), max(counts)
    years = range(first, last + 1)
    slot = max(14.0, min(64.0, 640 / len(years)))
    width = round(slot * len(years))
    baseline = TIMELINE_HEIGHT - TIMELINE_AXIS
    most = max(counts.values())
    bars = []
    for i, year in enumerate(years):
        height = (baseline - TIMELINE_PLOT_TOP) * counts[year] / most
        bars.append(Bar(year, counts[year], i * slot + slot * 0.15, baseline - height, slot * 0.7, height,
                        year_anchor(year) if counts[year] else ""))
    label_every = max(1, round(36 / slot))
    return Timeline(width, TIMELINE_HEIGHT, baseline, tuple(bars), most, label_every)


# --------------------------------------------------------------------------- correspondence chart


@dataclass(frozen=True)
class Correspondent:
    person: Person
    y: float


@dataclass(frozen=True)
class Letter:
    """All documents from one person to another: one line, thicker the more there are."""

    author: Correspondent
    recipient: Correspondent
    count: int
    stroke: float


@dataclass(frozen=True)
class Correspondence:
    width: int
    height: int
    left_x: int  # where the authors' names end
    right_x: int  # where the recipients' names start
    authors: tuple[Correspondent, ...]
    recipients: tuple[Correspondent, ...]
    letters: tuple[Letter, ...]


ROW = 30
NAME_FONT = 14  # px, as in the theme's .chart-name
LINE_SPAN = 120  # between the two columns of dots


def name_width(names: list[str]) -> int:
    """A generous estimate of the width of the longest name, so that no name is clipped."""
    return round(max(len(n) for n in names) * NAME_FONT * 0.6) + 12


def correspondence(index: EditionIndex) -> Correspondence | None:
    """Authors on the left, recipients on the right, in register order, a line for each pair."""
    pairs = Counter(
        (author, recipient)
        for d in index.documents
        for author in d.authors if author in index.persons_by_id
        for recipient in d.recipients if recipient in index.persons_by_id
    )
    if not pairs:
        return None
    order = {p.id: i for i, p in enumerate(index.persons)}

    def column(ids: set[str]) -> dict[str, Correspondent]:
        ranked = sorted(ids, key=order.__getitem__)
        return {pid: Correspondent(index.persons_by_id[pid], ROW * (i + 0.5)) for i, pid in enumerate(ranked)}

    authors = column({a for a, _ in pairs})
    recipients = column({r for _, r in pairs})
    most = max(pairs.values())
    letters = tuple(
        Letter(authors[a], recipients[r], count, 1.5 + 4.5 * (count - 1) / max(1, most - 1))
        for (a, r), count in sorted(pairs.items(), key=lambda item: (order[item[0][0]], order[item[0][1]]))
    )
    height = ROW * max(len(authors), len(recipients))
    left_x = name_width([c.person.name for c in authors.values()])
    right_x = left_x + 16 + LINE_SPAN
    width = right_x + name_width([c.person.name for c in recipients.values()])
    return Correspondence(width, height, left_x, right_x, tuple(authors.values()), tuple(recipients.values()), letters)


# --------------------------------------------------------------------------- subjects and collections


@dataclass(frozen=True)
class Topic:
    """A subject or a collection, and the documents filed under it in date order."""

    name: str
    anchor: str
    documents: tuple[Document, ...]


def topic_anchor(name: str) -> str:
    """The id of a topic's section: its words in lower case joined by hyphens ("Korean War" -> "korean-war")."""
    return re.sub(r"[\W_]+", "-", name.casefold()).strip("-") or "topic"


def topics(documents: tuple[Document, ...], field: str) -> tuple[Topic, ...]:
    """The values of `field` ("subjects", a list, or "collection", a text) with their documents, by name."""
    filed: dict[str, list[Document]] = {}
    for document in documents:
        value = getattr(document, field)
        for name in (value,) if isinstance(value, str) else value or ():
            filed.setdefault(name, []).append(document)
    return tuple(Topic(name, topic_anchor(name), tuple(docs)) for name, docs in sorted(filed.items(), key=lambda item: item[0].casefold()))


def install_filters(environment: jinja2.Environment) -> None:
    """Let templates link a subject or collection to its section (`url(...) ~ '#' ~ (name | topic_anchor)`)."""
    environment.filters["topic_anchor"] = topic_anchor


# --------------------------------------------------------------------------- pages


def render_browse_pages(renderer: Renderer) -> Iterator[tuple[str, str]]:
    index = renderer.context.index
    if index.documents:
        yield renderer.render("chronology.html", CHRONOLOGY_PAGE, years=chronology(index.documents), chart=timeline(index.documents))
    chart = correspondence(index)
    if chart is not None:
        yield renderer.render("correspondence.html", CORRESPONDENCE_PAGE, chart=chart)
    for field, path in TOPIC_PAGES.items():
        found = topics(index.documents, field)
        if found:
            heading = "Subjects" if field == "subjects" else "Collections"
            yield renderer.render("topics.html", path, topics=found, heading=heading)
