"""Ways into the edition besides the list of documents: the chronology, a timeline of documents
per year and the correspondence (who wrote to whom), the last two drawn as SVG at build time.

Pure: the functions here turn the index into plain data (groups, bars, lines with their
coordinates); the theme's templates write the markup, so everything stays autoescaped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import jinja2

from generator import paging, paths
from generator.dates import MONTHS
from generator.index import EditionIndex
from generator.model import AGENT_KINDS, Document, RegisterEntry
from generator.render import Renderer

# --------------------------------------------------------------------------- chronology


@dataclass(frozen=True)
class MonthGroup:
    anchor: str
    label: str  # "October 1951", or "1951, month not known"
    documents: tuple[Document, ...]
    path: str = paths.CHRONOLOGY  # the page that lists the month's documents
    month: int | None = None


@dataclass(frozen=True)
class YearGroup:
    year: int
    anchor: str
    months: tuple[MonthGroup, ...]
    path: str = paths.CHRONOLOGY  # the page of the year (its months, or its months' documents)

    @property
    def count(self) -> int:
        return sum(len(m.documents) for m in self.months)


def year_anchor(year: int) -> str:
    return f"year-{year}"


def chronology(documents: tuple[Document, ...], split: bool = False) -> tuple[YearGroup, ...]:
    """Documents by year, then month, in date order. A document known only to the year comes
    first in its year, under "month not known", as the date order puts it before the months.

    Split (a long chronology), each year has a page of its own, and so does each month of a year
    of more than paging.LIST_LIMIT documents."""
    by_year: dict[int, dict[int | None, list[Document]]] = {}
    for document in sorted(documents, key=lambda d: (d.date.sort_key, d.id)):
        by_year.setdefault(document.date.year, {}).setdefault(document.date.month, []).append(document)
    years = []
    for year, months in sorted(by_year.items()):
        year_path = paths.chronology_year(year) if split else paths.CHRONOLOGY
        by_month = sum(len(docs) for docs in months.values()) > paging.LIST_LIMIT and split
        groups = []
        for month, docs in sorted(months.items(), key=lambda item: item[0] or 0):
            anchor = f"{year_anchor(year)}-{month:02d}" if month else f"{year_anchor(year)}-undated"
            path = paths.chronology_month(year, month) if by_month else year_path
            groups.append(MonthGroup(anchor, f"{MONTHS[month - 1]} {year}" if month else f"{year}, month not known", tuple(docs), path, month))
        years.append(YearGroup(year, year_anchor(year), tuple(groups), year_path))
    return tuple(years)


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
    label: str = ""  # what the axis says under the bar: the year, or the month's number
    title: str = ""  # the year, or the month and year (in English: the template writes it in the edition's language)
    href: str = ""  # where the bar leads: its year's (or month's) section or page
    month: int | None = None  # the month of a bar of the months of one year; 0 for its documents known only to the year


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


def timeline(documents: tuple[Document, ...], years: tuple[YearGroup, ...] = ()) -> Timeline | None:
    """One bar per year from the first to the last, empty years included, so that gaps show; for the
    documents of a single year, one bar per month. Each bar leads to its year's (or month's) part of `years`."""
    if not documents:
        return None

    def link(path: str, anchor: str) -> str:  # (the chart is on the chronology's first page)
        return f"#{anchor}" if path == paths.CHRONOLOGY else f"{path}#{anchor}"

    where: dict[tuple[int, int | None], str] = {(group.year, None): link(group.path, group.anchor) for group in years}
    where.update({(group.year, month.month or 0): link(month.path, month.anchor) for group in years for month in group.months})
    counts = Counter(d.date.year for d in documents)
    first, last = min(counts), max(counts)
    if first == last and any(d.date.month for d in documents):
        month_counts = Counter(d.date.month or 0 for d in documents)
        slots: list[tuple[int, int, str, str, str, str]] = [
            (
                first,
                month_counts[month],
                f"{year_anchor(first)}-{month:02d}",
                str(month),
                f"{MONTHS[month - 1]} {first}",
                where.get((first, month), f"#{year_anchor(first)}-{month:02d}"),
            )
            for month in range(1, 13)
        ]
        if month_counts[0]:
            slots.insert(
                0,
                (
                    first,
                    month_counts[0],
                    f"{year_anchor(first)}-undated",
                    "?",
                    f"{first}, month not known",
                    where.get((first, 0), f"#{year_anchor(first)}-undated"),
                ),
            )
    else:
        slots = [
            (year, counts[year], year_anchor(year), str(year), str(year), where.get((year, None), f"#{year_anchor(year)}")) for year in range(first, last + 1)
        ]
    slot = max(14.0, min(64.0, 640 / len(slots)))
    width = round(slot * len(slots))
    baseline = TIMELINE_HEIGHT - TIMELINE_AXIS
    most = max(slot_[1] for slot_ in slots)
    bars = []
    by_month = slots[-1][2].endswith("-12")
    for i, (year, count, anchor, label, title, href) in enumerate(slots):
        height = (baseline - TIMELINE_PLOT_TOP) * count / most
        month = (int(label) if label.isdigit() else 0) if by_month else None
        bars.append(
            Bar(year, count, i * slot + slot * 0.15, baseline - height, slot * 0.7, height, anchor if count else "", label, title, href if count else "", month)
        )
    label_every = max(1, round(36 / slot))
    return Timeline(width, TIMELINE_HEIGHT, baseline, tuple(bars), most, label_every)


# --------------------------------------------------------------------------- correspondence chart


@dataclass(frozen=True)
class Correspondent:
    entry: RegisterEntry  # a person or an organisation
    href: str  # its page, relative to the output root
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
    left_out: int = 0  # pairs of writer and recipient not drawn (see CHART_PAIRS)
    other_writers: tuple[tuple[RegisterEntry, str], ...] = ()  # the writers of those pairs (with their pages), which list all their correspondents


ROW = 30
NAME_FONT = 14  # px, as in the theme's .chart-name
LINE_SPAN = 120  # between the two columns of dots


def name_width(names: list[str]) -> int:
    """A generous estimate of the width of the longest name, so that no name is clipped."""
    return round(max(len(n) for n in names) * NAME_FONT * 0.6) + 12


CHART_PAIRS = 150  # pairs drawn at most: the ones with the most documents


def correspondence(index: EditionIndex, limit: int = CHART_PAIRS) -> Correspondence | None:
    """Authors on the left, recipients on the right, in register order, a line for each pair; of more than `limit`
    pairs, the `limit` with the most documents, and the writers of the others named (their pages list them)."""
    agents = {entry.id: (kind, entry) for kind in AGENT_KINDS for entry in index.entries(kind)}
    every_pair = Counter(
        (author, recipient) for d in index.documents for author in d.authors if author in agents for recipient in d.recipients if recipient in agents
    )
    if not every_pair:
        return None
    order = {entry_id: i for i, entry_id in enumerate(sorted(agents, key=lambda a: (agents[a][1].sort_key, a)))}
    ranked = sorted(every_pair.items(), key=lambda item: (-item[1], order[item[0][0]], order[item[0][1]]))
    pairs = dict(ranked[:limit])
    others = {author for (author, _), _ in ranked[limit:]}

    def column(ids: set[str]) -> dict[str, Correspondent]:
        ranked = sorted(ids, key=order.__getitem__)
        return {aid: Correspondent(agents[aid][1], paths.entry_link(agents[aid][0], aid), ROW * (i + 0.5)) for i, aid in enumerate(ranked)}

    authors = column({a for a, _ in pairs})
    recipients = column({r for _, r in pairs})
    most = max(pairs.values())
    letters = tuple(
        Letter(authors[a], recipients[r], count, 1.5 + 4.5 * (count - 1) / max(1, most - 1))
        for (a, r), count in sorted(pairs.items(), key=lambda item: (order[item[0][0]], order[item[0][1]]))
    )
    height = ROW * max(len(authors), len(recipients))
    left_x = name_width([c.entry.name for c in authors.values()])
    right_x = left_x + 16 + LINE_SPAN
    width = right_x + name_width([c.entry.name for c in recipients.values()])
    return Correspondence(
        width,
        height,
        left_x,
        right_x,
        tuple(authors.values()),
        tuple(recipients.values()),
        letters,
        len(ranked) - len(pairs),
        tuple((agents[a][1], paths.entry_link(agents[a][0], a)) for a in sorted(others, key=order.__getitem__)),
    )


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
        yield from render_chronology_pages(renderer)
    chart = correspondence(index)
    if chart is not None:
        yield renderer.render("correspondence.html", paths.CORRESPONDENCE, chart=chart)
    yield from render_term_pages(renderer)
    for kind, template in (("person", "persons.html"), ("organization", "organizations.html"), ("place", "places.html")):
        entries = index.entries(kind)
        if len(entries) > REGISTER_LIMIT:
            for number in range(1, len(letters_of(entries)) + 1):
                yield renderer.render(template, paths.register_letter(kind, number), entries=entries, kind=kind, letter_number=number)
    for field, path in paths.TOPICS.items():
        found = topics(index.documents, field)
        if found:
            yield from render_topic_pages(renderer, found, path, "Subjects" if field == "subjects" else "Collections")


def render_topic_pages(renderer: Renderer, found: tuple[Topic, ...], path: str, heading: str) -> Iterator[tuple[str, str]]:
    """Every subject (or collection) with its documents on one page; when they list more than paging.LIST_LIMIT
    documents in all, the page lists the topics alone, each leading to its own page of documents (in pages of
    paging.LIST_PAGE), at <folder>/<anchor>/index.html."""
    if sum(len(topic.documents) for topic in found) <= paging.LIST_LIMIT:
        yield renderer.render("topics.html", path, topics=found, heading=heading, topic=None, pages=(), page=None)
        return
    paged = {topic.anchor: paging.list_pages(topic.documents, paths.topic(path, topic.anchor)) for topic in found}
    yield renderer.render("topics.html", path, topics=found, heading=heading, topic=None, pages=(), page=None, paged=paged)
    for topic in found:
        for page in paged[topic.anchor]:
            yield renderer.render("topics.html", page.path, topics=found, heading=heading, topic=topic, pages=paged[topic.anchor], page=page)


def render_chronology_pages(renderer: Renderer) -> Iterator[tuple[str, str]]:
    """The chronology on one page; for more than paging.LIST_LIMIT documents, an overview of the years and
    months (with the chart), a page per year and, for a year of more than LIST_LIMIT documents, a page per month."""
    documents = renderer.context.index.documents
    split = len(documents) > paging.LIST_LIMIT
    years = chronology(documents, split)
    chart = timeline(documents, years)
    if not split:
        yield renderer.render("chronology.html", paths.CHRONOLOGY, years=years, chart=chart, shown=years, year=None, month=None)
        return
    yield renderer.render("chronology.html", paths.CHRONOLOGY, years=years, chart=chart, shown=(), year=None, month=None)
    for year in years:
        by_month = any(month.path != year.path for month in year.months)
        yield renderer.render("chronology.html", year.path, years=years, chart=None, shown=() if by_month else (year,), year=year, month=None)
        for month in year.months if by_month else ():
            yield renderer.render("chronology.html", month.path, years=years, chart=None, shown=(year,), year=year, month=month)


GLOSSARY_SHOWN = 12  # documents the glossary lists under a term; all of them are on the term's page
REGISTER_LIMIT = 1_000  # entries on one page of a register; a longer one has a page per letter (as register.html decides)
GLOSSARY_LIMIT = 300  # terms on one glossary page; a longer glossary has a page per letter (as terms.html decides)


def render_term_pages(renderer: Renderer) -> Iterator[tuple[str, str]]:
    """A page for each term used in more than GLOSSARY_SHOWN documents, with all of them (in pages of
    paging.LIST_PAGE), at terms/<id>/index.html: the glossary lists the first few and links there.
    A glossary of more than GLOSSARY_LIMIT terms also has a page per letter (terms/letter-<n>/index.html)."""
    index = renderer.context.index
    if len(index.terms) > GLOSSARY_LIMIT:
        for number in range(1, len(letters_of(index.terms)) + 1):
            yield renderer.render("terms.html", paths.register_letter("term", number), entries=index.terms, kind="term", letter_number=number)
    for term in index.terms:
        documents = [appearance.document for appearance in index.appearances_of("term", term.id)]
        if len(documents) > GLOSSARY_SHOWN:
            pages = paging.list_pages(documents, paths.entry("term", term.id))
            for page in pages:
                yield renderer.render("term.html", page.path, entry=term, kind="term", pages=pages, page=page)


def letters_of(entries: Sequence[RegisterEntry]) -> list[str]:
    """The initials of a register's entries, in its order, as its templates group them (`sort_key | first | upper`)."""
    return list(dict.fromkeys(entry.sort_key[:1].upper() for entry in entries))
