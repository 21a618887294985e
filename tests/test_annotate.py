"""The editorial-bracket plugin and the apparatus built from it."""

import pytest
from bs4 import BeautifulSoup

from generator.annotate import AnnotatedText, annotate_text, letter_label
from generator.config import SiteConfig
from generator.markup import create_parser


def annotate(body: str, **config: object) -> tuple[AnnotatedText, list[str]]:
    site = SiteConfig(title="T", **config)
    text, problems = annotate_text(body, md=create_parser(site), config=site, path="doc.md", first_line=10)
    return text, [p.format() for p in problems]


def test_letter_labels_run_past_z() -> None:
    assert [letter_label(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == ["a", "b", "z", "aa", "ab", "az", "ba", "zz", "aaa"]


def test_interventions_are_classified_and_noted_in_order() -> None:
    text, problems = annotate("from [BEIJING] received [Stamp: SUBJECT TO RETURN] and [signature] [word?] [...] [sic] [illegible]")
    assert problems == []
    assert [(n.call, n.type) for n in text.apparatus] == [
        ("a", "supplied"),
        ("b", "stamp"),
        ("c", "physical"),
        ("d", "uncertain"),
        ("e", "omission"),
        ("f", "sic"),
        ("g", "gap"),
    ]
    assert text.apparatus[1].html == "Stamp: SUBJECT TO RETURN"
    assert text.apparatus[0].html == "Supplied by the editor: BEIJING"


def test_calls_and_notes_carry_ids_that_link_both_ways() -> None:
    text, _ = annotate("for [your] information")
    html = BeautifulSoup(text.html, "html.parser")
    call = html.select_one("a.note-call")
    assert call["href"] == "#note-a" and call["id"] == "call-a" and call["role"] == "doc-noteref"
    assert text.apparatus[0].id == "note-a" and text.apparatus[0].call_ids == ("call-a",)


def test_markdown_syntax_is_not_an_intervention() -> None:
    body = "A [link](https://example.org), ![img](x.png), `[code]`, \\[escaped\\], [ref][r] and a note[^1].\n\n[r]: https://example.org\n[^1]: Note.\n"
    text, problems = annotate(body)
    assert problems == [] and text.apparatus == ()
    assert [n.call for n in text.footnotes] == ["1"]


def test_nested_and_multiline_brackets() -> None:
    text, _ = annotate("[Stamp: SUBJECT TO RETURN to the IV Unit [illegible]] and [supplied\nover a line]")
    assert [(n.call, n.type, n.source) for n in text.apparatus] == [
        ("a", "stamp", "Stamp: SUBJECT TO RETURN to the IV Unit [illegible]"),
        ("b", "gap", "illegible"),
        ("c", "supplied", "supplied\nover a line"),
    ]
    assert text.apparatus[0].html == "Stamp: SUBJECT TO RETURN to the IV Unit [illegible]"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("one [open bracket", "doc.md:10:5: warning: '[' has no matching ']'; it is shown as it stands"),
        ("first line\nclose] here", "doc.md:11:6: warning: ']' has no matching '['; it is shown as it stands"),
    ],
)
def test_unbalanced_brackets_warn_at_their_position_and_stay_literal(body: str, expected: str) -> None:
    text, problems = annotate(body)
    assert problems[0].startswith(expected)
    assert BeautifulSoup(text.html, "html.parser").get_text().split() == body.split()


def test_separate_and_single_series() -> None:
    body = "a[^n] b [x] c[^m] d [y]\n\n[^n]: N.\n[^m]: M.\n"
    separate, _ = annotate(body)
    assert [n.call for n in separate.notes] == ["a", "b", "1", "2"]
    from generator.config import ApparatusConfig

    single, _ = annotate(body, apparatus=ApparatusConfig(series="single"))
    assert [(n.call, n.type) for n in single.notes] == [("1", "footnote"), ("2", "supplied"), ("3", "footnote"), ("4", "supplied")]


def test_counts_by_type() -> None:
    text, _ = annotate("[a] [b] [signature]")
    assert text.counts_by_type() == [("supplied", "Supplied text", 2), ("physical", "Physical feature", 1)]


def test_the_blocks_are_the_text_cut_at_its_top_level_blocks() -> None:
    text, _ = annotate("First [para]graph. {#one}\n\n- a list\n- of two\n\nLast paragraph.[^1]\n\n[^1]: A note.\n")
    assert [(block.line, block.anchor) for block in text.blocks] == [(10, "one"), (12, None), (15, None)]
    assert "".join(block.html for block in text.blocks) == text.html
    assert text.blocks[1].html.startswith("<ul>") and text.blocks[2].html.startswith("<p>Last paragraph.")
