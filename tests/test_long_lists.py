"""Long lists at 1,000 documents within one year and at 10,000: split into pages, every document one link away."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.bench import write_corpus
from generator.build import BuildOptions, build
from tests.conftest import parse_html
from tests.support.large_edition import write_one_year_edition

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def year_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_one_year_edition(tmp_path_factory.mktemp("year") / "edition", 1_000)
    out = root.parent / "site"
    result = build(root, BuildOptions(out))
    assert result.documents == 1_000 and not result.diagnostics.errors
    return out


def pages_of_list(first: Path) -> list[Path]:
    """The pages of a list split into pages, from its first, by each page's link to the next."""
    pages = [first]
    while (following := parse_html(pages[-1]).select_one(".list-pager a[rel=next]")) is not None:
        pages.append((pages[-1].parent / following["href"]).resolve())
    return pages


def largest_pages(site: Path, count: int = 5) -> list[tuple[int, str]]:
    return sorted(((p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")), reverse=True)[:count]


def test_the_home_list_is_split_into_pages_with_every_document_once(year_site: Path) -> None:
    home = parse_html(year_site / "index.html")
    pager = [a["href"] for a in home.select(".list-pager a:not([rel])")]
    assert pager == ["index.html", "list/2/index.html", "list/3/index.html", "list/4/index.html", "list/5/index.html"]
    ids = [li.select_one("a")["href"].rsplit("/", 2)[-2] for path in pager for li in parse_html(year_site / path).select("#document-list li")]
    assert len(ids) == 1_000 and len(set(ids)) == 1_000
    second = parse_html(year_site / "list/2/index.html")
    assert second.select_one("h1").get_text() == "Documents, page 2 of 5"
    assert second.select_one("a[rel=prev]")["href"] == "../../index.html"
    assert second.select_one("a[rel=next]")["href"] == "../3/index.html"


def test_each_month_leads_to_the_page_where_it_begins(year_site: Path) -> None:
    home = parse_html(year_site / "index.html")
    months = home.select(".month-nav .month-list a")
    assert [a.get_text() for a in months][:2] == ["January 1958", "February 1958"] and len(months) == 12
    for link in months:
        path, _, anchor = link["href"].partition("#")
        target = parse_html(year_site / path)
        first = target.select_one(f"#{anchor}")
        assert first is not None and first.select_one("time")["datetime"].startswith(f"1958-{anchor[-2:]}")
        previous = first.find_previous_sibling("li")
        assert previous is None or not previous.select_one("time")["datetime"].startswith(f"1958-{anchor[-2:]}")


def test_the_filters_of_one_year_offer_months(year_site: Path) -> None:
    form = parse_html(year_site / "list/3/index.html").select_one("form#document-filters")
    assert form.select_one("#filter-year") is None
    months = [o.get_text() for o in form.select("#filter-month option")]
    assert months[0] == "any" and all(m.endswith(" 1958") for m in months[1:])
    assert {s["name"] for s in form.select("select")} == {"type", "month", "person"}


def test_the_chronology_is_split_by_year_and_month(year_site: Path) -> None:
    overview = parse_html(year_site / "chronology/index.html")
    assert overview.select(".chronology-list") == []
    bars = overview.select("figure.timeline svg a")
    assert len(bars) == 12 and bars[0]["aria-label"].startswith("January 1958: ")
    assert bars[0]["href"] == "1958/01/index.html#year-1958-01"
    total = 0
    for month in range(1, 13):
        page = parse_html(year_site / f"chronology/1958/{month:02d}/index.html")
        items = page.select(".chronology-list li time")
        assert all(t["datetime"].startswith(f"1958-{month:02d}") for t in items)
        assert page.select_one(".document-kicker a[href='../index.html']") is not None
        total += len(items)
    assert total == 1_000
    year = parse_html(year_site / "chronology/1958/index.html")
    assert len(year.select(".month-list a")) == 12


def test_collections_lead_to_their_own_pages(year_site: Path) -> None:
    overview = parse_html(year_site / "collections/index.html")
    entries = overview.select(".topic-index li")
    assert [li["id"] for li in entries] == ["central-files", "conference-files", "presidential-papers"]
    listed = 0
    for li in entries:
        first = year_site / "collections" / li.select_one("a")["href"]
        pages = pages_of_list(first)
        listed += sum(len(parse_html(p).select(".document-list li")) for p in pages)
        assert parse_html(first).select_one("h1").get_text(" ", strip=True).startswith(li.select_one("a").get_text())
    assert listed == 1_000


def test_the_glossary_lists_the_first_documents_and_links_to_all(year_site: Path) -> None:
    glossary = parse_html(year_site / "terms/index.html")
    assert [a.get_text() for a in glossary.select(".letter-nav a")] == ["C", "J", "N", "S", "U"]
    nato = glossary.select_one("#term-nato").find_next_sibling("dd")
    more = nato.select_one("a.more-link")
    count = int(re.search(r"\d+", more.get_text()).group())
    assert len(nato.select(".term-documents a:not(.more-link)")) == 12
    first = year_site / "terms" / more["href"]
    pages = pages_of_list(first)
    assert sum(len(parse_html(p).select(".document-list li")) for p in pages) == count


def test_the_apparatus_overview_leads_to_a_page_per_type(year_site: Path) -> None:
    overview = parse_html(year_site / "apparatus/index.html")
    assert overview.select(".intervention-table:not(.found-names-table)") == []
    links = overview.select(".letter-nav a")
    assert links
    for link in links:
        count = int(re.search(r"\((\d+)\)", link.get_text()).group(1))
        first = year_site / "apparatus" / link["href"]
        pages = pages_of_list(first)
        assert sum(len(parse_html(p).select(".intervention-table tbody tr")) for p in pages) == count


def test_no_page_of_the_year_is_over_a_quarter_of_a_mib(year_site: Path) -> None:
    assert largest_pages(year_site, 1)[0][0] < MIB / 4, largest_pages(year_site)


def test_no_page_of_ten_thousand_documents_is_over_1_mib(tmp_path: Path) -> None:
    write_corpus(tmp_path / "edition", 10_000)
    (tmp_path / "edition" / "site.yml").write_text("title: Ten thousand\nsearch:\n  enabled: false\n", encoding="utf-8")
    result = build(tmp_path / "edition", BuildOptions(tmp_path / "site"))
    assert result.documents == 10_000
    largest = largest_pages(tmp_path / "site")
    assert largest[0][0] <= MIB, largest
    # The home list's 50 pages: each pager links the first, the last and its neighbours, and the next page leads on.
    site = tmp_path / "site"
    middle = parse_html(site / "list/25/index.html")
    assert [li.get_text(strip=True) for li in middle.select(".list-pager li:not(.list-pager-step)")] == ["1", "…", *map(str, range(23, 28)), "…", "50"]
    assert middle.select_one(".list-pager [aria-current=page]").get_text() == "25"
    assert [a["href"] for a in parse_html(site / "index.html").select(".list-pager a:not([rel])")][-1] == "list/50/index.html"
    pages = pages_of_list(site / "index.html")
    assert len(pages) == 50 and pages[-1] == (site / "list/50/index.html").resolve()
    assert sum(len(parse_html(page).select("#document-list li")) for page in pages) == 10_000


@pytest.mark.checkers
def test_every_kind_of_list_page_is_valid_html(year_site: Path) -> None:
    from tests.support.checkers import nu_check

    kinds = [
        "index.html",
        "list/2/index.html",
        "chronology/index.html",
        "chronology/1958/index.html",
        "chronology/1958/03/index.html",
        "collections/index.html",
        "collections/central-files/index.html",
        "collections/central-files/2/index.html",
        "terms/index.html",
        "terms/nato/index.html",
        "apparatus/index.html",
        "apparatus/sic/index.html",
        "correspondence/index.html",
    ]
    assert [str(e) for e in nu_check([year_site / kind for kind in kinds])] == []


def test_a_long_glossary_has_a_page_per_letter(tmp_path: Path) -> None:
    from tests.conftest import document, write_files

    names = [f"{letter}{n:03d}" for letter in "ABC" for n in range(110)]
    terms = "".join(f"- id: t-{name.lower()}\n  term: {name}\n  expansion: Term {name}\n" for name in names)
    root = write_files(
        tmp_path / "edition",
        {
            "site.yml": "title: T\nsearch:\n  enabled: false\n",
            "content/terms.yml": terms,
            "content/documents/a.md": document("Uses B005", body="The B005 was there."),
        },
    )
    build(root, BuildOptions(tmp_path / "site"))
    index = parse_html(tmp_path / "site" / "terms/index.html")
    assert index.select(".glossary") == []
    assert [a["href"] for a in index.select(".letter-nav a")] == [f"letter-{n}/index.html" for n in (1, 2, 3)]
    entry = index.select_one("#term-t-b005 a")
    assert entry["href"] == "letter-2/index.html#term-t-b005"
    letter = parse_html(tmp_path / "site" / "terms/letter-2/index.html")
    assert len(letter.select(".glossary dt")) == 110 and letter.select_one("h1").get_text() == "Abbreviations and terms: B"
    assert letter.select_one("#term-t-b005 ~ dd .term-documents a").get_text() == "Uses B005"
    assert letter.select_one(".letter-nav a[aria-current=page]").get_text() == "B"


def test_person_pages_are_grouped_by_year_and_split_by_year_when_long(tmp_path: Path) -> None:
    from tests.conftest import MINIMAL_PERSONS, document, write_files

    files = {"site.yml": "title: T\nsearch:\n  enabled: false\n", "content/persons.yml": MINIMAL_PERSONS}
    for n in range(520):
        recipients = "[roy-recipient]" if n % 51 == 0 else "[]"
        files[f"content/documents/d{n:03d}.md"] = document(
            f"Letter {n}", f"{1957 + n % 2}-0{1 + n % 9}-1{n % 10}", number=f"'{n + 1}'", authors="[ann-author]", recipients=recipients
        )
    build(write_files(tmp_path / "edition", files), BuildOptions(tmp_path / "site"))
    site = tmp_path / "site"
    roy = parse_html(site / "persons/roy-recipient/index.html")
    assert [h.get_text() for h in roy.select(".role-recipient h4")] == ["1957", "1958"]
    assert [a["href"] for a in roy.select(".role-recipient .year-nav a")] == ["#recipient-1957", "#recipient-1958"]
    assert roy.select_one(".role-recipient .document-item-title a").get_text() == "1. Letter 0"
    ann = parse_html(site / "persons/ann-author/index.html")
    assert ann.select(".document-list") == []
    years = {a.get_text(): a["href"] for a in ann.select(".month-nav a")}
    assert years == {"1957": "1957/index.html", "1958": "1958/index.html"}
    year = parse_html(site / "persons/ann-author/1957/index.html")
    assert year.select_one("h1").get_text() == "Ann Author, 1957"
    dates = [t["datetime"] for t in year.select(".role-author .document-item time")]
    assert len(dates) == 260 and all(d.startswith("1957") for d in dates)


def test_a_register_of_over_1000_entries_has_a_page_per_letter(tmp_path: Path) -> None:
    from tests.conftest import document, write_files

    persons = "".join(f"- id: p{n}\n  name: {'ABC'[n % 3]}name{n}\n" for n in range(1_050))
    root = write_files(
        tmp_path / "edition",
        {
            "site.yml": "title: T\nsearch:\n  enabled: false\n",
            "content/persons.yml": persons,
            "content/documents/a.md": document("One", authors="[p1]"),
        },
    )
    build(root, BuildOptions(tmp_path / "site"))
    index = parse_html(tmp_path / "site" / "persons/index.html")
    assert index.select(".register-list") == []
    assert [a["href"] for a in index.select(".letter-nav a")] == [f"letter-{n}/index.html" for n in (1, 2, 3)]
    listed = []
    for n, letter in enumerate("ABC", start=1):
        page = parse_html(tmp_path / "site" / f"persons/letter-{n}/index.html")
        assert page.select_one("h1").get_text() == f"Persons: {letter}" and page.select_one(f"#letter-{n}") is not None
        listed += [a["href"] for a in page.select(".register-list a")]
    assert len(listed) == len(set(listed)) == 1_050
    assert "../p1/index.html" in listed
