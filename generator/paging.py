"""Long lists split into pages of a bounded size, so that no page of a large edition is a download.

Pure: the functions here decide which documents go on which page and how the pages link to one
another; the theme's templates write them. A list short enough stays one page, as it always was.

- the home list: pages of LIST_PAGE documents in date order (`index.html`, then `list/2/index.html`, ...),
  each page with a navigation by year and month that leads to the page where each month begins;
- the chronology: a page per year, and a page per month within a year that has more than LIST_PAGE documents;
- subjects and collections: a page per subject or collection, itself in pages of LIST_PAGE documents;
- the glossary and the register pages: the first documents of each entry, and the rest on the entry's page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from generator import paths
from generator.index import EditionIndex
from generator.model import Document, Organization, Person

LIST_PAGE = 200  # documents on one page of a long list
LIST_LIMIT = 500  # a list of up to this many documents stays one page
PAGER_ALL = 9  # a list of up to this many pages links every page from each
PAGER_NEIGHBOURS = 2  # of a longer one, the pages either side of the one shown, with the first and the last


@dataclass(frozen=True)
class ListPage:
    """One page of a list split into pages."""

    number: int  # from 1
    path: str
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class MonthLink:
    """A month of the documents, and the page and anchor of the list where it begins."""

    year: int
    month: int | None  # None: documents known only to the year
    count: int
    anchor: str
    href: str  # the page's path and the anchor


@dataclass(frozen=True)
class YearLinks:
    year: int
    count: int
    months: tuple[MonthLink, ...]


def month_anchor(year: int, month: int | None) -> str:
    return f"month-{year}-{month:02d}" if month else f"month-{year}-undated"


def split(documents: Sequence[Document], size: int = LIST_PAGE) -> list[tuple[Document, ...]]:
    return [tuple(documents[start : start + size]) for start in range(0, len(documents), size)] or [()]


def list_pages(documents: Sequence[Document], first_path: str, size: int = LIST_PAGE) -> tuple[ListPage, ...]:
    """The pages of a list: the first at `first_path`, the others where `paths.list_page` puts them."""
    return tuple(ListPage(n, paths.list_page(first_path, n), chunk) for n, chunk in enumerate(split(documents, size), start=1))


def pager_numbers(total: int, current: int) -> list[int | None]:
    """The page numbers a pager of `total` pages links from page `current`, in order, with None for each run left out.

    Every page of a short list; of a long one the first, the last and PAGER_NEIGHBOURS either side of `current` (a
    run of one page left out is shown instead), so that the pager stays short for a reader and a long list's pages
    do not each link all the others (work in the square of the pages)."""
    if total <= PAGER_ALL:
        return list(range(1, total + 1))
    shown = sorted({1, total, *range(max(1, current - PAGER_NEIGHBOURS), min(total, current + PAGER_NEIGHBOURS) + 1)})
    numbers: list[int | None] = [shown[0]]
    for before, number in pairwise(shown):
        if number - before == 2:
            numbers.append(before + 1)
        elif number - before > 2:
            numbers.append(None)
        numbers.append(number)
    return numbers


def month_links(pages: Sequence[ListPage]) -> tuple[YearLinks, ...]:
    """Every year and month of the listed documents (in date order), each linked where it begins."""
    where: dict[tuple[int, int | None], str] = {}
    counts: dict[tuple[int, int | None], int] = {}
    for page in pages:
        for document in page.documents:
            key = (document.date.year, document.date.month)
            where.setdefault(key, page.path)
            counts[key] = counts.get(key, 0) + 1
    years: dict[int, list[MonthLink]] = {}
    for (year, month), count in sorted(counts.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        anchor = month_anchor(year, month)
        years.setdefault(year, []).append(MonthLink(year, month, count, anchor, f"{where[(year, month)]}#{anchor}"))
    return tuple(YearLinks(year, sum(m.count for m in months), tuple(months)) for year, months in years.items())


def month_starts(documents: Sequence[Document]) -> dict[str, str]:
    """The anchor each document carries that begins a month on its page (document id -> anchor)."""
    starts: dict[str, str] = {}
    seen: set[tuple[int, int | None]] = set()
    for document in documents:
        key = (document.date.year, document.date.month)
        if key not in seen:
            seen.add(key)
            starts[document.id] = month_anchor(*key)
    return starts


def persons_in(index: EditionIndex, documents: Sequence[Document]) -> list[Person]:
    """The persons of the register that the documents name (as authors, recipients or in the text), in register order."""
    named = {person for d in documents for field in (d.authors, d.recipients, d.persons) for person in field}
    return [person for person in index.persons if person.id in named]


def organizations_in(index: EditionIndex, documents: Sequence[Document]) -> list[Organization]:
    """The organisations of the register that the documents name (as authors, recipients or in the text), in register order."""
    named = {entry_id for d in documents for field in (d.authors, d.recipients, d.organizations) for entry_id in field}
    return [organization for organization in index.organizations if organization.id in named]
