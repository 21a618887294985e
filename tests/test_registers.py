"""Registers: names in the text, explicit and automatic links, person and place pages, the glossary, the data files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.annotate import annotate_text
from generator.bench_registers import run as run_benchmark
from generator.build import BuildOptions, build
from generator.config import RegistersConfig, SiteConfig
from generator.content import read_edition
from generator.diagnostics import Diagnostics, Location
from generator.markup import create_parser
from generator.model import Person, Term
from generator.registers import NameMatcher, build_matcher, find_near_misses
from tests.conftest import document, parse_html
from tests.test_cli import run
from tests.test_fidelity import diplomatic_text, segment

DOC = "documents/1951-10-18-mao-to-filippov/index.html"

PERSONS = """\
- id: stalin
  name: Joseph Stalin
  sort_name: Stalin, Joseph
  aliases: [Stalin, Cde. Stalin, Filippov]
  dates: 1878–1953
  description: Leader of the Soviet Union.
  authority: {wikidata: Q855, viaf: '101787139', gnd: '118642499', local: X-1}
- id: mao-zedong
  name: Mao Zedong
  description: Chairman of the Chinese Communist Party.
- id: kim-il-sung
  name: Kim Il Sung
  description: Leader of North Korea.
- id: kim-tu-bong
  name: Kim Tu Bong
  aliases: [Kim]
- id: li-kenong
  name: Li Kenong
  description: Chinese vice-minister of foreign affairs.
"""
PLACES = """\
- id: hamonten
  name: Hamonten
  modern_name: Panmunjom
  description: Village where the talks resumed.
  authority: {geonames: '1838716'}
"""
TERMS = """\
- id: cde
  term: Cde.
  aliases: [Cde]
  expansion: Comrade
  description: Form of address.
- id: cc
  term: CC
  expansion: Central Committee
