"""Names in real text: whole tokens, possessives and plurals, near misses worth reading, the review of what was found."""

from __future__ import annotations

import json
from pathlib import Path

from generator.build import BuildOptions, build
from tests.conftest import document, parse_html
from tests.test_cli import run

PERSONS = """\
- id: khrushchev
  name: Nikita S. Khrushchev
  aliases: [Khrushchev]
- id: dulles
  name: John Foster Dulles
  aliases: [Dulles]
- id: joy
  name: C. Turner Joy
  aliases: [Joy, L. Joy]
- id: pride
  name: Pride
- id: chase
  name: Chase
- id: marshall
  name: George C. Marshall
  aliases: [Marshall]
- id: tung
  name: Colonel Tung
"""
ONE_LETTER_TERM = """\
- id: u
  term: U
  expansion: Office of the Under Secretary
"""
TERMS = """\
- id: us
  term: U.S.
  expansion: United States
- id: sr
  term: S.R.
  expansion: Socialist Republic
- id: deptel
  term: Deptel
  expansion: Department telegram
- id: dispatch
  term: Dispatch
  expansion: A despatch
- id: sea
  term: SEA
  expansion: Southeast Asia
- id: tim
  term: TIM
  expansion: Technical information memorandum
"""


def edition(make_edition, body: str, *, site: str = "title: T\nregisters: {link: all}\n", terms: str = TERMS) -> Path:
    return make_edition({"content/documents/a.md": document(body=body), "content/terms.yml": terms}, site=site, persons=PERSONS)


def built(root: Path, out: Path) -> list[str]:
    result = build(root, BuildOptions(out))
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    return [d.format() for d in result.diagnostics.sorted()]


def links(page: Path) -> list[tuple[str, str]]:
    return [(a.get_text(), a["data-entry"]) for a in parse_html(page).select("#transcript-text a.mention")]


def test_names_never_start_or_end_inside_a_dotted_abbreviation_or_initials(make_edition, tmp_path: Path) -> None:
    root = edition(make_edition, "The U.S. and the U.S.S.R. met G.L. Joy, U and [U](term:u) in the U.N.", terms=ONE_LETTER_TERM + TERMS)
    messages = built(root, tmp_path / "out")
    assert links(tmp_path / "out/documents/a/index.html") == [("U.S.", "term:us"), ("Joy", "person:joy"), ("U", "term:u")]
    assert messages == [
        "content/terms.yml:1:3: warning: 'U' of term 'u' has one letter: it is linked only where the text links it explicitly\n"
        "    hint: where the text means this term, link it explicitly, e.g. [U](term:u)"
    ]


def test_possessives_and_a_terms_plurals_are_mentions_of_the_entry(make_edition, tmp_path: Path) -> None:
    body = "Khrushchev's letter, Dulles' reply, Khrushchev’s note; two Deptels, the Deptel's date, Dispatches. Dulleses, TIMs, TIMES."
    root = edition(make_edition, body)
    assert built(root, tmp_path / "out") == []
    assert links(tmp_path / "out/documents/a/index.html") == [
        ("Khrushchev", "person:khrushchev"),
        ("Dulles", "person:dulles"),
        ("Khrushchev", "person:khrushchev"),
        ("Deptels", "term:deptel"),
        ("Deptel", "term:deptel"),
        ("Dispatches", "term:dispatch"),
        ("TIMs", "term:tim"),
    ]
    persons = {p["id"]: p for p in json.loads((tmp_path / "out/persons.json").read_text())}
    assert [d["mentions"] for d in persons["khrushchev"]["documents"]] == [2]
    assert persons["khrushchev"]["documents"][0]["surfaces"] == {"Khrushchev": 2}


def test_near_misses_leave_ordinary_english_alone_and_count_each_variant_once(make_edition, tmp_path: Path) -> None:
    body = (
        "Prime Minister Macmillan crossed the Sea. Cease fire, said Marshal Malinovsky and Colonel Maung.\n\n"
        "Krushchev spoke; Krushchev's aide too, and the Khrushchevs.\n\nThen Krushchev left."
    )
    root = edition(make_edition, body)
    assert built(root, tmp_path / "out") == [
        "content/documents/a.md:7:1: warning: 'Krushchev' (3 times) is not a registered name but is close to 'Khrushchev' "
        "(person 'khrushchev')\n"
        "    hint: if it is the same person, add 'Krushchev' to the aliases of 'khrushchev' in content/persons.yml; "
        "if it is never a name, add it to registers.not_names in site.yml"
    ]


def test_not_names_are_never_linked_nor_flagged(make_edition, tmp_path: Path) -> None:
    body = "The Marshall Plan and Krushchev; Marshall said so."
    root = edition(make_edition, body, site="title: T\nregisters:\n  link: all\n  not_names: [Marshall Plan, Krushchev]\n")
    assert built(root, tmp_path / "out") == []
    assert links(tmp_path / "out/documents/a/index.html") == [("Marshall", "person:marshall")]


def test_not_names_must_be_a_list_of_texts(make_edition, tmp_path: Path) -> None:
    root = edition(make_edition, "Text.", site="title: T\nregisters:\n  not_names: Krushchev\n")
    result = run("check", str(root))
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        "site.yml:3:3: error: 'registers.not_names': expected a list of words, e.g. [Prime Minister, Chase]",
        "    hint: Words that are never names: never linked automatically, never warned of as near misses.",
    ]


def test_a_long_text_of_many_names_is_matched_whole(make_edition, tmp_path: Path) -> None:
    persons = "- id: ann\n  name: Ann\n- id: bob\n  name: Bob\n"
    repeats = 70_000  # some 0.9 MB in one paragraph
    root = make_edition({"content/documents/a.md": document(body="Ann met Bob. " * repeats)}, persons=persons)
    assert built(root, tmp_path / "out") == []
    persons_data = {p["id"]: p for p in json.loads((tmp_path / "out/persons.json").read_text())}
    assert persons_data["ann"]["documents"][0]["mentions"] == repeats
    assert persons_data["bob"]["documents"][0]["surfaces"] == {"Bob": repeats}


def test_the_apparatus_page_reviews_every_name_found_automatically(make_edition, tmp_path: Path) -> None:
    body = "The U.S. and U.S. again; Joy, Joy and Joy; [Khrushchev](person:khrushchev) and Khrushchev's aide. Deptels."
    root = edition(make_edition, body)
    built(root, tmp_path / "out")
    page = parse_html(tmp_path / "out/apparatus/index.html")
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in page.select(".found-names-table tbody tr")]
    assert rows == [
        ["Joy", "C. Turner Joy person:joy", "3"],
        ["U.S.", "U.S. term:us", "2"],
        ["Deptels", "Deptel term:deptel", "1"],
        ["Khrushchev", "Nikita S. Khrushchev person:khrushchev", "1"],
    ]
    assert page.select_one(".found-names-table a")["href"] == "../persons/joy/index.html"
