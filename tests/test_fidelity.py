"""The diplomatic text keeps every character of the transcript, whatever the body holds.

Bodies are generated together with the text they must show: words, nested and unbalanced
brackets, links, footnotes, emphasis, code spans, escapes and soft line breaks. The rendered
transcript, with note calls removed, must read exactly as the source stripped of its Markdown
syntax. `make fuzz` runs the same properties over many more examples.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from generator.annotate import annotate_text
from generator.config import SiteConfig
from generator.markup import create_parser

SITE = SiteConfig(title="T")
MD = create_parser(SITE)

letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüТФНº'", min_size=1, max_size=8)
word = st.tuples(letters, st.sampled_from(["", "", ",", ".", ";", ":", "?", "!"])).map(lambda t: (t[0] + t[1],) * 2)
escape = st.sampled_from([("\\[", "["), ("\\]", "]"), ("\\*", "*")])
code = st.text(alphabet="abc []*_", min_size=1, max_size=10).filter(lambda s: s.strip() == s).map(lambda s: (f"`{s}`", s))
emphasis = st.tuples(letters, st.sampled_from(["*", "_", "**"])).map(lambda t: (f"{t[1]}{t[0]}{t[1]}", t[0]))
link = letters.map(lambda s: (f"[{s}](https://example.org/{len(s)})", s))
lone_bracket = st.sampled_from([("[", "["), ("]", "]")])


def joined(parts: list[tuple[str, str]], separators: list[str]) -> tuple[str, str]:
    source = "".join(p[0] + s for p, s in zip(parts, separators, strict=False)).strip()
    expected = " ".join(p[1] for p in parts)
    return source, expected


def segments(inner: st.SearchStrategy[tuple[str, str]]) -> st.SearchStrategy[tuple[str, str]]:
    return st.lists(inner, min_size=1, max_size=6).flatmap(
        lambda parts: st.lists(st.sampled_from([" ", " ", "\n"]), min_size=len(parts), max_size=len(parts)).map(lambda seps: joined(parts, seps))
    )


intervention = st.recursive(
    st.one_of(word, code, emphasis),
    lambda inner: segments(st.one_of(word, inner)).map(lambda pair: (f"[{pair[0]}]", f"[{pair[1]}]")),
    max_leaves=6,
)
segment = st.one_of(word, word, intervention, escape, code, emphasis, link, lone_bracket)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[str, str]:
    paragraphs = draw(st.lists(segments(segment), min_size=1, max_size=3))
    footnotes = draw(st.integers(min_value=0, max_value=2))
    source = "\n\n".join(p[0] for p in paragraphs)
    expected = " ".join(p[1] for p in paragraphs)
    for n in range(footnotes):
        source = source.replace("\n\n", f"[^n{n}]\n\n", 1) if "\n\n" in source else source + f"[^n{n}]"
    source += "".join(f"\n\n[^n{n}]: Footnote text {n}." for n in range(footnotes))
    return source, expected


def diplomatic_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for call in soup.select(".note-ref"):
        call.decompose()
    return soup.get_text()


@given(bodies())
def test_diplomatic_text_equals_the_source_without_markdown(pair: tuple[str, str]) -> None:
    source, expected = pair
    text, _ = annotate_text(source, md=MD, config=SITE, path="doc.md", first_line=1)
    assert diplomatic_text(text.html).split() == expected.split()


@given(bodies())
def test_every_call_has_its_note_and_back(pair: tuple[str, str]) -> None:
    text, _ = annotate_text(pair[0], md=MD, config=SITE, path="doc.md", first_line=1)
    soup = BeautifulSoup(text.html, "html.parser")
    calls = [a["href"].removeprefix("#note-") for a in soup.select("a.note-call")]
    assert sorted(set(calls)) == sorted(n.call for n in text.notes)
    assert all(call_id.startswith("call-") for n in text.notes for call_id in n.call_ids)


@given(st.text(alphabet="ab [ ]\n\\`*", max_size=60))
def test_brackets_never_raise_and_warnings_point_into_the_body(body: str) -> None:
    _, problems = annotate_text(body, md=MD, config=SITE, path="doc.md", first_line=1)
    lines = body.split("\n")
    for problem in problems:
        line = lines[problem.location.line - 1]
        assert line[problem.location.col - 1] in "[]"


@given(st.text(alphabet="ab [\n]", max_size=80))
def test_text_of_words_and_brackets_is_kept_exactly(body: str) -> None:
    text, _ = annotate_text(body, md=MD, config=SITE, path="doc.md", first_line=1)
    assert diplomatic_text(text.html).split() == body.split()


@given(st.text(max_size=200))
def test_any_text_never_raises(body: str) -> None:
    annotate_text(body, md=MD, config=SITE, path="doc.md", first_line=1)