"""


def make(make_edition, documents: dict[str, str], site: str = "title: T\n", persons: str = PERSONS) -> Path:
    files = {f"content/documents/{name}.md": text for name, text in documents.items()}
    return make_edition({**files, "content/places.yml": PLACES, "content/terms.yml": TERMS}, site=site, persons=persons)


def built(root: Path, out: Path, *, errors: bool = False) -> list[str]:
    result = build(root, BuildOptions(out))
    assert bool(result.diagnostics.errors) == errors, [d.format() for d in result.diagnostics.errors]
    return [d.format() for d in result.diagnostics.sorted()]


def mentions(page: Path) -> list[tuple[str, str]]:
    return [(a.get_text(), a["data-entry"]) for a in parse_html(page).select("#transcript-text a.mention")]


# --------------------------------------------------------------------------- the sample edition


def test_sample_cover_names_lead_to_one_person_page(sample_site: Path) -> None:
    soup = parse_html(sample_site / DOC)
    links = [(a.get_text(), a["href"]) for a in soup.select("#transcript-text a.mention-person")]
    # The sample links every mention (registers.link: all): each name of Stalin leads to his page.
    assert sorted({text for text, href in links if href == "../../persons/stalin/index.html"}) == ["Cde Stalin", "FILIPPOV", "Stalin"]
    assert sorted({text for text, href in links if href == "../../persons/li-kenong/index.html"}) == ["Le Kenong", "Li Kenong"]
    (stalin,) = [p for p in json.loads((sample_site / "persons.json").read_text()) if p["id"] == "stalin"]
    assert stalin["documents"][0]["surfaces"] == {"Cde Stalin": 1, "FILIPPOV": 2, "Stalin": 1}
    (li,) = [p for p in json.loads((sample_site / "persons.json").read_text()) if p["id"] == "li-kenong"]
    assert li["documents"][0]["surfaces"] == {"Le Kenong": 1, "Li Kenong": 1}

    page = parse_html(sample_site / "persons/stalin/index.html")
    groups = {g.h3["id"]: [a.get_text() for a in g.select(".document-item-title a")] for g in page.select(".role-group")}
    assert list(groups) == ["role-recipient", "role-mentioned"]
    # The editorial note names Stalin too, as the man Mao forwarded the telegram to.
    assert [title[:22] for title in groups["role-recipient"]] == ["Cable from Mao Zedong "]
    assert [title[:22] for title in groups["role-mentioned"]] == ["Cable from Mao Zedong ", "Editorial Note: The Li"]
    spellings = page.select_one(".entry-spellings").get_text()
    assert "FILIPPOV" in spellings and "Cde Stalin" in spellings
    (row,) = page.select(".correspondents tbody tr")
    assert [c.get_text() for c in row.select("th, td")] == ["Mao Zedong", "0", "1"]
    assert page.select_one("a.authority-link")["href"] == "https://www.wikidata.org/wiki/Q855"


def test_sample_mentions_have_tooltips_described_by_the_side_panel(sample_site: Path) -> None:
    soup = parse_html(sample_site / DOC)
    links = soup.select("#transcript-text a.mention")
    assert links
    for link in links:
        assert link["data-tooltip"]
        described = soup.select_one(f"#{link['aria-describedby']}")
        assert described is not None and described.find_parent("aside"), link
    terms = {term.get_text(): term["data-tooltip"] for term in soup.select("#transcript-text a.mention-term")}
    assert terms["Cde."].startswith("Cde.: Comrade")
    headings = [h.get_text() for h in soup.select("aside h3")]
    assert headings == ["Persons", "Organisations", "Places", "Abbreviations and terms"]


# --------------------------------------------------------------------------- matching


def test_longest_match_wins_and_names_match_whole_words_only(make_edition, tmp_path: Path) -> None:
    body = "Kim Il Sung met Kim. Stalingrad is not Stalin, and Cde. Stalin is one name; so is `Stalin` in code."
    root = make(make_edition, {"a": document(body=body)}, site="title: T\nregisters: {link: all}\n")
    built(root, tmp_path / "out")
    assert mentions(tmp_path / "out/documents/a/index.html") == [
        ("Kim Il Sung", "person:kim-il-sung"),
        ("Kim", "person:kim-tu-bong"),
        ("Stalin", "person:stalin"),
        ("Cde. Stalin", "person:stalin"),
    ]


def test_names_inside_links_code_and_images_are_left_alone(make_edition, tmp_path: Path) -> None:
    body = "See [Stalin's works](https://example.org/stalin) and ![Stalin](x.png) and\n\n```\nStalin\n```\n"
    root = make(make_edition, {"a": document(body=body)})
    built(root, tmp_path / "out")
    soup = parse_html(tmp_path / "out/documents/a/index.html")
    assert soup.select("#transcript-text .mention") == []
    assert soup.select_one("#transcript-text a[href^=https]").get_text() == "Stalin's works"


def test_names_match_case_sensitively_unless_configured(make_edition, tmp_path: Path) -> None:
    body = "STALIN and stalin and Stalin."
    root = make(make_edition, {"a": document(body=body)}, site="title: T\nregisters: {link: all}\n")
    built(root, tmp_path / "strict")
    assert mentions(tmp_path / "strict/documents/a/index.html") == [("Stalin", "person:stalin")]
    (root / "site.yml").write_text("title: T\nregisters: {link: all, case_sensitive: false}\n")
    built(root, tmp_path / "loose")
    assert [s for s, _ in mentions(tmp_path / "loose/documents/a/index.html")] == ["STALIN", "stalin", "Stalin"]


@pytest.mark.parametrize(("mode", "linked"), [("first", ["Stalin"]), ("all", ["Stalin", "Filippov", "Stalin"]), ("none", [])])
def test_link_modes_link_first_all_or_none_and_count_every_mention(make_edition, tmp_path: Path, mode: str, linked: list[str]) -> None:
    body = "Stalin wrote.\n\nFilippov answered, and Stalin again."
    root = make(make_edition, {"a": document(body=body)}, site=f"title: T\nregisters: {{link: {mode}}}\n")
    built(root, tmp_path / "out")
    assert [s for s, _ in mentions(tmp_path / "out/documents/a/index.html")] == linked
    (stalin,) = [p for p in json.loads((tmp_path / "out/persons.json").read_text()) if p["id"] == "stalin"]
    assert stalin["documents"][0]["mentions"] == 3
    assert stalin["documents"][0]["surfaces"] == {"Filippov": 1, "Stalin": 2}


def test_explicit_links_are_always_linked_and_count_as_the_first_mention(make_edition, tmp_path: Path) -> None:
    body = "The cable to [the boss](person:stalin) at [Hamonten](place:hamonten); Stalin read it."
    root = make(make_edition, {"a": document(body=body)})
    built(root, tmp_path / "out")
    assert mentions(tmp_path / "out/documents/a/index.html") == [("the boss", "person:stalin"), ("Hamonten", "place:hamonten")]
    place = parse_html(tmp_path / "out/places/hamonten/index.html")
    assert place.select_one("a.authority-link")["href"] == "https://www.geonames.org/1838716"


def test_unknown_ids_in_links_are_errors_with_position_and_suggestion(make_edition, tmp_path: Path) -> None:
    body = "First line.\n\nTo [Filippov](person:stallin) and [x](place:hamontn)."
    root = make(make_edition, {"a": document(body=body)})
    result = run("check", str(root))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "content/documents/a.md:7:15: error: 'stallin' in the link 'person:stallin' is not in content/persons.yml; did you mean 'stalin'?" in lines
    assert any(line.startswith("content/documents/a.md:7:39: error: 'hamontn'") and "did you mean 'hamonten'?" in line for line in lines)


def test_a_misspelt_register_in_a_link_is_a_warning(make_edition, tmp_path: Path) -> None:
    body = "See [the text](https://example.org/Stalin) of Stalin and [Stalin](persons:stalin)."
    root = make(make_edition, {"a": document(body=body)}, site="title: T\nregisters: {link: all}\n")
    messages = built(root, tmp_path / "out")
    assert messages == [
        "content/documents/a.md:5:58: warning: the link target 'persons:stalin' is not allowed, so the link is dropped "
        "and only its text is kept; did you mean 'person:stalin'?\n"
        "    hint: link to http:, https:, mailto:, person:, org:, place:, term: or doc:, a relative path or a #fragment"
    ]
    # The dropped link's text is plain text again, where the name is found like any other.
    assert mentions(tmp_path / "out/documents/a/index.html") == [("Stalin", "person:stalin"), ("Stalin", "person:stalin")]


def test_a_name_shared_by_two_entries_is_a_warning_and_never_linked(make_edition, tmp_path: Path) -> None:
    persons = PERSONS + "- id: kim-chaek\n  name: Kim Chaek\n  aliases: [Kim]\n"
    root = make(make_edition, {"a": document(body="Kim met Kim Chaek.")}, persons=persons, site="title: T\nregisters: {link: all}\n")
    messages = built(root, tmp_path / "out")
    (warning,) = [m for m in messages if "ambiguous" in m or "'Kim' is a name of" in m]
    assert warning.startswith("content/persons.yml:20:3: warning: 'Kim' is a name of person 'kim-tu-bong'")
    assert "person 'kim-chaek'" in warning
    assert mentions(tmp_path / "out/documents/a/index.html") == [("Kim Chaek", "person:kim-chaek")]


def test_near_misses_are_warned_unless_registered_as_aliases(make_edition, tmp_path: Path) -> None:
    body = "Copy to Cde. Le Kenong and to Li Kenong."
    root = make(make_edition, {"a": document(body=body)})
    result = run("check", str(root))
    assert result.returncode == 0
    assert (
        "content/documents/a.md:5:14: warning: 'Le Kenong' is not a registered name but is close to 'Li Kenong' (person 'li-kenong')"
    ) in result.stderr.splitlines()
    persons = PERSONS.replace("  description: Chinese vice", "  aliases: [Le Kenong]\n  description: Chinese vice")
    root = make(make_edition, {"a": document(body=body)}, persons=persons)
    assert "close to" not in run("check", str(root)).stderr


def test_the_same_near_miss_is_one_line_with_its_count_and_first_place(make_edition, tmp_path: Path) -> None:
    # The build looks the same words up once; every place they stand is counted, names beside them or not,
    # possessive or not, in one line at the first place with a hint that names registers.not_names.
    root = make(
        make_edition,
        {"b": document(body="Le Kenong came.\n\nLe Kenong's again."), "a": document(body="Then Le Kenong came."), "c": document(body="Stalin Le Kenong met.")},
    )
    assert built(root, tmp_path / "out") == [
        "content/documents/a.md:5:6: warning: 'Le Kenong' (4 times) is not a registered name but is close to 'Li Kenong' (person 'li-kenong')\n"
        "    hint: if it is the same person, add 'Le Kenong' to the aliases of 'li-kenong' in content/persons.yml; "
        "if it is never a name, add it to registers.not_names in site.yml"
    ]


def test_a_registered_name_in_another_case_is_a_near_miss_when_matching_is_case_sensitive(make_edition, tmp_path: Path) -> None:
    root = make(make_edition, {"a": document(body="From MAO ZEDONG to Kim. MAO ZEDONG again.")})
    messages = built(root, tmp_path / "out")
    assert [m.split("\n")[0] for m in messages] == [
        "content/documents/a.md:5:6: warning: 'MAO ZEDONG' (2 times) is not a registered name but is close to 'Mao Zedong' (person 'mao-zedong')"
    ]
    (root / "site.yml").write_text("title: T\nregisters: {case_sensitive: false}\n")
    assert built(root, tmp_path / "loose") == []


NEAR_MISS_MATCHER = NameMatcher(
    {
        "person": [
            Person(id="li-kenong", name="Li Kenong", location=Location("p.yml"), aliases=("Cde. Li",)),
            Person(id="tarnilin", name="Zeren Tarnilin", location=Location("p.yml")),
        ]
    }
)


@given(st.text(alphabet="LiKenongZrTal '\t.,0_-\n", max_size=60))
def test_an_ascii_text_has_the_near_misses_it_has_with_other_characters_after_it(text: str) -> None:
    # An ASCII text is scanned with a faster pattern of its own: it finds what the general one finds.
    def near_misses(text: str) -> list[tuple[int, str, str]]:
        return [(start, words, near.id) for start, words, near in find_near_misses(text, NEAR_MISS_MATCHER, NEAR_MISS_MATCHER.find(text))]

    assert text.isascii() and not (text + " é").isascii()
    assert near_misses(text) == near_misses(text + " é")


def test_near_misses_in_ascii_and_other_texts() -> None:
    assert [words for _, words, _ in find_near_misses("Le Kenong met Zeren Tarnelin.", NEAR_MISS_MATCHER, [])] == ["Le Kenong", "Zeren Tarnelin"]
    assert [words for _, words, _ in find_near_misses("Lé Kenong met Zeren Tarnelin.", NEAR_MISS_MATCHER, [])] == ["Lé Kenong", "Zeren Tarnelin"]
    assert find_near_misses("O'Le Kenong and x_Le Kenong", NEAR_MISS_MATCHER, []) == find_near_misses("O'Le Kenong and x_Le Kenong é", NEAR_MISS_MATCHER, [])


def test_mentions_know_their_line_and_column_in_the_file(make_edition, tmp_path: Path) -> None:
    body = "Intro *Stalin*.\n\n> Quoted: Cde. Stalin and\n> [Filippov](person:stalin).\n\n- item `Stalin` Hamonten\n"
    root = make(make_edition, {"a": document(body=body)}, site="title: T\nregisters: {link: all}\n")
    edition = read_edition(root, Diagnostics())
    assert edition is not None
    matcher, _ = build_matcher(edition)
    text, problems = annotate_text(body, md=create_parser(edition.config), config=edition.config, path="a.md", first_line=5, env_extra={"registers": matcher})
    assert problems == []
    assert [(m.surface, m.kind, m.id, m.line, m.col, m.explicit) for m in text.mentions] == [
        ("Stalin", "person", "stalin", 5, 8, False),
        ("Cde. Stalin", "person", "stalin", 7, 11, False),
        ("Filippov", "person", "stalin", 8, 14, True),  # an explicit link is placed at its id
        ("Hamonten", "place", "hamonten", 10, 17, False),
    ]


# --------------------------------------------------------------------------- pages and data


def test_text_mentions_count_as_mentioned_and_pages_group_by_role(make_edition, tmp_path: Path) -> None:
    root = make(
        make_edition,
        {
            "a": document("To Stalin", "1951-01-01", body="Dear Stalin.", authors="[mao-zedong]", recipients="[stalin]"),
            "b": document("To Mao", "1951-02-01", body="Cde. Mao Zedong.", authors="[stalin]", recipients="[mao-zedong]"),
            "c": document("To Mao again", "1951-03-01", body="Nothing.", authors="[stalin]", recipients="[mao-zedong]"),
            "d": document("About Li", "1951-04-01", body="Li Kenong and Stalin."),
        },
    )
    built(root, tmp_path / "out")
    page = parse_html(tmp_path / "out/persons/stalin/index.html")
    groups = {g.h3["id"]: [a.get_text() for a in g.select(".document-item-title a")] for g in page.select(".role-group")}
    assert groups == {"role-author": ["To Mao", "To Mao again"], "role-recipient": ["To Stalin"], "role-mentioned": ["To Stalin", "About Li"]}
    (row,) = page.select(".correspondents tbody tr")
    assert [c.get_text() for c in row.select("th, td")] == ["Mao Zedong", "2", "1"]
    mao = parse_html(tmp_path / "out/persons/mao-zedong/index.html")
    assert [c.get_text() for c in mao.select(".correspondents tbody tr")[0].select("th, td")] == ["Joseph Stalin", "1", "2"]
    authority = [a["href"] for a in page.select("a.authority-link")]
    assert authority == ["https://d-nb.info/gnd/118642499", "https://viaf.org/viaf/101787139", "https://www.wikidata.org/wiki/Q855"]
    assert "local: X-1" in page.select_one(".authority-list").get_text()

    aside = parse_html(tmp_path / "out/documents/d/index.html").select_one("aside")
    assert [a.get_text() for a in aside.select(".entity-list-person > li > a")] == ["Li Kenong", "Joseph Stalin"]
    index = parse_html(tmp_path / "out/persons/index.html")
    counts = {li.a.get_text(): li.select_one(".entry-count").get_text() for li in index.select(".register-list li")}
    assert counts["Stalin, Joseph"] == "4 documents" and counts["Kim Tu Bong"] == "0 documents"


def test_glossary_lists_terms_with_the_documents_that_use_them(make_edition, tmp_path: Path) -> None:
    root = make(make_edition, {"a": document("Minutes", body="The CC met. Cde Li Kenong spoke.")})
    built(root, tmp_path / "out")
    glossary = parse_html(tmp_path / "out/terms/index.html")
    assert [dt["id"] for dt in glossary.select("dt")] == ["term-cc", "term-cde"]
    assert [a.get_text() for a in glossary.select("#term-cde + dd .term-documents a")] == ["Minutes"]
    home = parse_html(tmp_path / "out/index.html")
    assert home.select_one(".site-nav a[href='terms/index.html']").get_text() == "Glossary"
    soup = parse_html(tmp_path / "out/documents/a/index.html")
    first = soup.select_one("#transcript-text a.mention-term")
    assert first["href"] == "../../terms/index.html#term-cc" and first["data-tooltip"] == "CC: Central Committee"


def test_registers_are_written_as_sorted_data(make_edition, tmp_path: Path) -> None:
    root = make(make_edition, {"a": document("A", body="At Hamonten.", recipients="[stalin]")})
    built(root, tmp_path / "out")
    persons = json.loads((tmp_path / "out/persons.json").read_text())
    assert [p["id"] for p in persons] == ["kim-il-sung", "kim-tu-bong", "li-kenong", "mao-zedong", "stalin"]
    (stalin,) = [p for p in persons if p["id"] == "stalin"]
    assert stalin["documents"] == [
        {"id": "a", "title": "A", "date": "1951-10-18", "roles": ["recipient"], "mentions": 0, "surfaces": {}, "url": "documents/a/index.html"}
    ]
    (place,) = json.loads((tmp_path / "out/places.json").read_text())
    assert place["modern_name"] == "Panmunjom" and place["documents"][0]["surfaces"] == {"Hamonten": 1}
    text = (tmp_path / "out/places.json").read_text()
    lines = text.split("\n")
    assert lines[0] == "[" and lines[-2:] == ["]", ""]
    for line in lines[1:-2]:  # one entry to a line, its keys sorted
        entry = json.loads(line.removesuffix(","))
        assert list(entry) == sorted(entry)


def test_benchmark_finds_every_name_it_puts_into_the_texts() -> None:
    result = run_benchmark(persons=300, documents=20, words=200)
    assert result.names == 900  # each person: name, surname, cover name
    assert result.found == result.inserted == 20 * 10


# --------------------------------------------------------------------------- properties

PROPERTY_SITE = SiteConfig(title="T", registers=RegistersConfig(link="all"))
PROPERTY_MATCHER = NameMatcher(
    {
        "person": [
            Person(id="stalin", name="Joseph Stalin", location=Location("p.yml"), aliases=("Stalin", "Cde. Stalin")),
            Person(id="kim-il-sung", name="Kim Il Sung", location=Location("p.yml"), description="Leader."),
        ],
        "term": [Term(id="cde", name="Cde.", location=Location("t.yml"), aliases=("Cde",), expansion="Comrade")],
    }
)
names = st.sampled_from(
    [
        "Stalin",
        "Cde. Stalin",
        "Cde",
        "Cde.",
        "Kim Il Sung",
        "Kim",
        "Stalingrad",
        "[Filippov](person:stalin)",
        "&amp;",
        "&eacute;Stalin",
        "\\*Stalin\\*",
        "Stalin\n",
    ]
)


@given(st.lists(st.one_of(names, segment), min_size=1, max_size=12).map(lambda parts: " ".join(p if isinstance(p, str) else p[0] for p in parts)))
def test_linking_names_never_changes_the_text(body: str) -> None:
    md = create_parser(PROPERTY_SITE)
    plain, _ = annotate_text(body, md=md, config=PROPERTY_SITE, path="doc.md", first_line=1)
    linked, _ = annotate_text(body, md=md, config=PROPERTY_SITE, path="doc.md", first_line=1, env_extra={"registers": PROPERTY_MATCHER})
    assert diplomatic_text(linked.html) == diplomatic_text(plain.html)
    lines = body.split("\n")
    for mention in linked.mentions:  # every mention points at its words in the source
        if not mention.explicit:
            assert lines[mention.line - 1][mention.col - 1 :].startswith(mention.surface), mention


def test_a_name_after_escaped_brackets_is_located_where_it_stands() -> None:
    # Found by the property above: the escaped words also stood, unescaped, further on in a code span.
    for body in ("\\[ \\[ `[` Stalin `[ [ [`", "Stalin \\[ `[` Stalin [ Stalin"):
        linked, _ = annotate_text(
            body, md=create_parser(PROPERTY_SITE), config=PROPERTY_SITE, path="doc.md", first_line=1, env_extra={"registers": PROPERTY_MATCHER}
        )
        assert [body[m.col - 1 :].startswith("Stalin") for m in linked.mentions] == [True] * body.count("Stalin")
